"""Where a passage stands in a law: "§ 19 Abs. 1 Nr. 3 Buchst. a".

A law is cited by section (§), Absatz ("(1)"), Nummer ("3.") and Buchstabe ("a)"). The section comes
from the heading; Absatz, Nummer and Buchstabe are read from the enumerators at the start of the
text's lines, so the position of any point in a chunk follows from the chunk's starting position and
the text before that point.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace

# "§ 19 Übergangsvorschriften", "§§ 3a", "Art. 3 Inkrafttreten", "Artikel 2": the part a law is cited by.
_SECTION = re.compile(r"^(?:(§){1,2}\s*(\d{1,4}[a-z]?)|Art(?:ikel|\.)\s*(\d{1,4}[a-z]?))(?=\s|$)")
_ABSATZ = re.compile(r"(?:^|\n)\((\d{1,3}[a-z]?)\)\s")
_NUMMER = re.compile(r"(?:^|\n)(\d{1,3}[a-z]?)\.\s")
_BUCHSTABE = re.compile(r"(?:^|\n)([a-z])\1?\)\s")
_OPENING = re.compile(r"\(\d{1,3}[a-z]?\)\s|\d{1,3}[a-z]?\.\s|([a-z])\1?\)\s")
_PARAGRAPH_BREAK = "\n\n"
_LABEL = re.compile(
    r"^(?P<section>(?:§|Art\.) \S+)(?: Abs\. (?P<absatz>\S+))?(?: Nr\. (?P<nummer>\S+))?(?: Buchst\. (?P<buchstabe>\S+))?$"
)


@dataclass(frozen=True)
class LegalPosition:
    section: str
    absatz: str | None = None
    nummer: str | None = None
    buchstabe: str | None = None

    def label(self) -> str:
        parts = [self.section]
        for word, value in (("Abs.", self.absatz), ("Nr.", self.nummer), ("Buchst.", self.buchstabe)):
            if value:
                parts.append(f"{word} {value}")
        return " ".join(parts)


def legal_section(heading: str | None) -> str | None:
    """"§ 19" for a section label ending in "§ 19 Übergangsvorschriften", else None."""
    if not heading:
        return None
    match = _SECTION.match(heading.split(" › ")[-1].strip())
    if not match:
        return None
    return f"§ {match.group(2)}" if match.group(1) else f"Art. {match.group(3)}"


def absatz_opened(text: str) -> str | None:
    """The Absatz a block opens, "(2) Die ..." -> "2"."""
    match = _ABSATZ.match(text)
    return match.group(1) if match else None


def position_in(start: LegalPosition, text: str, offset: int | None = None) -> LegalPosition:
    """The position at ``offset`` in ``text`` (default: its start), given where the text starts.

    An Absatz resets Nummer and Buchstabe; a paragraph break ends a list, so an item number before it
    no longer applies.
    """
    if offset is None:
        before = text[: _first_line_end(text)]
    else:  # a quote that opens an Absatz or item stands in it: "(6) Das ..." is in Abs. 6
        opening = _OPENING.match(text, offset)
        before = text[: opening.end() if opening else offset]
    position = start
    absatz = _last(_ABSATZ, before)
    if absatz:
        position = LegalPosition(start.section, absatz[0], None, None)
        before = before[absatz[1] :]
    if _PARAGRAPH_BREAK in before:
        position = replace(position, nummer=None, buchstabe=None)
        before = before[before.rindex(_PARAGRAPH_BREAK) :]
    nummer = _last(_NUMMER, before)
    if nummer:
        position = replace(position, nummer=nummer[0], buchstabe=None)
        before = before[nummer[1] :]
    buchstabe = _last(_BUCHSTABE, before)
    if buchstabe:
        position = replace(position, buchstabe=buchstabe[0])
    return position


def quoted_position(start: object, text: str, quotes: Sequence[str]) -> LegalPosition | None:
    """Where a quote stands in a law: the chunk's starting position (its ``legal`` label), moved on
    by the Absatz, Nummer and Buchstabe enumerators between the chunk's start and the first quote."""
    position = parse_label(start if isinstance(start, str) else None)
    if position is None:
        return None
    offsets = [text.find(q) for q in quotes if q and text.find(q) >= 0]
    return position_in(position, text, min(offsets)) if offsets else position


# "nach § 10 Absatz 3", "§ 3", "Art. 2", "under § 7": the place in a law a question asks about.
ASKED_POSITION = re.compile(
    r"(?:§{1,2}\s*(\d{1,4}[a-z]?)|\bArt(?:ikel|\.)\s*(\d{1,4}[a-z]?))(?:\s*(?:Abs\.|Absatz|para(?:graph)?\.?)\s*(\d{1,3}[a-z]?))?(?![\w-])"
)


def asked_positions(question: str) -> tuple[LegalPosition, ...]:
    """The sections (and Absätze) of a law that ``question`` names: "§ 10 Absatz 3" → § 10 Abs. 3."""
    return tuple(
        LegalPosition(f"§ {m.group(1)}" if m.group(1) else f"Art. {m.group(2)}", m.group(3))
        for m in ASKED_POSITION.finditer(question)
    )


def parse_label(label: str | None) -> LegalPosition | None:
    match = _LABEL.match(label or "")
    if not match:
        return None
    return LegalPosition(match["section"], match["absatz"], match["nummer"], match["buchstabe"])


def _first_line_end(text: str) -> int:
    end = text.find("\n")
    return len(text) if end < 0 else end


def _last(pattern: re.Pattern[str], text: str) -> tuple[str, int] | None:
    matches = list(pattern.finditer(text))
    return (matches[-1].group(1), matches[-1].start()) if matches else None
