"""Markdown: a line-based CommonMark subset, enough for notes and exported strategy papers."""

from __future__ import annotations

import re

from ingest.loaders.common import first_heading, list_block, single_line
from ingest.loaders.lines import (
    LEGAL_HEADING_LEVEL,
    is_legal_heading,
    join_legal_title_strings,
    starts_absatz,
)
from ingest.model import Block, BlockKind, ParsedDocument
from ingest.normalize import decode_text, normalize_text
from ingest.tables import caption_before, table_blocks

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_PAIR = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.+?)[ \t]*$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MD_LIST_ITEM = re.compile(r"^([ \t]*)(?:([-*+•])|(\d{1,9})([.)]))[ \t]+(.*)$")
_FENCE = re.compile(r"^ {0,3}(```+|~~~+)")
_BLOCKQUOTE = re.compile(r"^(?: {0,3}>[ ]?)+")
_TABLE_ROW = re.compile(r"^[ \t]*\|.*\|[ \t]*$")
_TABLE_SEPARATOR = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_REFERENCE_DEFINITION = re.compile(r"^ {0,3}\[[^\]]+\]:[ \t]+\S")

_MD_INLINE_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[ \t]*!\[[^\]]*\](?:\([^)]*\)|\[[^\]]*\])"), ""),  # images carry no indexable text
    (re.compile(r"\[([^\]]+)\]\((?:[^()\s]|\([^)]*\))*(?:\s+\"[^\"]*\")?\)"), r"\1"),
    (re.compile(r"\[([^\]]+)\]\[[^\]]*\]"), r"\1"),
    (re.compile(r"<((?:https?|mailto):[^>\s]+)>"), r"\1"),
    (re.compile(r"</?[A-Za-z][^>]*>"), ""),
    (re.compile(r"(`+)(.+?)\1"), r"\2"),
    (re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"), r"\2"),
    # Not inside words: "Expert*innen" is German gender notation, not emphasis.
    (re.compile(r"(?<![\w*])\*(?=\S)(.+?)(?<=\S)\*(?![\w*])"), r"\1"),
    (re.compile(r"(?<!\w)_(?=\S)(.+?)(?<=\S)_(?!\w)"), r"\1"),
    (re.compile(r"~~(?=\S)(.+?)(?<=\S)~~"), r"\1"),
    (re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~])"), r"\1"),
)


def _strip_markdown_inline(text: str) -> str:
    for pattern, replacement in _MD_INLINE_RULES:
        text = pattern.sub(replacement, text)
    return single_line(text)


def parse_markdown(data: bytes) -> ParsedDocument:
    text = normalize_text(decode_text(data))
    metadata, text = _split_front_matter(text)
    blocks = _MarkdownParser().parse(_HTML_COMMENT.sub("", text))
    title = metadata.get("title") or first_heading(blocks, prefer_level=1)
    return ParsedDocument(blocks=blocks, title=title, metadata=metadata)


def _split_front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    metadata = {}
    for line in match.group(1).split("\n"):
        pair = _FRONT_MATTER_PAIR.match(line)
        if pair and not pair.group(2).startswith(("|", ">", "[", "{")):
            metadata[pair.group(1)] = pair.group(2).strip("\"'")
    return metadata, text[match.end() :]


