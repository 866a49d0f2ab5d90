"""Where a sentence carries an answer of the asked type: a number, an amount, a date, a name.

``typed_spans`` finds candidate answer phrases of one ``AnswerType`` in a text. Phrases that the
question itself contains do not count: "Wie viele der 14 Kliniken …?" is not answered by a
sentence whose only number is 14. The spans serve twice: as evidence that a sentence answers
(features), and as the answer-bearing phrase the UI marks in bold (``Answer.highlights``).
"""

from __future__ import annotations

import re

from assistant.components.answerer.question import AnswerType, is_stopword

_NUMBER_WORDS = (
    r"eins|eine[mnrs]?|zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|dreizehn|vierzehn|fünfzehn|"
    r"sechzehn|siebzehn|achtzehn|neunzehn|zwanzig|dreißig|vierzig|fünfzig|sechzig|siebzig|achtzig|neunzig|"
    r"hundert|tausend|dutzend|dutzende|hunderte|tausende|beide|beiden|zweimal|dreimal|doppelt|halb|hälfte|"
    # no "kein"/"none": "nenne keine Quellen" counts nothing
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|thirty|forty|fifty|hundred|thousand|"
    r"dozen|both|twice|half"
)
# A figure: "308", "1.200", "37,6", and with spaces between groups of three digits as official
# German texts write them ("300 000 Euro", "12 800 Euro"; DIN 5008), which are one number, not two.
_FIGURE = r"(?:\d{1,3}(?:[ \u00a0\u202f]\d{3})+(?![\d.,]\d)|\d[\d.,']*\d|\d)"
_SCALE = r"(?:\s*(?:mio\.?|mrd\.?|millionen|million|milliarden|milliarde|billionen|tsd\.?|tausend|billion|thousand)(?![\w]))?"
_NUMBER = re.compile(
    rf"(?<![\w]){_FIGURE}(?:\s?(?:%|prozent|percent|‰))?{_SCALE}|(?<![\w])(?:{_NUMBER_WORDS})(?![\w])"
    rf"(?:\s+(?:prozent|percent|millionen|milliarden|million|billion))?",
    re.IGNORECASE,
)
_CURRENCY = r"(?:euro|eur|€|us-dollar|dollar|usd|\$|pfund|£|franken|chf|cent)"
_AMOUNT = re.compile(
    rf"(?:{_CURRENCY}\s?{_FIGURE}{_SCALE})|(?:(?:{_FIGURE}|{_NUMBER_WORDS}){_SCALE}\s?{_CURRENCY}(?![\w]))",
    re.IGNORECASE,
)
_MONTHS = (
    r"januar|februar|märz|april|mai|juni|juli|august|september|oktober|november|dezember|"
    r"january|february|march|may|june|july|october|december|jan\.|feb\.|mär\.|apr\.|jun\.|jul\.|aug\.|sep\.|sept\.|okt\.|nov\.|dez\."
)
_DATE = re.compile(
    rf"(?<![\w])(?:\d{{1,2}}\.\s?(?:\d{{1,2}}\.|(?:{_MONTHS}))\s?(?:\d{{2,4}})?|(?:{_MONTHS})\s+\d{{4}}|"
    rf"\d{{1,2}}\.?\s(?:{_MONTHS})|(?:1[0-9]|20)\d\d(?:\s?[-–/]\s?(?:1[0-9]|20)?\d\d)?(?:er\w*|s)?|"
    rf"(?:\d{{1,2}}\.|\w+ten)\s?jahrhundert\w*|\d0er(?:-?jahre\w*)?|"
    rf"\d{{4}}-\d{{2}}-\d{{2}}|(?:seit|bis|ab|nach|vor)\s+(?:dem\s+)?(?:jahr\s+)?\d{{4}}|"
    rf"\d+(?:st|nd|rd|th)\s+century)(?![\w])",
    re.IGNORECASE,
)
# Organisations and people: acronyms, legal forms, institutional words, titles, and runs of two or
# more capitalised words (German capitalises every noun, but two in a row mostly make a name).
_ORG_WORDS = (
    r"gesellschaft|verband|verbund|institut|ministerium|bundesministerium|behörde|amt|agentur|universität|"
    r"hochschule|klinik\w*|krankenhaus\w*|kasse|kammer|rat|stiftung|zentrum|akademie|vereinigung|bund|land|"
    r"regierung|kommission|ausschuss|gmbh|ag|e\.\s?v\.|ggmbh|kg|institute|ministry|agency|university|"
    r"association|council|commission|committee|foundation|company|corporation|inc\.|ltd\."
)
_WHO = re.compile(
    rf"(?<![\w])(?:[A-ZÄÖÜ][A-ZÄÖÜ0-9]{{1,9}}(?![\w])|(?:dr|prof|herr|frau|mr|mrs|ms)\.?\s+[A-ZÄÖÜ][\w-]+"
    rf"(?:\s+[A-ZÄÖÜ][\w-]+)?|[A-ZÄÖÜ][\w-]+(?:\s+(?:von|van|de|der|du|la|le|al|bin|ibn)?\s*[A-ZÄÖÜ][\w-]+)+|"
    rf"[\w-]*(?:{_ORG_WORDS})(?![\w]))",
)
_PLACE = re.compile(
    r"(?<![\w])(?:in|im|nach|aus|bei|an|auf|at|from|near)\s+(?:der\s+|dem\s+|den\s+|the\s+)?[A-ZÄÖÜ][\w-]+(?:\s+[A-ZÄÖÜ][\w-]+)*"
)
_REASON = re.compile(
    r"(?<![\w])(?:weil|da\s|denn|aufgrund|auf\s+grund|wegen|infolge|dadurch|deshalb|daher|damit|um\s+\w+(?:\s+\w+){0,8}\s+zu"
    r"|zum\s+ziel|mit\s+dem\s+ziel|sodass|so\s+dass|because|due\s+to|since|therefore|so\s+that|in\s+order\s+to|as\s+a\s+result)",
    re.IGNORECASE,
)

