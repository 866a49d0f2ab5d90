"""What a question asks for: its answer type, its content words, its constraints and its parts.

The extractive answerer answers only when a candidate sentence carries the asked fact, so it must
know what that fact is:

* the **answer type** ("Wie viele …" wants a number, "Wer …" a person or organisation, "Wann …"
  a date, "Wie hoch ist das Budget …" an amount of money);
* the **content words** (what a sentence must talk about), without question words, function
  words and comparison words;
* **constraints**: regions ("Bayern", "NRW", "Bavaria") and years that a sentence, its passage or
  its document must name, and softer ones (numbers, acronyms, quoted names) that count as evidence;
* the **parts** of a question that asks about two entities at once ("… von NRW und BW") or asks
  two questions in one ("Wann …, und wie viele …?"), so each part can be answered, or declined,
  on its own.

Rules here are about German and English question grammar and German public-sector names (the
federal states); they never name a document of any corpus.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from assistant.components.lexical.analyzer import STOPWORDS_DE_EXTENDED
from assistant.language import Language
from ingest.legal import ASKED_POSITION, LegalPosition, asked_positions

AnswerType = Literal["amount", "number", "date", "who", "place", "reason", "definition", "yesno", "other"]

WORD = re.compile(r"[^\W_]+(?:[-.][^\W_]+)*")

# Question words and function words of English questions (German ones come from the analyzer's list).
STOPWORDS_EN = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below
    between both but by can could did do does doing down during each few for from further had has have
    having he her here hers him his how i if in into is it its itself just me more most my no nor not
    now of off on once only or other our out over own same she should so some such than that the their
    theirs them then there these they this those through to too under until up very was we were what
    when where which while who whom whose why will with would you your yours also per many much
    please tell give name list describe explain according documents document say says said
    """.split()
)
# Words that ask for a comparison or a count of parts: they name no fact a sentence could carry.
COMPARISON_WORDS = frozenset(
    """
    unterscheiden unterscheidet unterschied unterschiede unterschiedlich vergleich vergleichen
    verglichen gemeinsam gemeinsamkeit gemeinsamkeiten beide beiden beider jeweils jeweilige
    differ differs difference differences different compare compared comparison common both
    respective respectively
    """.split()
)
_QUESTION_WORDS_DE = frozenset(
    "wer wen wem wessen was wann wo woher wohin warum wieso weshalb weswegen wie welche welcher welches "
    "welchen welchem wieviel wieviele inwiefern inwieweit wodurch womit wofür worauf worin worüber woran "
    "worum wovon wozu wonach woraus wobei".split()
)
# Verbs that only carry the question's grammar ("Wie heißt …", "Was gibt es …"), never its fact.
_LIGHT_VERBS = frozenset(
    """
    gibt gab geben gegeben nennt nennen genannt heißt heißen hieß lautet lauten tun tut getan
    does do did is are was were give gives called
    """.split()
)

