"""Answer texts: quotes with the answer first, specific declines, and answers in parts.

* An answer leads with the unit that answers; context follows only where the plan added it. A
  unit that needs its neighbour to be understood ("Er ist der älteste …") comes as a block with
  it, in document order. Every quote carries the number of its source.
* A decline says what is missing ("Die Dokumente erwähnen Bayern nicht.", "Die Dokumente nennen
  keinen Betrag zu „Budget“.") and may show related passages under their own heading: they sit in
  ``Answer.related``, never in ``citations``, so no client can mistake them for an answer.
* A question in parts gets one section per part, each with its own sources; a part the documents
  do not cover says so.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from assistant.components.answerer.units import Unit
from assistant.i18n import quoted
from assistant.i18n import text as phrase
from assistant.language import Language
from assistant.models import Answer, Citation, TableCell, TableRow
from assistant.retrieval_types import Passage
from ingest.legal import LegalPosition, quoted_position
from ingest.tables import parse_row

LEAD_KEYS = ("lead_single", "lead_multi")


def citation(number: int, passage: Passage, highlights: Sequence[str]) -> Citation:
    meta = passage.metadata
    page = meta.get("page")
    page_end = meta.get("page_end")
    return Citation(
        n=number,
        document_id=str(meta.get("document_id", "")),
        title=str(meta.get("title", "")),
        section=meta.get("section"),
        page=int(page) if page is not None else None,
        page_end=int(page_end) if page_end is not None and page_end != page else None,
        legal=_label(quoted_position(meta.get("legal"), passage.text, highlights)),
        text=passage.text,
        chunk_id=passage.id,
        score=round(float(passage.score), 4),
        highlights=list(highlights),
        table_rows=table_rows(passage.text),
    )


def table_rows(text: str) -> list[TableRow]:
    """The passage's table rows, read back into caption and cells."""
    rows = [parse_row(paragraph.strip()) for paragraph in re.split(r"\n{2,}", text)]
    return [
        TableRow(caption=caption, cells=[TableCell(header=h, value=v) for h, v in cells])
        for caption, cells in (row for row in rows if row is not None)
    ]


def _label(position: LegalPosition | None) -> str | None:
    return position.label() if position else None


class _Sources:
    """Numbers passages by first use and collects what each quote highlights in them."""

    def __init__(self, passages: list[Passage]) -> None:
        self.passages = passages
        self.numbers: dict[int, int] = {}
        self.highlights: dict[int, list[str]] = {}

    def number(self, unit: Unit) -> int:
        n = self.numbers.setdefault(unit.passage, len(self.numbers) + 1)
        marks = self.highlights.setdefault(unit.passage, [])
        marks.extend(h for h in unit.highlights if h not in marks)
        return n

    def citations(self) -> list[Citation]:
        return [
            citation(n, self.passages[p], self.highlights[p]) for p, n in sorted(self.numbers.items(), key=lambda i: i[1])
        ]


def quote(unit: Unit, number: int) -> str:
    if unit.lead_in:  # the marker after the introducing line keeps the items clean
        head, _, rest = unit.text.partition("\n")
        return f"{head} [{number}]\n{rest}"
    if unit.is_list:
        return f"{unit.text}\n[{number}]"
    return f"{unit.text} [{number}]"


def in_document_order(block: Sequence[Unit], passages: Sequence[Passage]) -> list[Unit]:
    """Units by their place in the document: a list going on from the chunk before comes first,
    though that chunk was fetched last. Units of different documents keep the block's order."""
    first_of: dict[str, int] = {}
    for unit in block:
        first_of.setdefault(str(passages[unit.passage].metadata.get("document_id", "")), len(first_of))

    def place(unit: Unit) -> tuple[int, int, int, int]:
        meta = passages[unit.passage].metadata
        return (first_of[str(meta.get("document_id", ""))], int(meta.get("position") or 0), unit.passage, unit.order)

    return sorted(block, key=place)


