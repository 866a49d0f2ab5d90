"""Which documents a question names: "laut der KHSFV", "in der Ulmer Strategie", "in NRW".

The name index is built from each document's metadata and opening, never from a list of known
documents: its title (whole), its file name, acronyms in the title or in brackets in its opening
("Coronavirus-Impfverordnung (CoronaImpfV)", "(Coronavirus-Impfverordnung – CoronaImpfV)"), its
region field and the Länder its title or opening names, and the distinctive words of its title — words that no other document uses anywhere (a
place, a programme's name), so that a topic word in a title ("Digitalisierung") does not narrow a
question about that topic. A distinctive word counts only where the question refers to a
document with it: after "laut", "in der", "im", … (a preposition, maybe with an article) or before
"Strategie", "Verordnung", ….

A question that names documents is answered from those documents alone (unless filters were chosen
by hand: those win), and the answer says
where it searched ("Gesucht in: …"). The index is rebuilt when the store changes.
"""

from __future__ import annotations

import re
import threading
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

from assistant.components.answerer.question import find_regions
from assistant.components.vector_store import ChunkStore
from assistant.document_kinds import DRAFT, kinds_in
from assistant.services.documents import DocumentService

# The Länder with their usual short forms. Abbreviations count only in capitals, as whole words.
LAENDER: dict[str, tuple[str, ...]] = {
    "Baden-Württemberg": ("BW", "BaWü"),
    "Bayern": ("BY",),
    "Berlin": ("BE",),
    "Brandenburg": ("BB",),
    "Bremen": ("HB",),
    "Hamburg": ("HH",),
    "Hessen": ("HE",),
    "Mecklenburg-Vorpommern": ("MV",),
    "Niedersachsen": ("NI", "NDS"),
    "Nordrhein-Westfalen": ("NRW", "NW"),
    "Rheinland-Pfalz": ("RP", "RLP"),
    "Saarland": ("SL",),
    "Sachsen": ("SN",),
    "Sachsen-Anhalt": ("ST", "LSA"),
    "Schleswig-Holstein": ("SH",),
    "Thüringen": ("TH",),
}
# Two-letter codes are common words or units elsewhere; in a question only these count.
_QUESTION_ABBREVIATIONS = {"BW", "BaWü", "NRW", "NDS", "RLP", "MV", "LSA"}
# A document is referred to after a preposition, with at most an article between: "laut der …",
# "im …", "in der Ulmer Strategie". An article alone ("den Kompetenzverbund") names the topic.
_REFERRING = {"laut", "gemäß", "nach", "in", "im", "ins", "aus", "zur", "zum", "vom", "beim", "von", "bei", "according"}
_ARTICLES = {"der", "dem", "des", "die", "den", "das", "einer", "the"}
_DOCUMENT_NOUNS = re.compile(
    r"^(strategie|verordnung|konzept|bericht|papier|dokument|anleitung|plan|programm|gesetz|leitfaden|"
    r"spezifikation|dokumentation|bulletin|entwurf|richtlinie|verbund|cluster|artikel|beitrag|article|report)", re.I
)
# A title word that is itself a kind of document ("Referentenentwurf", "Jahresbericht") names it
# wherever it stands.
_KIND_OF_DOCUMENT = re.compile(r"\w{3,}(?:entwurf|strategie|verordnung|bericht|konzept|leitfaden|richtlinie)$")
_OPENING_KINDS = 200  # characters of a document's opening read for what kind of document it is
_STOP = {"und", "oder", "der", "die", "das", "des", "dem", "den", "für", "von", "vom", "zur", "zum", "mit", "auf", "in", "im", "an", "zu", "the", "and", "of"}
_ACRONYM = re.compile(r"\b(?=\w*[A-ZÄÖÜ]\w*[A-ZÄÖÜ])[A-Za-zÄÖÜäöü][\wÄÖÜäöü]{1,14}\b")
_BRACKETED = re.compile(r"\(([A-ZÄÖÜ][\wÄÖÜäöü-]{1,14})\)")
# An ordinance's or law's short title after its long one, as official texts open:
# "(Coronavirus-Impfverordnung – CoronaImpfV)". Only an acronym (two capitals) counts there.
_SHORT_TITLE = re.compile(r"\([^()]{3,80}?\s[–-]\s((?=[\wÄÖÜäöü-]*[A-ZÄÖÜ][\wÄÖÜäöü-]*[A-ZÄÖÜ])[A-ZÄÖÜ][\wÄÖÜäöü-]{1,14})\)")
_WORD = re.compile(r"[\wÄÖÜäöüß]+(?:-[\wÄÖÜäöüß]+)*")


@dataclass
class Names:
    document_id: str
    title: str
    acronyms: set[str] = field(default_factory=set)
    regions: set[str] = field(default_factory=set)
    words: set[str] = field(default_factory=set)  # distinctive title words, lower case
    kinds: set[str] = field(default_factory=set)  # what its title or first lines say it is: "verordnung", "entwurf"


