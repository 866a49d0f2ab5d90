"""Quotable units of a passage: single sentences, a table row with its headers, or an enumeration
with the sentence introducing it.

A list is only understandable with its lead-in, and a legal enumeration only with its "wer" or
"wenn": "(1) Ordnungswidrig handelt, wer\\n1. entgegen § 7 …, oder\\n2. …". Such a block is one
unit, quoted whole. List lines come from ingestion as "• item" or with their own enumerator
("1.", "2)", "a)", "(3)", "§ 5").
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from assistant.retrieval_types import Passage
from ingest.legal import parse_label
from ingest.model import ITEM_ENUMERATOR
from ingest.sentences import sentence_spans
from ingest.tables import CAPTION_SEPARATOR, is_row_text

BULLET = "• "
# A bullet, or the enumerator ingestion keeps on a numbered item ("1.", "a)", "(2a)", "iv.").
LIST_LINE = re.compile(rf"^(?:{re.escape(BULLET)}|(?:{ITEM_ENUMERATOR.pattern.lstrip('^')}))")
_ABSATZ = re.compile(r"^\(\d{1,3}[a-z]?\)\s")
_TERMINAL = (".", "!", "?", "…", '"', "“", "”", "»", "«", ")")


@dataclass(frozen=True)
class Unit:
    """A quotable piece of a passage: one sentence, or an introducing sentence with its list."""

    text: str
    passage: int  # index into the retrieval's passages
    order: int  # position inside the passage
    highlights: tuple[str, ...]  # the sentences/items to mark in the passage
    lead_in: bool = False  # an enumeration whose first line introduces it

    @property
    def is_list(self) -> bool:
        return "\n" in self.text


def passage_units(text: str, passage_index: int) -> list[Unit]:
    units: list[Unit] = []
    for paragraph in text.split("\n\n"):
        if is_row_text(paragraph):  # a table row with its headers: one statement, quoted whole
            units.append(Unit(paragraph, passage_index, len(units), (paragraph,)))
            continue
        if units and _announces(units[-1]) and len(paragraph) <= _ANNOUNCED_MAX and "\n" not in paragraph.strip():
            # "… ist durch organisatorische Rahmenbedingungen realisierbar:" + "AS und FdV > Konnektor > PS":
            # what a colon announces is part of the statement, even as a paragraph of its own.
            lead = units.pop()
            units.append(Unit(f"{lead.text}\n{paragraph.strip()}", passage_index, lead.order, (*lead.highlights, paragraph.strip()), lead_in=True))
            continue
        lines = paragraph.split("\n")
        list_start = _list_start(lines)
        prose = "\n".join(lines[:list_start])
        items = [line.strip() for line in lines[list_start:] if line.strip()]
        sentences = [prose[s:e] for s, e in sentence_spans(prose)]
        intro = sentences.pop() if items and sentences and introduces(sentences[-1]) else None
        for sentence in sentences:
            units.append(Unit(sentence, passage_index, len(units), (sentence,)))
        if items:
            listing = "\n".join(items)
            text_ = f"{intro}\n{listing}" if intro else listing
            highlights = ((intro,) if intro else ()) + tuple(items)
            units.append(Unit(text_, passage_index, len(units), highlights, lead_in=intro is not None))
    return units


# A paragraph this short after a sentence ending in ":" is what the sentence announces.
_ANNOUNCED_MAX = 300


def _announces(unit: Unit) -> bool:
    return not unit.is_list and unit.text.rstrip().endswith(":")


def _list_start(lines: list[str]) -> int:
    """Index of the first list line. A first line "(1) …" opens a legal paragraph (Absatz), not a
    list; any other enumerator opens a list only when the next line is a list line too."""
    for index, line in enumerate(lines):
        if not LIST_LINE.match(line):
            continue
        if index == 0 and not line.startswith(BULLET):
            if line.startswith("(") or len(lines) < 2 or not LIST_LINE.match(lines[1]):
                continue
        return index
    return len(lines)


def introduces(sentence: str) -> bool:
    """The sentence leads into what follows: it ends with a colon, or stops mid-sentence ("…, wer")."""
    end = sentence.rstrip()
    return end.endswith(":") or not end.endswith(_TERMINAL)



def continuing_items(passage: Passage, following: Passage) -> list[str]:
    """The list lines that open ``following`` and go on with the enumeration that ends ``passage``:
    the same section of the document (of a law: the same §), up to the first line that is no item."""
    same = "legal" if passage.metadata.get("legal") else "section"
    if _section_of(passage, same) != _section_of(following, same):
        return []
    items = []
    for line in following.text.split("\n"):
        if not LIST_LINE.match(line) or _ABSATZ.match(line):  # "(2) …" opens the next Absatz, no item
            break
        items.append(line.strip())
    return items


def _section_of(passage: Passage, key: str) -> str:
    value = passage.metadata.get(key)
    if key == "legal":  # "§ 4 Abs. 1 Nr. 4" and "§ 4 Abs. 1 Buchst. c": both § 4
        position = parse_label(value if isinstance(value, str) else None)
        return position.section if position else ""
    return str(value or "")


# What a value list lists is a label, not a sentence: "SEQ_TYPE: Verwendete Sequenzierungs-Plattform".
_LABEL_MAX = 120
_SENTENCE_INSIDE = re.compile(r"[.!?]\s")


def value_label(line: str) -> str | None:
    """What a line of a value list is a value of: the caption before " – " in "SEQ_TYPE: Verwendete
    Sequenzierungs-Plattform – ILLUMINA · Illumina is …" (a table without a header row, or a
    value set); None for prose and enumerations."""
    if "\n" in line:
        return None
    label, found, value = line.partition(CAPTION_SEPARATOR)
    label = label.strip()
    if not found or not value.strip() or not 2 <= len(label) <= _LABEL_MAX or _SENTENCE_INSIDE.search(label):
        return None
    return label


def value_list(text: str, line: str) -> tuple[list[str], bool, bool] | None:
    """The lines of ``text`` around ``line`` that share its label, and whether they reach the
    start and the end of ``text`` (the list may go on in the chunk before or after)."""
    label = value_label(line)
    paragraphs = _paragraphs(text)
    if label is None or line.strip() not in paragraphs:
        return None
    at = paragraphs.index(line.strip())
    start, end = at, at + 1
    while start > 0 and value_label(paragraphs[start - 1]) == label:
        start -= 1
    while end < len(paragraphs) and value_label(paragraphs[end]) == label:
        end += 1
    return paragraphs[start:end], start == 0, end == len(paragraphs)


def leading_values(text: str, label: str) -> list[str]:
    """The lines with ``label`` that open ``text``: a value list going on from the chunk before."""
    lines = []
    for paragraph in _paragraphs(text):
        if value_label(paragraph) != label:
            break
        lines.append(paragraph)
    return lines


def trailing_values(text: str, label: str) -> list[str]:
    """The lines with ``label`` that close ``text``: a value list that begins in it."""
    return leading_values("\n\n".join(reversed(_paragraphs(text))), label)[::-1]


def _paragraphs(text: str) -> list[str]:
    return [p.strip() for p in text.split("\n\n") if p.strip()]