# "Welche Kosten sind förderfähig / werden erstattet / sind ausgeschlossen?" asks which kinds of
# cost (a list), not how much; "Welche Kosten entstehen dem Bund?" asks an amount.
_KINDS_OF_COSTS = re.compile(r"\bwelche[nrs]?\s+(?:\w+\s+)?(?:kosten|ausgaben)\s+(?:sind|werden|können|gelten|zählen|gehören)\b", re.I)
_AMOUNT_Q = re.compile(
    r"\b(wie\s?viel\w*\s+(?:geld|euro|mittel|millionen|milliarden)|wie\s+teuer|welche[nrs]?\s+(?:betrag|summe|höhe)"
    # "Wie viel erhält eine Arztpraxis …?", "How much do pharmacies get …?": what someone is paid
    r"|wie\s?viel\s+(?:erhält|erhalten|bekommt|bekommen|kostet|kosten|zahlt|zahlen|verdient|verdienen)\b"
    r"|how\s+much\s+(?:do|does|did|will)\s+(?:\w+\s+){1,4}?(?:get|receive|pay|earn|cost)\b"
    r"|wie\s+hoch\s+(?:ist|sind|war|waren|wird|werden|fällt|fallen)?\s*(?:\w+\s+){0,3}?"
    r"(?:budget\w*|etat\w*|förder\w*|kosten|betrag\w*|summe\w*|mittel|finanz\w*|zuschu\w*|zuwendung\w*|investition\w*|"
    r"ausgaben|haushalt\w*|bußgeld\w*|geldbuße\w*|geldstrafe\w*|strafe\w*|gebühr\w*|vergütung\w*|pauschale\w*|preis\w*)"
    r"|welche[nrs]?\s+(?:\w+\s+)?(?:bußgeld\w*|geldbuße\w*|geldstrafe\w*|vergütung\w*|gebühr\w*|kosten|budget\w*|zuschu\w*|förderbetr\w*|pauschale\w*)"
    r"|how\s+much\s+(?:money|funding|does\s+\w+\s+cost|is\s+the\s+(?:budget|fine|fee|funding|grant))"
    r"|what\s+(?:is\s+the\s+)?(?:budget|amount|sum|fine|fee|cost|price)"
    r"|how\s+(?:many|much)\s+(?:million|billion|euros?|dollars?))\b",
    re.IGNORECASE,
)
_NUMBER_Q = re.compile(
    r"\b(wie\s?viel\w*|wieviel\w*|anzahl|wie\s+hoch|wie\s+groß|wie\s+lang|wie\s+alt|wie\s+oft|wie\s+häufig|wie\s+weit|"
    r"wie\s+schwer|wie\s+stark|wie\s+breit|welche[nrs]?\s+(?:anteil|prozentsatz|zahl|rang|platz)|"
    # "Welche maximale Dateigröße …", "Welche Mindestanzahl …": a measure asks for a number
    r"welche[nrsm]?\s+(?:\w+\s+)?\w*(?:größe|anzahl|zahl|menge|dauer|länge|höhe|umfang|gewicht|fläche|quote)|"
    r"how\s+(?:many|much|long|old|often|frequently|far|large|big|high|tall|heavy)|what\s+(?:percentage|percent|number|share|proportion|rank)|"
    # "What was Warsaw's population …?", "What is the size of the endowment?": a measure, as in German
    r"what\s+(?:is|was|are|were)\s+(?:the\s+|\w+'s\s+)(?:\w+\s+)?(?:population|size|number|amount|total|percentage|length|height|area))\b",
    re.IGNORECASE,
)
# "when" asks for a time only at the start ("What happened when …" does not).
_DATE_Q = re.compile(
    r"\b(wann|seit\s+wann|bis\s+wann|ab\s+wann|in\s+welchem\s+(?:jahr|monat|jahrhundert|jahrzehnt|zeitraum)|"
    r"an\s+welchem\s+(?:tag|datum)|welche[nrsm]?\s+(?:datum|jahr|zeitpunkt|frist|stichtag|termin)|"
    r"since\s+when|until\s+when|(?:what|which|in\s+what|in\s+which)\s+(?:year|date|month|century|decade|day))\b"
    r"|^\s*(?:\w+\s+)?when\b",
    re.IGNORECASE,
)
_WHO_Q = re.compile(
    r"^\s*(?:\w+\s+)?(wer|wen|wem|wessen|who|whom|whose)\b|\b(welche[nrsm]?|which|what)\s+"
    r"(person\w*|organisation\w*|organization\w*|institution\w*|einrichtung\w*|behörde\w*|stelle|partner\w*|"
    r"akteur\w*|unternehmen|firma|verband|verbände|gremi\w*|ministeri\w*|body|agency|agencies|authority|people)\b",
    re.IGNORECASE,
)
_PLACE_Q = re.compile(
    r"^\s*(?:\w+\s+)?(wo|woher|wohin|where)\b|\b(in|an|aus)\s+welche[rmn]?\s+(stadt|land|staat|region|ort|bundesland|kreis)\b|"
    r"\b(in\s+)?which\s+(city|country|state|region|town|place)\b",
    re.IGNORECASE,
)
# A question that names the kind of date it wants is answered only by a sentence holding one;
# a bare "wann" may also be answered by "nach der Pandemie" or "wenn …".
_EXPLICIT_DATE_Q = re.compile(
    r"\b(in\s+welchem\s+(?:jahr|monat|jahrhundert|jahrzehnt)|an\s+welchem\s+(?:tag|datum)|welche[nrsm]?\s+(?:datum|jahr|stichtag|termin)|"
    r"seit\s+wann|bis\s+wann|(?:what|which|in\s+what|in\s+which)\s+(?:year|date|month|century|decade)|since\s+when|until\s+when)\b",
    re.IGNORECASE,
)
_REASON_Q = re.compile(
    r"\b(warum|wieso|weshalb|weswegen|aus\s+welche[mn]\s+grund|(?:zu|mit)\s+welche[mn]\s+(?:zweck|ziel)|why|"
    r"for\s+what\s+(?:reason|purpose)|(?:with|to)\s+what\s+(?:aim|end|purpose)|for\s+which\s+purpose)\b",
    re.I,
)
_DEFINITION_Q = re.compile(
    r"^\s*(was\s+(ist|sind|bedeutet|bedeuten|versteht\s+man\s+unter|meint)|what\s+(is|are|does)\b(?!\s+the\s+(?:number|name)))",
    re.IGNORECASE,
)
_YESNO_Q = re.compile(
    r"^\s*(ist|sind|war|waren|gibt|gab|hat|haben|hatte|kann|können|wird|werden|soll|sollen|muss|müssen|darf|dürfen|"
    r"is|are|were|does|do|did|has|have|had|can|could|will|would|should|must|may)\b"
    # English "Was …?" only before its subject: German "Was hat Lady Gaga gesungen?" asks for a thing.
    r"|^\s*was\s+(?:the|a|an|it|he|she|this|that|there|they|his|her|its|their)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Region:
    code: str
    pattern: re.Pattern[str]
    label: str  # how the question named it


# The 16 federal states with German and English names, adjectives and common abbreviations: a
# question naming one of them is about that state, and an answer must come from text about it.
_REGIONS: dict[str, tuple[str, ...]] = {
    "BW": ("baden-württemberg", "baden-wuerttemberg", "baden-württembergisch", "bw"),
    "BY": ("bayern", "bayerisch", "bavaria", "bavarian"),
    "BE": ("berlin", "berliner"),
    "BB": ("brandenburg", "brandenburgisch"),
    "HB": ("bremen", "bremer", "bremisch"),
    "HH": ("hamburg", "hamburger", "hamburgisch"),
    "HE": ("hessen", "hessisch", "hesse"),
    "MV": ("mecklenburg-vorpommern", "mecklenburg-western pomerania", "mv"),
    "NI": ("niedersachsen", "niedersächsisch", "lower saxony"),
    "NRW": ("nordrhein-westfalen", "nordrhein-westfälisch", "north rhine-westphalia", "nrw"),
    "RP": ("rheinland-pfalz", "rheinland-pfälzisch", "rhineland-palatinate", "rlp"),
    "SL": ("saarland", "saarländisch"),
    "SN": ("sachsen", "sächsisch", "saxony", "saxon"),
    "ST": ("sachsen-anhalt", "saxony-anhalt"),
    "SH": ("schleswig-holstein", "schleswig-holsteinisch"),
    "TH": ("thüringen", "thüringisch", "thuringia"),
}


def _alias_pattern(aliases: tuple[str, ...]) -> re.Pattern[str]:
    # Adjectives take endings ("bayerischen"); names only a genitive s; short codes stand alone.
    parts = []
    for alias in sorted(aliases, key=len, reverse=True):
        escaped = re.escape(alias).replace(r"\ ", r"[\s-]+")
        if alias.endswith("isch"):
            parts.append(escaped + r"\w*")
        elif len(alias) <= 3:
            parts.append(escaped)
        else:
            parts.append(escaped + r"s?")
    # Not inside a longer name: "Sachsen" is no mention of Saxony in "Niedersachsen" or "Sachsen-Anhalt".
    return re.compile(r"(?<![\w-])(?:" + "|".join(parts) + r")(?![\w-])", re.IGNORECASE)


REGION_PATTERNS: dict[str, re.Pattern[str]] = {code: _alias_pattern(a) for code, a in _REGIONS.items()}

_YEAR = re.compile(r"(?<![\d.,])(?:19|20)\d\d(?![\d.,]\d)")
_NUMBER_TOKEN = re.compile(r"(?<![\w])\d[\d.,:/-]*\d|(?<![\w])\d(?![\w])")
_ACRONYM = re.compile(r"(?<![\w-])(?:[A-ZÄÖÜ][A-ZÄÖÜ0-9]{1,9}|[A-ZÄÖÜ][a-zäöü]?[A-ZÄÖÜ][A-ZÄÖÜa-zäöü0-9]*[A-ZÄÖÜ0-9])(?![\w-])")
# Quoted names: „…“, "…", »…«, “…” (not apostrophes: "Temüjin's wife Börte's" quotes nothing).
_TERM = re.compile(r"[A-ZÄÖÜ][\w]*(?:-[A-ZÄÖÜ][\w]*)+")
_NAMED_PLACE = re.compile(
    r"\b(?:Region|Stadt|Landkreis|Kreis|Gemeinde|Bezirk|Regierungsbezirk|Metropolregion|Stadtteil|Ortsteil)\s+"
    r"([A-ZÄÖÜ][\w-]+)"
)
_BRACKETED_NAME = re.compile(r"\(([A-ZÄÖÜ][\w-]{2,})\)")
_QUOTED = re.compile(r"[„\"“»]([^„\"“”»«]{2,80})[“\"”«]")


@dataclass(frozen=True)
class Constraints:
    regions: tuple[Region, ...] = ()
    years: tuple[str, ...] = ()
    # Evidence, not conditions: a sentence naming them is more likely the one asked about.
    numbers: tuple[str, ...] = ()
    names: tuple[str, ...] = ()  # acronyms, quoted names, "SARS-CoV-2": must be mentioned somewhere
    proper: tuple[str, ...] = ()  # other capitalised names of English questions: evidence only
    legal: tuple[LegalPosition, ...] = ()  # "nach § 10 Absatz 3": the answer stands there when the documents have it
    places: tuple[str, ...] = ()  # "in der Region Stuttgart": below the Länder, named literally

    @property
    def hard(self) -> tuple[str, ...]:
        """Labels of the constraints an answer must satisfy."""
        return tuple(r.label for r in self.regions) + self.years + self.places


@dataclass(frozen=True)
class QuestionAnalysis:
    text: str
    language: Language
    answer_type: AnswerType
    words: tuple[str, ...]  # content words in question order, as written
    constraints: Constraints = field(default_factory=Constraints)
    parts: Parts | None = None  # when the question has several parts
    strict_type: bool = False  # only a sentence holding an answer of ``answer_type`` may answer
    # What a number, amount or date question asks for by name: the answer must name it
    # ("14 Krankenhäuser" for "Wie viele Krankenhäuser", a "Bußgeld" for "Welches Bußgeld").
    counted: tuple[str, ...] = ()


def answer_type(question: str) -> AnswerType:
    """The first kind whose pattern matches: an amount is also a number, so it is tried first."""
    kinds: tuple[tuple[AnswerType, re.Pattern[str]], ...] = (
        ("amount", _AMOUNT_Q),
        ("date", _DATE_Q),
        ("number", _NUMBER_Q),
        ("who", _WHO_Q),
        ("place", _PLACE_Q),
        ("reason", _REASON_Q),
        ("definition", _DEFINITION_Q),
        ("yesno", _YESNO_Q),
    )
    if _KINDS_OF_COSTS.search(question):
        return "other"
    return next((kind for kind, pattern in kinds if pattern.search(question)), "other")


def is_stopword(word: str) -> bool:
    lowered = word.lower()
    return (
        lowered in STOPWORDS_DE_EXTENDED
        or lowered in STOPWORDS_EN
        or lowered in _QUESTION_WORDS_DE
        or lowered in COMPARISON_WORDS
        or lowered in _LIGHT_VERBS
    )


def content_words(text: str) -> list[str]:
    """Words that carry content, in order, each once: no function, question or comparison words."""
    seen: dict[str, str] = {}
    for word in WORD.findall(text):
        if len(word) < 2 and not word.isdigit():
            continue
        if is_stopword(word):
            continue
        seen.setdefault(word.lower(), word)
    return list(seen.values())


def find_regions(text: str) -> list[Region]:
    found: list[tuple[int, Region]] = []
    for code, pattern in REGION_PATTERNS.items():
        match = pattern.search(text)
        if match:
            found.append((match.start(), Region(code, pattern, match.group(0))))
    return [region for _, region in sorted(found, key=lambda item: item[0])]


_COUNT_WORD = re.compile(
    r"(?<![\w-])(zwei|drei|vier|fünf|sechs|sieben|acht|neun|zehn|elf|zwölf|two|three|four|five|six|seven|eight|nine|ten)(?![\w-])",
    re.IGNORECASE,
)


# What a question asks for by name: "wie viele Krankenhäuser", "welches Bußgeld", "wie hoch ist
# das jährliche Budget". The first match counts.
_ASKING = re.compile(
    r"\b(?:wie\s?viel\w*|anzahl\s+(?:der|an|von)?|how\s+many|welche[rsmn]?|wie\s+(?:hoch|groß|lang)\s+"
    r"(?:ist|sind|war|waren|wird|werden|liegt|lag|lagen)(?:\s+(?:der|die|das|ein|eine))?)\s+(.*)$",
    re.IGNORECASE,
)
# Nouns that name the kind of answer, not the fact: "Welches Jahr" is answered by "1999",
# "wie viel Geld" by "5 Millionen Euro"; they need not appear in the answer.
_GENERIC_ASKED = frozenset(
    """
    jahr jahre jahren jahrhundert jahrzehnt monat monate tag tage datum stichtag frist zeitpunkt zeitraum
    uhrzeit dauer zahl anzahl betrag summe höhe anteil prozentsatz prozent rang platz wert menge geld
    mittel einheit größe länge
    """.split()
)


# An article or pronoun after "wie viel" / "welche" starts a new phrase: no noun was named.
_NO_NOUN_HERE = frozenset(
    "der die das den dem des ein eine einen einem einer eines er sie es wir ihr man sich the a an it they".split()
)


def asked_words(question: str, language: Language = "de") -> list[str]:
    """The noun a question asks for by name: the words after "wie viele" / "welche" / "wie hoch
    ist" up to the first function word (German: adjectives before the noun are skipped, "wie
    viele neue Kliniken" asks for "Kliniken"). Generic nouns of the answer type ("Jahr",
    "Betrag") are left out."""
    match = _ASKING.search(question)
    if not match:
        return []
    asked: list[str] = []
    for word in WORD.findall(match.group(1)):
        if word.lower() in _NO_NOUN_HERE:  # the noun phrase ended, or never began ("wie viel erhält eine …")
            break
        if is_stopword(word) or (language == "de" and word.islower() and not word.isdigit()):
            if asked:
                break
            continue  # an adjective before the noun ("wie viele neue Kliniken")
        asked.append(word)
    return [w for w in asked if w.lower() not in _GENERIC_ASKED]


# Capitalised words inside an English question are names ("Janssen"); German capitalises every
# noun, so there only acronyms, inner capitals and digits mark a name.
_EN_NAME = re.compile(r"(?<=[\s(„\"“])[A-Z][\w.&-]*[\w]")


def constraints_of(question: str, language: Language = "de") -> Constraints:
    legal = asked_positions(question)
    question = without_positions(question)
    regions = tuple(find_regions(question))
    years = tuple(dict.fromkeys(_YEAR.findall(question)))
    numbers = tuple(n for n in dict.fromkeys(_NUMBER_TOKEN.findall(question)) if n not in years)
    numbers += tuple(dict.fromkeys(m.lower() for m in _COUNT_WORD.findall(question)))  # "Welche drei …"
    region_spans = [m.span() for r in regions for m in r.pattern.finditer(question)]
    acronyms = [
        m.group(0)
        for m in _ACRONYM.finditer(question)
        if not any(start <= m.start() < end for start, end in region_spans) and not m.group(0).isdigit()
    ]
    quoted = [" ".join(w for w in q.split() if not is_stopword(w)) for q in _QUOTED.findall(question)]
    quoted = [q for q in quoted if q]
    digits = [w for w in WORD.findall(question) if any(c.isdigit() for c in w) and any(c.isalpha() for c in w)]
    # "Konnektor-Update", "DESH-Plattform": a hyphenated term names one specific thing; in "North
    # Rhine-Westphalia" or "Baden-Württemberg" it is the name of a region, a constraint of its own.
    terms = [
        m.group(0)
        for m in WORD.finditer(question)
        if _TERM.fullmatch(m.group(0)) and not any(start <= m.start() < end for start, end in region_spans)
    ]
    english = [
        m.group(0)
        for m in _EN_NAME.finditer(question)
        if language == "en" and not any(start <= m.start() < end for start, end in region_spans) and not is_stopword(m.group(0))
    ]
    # "the Johnson & Johnson (Janssen) vaccine": a name in brackets is how the asker expects the
    # documents to call the thing, in either language.
    bracketed = _BRACKETED_NAME.findall(question)
    # "in der Region Stuttgart", "im Landkreis Esslingen": the word after an administrative unit is a
    # place name, though German capitalises every noun; like a Land, the passage must name it
    # literally (word vectors put "Stuttgart" next to "Baden-Württemberg"). English questions name
    # places in English (Munich / München): there they stay evidence.
    places = [
        m.group(1)
        for m in _NAMED_PLACE.finditer(question)
        if language == "de" and not any(start <= m.start(1) < end for start, end in region_spans)
    ]
    names = [n for n in dict.fromkeys(acronyms + quoted + digits + terms + bracketed) if n not in years]
    # English names of German things differ ("Black Death" / "Schwarzer Tod"): only evidence.
    proper = [n for n in dict.fromkeys(english) if n not in names and n not in years]
    return Constraints(
        regions=regions, years=years, numbers=numbers, names=tuple(names), proper=tuple(proper), legal=legal,
        places=tuple(dict.fromkeys(places)),
    )


def without_positions(question: str) -> str:
    return ASKED_POSITION.sub(" ", question)


def analyse(question: str, language: Language) -> QuestionAnalysis:
    kind = answer_type(question)
    strict = kind in ("number", "amount") or (kind == "date" and bool(_EXPLICIT_DATE_Q.search(question)))
    return QuestionAnalysis(
        text=question,
        language=language,
        answer_type=kind,
        strict_type=strict,
        # "§ 10 Absatz 3" says where to look, not what to find: its words are no content words.
        words=tuple(content_words(without_positions(question))),
        constraints=constraints_of(question, language),
        # English questions name things in English ("How many players …"): the German text may
        # say it another way, so only German questions make the asked noun a condition.
        counted=tuple(asked_words(without_positions(question), language)) if strict and language == "de" else (),
        parts=split_parts(question),
    )


# ----------------------------------------------------------------------------------- parts

_CONJUNCTION = re.compile(r"\s+(und|sowie|oder|and|or|versus|vs\.?|gegenüber)\s+", re.IGNORECASE)
_CLAUSE_SPLIT = re.compile(
    r"(?:,\s*|\s+)(?:und|and|sowie)\s+(?=(?:(?:mit|über|in|an|auf|aus|bei|für|nach|von|zu|unter|durch|gegen|um|seit|bis|ab|"
    r"with|on|at|by|from|for|to|of|under)\s+)?(?:wer|wen|wem|was|wann|wo|warum|wie|welche[rnsm]?|who|what|when|where|why|how|which)\b)",
    re.IGNORECASE,
)
_ARTICLES = frozenset("der die das den dem des ein eine einen einem einer the a an".split())
_NAME_TOKEN = re.compile(r"^[A-ZÄÖÜ\d\"„“][\w.\-/&’'“”\"]*$")


@dataclass(frozen=True)
class Parts:
    """A question's parts: standalone sub-questions and a short label for each. Each part names a
    distinct thing (a place, an organisation, a programme) or is a question of its own; each must
    be answered or be reported as not covered."""

    questions: tuple[str, ...]
    labels: tuple[str, ...]
    clauses: bool = False  # two questions in one ("Wann …, und wie viele …?"), each wants its own answer


_NAMED = re.compile(r"[A-ZÄÖÜ]{2,}|\d|[a-zäöü][A-ZÄÖÜ]|[.]\w")


def split_parts(question: str) -> Parts | None:
    """The parts of a question with several, or None.

    Two shapes: two questions joined by "und"/"and" ("Wann wurde X gegründet und wie viele
    Mitglieder hat X?"), and a question about two named things ("Wie unterscheiden sich die Ziele
    von NRW und BW?" → one question per name). A split is a proposal: the chat service keeps the
    whole answer when the parts add nothing to it.
    """
    text = question.strip()
    clauses = _CLAUSE_SPLIT.split(text)
    if len(clauses) == 2 and all(len(WORD.findall(c)) >= 2 for c in clauses):
        first, second = (c.strip(" ,;?") for c in clauses)
        questions = (f"{first}?", f"{second[:1].upper()}{second[1:]}?")
        return Parts(questions=questions, labels=questions, clauses=True)
    comparing = any(w.lower() in COMPARISON_WORDS for w in WORD.findall(text))
    for match in _CONJUNCTION.finditer(text):
        left = _name_before(text, match.start())
        right = _name_after(text, match.end())
        if left is None or right is None:
            continue
        (left_start, left_end), (right_start, right_end) = left, right
        before, after = text[:left_start], text[right_end:]
        first = f"{before}{text[left_start:left_end]}{after}"
        second = f"{before}{text[right_start:right_end]}{after}"
        # "zwischen A und B" names two things; alone, "zwischen A" is no question.
        first, second = (re.sub(r"\b(zwischen|between)\s+", "", p, flags=re.I) for p in (first, second))
        labels = (text[left_start:left_end], text[right_start:right_end])
        named = comparing or all(find_regions(label) or _NAMED.search(label) for label in labels)
        if not named:  # "Forschung und Entwicklung", "Qualitätsmedizin und Digitalisierung": one topic
            continue
        return Parts(questions=(first, second), labels=labels)
    return None


def _name_before(text: str, end: int) -> tuple[int, int] | None:
    """The name-like tokens right before ``end`` (up to three), or None."""
    tokens = list(re.finditer(r"\S+", text[:end]))
    taken: list[re.Match[str]] = []
    for token in reversed(tokens):
        word = token.group(0).strip(",;:")
        if len(taken) >= 3 or word.lower() in _ARTICLES or not _NAME_TOKEN.match(word):
            break
        if word.endswith("-"):  # "Informations- und IT-Sicherheit": one compound, not two things
            return None
        taken.append(token)
    if not taken or taken[0].group(0).endswith(","):
        return None
    if len(taken) == len(tokens):  # the whole question start: no second thing is named
        return None
    return taken[-1].start(), taken[0].start() + len(taken[0].group(0).rstrip(",;:?"))


def _name_after(text: str, start: int) -> tuple[int, int] | None:
    tokens = list(re.finditer(r"\S+", text[start:]))
    position = 0
    while position < len(tokens) and tokens[position].group(0).lower() in _ARTICLES:
        position += 1
    taken: list[re.Match[str]] = []
    for token in tokens[position:]:
        word = token.group(0)
        bare = word.rstrip("?,;:.!")
        if len(taken) >= 3 or not bare or not _NAME_TOKEN.match(bare):
            break
        taken.append(token)
        if bare != word:  # punctuation ends the name
            break
    if not taken:
        return None
    first, last = taken[0], taken[-1]
    return start + first.start(), start + last.start() + len(last.group(0).rstrip("?,;:.!"))