class _MarkdownParser:
    """Line-based CommonMark subset: enough for notes and exported strategy papers."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._paragraph: list[str] = []
        self._items: list[str] = []
        self._ordered_list = False
        # Indentation -> next number and delimiter of the ordered list open at that depth.
        self._numbers: dict[int, tuple[int, str]] = {}
        self._fence: str | None = None
        self._code: list[str] = []
        self._after_blank = False
        self._table: list[list[str]] = []
        self._table_header = 0  # 1 once the "|---|" line under the first row is seen

    def parse(self, text: str) -> list[Block]:
        for line in text.split("\n"):
            self._line(line)
        self._flush_code()
        self._flush()
        return self.blocks

    def _line(self, line: str) -> None:
        fence = _FENCE.match(line)
        if self._fence is not None:
            if fence and fence.group(1)[0] == self._fence[0] and len(fence.group(1)) >= len(self._fence):
                self._flush_code()
            else:
                self._code.append(line)
            return
        if fence:
            self._flush()
            self._fence = fence.group(1)
            return
        line = _BLOCKQUOTE.sub("", line)
        if not line.strip():
            self._flush_paragraph()
            self._flush_table()
            self._after_blank = True
            return
        after_blank, self._after_blank = self._after_blank, False
        self._content_line(line, after_blank)

    def _content_line(self, line: str, after_blank: bool) -> None:
        if not _TABLE_ROW.match(line):
            self._flush_table()
        atx = _ATX_HEADING.match(line)
        setext = _SETEXT_UNDERLINE.match(line)
        item = _MD_LIST_ITEM.match(line)
        if atx:
            self._heading(atx.group(2) or "", len(atx.group(1)))
        elif setext and self._paragraph and not self._items:
            level = 1 if setext.group(1)[0] == "=" else 2
            text = " ".join(self._paragraph)
            self._paragraph = []
            self._heading(text, level)
        elif _THEMATIC_BREAK.match(line):
            self._flush()
        elif item:
            self._flush_paragraph()
            indent = len(item.group(1).expandtabs(4))
            ordered = item.group(2) is None
            # Only a top-level marker change starts a new list; nested lists are flattened.
            if self._items and ordered != self._ordered_list and not indent:
                self._flush_items()
            if not self._items:
                self._ordered_list = ordered
                self._numbers = {}
            text = item.group(5).strip()
            if ordered:
                text = f"{self._number(indent, int(item.group(3)), item.group(4))} {text}"
            else:
                self._numbers = {depth: n for depth, n in self._numbers.items() if depth < indent}
            self._items.append(text)
        elif _REFERENCE_DEFINITION.match(line):
            return
        elif _TABLE_ROW.match(line):
            self._flush_paragraph()
            self._flush_items()
            if not _TABLE_SEPARATOR.match(line):
                self._table.append([_strip_markdown_inline(c) for c in line.strip().strip("|").split("|")])
            elif len(self._table) == 1:  # the separator under the first row makes it the header
                self._table_header = 1
        elif self._items and (line[:1] in (" ", "\t") or not after_blank) and not starts_absatz(line.strip()):
            # Indented or lazy continuation of the last list item.
            self._items[-1] = f"{self._items[-1]} {line.strip()}"
        else:
            self._flush_items()
            if starts_absatz(line.strip()):
                self._flush_paragraph()  # "(2) ..." opens the next Absatz even without a blank line
            self._paragraph.append(line.strip())

    def _number(self, indent: int, written: int, delimiter: str) -> str:
        """The number markdown renders: a list counts on from its first marker ("1. 1. 1." is 1, 2, 3);
        another delimiter ("1." then "3)") starts a new list."""
        self._numbers = {depth: n for depth, n in self._numbers.items() if depth <= indent}
        following, open_delimiter = self._numbers.get(indent, (written, delimiter))
        number = following if open_delimiter == delimiter else written
        self._numbers[indent] = (number + 1, delimiter)
        return f"{number}{delimiter}"

    def _heading(self, text: str, level: int) -> None:
        self._flush()
        self._add("heading", text, level=level)

    def _add(self, kind: BlockKind, text: str, level: int = 0) -> None:
        cleaned = _strip_markdown_inline(text)
        if cleaned:
            self.blocks.append(Block(kind, cleaned, level=level))

    def _flush(self) -> None:
        self._flush_paragraph()
        self._flush_items()
        self._flush_table()

    def _flush_table(self) -> None:
        if self._table:
            self.blocks.extend(
                table_blocks(self._table, caption=caption_before(self.blocks), header_rows=self._table_header)
            )
        self._table, self._table_header = [], 0

    def _flush_paragraph(self) -> None:
        if not self._paragraph:
            return
        lines = [_strip_markdown_inline(line) for line in self._paragraph]
        self._paragraph = []
        # A law pasted without markup: "§ 9 Strafvorschriften" (or "§ 9" over its title) alone.
        joined, legal_headings = join_legal_title_strings(lines)
        if len(joined) == 1 and (legal_headings or is_legal_heading(joined[0])):
            self._add("heading", joined[0], level=LEGAL_HEADING_LEVEL)
        else:
            self._add("paragraph", " ".join(lines))

    def _flush_items(self) -> None:
        if self._items:
            self.blocks.append(list_block([_strip_markdown_inline(item) for item in self._items]))
            self._items = []

    def _flush_code(self) -> None:
        if self._fence is not None and self._code:
            self.blocks.append(Block("paragraph", normalize_text("\n".join(self._code)).strip()))
        self._fence = None
        self._code = []