@dataclass(frozen=True)
class Scope:
    document_ids: list[str]
    titles: list[str]


class ScopeService:
    def __init__(self, store: ChunkStore, documents: DocumentService) -> None:
        self.store = store
        self.documents = documents
        self._index: tuple[str, list[Names]] | None = None
        self._lock = threading.Lock()

    def scope_of(self, question: str, every: bool = False) -> Scope | None:
        """The documents ``question`` names, or None when it names none (or every one, unless ``every``:
        a comparison of all documents names them all, a restriction to all restricts nothing)."""
        index = self.index()
        tokens = _tokens(question)
        lands = asked_lands(question)
        named = [n for n in index if _names(n, question, tokens, lands)] or _final_of_kind(index, question)
        if not named or (len(named) == len(index) and not every):
            return None
        return Scope([n.document_id for n in named], [n.title for n in named])

    def scopes_of_parts(self, parts: Sequence[str]) -> list[Scope | None]:
        """The documents each part of a question names. Beside a part that names a document, a part
        that only says what kind of document it means ("nach der Verordnung", "the final ordinance")
        means the others of that kind: in "Welchen Anteil trägt nach der Verordnung …, und womit
        rechnet der Referentenentwurf?" the draft is a Verordnung too, yet the asker contrasts the two.
        A part whose kind only one document has ("the ministry's draft") names that document."""
        index = self.index()
        own = [self.scope_of(part) for part in parts]
        if len(parts) < 2:
            return own
        of_kind = [[n for n in index if n.kinds & kinds_in(part)] for part in parts]
        fixed = [
            set(s.document_ids) if s else ({n.document_id for n in kind} if len(kind) == 1 < len(index) else set())
            for s, kind in zip(own, of_kind, strict=True)
        ]
        scopes: list[Scope | None] = []
        for i, (scope, kind) in enumerate(zip(own, of_kind, strict=True)):
            others = set().union(*(f for j, f in enumerate(fixed) if j != i))
            rest = [n for n in kind if n.document_id not in others] if scope is None and others else []
            if scope is None and 0 < len(rest) < len(index):
                scope = Scope([n.document_id for n in rest], [n.title for n in rest])
            elif scope is None and fixed[i]:
                scope = Scope([n.document_id for n in kind], [n.title for n in kind])
            scopes.append(scope)
        return scopes

    def index(self) -> list[Names]:
        revision = self.store.revision()
        with self._lock:
            if self._index is not None and self._index[0] == revision:
                return self._index[1]
        names = self._build()
        with self._lock:
            self._index = (revision, names)
        return names

    def _build(self) -> list[Names]:
        documents = self.documents.list_documents()
        openings: dict[str, str] = {}
        headings: dict[str, str] = {}
        vocabulary: dict[str, set[str]] = {}
        for ids, texts, metas in self.store.iter_live_chunks():
            for _, text, meta in zip(ids, texts, metas, strict=True):
                doc = str(meta.get("document_id"))
                # hyphenated words with their parts: "SARS" in "SARS-CoV-2-Fälle" is used by this document
                vocabulary.setdefault(doc, set()).update(w.lower() for w in _tokens(text))
                if int(meta.get("position", 0)) == 0:
                    openings[doc] = text[:600]
                    headings[doc] = str(meta.get("section") or "")
        title_words = Counter(w for d in documents for w in {x.lower() for x in _WORD.findall(d.title)})
        used_by = Counter(w for words in vocabulary.values() for w in words)  # documents using each word
        index = []
        for d in documents:
            opening = openings.get(d.id, "")
            entry = Names(d.id, d.title)
            stem = re.sub(r"\.\w+$", "", d.filename or "")
            own = vocabulary.get(d.id, set())
            # A title's acronym names the document only if no other document uses it ("RKI", "SARS" are
            # topics); one the document defines in brackets ("(CoronaImpfV)") always does.
            entry.acronyms = {
                a for a in _ACRONYM.findall(d.title)
                if len(a) >= 3 and a not in _QUESTION_ABBREVIATIONS and used_by[a.lower()] - (a.lower() in own) == 0
            }  # fmt: skip
            entry.acronyms |= set(_BRACKETED.findall(opening)) | set(_BRACKETED.findall(d.title))
            entry.acronyms |= set(_SHORT_TITLE.findall(opening)) | set(_SHORT_TITLE.findall(d.title))
            if stem:
                entry.acronyms.add(stem)
            entry.regions = {_land(d.region) or d.region} if d.region else set()
            entry.regions |= {land for land in LAENDER if _mentions_land(f"{d.title}\n{opening}", land, strict=True)}
            entry.words = {
                w.lower()
                for w in _WORD.findall(d.title)
                if len(w) >= 4 and w.lower() not in _STOP and not _DOCUMENT_NOUNS.match(w) and title_words[w.lower()] == 1
                and used_by[w.lower()] - (w.lower() in own) == 0
            }
            # A title taken from a PDF may be the publisher ("Bundesministerium für Gesundheit"): the
            # document's first heading and lines say what it is too ("Verordnung zum Anspruch auf …").
            first_lines = f"{headings.get(d.id, '')}\n{opening}"[:_OPENING_KINDS]
            entry.kinds = kinds_in(d.title) | kinds_in(first_lines)
            index.append(entry)
        return index