# Digits that count nothing: a calendar date, a year after "seit"/"bis", a legal reference ("§ 10
# Abs. 3 Nr. 3", "Seite 12"), a table or figure ("s. Tab. 1"), a list item's own number ("1. die
# Kosten …") and an ordinal. "Wie viele Impfdosen …?" is not answered by "vom 6. November 2020".
_NOT_A_COUNT = re.compile(
    rf"(?<![\w])(?:\d{{1,2}}\.\s?(?:\d{{1,2}}\.|(?:{_MONTHS}))\s?(?:\d{{2,4}})?|(?:{_MONTHS})\s+\d{{4}}|\d{{4}}-\d{{2}}-\d{{2}}|"
    rf"(?:seit|bis|ab|vor|im\s+jahr|in\s+the\s+year|since|until|by)\s+(?:dem\s+)?(?:jahr\s+)?\d{{4}}|"
    rf"(?:§§?|art\.|artikel|abs\.|absatz|nr\.|nummer|ziffer|satz|s\.|seite|kapitel|kap\.|anlage|section|page|p\.|"
    rf"tab\.|tabelle|abb\.|abbildung|fig\.|figure|table)\s*\d+[a-z]?"
    rf"(?:\s*(?:abs\.|absatz|nr\.|satz|s\.)\s*\d+[a-z]?)*)(?![\w])|^\s*\(?\d+[a-z]?[.)]|"
    # an ordinal: "5. Stelle", "1. – 2. Stelle" ("123.016 Fälle" goes on with digits)
    rf"(?<![\w.,])\d{{1,3}}\.(?=\s*(?:[–-]\s*\d{{1,3}}\.\s*)?[^\W\d_])",
    re.IGNORECASE | re.MULTILINE,
)

_PATTERNS: dict[str, re.Pattern[str]] = {
    "amount": _AMOUNT,
    "number": _NUMBER,
    "date": _DATE,
    "who": _WHO,
    "place": _PLACE,
    "reason": _REASON,
}
# Types whose answers these patterns can point at; the rest (definitions, lists, "what") have none.
TYPED: frozenset[str] = frozenset(_PATTERNS)


def typed_spans(text: str, kind: AnswerType, question: str = "") -> list[tuple[int, int]]:
    """Spans of ``text`` that could answer a question of type ``kind``, minus what ``question`` names."""
    pattern = _PATTERNS.get(kind)
    if pattern is None:
        return []
    asked = question.lower()
    spans: list[tuple[int, int]] = []
    no_count = [m.span() for m in _NOT_A_COUNT.finditer(text)] if kind == "number" else []
    matches = list(pattern.finditer(text))
    if kind == "number" and _HOW_OFTEN.search(question):
        matches += list(_FREQUENCY.finditer(text))
    for match in sorted(matches, key=lambda m: m.start()):
        start, end = match.span()
        if any(s <= start and end <= e for s, e in no_count):
            continue
        if kind in ("who", "place"):  # "Der BWKG …": a capitalised article opens no name
            start = _after_function_words(text, start, end)
        phrase = text[start:end].strip()
        if not phrase or _named_in_question(phrase, asked, kind):
            continue
        start += len(text[start:end]) - len(text[start:end].lstrip())
        spans.append((start, start + len(phrase)))
    if kind == "amount" and not spans:
        return []
    return spans


_LEADING = frozenset("laut gemäß zufolge nach seit mit für bei durch gegen ohne über unter according".split())