def quotes_text(blocks: Sequence[Sequence[Unit]], sources: _Sources) -> str:
    """Blocks in the given order; the units of a block in document order, run together as prose."""
    out: list[str] = []
    for block in blocks:
        text = ""
        for unit in in_document_order(block, sources.passages):
            piece = quote(unit, sources.number(unit))
            if not text:
                text = piece
            elif unit.is_list or "\n" in text:
                text += "\n" + piece
            else:
                text += " " + piece
        out.append(text)
    return "\n\n".join(out)


def compose_answer(
    blocks: Sequence[Sequence[Unit]], passages: list[Passage], language: Language, highlights: Sequence[str] = ()
) -> Answer:
    """An answer from quote blocks, the first block being the one that answers."""
    blocks = [b for b in blocks if b]
    if not blocks:
        return decline_answer(phrase("no_answer", language))
    sources = _Sources(passages)
    body = quotes_text(blocks, sources)
    lead = phrase(LEAD_KEYS[len(sources.numbers) > 1], language)
    shown = [h for h in dict.fromkeys(highlights) if h and h in body]
    return Answer(answer=f"{lead}\n\n{body}", citations=sources.citations(), answered=True, highlights=shown)


def decline_answer(
    message: str, related: Sequence[Unit] = (), passages: list[Passage] | None = None, language: Language = "de"
) -> Answer:
    if not related or passages is None:
        return Answer(answer=message, citations=[], answered=False)
    sources = _Sources(passages)
    block = quotes_text([[u] for u in related], sources)
    text = f"{message}\n\n{phrase('related_heading', language)}\n{block}"
    return Answer(answer=text, citations=[], answered=False, related=sources.citations())


def missing_message(
    language: Language, answer_type: str, missing_hard: Sequence[str], missing_words: Sequence[str]
) -> str:
    """The sentence that says what the documents lack, as specifically as the analysis allows."""
    if missing_hard:
        return phrase("missing_mention", language, names=quoted(list(missing_hard), language))
    kind_key = f"kind_{answer_type}"
    words = quoted(list(missing_words), language)
    if kind_key in _KINDS:
        kind = phrase(kind_key, language)
        if words:
            return phrase("missing_typed", language, kind=kind, words=words)
        return phrase("missing_typed_plain", language, kind=kind)
    if words:
        return phrase("missing_words", language, words=words)
    return phrase("no_answer", language)


_KINDS = frozenset(f"kind_{k}" for k in ("amount", "number", "date", "who", "place", "reason"))


def merge_parts(parts: Sequence[tuple[str, Answer]], language: Language) -> Answer:
    """One answer from the answers to a question's parts: a section per part, sources renumbered."""
    sections: list[str] = []
    citations: list[Citation] = []
    highlights: list[str] = []
    for label, part in parts:
        name = quoted([label], language)
        if not part.answered:
            sections.append(phrase("part_missing", language, part=name))
            continue
        body = _strip_lead(part.answer)
        offset = len(citations)
        for c in part.citations:
            body = body.replace(f"[{c.n}]", f"[#{c.n + offset}]")
            citations.append(c.model_copy(update={"n": c.n + offset}))
        sections.append(f"{phrase('part_lead', language, part=name)}\n{body.replace('[#', '[')}")
        highlights.extend(part.highlights)
    answered = any(part.answered for _, part in parts)
    if not answered:
        return decline_answer("\n\n".join(sections))
    lead = phrase(LEAD_KEYS[len({c.document_id for c in citations}) > 1], language)
    return Answer(
        answer=f"{lead}\n\n" + "\n\n".join(sections), citations=citations, answered=True, highlights=highlights
    )


def _strip_lead(text: str) -> str:
    first, _, rest = text.partition("\n\n")
    leads = {phrase(k, lang) for k in LEAD_KEYS for lang in ("de", "en")}
    return rest if first in leads else text