def asked_lands(question: str) -> set[str]:
    """The Länder a question names in German or English, by name or adjective ("Bavaria",
    "bayerische", "North Rhine-Westphalia"), as the keys of ``LAENDER``."""
    codes = {region.code for region in find_regions(question)}
    return {land for land, shorts in LAENDER.items() if codes & set(shorts)}


def _names(entry: Names, question: str, tokens: list[str], lands: set[str] | None = None) -> bool:
    if _whole_words(entry.title, question):
        return True
    if entry.regions & (lands if lands is not None else asked_lands(question)):
        return True
    if any(t in entry.acronyms or (t.endswith("s") and t[:-1] in entry.acronyms) for t in tokens):
        return True
    if any(_mentions_land(question, land) for land in entry.regions if land in LAENDER):
        return True
    if any(t == region for t in tokens for region in entry.regions if region not in LAENDER):
        return True
    lower = [t.lower() for t in tokens]
    for token in lower:  # "Nowcasting-Artikel": the word and a document noun; "Referentenentwurf": one word
        first, _, last = token.partition("-")
        if last and first in entry.words and _DOCUMENT_NOUNS.match(last.rsplit("-", 1)[-1]):
            return True
        if token in entry.words and _KIND_OF_DOCUMENT.search(token):
            return True
    for i, token in enumerate(lower):
        if not any(token == w or (token.startswith(w) and token[len(w) :] in ("er", "s", "es", "en", "n", "ern")) for w in entry.words):
            continue
        before = lower[i - 1] if i else ""
        if before in _ARTICLES and i > 1:
            before = lower[i - 2]
        after = lower[i + 1] if i + 1 < len(lower) else ""
        if _another_name(tokens[i + 1] if i + 1 < len(tokens) else "", entry):
            continue  # "in the United States" is no reference to "United Methodist Church"
        if before in _REFERRING or _DOCUMENT_NOUNS.match(after):
            return True
    return False


def _final_of_kind(index: list[Names], question: str) -> list[Names]:
    """The documents a question means when it names only a kind of document ("nach der
    Verordnung", "the ordinance") and a draft of that kind stands beside the final text: the final
    one. A draft restates what the final text enacts, perhaps with other figures. A question that
    says "Entwurf" or "draft" means the draft too."""
    asked = kinds_in(question)
    if not asked or DRAFT in asked:
        return []
    of_kind = [n for n in index if n.kinds & asked]
    final = [n for n in of_kind if DRAFT not in n.kinds]
    return final if 0 < len(final) < len(of_kind) else []


def _tokens(question: str) -> list[str]:
    """Words, and the parts of hyphenated ones ("VG250-Dokumentation": also "VG250")."""
    tokens = []
    for word in _WORD.findall(question):
        tokens.append(word)
        if "-" in word:
            tokens += word.split("-")
    return tokens


def _mentions_land(text: str, land: str, strict: bool = False) -> bool:
    name = re.escape(land).replace(r"\-", r"[-\s]?")
    if re.search(rf"(?<![\w-]){name}(?![\w-])", text, re.I):
        return True
    shorts = LAENDER[land] if strict else [a for a in LAENDER[land] if a in _QUESTION_ABBREVIATIONS]
    return any(re.search(rf"(?<![\w-]){re.escape(a)}(?![\w-])", text) for a in shorts if len(a) > 2 or not strict)


def _land(region: str | None) -> str | None:
    for land, shorts in LAENDER.items():
        if region and (region.lower() == land.lower() or region in shorts):
            return land
    return None


def _whole_words(title: str, question: str) -> bool:
    """The title stands in the question as whole words ("Construction" is not in "reconstruction")."""
    words = _WORD.findall(title)
    if not words:
        return False
    pattern = r"[\W_]*".join(re.escape(w) for w in words)
    return re.search(rf"(?<![\w]){pattern}(?![\w])", question, re.IGNORECASE) is not None


def _another_name(following: str, entry: Names) -> bool:
    """A capitalised word after the title word that the title does not have: the question names
    something else that shares one word with the title."""
    if not following[:1].isupper() or _DOCUMENT_NOUNS.match(following):
        return False
    return following.lower() not in {w.lower() for w in _WORD.findall(entry.title)}