def _after_function_words(text: str, start: int, end: int) -> int:
    for word in re.finditer(r"\S+", text[start:end]):
        if not is_stopword(word.group(0)) and word.group(0).lower() not in _LEADING:
            return start + word.start()
    return end


def _named_in_question(phrase: str, asked: str, kind: str) -> bool:
    lowered = phrase.lower()
    if kind in ("who", "place"):
        # A name is new information only if one of its words is not in the question.
        words = [w for w in re.findall(r"[^\W_]+", lowered) if len(w) > 2 and w not in ("der", "dem", "den", "von", "the")]
        return not words or all(w in asked for w in words)
    return lowered in asked


# A length of time counts no things: "How many tests per week …?" is not answered by "eine Dauer von
# 0 Tagen", unless the question counts time itself ("Wie viele Jahre …", "how many weeks").
_TIME_UNITS = r"(?:sekunden|minuten|stunden|tage[n]?|wochen|monate[n]?|jahre[n]?|jahrzehnte[n]?|seconds?|minutes?|hours?|days?|weeks?|months?|years?|decades?)"
_DURATION = re.compile(rf"(?<![\w.,])\d+(?:[.,]\d+)?\s*{_TIME_UNITS}(?![\w])", re.IGNORECASE)
_COUNTS_TIME = re.compile(rf"\b(?:wie\s+viele|how\s+many)\s+(?:[\w-]+\s+)?{_TIME_UNITS}\b", re.IGNORECASE)

# "Wie oft …?" is answered by a frequency as much as by a number: "jährlich", "alle zwei Jahre".
_HOW_OFTEN = re.compile(
    r"\b(?:wie\s+oft|wie\s+häufig|in\s+welche[mn]\s+(?:rhythmus|turnus|abstand|intervall)|how\s+often|how\s+frequently)\b",
    re.IGNORECASE,
)
_FREQUENCY = re.compile(
    r"(?<![\w])(?:(?:halb|viertel)?jährlich|monatlich|wöchentlich|täglich|stündlich|quartalsweise|regelmäßig|"
    r"gelegentlich|selten|ständig|fortlaufend|kontinuierlich|regularly|occasionally|rarely|continuously|"
    r"(?:ein|zwei|drei)mal\s+(?:im|pro|je)\s+\w+|alle\s+\w+\s+(?:jahre|monate|wochen|tage)|"
    r"(?:bi)?annually|yearly|monthly|weekly|daily|hourly|quarterly|every\s+(?:\w+\s+)?(?:years?|months?|weeks?|days?))(?![\w])",
    re.IGNORECASE,
)


def has_type(text: str, kind: AnswerType, question: str = "") -> bool:
    return bool(typed_spans(text, kind, question))


# An indefinite article is no count ("in einer Regionalsprache") unless a word makes it one ("nur
# eine Gemeinde", "genau ein Standort").
_ARTICLE = re.compile(r"^(?:ein|eine[mnrs]?)$", re.IGNORECASE)
_MAKES_A_COUNT = re.compile(r"(?:nur|genau|lediglich|insgesamt|mindestens|höchstens|maximal|jeweils)\s*$", re.IGNORECASE)
_HOW_MANY = re.compile(r"\b(?:wie\s+viele|how\s+many)\b", re.IGNORECASE)
_MONEY_WORDS = re.compile(rf"^(?:{_CURRENCY}|geld|betrag\w*|kosten|mittel|summe\w*|money|funds?|costs?)$", re.IGNORECASE)


def has_count(text: str, question: str = "", counted: tuple[str, ...] = ()) -> bool:
    """Whether ``text`` holds a number that could count what a "wie viele N" question asks for:
    a number of the ``number`` type that is not an indefinite article, not part of a name
    ("SARS-CoV-2") and, when the question counts
    things ("wie viele", "how many") other than money, not a sum of money ("Wie viele Beratungen …?"
    is not answered by "einmalig 10 Euro"; "Wie groß ist die Ausstattung?" is, by "37,6 Mrd. $"),
    nor, unless it counts time, a length of time ("eine Dauer von 0 Tagen")."""
    money_asked = not _HOW_MANY.search(question) or any(_MONEY_WORDS.match(word) for word in counted)
    not_counts = [] if money_asked else [m.span() for m in _AMOUNT.finditer(text)]
    if _HOW_MANY.search(question) and not _COUNTS_TIME.search(question):
        not_counts += [m.span() for m in _DURATION.finditer(text)]
    for start, end in typed_spans(text, "number", question):
        phrase = text[start:end]
        if _ARTICLE.match(phrase) and not _MAKES_A_COUNT.search(text[:start]):
            continue
        if any(s <= start and end <= e for s, e in not_counts):
            continue
        if re.search(r"[^\W\d_]-$", text[:start]):  # part of a name: "SARS-CoV-2", "COVID-19"
            continue
        return True
    return False
