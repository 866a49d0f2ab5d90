"""Line-based structure detection shared by plain text and PDF.

Both arrive as bare lines without markup, so headings, list items and paragraph breaks are read
from the shape of the lines and their neighbours.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TypeVar

from ingest.loaders.common import join_wrapped, list_block, single_line
from ingest.model import Block

_Line = TypeVar("_Line")
_TERMINAL = ".!?:;"
_CLOSERS = "\"'“”»«’)]"
_SYMBOL_BULLET = re.compile(r"^[•\-*–·▪◦●○■□➢►‣⁃✓]\s+(?=\S)")
# Line-start enumerators of list items: "1.", "2)", "3a.", "a)", "aa)", "(a)", "i.", "iv)". A
# parenthesised number "(1)" is missing on purpose: in German legal text it opens an Absatz, which
# is a paragraph. "z. B." or "i. d. R." at a line start is an abbreviation, not an enumerator.
_ENUMERATOR = re.compile(
    r"^(?:\d{1,2}[a-z]?[.)]|([a-z])\1?\)|\(([a-z])\2?\)|[ivx]{1,4}[.)])\s+(?=\S)(?![^\W\d_]\.\s)"
)
_ABSATZ = re.compile(r"^\(\d{1,3}[a-z]?\)\s+\S")
HEADING_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
# "§ 9 Strafvorschriften", "§ 9", "§§ 3a", "Artikel 3", "Art. 3 Inkrafttreten".
_LEGAL_NUMBER = r"(?:§{1,2}\s*\d{1,4}[a-z]?|Art(?:ikel|\.)\s*\d{1,4}[a-z]?)"
_LEGAL_HEADING = re.compile(rf"^{_LEGAL_NUMBER}(?=\s|$)")
_LEGAL_NUMBER_ONLY = re.compile(rf"^{_LEGAL_NUMBER}$")
# Words of a citation ("§ 3 Absatz 1 Nummer 3"), which a wrapped body line may start with.
_CITATION_WORDS = frozenset({"absatz", "abs.", "satz", "nummer", "nr.", "buchstabe"})
# Sections of a law or ordinance sit below the title and any part or chapter headings.
LEGAL_HEADING_LEVEL = 3
_HYPHENATED_END = re.compile(r"[^\W\d_]-$")
MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 100
# A run of more short lines than this is a menu or a table of contents, not a heading.
_MAX_HEADING_RUN = 3
# Stands for the last line of the previous page in list_item_texts.
_PREVIOUS_PAGE = -1


def ends_with_terminal(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def starts_lowercase(line: str) -> bool:
    return bool(line) and line[0].islower()


def starts_absatz(line: str) -> bool:
    """A line opening a numbered Absatz of a law, "(1) ...", "(2a) ..."."""
    return bool(_ABSATZ.match(line))


def is_heading_shaped(line: str) -> bool:
    words = line.split()
    if not 1 <= len(words) <= MAX_HEADING_WORDS or len(line) > _MAX_HEADING_CHARS:
        return False
    if line.rstrip(_CLOSERS)[-1:] in (".", ",", ";", ":", "!", "-") or _SYMBOL_BULLET.match(line):
        return False
    if is_legal_heading(line):
        return True
    return (line[0].isupper() or line[0].isdigit()) and any(ch.isalpha() for ch in line)


def is_legal_heading(line: str) -> bool:
    """A section heading of a law: the number alone or with a title ("§ 9 Strafvorschriften").

    A title ends with a noun, so a last word in lowercase or citation words after the number mark
    a wrapped body line that happens to start with a reference ("§ 3 Absatz 1 Nummer 3 oder").
    """
    match = _LEGAL_HEADING.match(line)
    if not match or len(line) > _MAX_HEADING_CHARS or len(line.split()) > MAX_HEADING_WORDS:
        return False
    title = line[match.end() :].split()
    if title and (title[-1][0].islower() or any(word.lower() in _CITATION_WORDS for word in title)):
        return False
    return line.rstrip(_CLOSERS)[-1:] not in (".", ",", ";", ":", "!", "?", "-")


def join_legal_titles(
    lines: Sequence[_Line], text: Callable[[_Line], str], join: Callable[[_Line, _Line], _Line]
) -> tuple[list[_Line], set[int]]:
    """Join a section number with the title on the next line: "§ 9" + "Strafvorschriften".

    Laws set number and title on two lines; read apart, the number would become a heading of its
    own and the title a second one nested below it. Returns the lines and the positions of the joined
    headings, which count as headings without further evidence: a table of contents never sets a
    number on a line of its own.
    """
    joined: list[_Line] = []
    headings: set[int] = set()
    for line in lines:
        previous = text(joined[-1]) if joined else ""
        current = text(line)
        if (
            _LEGAL_NUMBER_ONLY.match(previous)
            and is_heading_shaped(current)
            and not is_legal_heading(current)
            and not _ENUMERATOR.match(current)
        ):
            joined[-1] = join(joined[-1], line)
            headings.add(len(joined) - 1)
        else:
            joined.append(line)
    return joined, headings


def join_legal_title_strings(lines: Sequence[str]) -> tuple[list[str], set[int]]:
    return join_legal_titles(lines, str, lambda number, title: f"{number} {title}")


def list_item_texts(
    lines: Sequence[str], wrap_width: float | None = None, after_item: bool = False
) -> list[str | None]:
    """The item text for lines that are list items, else ``None``.

    A symbol bullet is dropped; an enumerator ("1.", "a)") stays part of the item. "1." or "a)"
    makes an item only next to another item, so that a numbered heading such as "1. Einleitung"
    followed by body text stays a heading. "Next to" counts an item with its wrapped lines: in a
    hard-wrapped law, "1. Personen, die ..." and "2. ..." have a continuation line between them.
    ``after_item`` says that the text before ``lines`` (the previous page) ended in a list item.
    """
    symbol = [bool(_SYMBOL_BULLET.match(line)) for line in lines]
    marked = [symbol[index] or bool(_ENUMERATOR.match(line)) for index, line in enumerate(lines)]
    # First line of each marked item -> its last line, wrapped lines included.
    span_ends = {
        index: _span_end(lines, index, marked, wrap_width) for index, flag in enumerate(marked) if flag
    }
    last_lines = set(span_ends.values())
    content = [index for index, line in enumerate(lines) if line]
    previous_content = dict(zip(content[1:], content, strict=False))
    if after_item and content:
        first = content[0]
        if marked[first]:
            previous_content[first] = _PREVIOUS_PAGE
            last_lines.add(_PREVIOUS_PAGE)
        elif starts_lowercase(lines[first]):  # the rest of the previous page's last item
            last_lines.add(_span_end(lines, first, marked, wrap_width))
    next_content = dict(zip(content, content[1:], strict=False))
    items: list[str | None] = []
    for index, line in enumerate(lines):
        if symbol[index]:
            items.append(_SYMBOL_BULLET.sub("", line, count=1))
        elif marked[index] and (
            previous_content.get(index) in last_lines
            or (span_ends[index] in next_content and marked[next_content[span_ends[index]]])
        ):
            items.append(line)
        else:
            items.append(None)
    return items


def _span_end(lines: Sequence[str], start: int, marked: Sequence[bool], wrap_width: float | None) -> int:
    end = start
    while end + 1 < len(lines) and lines[end + 1] and not marked[end + 1]:
        if not continues_line(lines[end], lines[end + 1], wrap_width):
            break
        end += 1
    return end


def continues_line(previous: str, text: str, wrap_width: float | None) -> bool:
    """Whether line ``text`` continues the paragraph or item whose last line is ``previous``."""
    if starts_absatz(text):
        return False  # "(2) ..." opens the next Absatz even where the text is hard-wrapped
    if _HYPHENATED_END.search(previous):
        return True  # "Baden-" / "Gesund-": a paragraph never ends inside a word
    reaches_margin = wrap_width is not None and len(previous) >= 0.75 * wrap_width
    if ends_with_terminal(previous) and not reaches_margin:
        return False
    return starts_lowercase(text) or reaches_margin


def structural_headings(
    lines: Sequence[str], items: Sequence[str | None], wrap_width: float | None
) -> list[bool]:
    """Headings recognised by shape and position alone: short, unpunctuated, starting a section.

    ``lines`` may contain "" for blank lines. A candidate must follow a finished paragraph (or a
    blank line), must not continue into a lowercase line (then it is a broken line), and the run
    of candidates it belongs to must be followed by body text, which rules out trailing link lists.
    A section of a law next to another section line ("§ 14 ...", "§ 15 ...") is a table of contents
    entry, however long its neighbours are.
    """
    candidates = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index > 0 else ""
        following = lines[index + 1] if index + 1 < len(lines) else ""
        candidates.append(
            bool(line)
            and items[index] is None
            and is_heading_shaped(line)
            and not (
                _LEGAL_HEADING.match(line)
                and (_LEGAL_HEADING.match(previous) or _LEGAL_HEADING.match(following))
            )
            and not starts_lowercase(following)
            and (wrap_width is None or len(line) < 0.7 * wrap_width)
            and (
                not previous
                or ends_with_terminal(previous)
                or items[index - 1] is not None
                or is_heading_shaped(previous)
            )
        )
    headings = [False] * len(lines)
    index = 0
    while index < len(lines):
        if not candidates[index]:
            index += 1
            continue
        run_end = index
        while run_end < len(lines) and (candidates[run_end] or not lines[run_end]):
            run_end += 1
        run = [j for j in range(index, run_end) if candidates[j]]
        followed_by_body = run_end < len(lines)
        if followed_by_body and len(run) <= _MAX_HEADING_RUN:
            for j in run:
                headings[j] = True
        index = run_end
    return headings


def numbered_heading_level(line: str) -> int | None:
    match = HEADING_NUMBER.match(line)
    return min(match.group(1).count(".") + 1, 6) if match else None


def structural_heading_level(line: str, default: int) -> int:
    """Level of a heading found by shape: from its numbering ("2.1 Ziele", "§ 9"), else ``default``."""
    if is_legal_heading(line):
        return LEGAL_HEADING_LEVEL  # fixed, so that "§ 1" and "§ 2" are siblings wherever they stand
    return numbered_heading_level(line) or default


class _BlockAssembler:
    """Collects classified lines into blocks, joining wrapped and broken lines.

    ``wrap_width`` is the typical full line length of hard-wrapped text (PDF pages, emails); a line
    that reaches it was wrapped by the layout, so the next line continues the same paragraph.
    """

    def __init__(self, wrap_width: float | None, page: int | None = None) -> None:
        self.wrap_width = wrap_width
        self.page = page
        self.blocks: list[Block] = []
        self._paragraph: list[str] = []
        self._items: list[str] = []
        self._item_line = ""  # the last physical line of the open item; the wrap test needs a line
        self._after_blank = False

    def heading(self, text: str, level: int) -> None:
        self.flush()
        self.blocks.append(Block("heading", single_line(text), level=level, page=self.page))

    def item(self, text: str) -> None:
        self._flush_paragraph()
        self._items.append(text)
        self._item_line = text
        self._after_blank = False

    def blank(self) -> None:
        # A list survives blank lines between its items ("1. a\n\n2. b"); a paragraph does not.
        self._flush_paragraph()
        self._after_blank = True

    def line(self, text: str) -> None:
        after_blank, self._after_blank = self._after_blank, False
        if self._items:
            if not after_blank and continues_line(self._item_line, text, self.wrap_width):
                self._items[-1] = join_wrapped(self._items[-1], text)
                self._item_line = text
                return
            self._flush_items()
        if self._paragraph and not continues_line(self._paragraph[-1], text, self.wrap_width):
            self._flush_paragraph()
        self._paragraph.append(text)

    def flush(self) -> None:
        self._flush_paragraph()
        self._flush_items()

    def _flush_paragraph(self) -> None:
        if self._paragraph:
            text = single_line("\n".join(self._paragraph))
            self.blocks.append(Block("paragraph", text, page=self.page))
            self._paragraph = []

    def _flush_items(self) -> None:
        if self._items:
            self.blocks.append(list_block([single_line(item) for item in self._items], self.page))
            self._items = []


def assemble_lines(
    lines: Sequence[str],
    heading_levels: Sequence[int | None],
    items: Sequence[str | None],
    wrap_width: float | None,
    page: int | None = None,
) -> list[Block]:
    assembler = _BlockAssembler(wrap_width, page)
    for line, level, item in zip(lines, heading_levels, items, strict=True):
        if not line:
            assembler.blank()
        elif level is not None:
            assembler.heading(line, level)
        elif item is not None:
            assembler.item(item)
        else:
            assembler.line(line)
    assembler.flush()
    return assembler.blocks


def hard_wrap_width(lines: Sequence[str]) -> float | None:
    """The wrap column of hard-wrapped text, or ``None`` when lines are whole paragraphs."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 5:
        return None
    width = lengths[int(len(lengths) * 0.9) - 1]
    near_margin = sum(1 for length in lengths if length >= 0.75 * width)
    if width > 100 or near_margin < len(lengths) / 2:
        return None
    return float(width)
