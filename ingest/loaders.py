"""Turn the bytes of one uploaded file into structural blocks (headings, paragraphs, lists).

One parser per format; plain text and PDF share the line-based structure detection because both
arrive as bare lines without markup. Loaders do not remove boilerplate: that is
``ingest.cleanup.clean_blocks``, applied by the pipeline afterwards.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import docx
from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree
from pypdf import PageObject, PdfReader
from pypdf.errors import DependencyError

from ingest.model import Block, BlockKind, LoaderError, ParsedDocument
from ingest.normalize import decode_text, normalize_text

SUPPORTED_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})


def parse_file(path: Path) -> ParsedDocument:
    """Read ``path`` and parse it by its extension."""
    return parse_document(path.read_bytes(), path.name)


def parse_document(data: bytes, filename: str) -> ParsedDocument:
    """Parse file content; ``filename`` only selects the format (by extension, case-insensitive)."""
    extension = Path(filename).suffix.lower()
    parser = _parser_for(extension)
    document = parser(data)
    document.blocks = [block for block in document.blocks if block.text.strip()]
    if not document.blocks:
        raise LoaderError("empty", "Die Datei enthält keinen verwertbaren Text (no text content).")
    return document


def _parser_for(extension: str) -> Callable[[bytes], ParsedDocument]:
    parsers: dict[str, Callable[[bytes], ParsedDocument]] = {
        ".txt": _parse_plain_text,
        ".md": _parse_markdown,
        ".markdown": _parse_markdown,
        ".html": _parse_html,
        ".htm": _parse_html,
        ".pdf": _parse_pdf,
        ".docx": _parse_docx,
    }
    if extension not in parsers:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise LoaderError(
            "unsupported_type",
            f"Dateityp „{extension or '(ohne Endung)'}“ wird nicht unterstützt; erlaubt sind {supported} "
            f"(unsupported file type).",
        )
    return parsers[extension]


# --------------------------------------------------------------------------------------------
# Shared line classification (plain text and PDF)

_TERMINAL = ".!?:;"
_CLOSERS = "\"'“”»«’)]"
_SYMBOL_BULLET = re.compile(r"^[•\-*–·▪◦●○■□➢►‣⁃✓]\s+(?=\S)")
_ENUMERATOR = re.compile(r"^(?:\d{1,2}[.)]|[a-z]\))\s+(?=\S)")
_HEADING_NUMBER = re.compile(r"^(\d{1,2}(?:\.\d{1,2})*)\.?\s+\S")
_HYPHENATED_END = re.compile(r"[^\W\d_]-$")
_MAX_HEADING_WORDS = 12
_MAX_HEADING_CHARS = 100
# A run of more short lines than this is a menu or a table of contents, not a heading.
_MAX_HEADING_RUN = 3


def _ends_with_terminal(line: str) -> bool:
    stripped = line.rstrip(_CLOSERS)
    return bool(stripped) and stripped[-1] in _TERMINAL


def _starts_lowercase(line: str) -> bool:
    return bool(line) and line[0].islower()


def _is_heading_shaped(line: str) -> bool:
    words = line.split()
    if not 1 <= len(words) <= _MAX_HEADING_WORDS or len(line) > _MAX_HEADING_CHARS:
        return False
    if line.rstrip(_CLOSERS)[-1:] in (".", ",", ";", ":", "!", "-") or _SYMBOL_BULLET.match(line):
        return False
    return (line[0].isupper() or line[0].isdigit()) and any(ch.isalpha() for ch in line)


def _list_item_texts(lines: Sequence[str]) -> list[str | None]:
    """The item text for lines that are list items, else ``None``.

    "1." or "a)" makes an item only next to another item, so that a numbered heading such as
    "1. Einleitung" followed by body text stays a heading.
    """
    symbol = [bool(_SYMBOL_BULLET.match(line)) for line in lines]
    enumerated = [bool(_ENUMERATOR.match(line)) for line in lines]
    content = [index for index, line in enumerate(lines) if line]
    neighbours: dict[int, list[int]] = {
        index: content[max(position - 1, 0) : position] + content[position + 1 : position + 2]
        for position, index in enumerate(content)
    }
    items: list[str | None] = []
    for index, line in enumerate(lines):
        if symbol[index]:
            items.append(_SYMBOL_BULLET.sub("", line, count=1))
            continue
        if enumerated[index] and any(symbol[j] or enumerated[j] for j in neighbours[index]):
            items.append(_ENUMERATOR.sub("", line, count=1))
        else:
            items.append(None)
    return items


def _structural_headings(
    lines: Sequence[str], items: Sequence[str | None], wrap_width: float | None
) -> list[bool]:
    """Headings recognised by shape and position alone: short, unpunctuated, starting a section.

    ``lines`` may contain "" for blank lines. A candidate must follow a finished paragraph (or a
    blank line), must not continue into a lowercase line (then it is a broken line), and the run
    of candidates it belongs to must be followed by body text, which rules out trailing link lists.
    """
    candidates = []
    for index, line in enumerate(lines):
        previous = lines[index - 1] if index > 0 else ""
        following = lines[index + 1] if index + 1 < len(lines) else ""
        candidates.append(
            bool(line)
            and items[index] is None
            and _is_heading_shaped(line)
            and not _starts_lowercase(following)
            and (wrap_width is None or len(line) < 0.7 * wrap_width)
            and (
                not previous
                or _ends_with_terminal(previous)
                or items[index - 1] is not None
                or _is_heading_shaped(previous)
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


def _numbered_heading_level(line: str) -> int | None:
    match = _HEADING_NUMBER.match(line)
    return min(match.group(1).count(".") + 1, 6) if match else None


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
        self._after_blank = False

    def heading(self, text: str, level: int) -> None:
        self.flush()
        self.blocks.append(Block("heading", _single_line(text), level=level, page=self.page))

    def item(self, text: str) -> None:
        self._flush_paragraph()
        self._items.append(text)
        self._after_blank = False

    def blank(self) -> None:
        # A list survives blank lines between its items ("1. a\n\n2. b"); a paragraph does not.
        self._flush_paragraph()
        self._after_blank = True

    def line(self, text: str) -> None:
        after_blank, self._after_blank = self._after_blank, False
        if self._items:
            if not after_blank and self._continues(self._items[-1], text):
                self._items[-1] = _join_wrapped(self._items[-1], text)
                return
            self._flush_items()
        if self._paragraph and not self._continues(self._paragraph[-1], text):
            self._flush_paragraph()
        self._paragraph.append(text)

    def flush(self) -> None:
        self._flush_paragraph()
        self._flush_items()

    def _continues(self, previous: str, text: str) -> bool:
        if _HYPHENATED_END.search(previous):
            return True  # "Baden-" / "Gesund-": a paragraph never ends inside a word
        if _ends_with_terminal(previous) and not self._reaches_margin(previous):
            return False
        return _starts_lowercase(text) or self._reaches_margin(previous)

    def _reaches_margin(self, line: str) -> bool:
        return self.wrap_width is not None and len(line) >= 0.75 * self.wrap_width

    def _flush_paragraph(self) -> None:
        if self._paragraph:
            text = _single_line("\n".join(self._paragraph))
            self.blocks.append(Block("paragraph", text, page=self.page))
            self._paragraph = []

    def _flush_items(self) -> None:
        if self._items:
            self.blocks.append(_list_block([_single_line(item) for item in self._items], self.page))
            self._items = []


def _join_wrapped(previous: str, text: str) -> str:
    return _single_line(previous + "\n" + text)


def _single_line(text: str) -> str:
    """One-line block text; normalize_text first so hyphenation at line ends is repaired."""
    return " ".join(normalize_text(text).split())


def _list_block(items: Sequence[str], page: int | None = None) -> Block:
    kept = tuple(item for item in items if item)
    return Block("list", "\n".join(f"• {item}" for item in kept), page=page, items=kept)


def _assemble_lines(
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


def _hard_wrap_width(lines: Sequence[str]) -> float | None:
    """The wrap column of hard-wrapped text, or ``None`` when lines are whole paragraphs."""
    lengths = sorted(len(line) for line in lines if line)
    if len(lengths) < 5:
        return None
    width = lengths[int(len(lengths) * 0.9) - 1]
    near_margin = sum(1 for length in lengths if length >= 0.75 * width)
    if width > 100 or near_margin < len(lengths) / 2:
        return None
    return float(width)


# --------------------------------------------------------------------------------------------
# Plain text


def _parse_plain_text(data: bytes) -> ParsedDocument:
    text = normalize_text(decode_text(data))
    blocks = _plain_text_blocks(text)
    title = blocks[0].text if blocks and blocks[0].kind == "heading" else None
    return ParsedDocument(blocks=blocks, title=title)


def _plain_text_blocks(text: str) -> list[Block]:
    lines = [line.strip() for line in text.split("\n")]
    items = _list_item_texts(lines)
    wrap_width = _hard_wrap_width(lines)
    is_heading = _structural_headings(lines, items, wrap_width)
    first_content = next((index for index, line in enumerate(lines) if line), 0)
    levels = [
        (_numbered_heading_level(line) or (1 if index == first_content else 2)) if heading else None
        for index, (line, heading) in enumerate(zip(lines, is_heading, strict=True))
    ]
    return _assemble_lines(lines, levels, items, wrap_width)


# --------------------------------------------------------------------------------------------
# Markdown

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.DOTALL)
_FRONT_MATTER_PAIR = re.compile(r"^([A-Za-z_][\w-]*)[ \t]*:[ \t]*(.+?)[ \t]*$")
_HTML_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_ATX_HEADING = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT_UNDERLINE = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_THEMATIC_BREAK = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_MD_LIST_ITEM = re.compile(r"^[ \t]*(?:([-*+•])|\d{1,9}[.)])[ \t]+(.*)$")
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
    return _single_line(text)


def _parse_markdown(data: bytes) -> ParsedDocument:
    text = normalize_text(decode_text(data))
    metadata, text = _split_front_matter(text)
    blocks = _MarkdownParser().parse(_HTML_COMMENT.sub("", text))
    title = metadata.get("title") or _first_heading(blocks, prefer_level=1)
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


def _first_heading(blocks: Iterable[Block], prefer_level: int) -> str | None:
    headings = [block for block in blocks if block.kind == "heading"]
    preferred = [block for block in headings if block.level == prefer_level]
    chosen = preferred or headings
    return chosen[0].text if chosen else None


class _MarkdownParser:
    """Line-based CommonMark subset: enough for notes and exported strategy papers."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._paragraph: list[str] = []
        self._items: list[str] = []
        self._ordered_list = False
        self._fence: str | None = None
        self._code: list[str] = []
        self._after_blank = False

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
            self._after_blank = True
            return
        after_blank, self._after_blank = self._after_blank, False
        self._content_line(line, after_blank)

    def _content_line(self, line: str, after_blank: bool) -> None:
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
            ordered = item.group(1) is None
            # Only a top-level marker change starts a new list; nested lists are flattened.
            if self._items and ordered != self._ordered_list and not line[:1].isspace():
                self._flush_items()
            if not self._items:
                self._ordered_list = ordered
            self._items.append(item.group(2).strip())
        elif _REFERENCE_DEFINITION.match(line):
            return
        elif _TABLE_ROW.match(line):
            self._flush()
            if not _TABLE_SEPARATOR.match(line):
                cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
                self._add("paragraph", " | ".join(cell for cell in cells if cell))
        elif self._items and (line[:1] in (" ", "\t") or not after_blank):
            # Indented or lazy continuation of the last list item.
            self._items[-1] = f"{self._items[-1]} {line.strip()}"
        else:
            self._flush_items()
            self._paragraph.append(line.strip())

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

    def _flush_paragraph(self) -> None:
        if self._paragraph:
            self._add("paragraph", " ".join(self._paragraph))
            self._paragraph = []

    def _flush_items(self) -> None:
        if self._items:
            self.blocks.append(_list_block([_strip_markdown_inline(item) for item in self._items]))
            self._items = []

    def _flush_code(self) -> None:
        if self._fence is not None and self._code:
            self.blocks.append(Block("paragraph", normalize_text("\n".join(self._code)).strip()))
        self._fence = None
        self._code = []


# --------------------------------------------------------------------------------------------
# HTML

_DROPPED_TAGS = (
    "script", "style", "noscript", "nav", "header", "footer", "aside", "form", "template",
    "svg", "iframe", "button", "select", "object", "canvas",
)  # fmt: skip
_HEADING_TAGS = {f"h{level}": level for level in range(1, 7)}
_BLOCK_TAGS = frozenset(
    """
    address article blockquote body dd details dialog div dl dt fieldset figcaption figure
    hgroup hr li main p pre section summary td th tr caption center
    """.split()
)
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.IGNORECASE)
_WHITESPACE_RUN = re.compile(r"\s+")


def _parse_html(data: bytes) -> ParsedDocument:
    # html.parser: lenient enough for real pages and part of Python; speed does not matter at upload sizes.
    declared = _META_CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii") if declared else None
    soup = BeautifulSoup(decode_text(data, declared_encoding=encoding), "html.parser")
    title_tag = soup.find(lambda tag: tag.name == "title" and tag.find_parent("svg") is None)
    title = _single_line(title_tag.get_text(" ")) if title_tag else ""
    _drop_boilerplate_elements(soup)
    main = soup.find("main")
    # <main> marks the content when a page has one; an empty <main> is a layout accident.
    root = main if main is not None and main.get_text(strip=True) else soup.find("body") or soup
    collector = _HtmlBlockCollector()
    collector.walk(root)
    collector.flush()
    blocks = collector.blocks
    return ParsedDocument(blocks=blocks, title=title or _first_heading(blocks, prefer_level=1))


def _drop_boilerplate_elements(soup: BeautifulSoup) -> None:
    doomed: list[Tag] = []
    for element in soup.find_all(True):
        if element.name == "header" and element.find_parent("article"):
            continue  # an article's own header holds its title, not site chrome
        hidden = (
            element.name in _DROPPED_TAGS
            or element.has_attr("hidden")
            or str(element.get("aria-hidden", "")).lower() == "true"
            or bool(_HIDDEN_STYLE.search(str(element.get("style", ""))))
        )
        if hidden:
            doomed.append(element)
    for element in doomed:
        if not element.decomposed:
            element.decompose()


class _HtmlBlockCollector:
    """Walks the DOM in reading order, buffering inline text until a block boundary."""

    def __init__(self) -> None:
        self.blocks: list[Block] = []
        self._inline: list[str] = []

    def walk(self, node: Tag) -> None:
        for child in node.children:
            if _is_text_node(child):
                self._inline.append(_WHITESPACE_RUN.sub(" ", str(child)))
            elif isinstance(child, Tag):
                self._element(child)

    def _element(self, element: Tag) -> None:
        name = element.name
        if name in _HEADING_TAGS:
            self.flush()
            text = _single_line(_html_inline_text(element))
            if text:
                self.blocks.append(Block("heading", text, level=_HEADING_TAGS[name]))
        elif name in ("ul", "ol"):
            self.flush()
            items = [_single_line(item) for item in _html_list_items(element)]
            if any(items):
                self.blocks.append(_list_block(items))
        elif name == "table":
            self.flush()
            for row in _html_table_rows(element):
                self.blocks.append(Block("paragraph", row))
        elif name == "pre":
            self.flush()
            text = normalize_text(element.get_text()).strip()
            if text:
                self.blocks.append(Block("paragraph", text))
        elif name == "br":
            self._inline.append("\n")
        elif name in _BLOCK_TAGS:
            self.flush()
            self.walk(element)
            self.flush()
        else:
            self.walk(element)

    def flush(self) -> None:
        text = "".join(self._inline)
        self._inline = []
        lines = [" ".join(line.split()) for line in normalize_text(text).split("\n")]
        paragraph = "\n".join(line for line in lines if line)
        if paragraph:
            self.blocks.append(Block("paragraph", paragraph))


def _is_text_node(node: object) -> bool:
    # Comments, doctypes and CDATA are NavigableStrings too, but never visible text.
    return isinstance(node, NavigableString) and not isinstance(node, PreformattedString)


def _text_of_node(node: object) -> str:
    return str(node) if _is_text_node(node) else ""


def _html_inline_text(element: Tag) -> str:
    parts: list[str] = []
    for node in element.descendants:
        if _is_text_node(node):
            parts.append(str(node))
        elif isinstance(node, Tag) and (node.name == "br" or node.name in _BLOCK_TAGS):
            parts.append(" ")
    return "".join(parts)


def _html_list_items(list_element: Tag) -> list[str]:
    """Item texts in document order; nested lists are flattened after their parent item."""
    items: list[str] = []
    for item in list_element.find_all("li", recursive=False):
        own_parts: list[str] = []
        nested: list[str] = []
        for child in item.children:
            if isinstance(child, Tag) and child.name in ("ul", "ol"):
                nested.extend(_html_list_items(child))
            else:
                own_parts.append(_html_inline_text(child) if isinstance(child, Tag) else _text_of_node(child))
        items.append("".join(own_parts))
        items.extend(nested)
    return items


def _html_table_rows(table: Tag) -> list[str]:
    rows = []
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue  # rows of nested tables are read with their own table
        cells = [
            _single_line(_html_inline_text(cell)) for cell in row.find_all(("td", "th"), recursive=False)
        ]
        text = " | ".join(cell for cell in cells if cell)
        if text:
            rows.append(text)
    return rows


# --------------------------------------------------------------------------------------------
# PDF

_PAGE_NUMBER = re.compile(
    r"^(?:(?:seite|page|s\.)\s*)?[-–]?\s*\d{1,4}\s*[-–]?(?:\s*(?:von|of|/)\s*\d{1,4})?$", re.IGNORECASE
)
_DIGITS = re.compile(r"\d+")
# Lines this close to the page edge are where running headers and footers live.
_EDGE_LINES = 2
_HEADING_SIZE_RATIO = 1.15
_JUNK_TITLES = re.compile(r"^(?:untitled|unbenannt|microsoft word\s*-|dokument\d*$|document\d*$)", re.I)


@dataclass(frozen=True)
class _PdfLine:
    text: str
    size: float | None  # dominant font size of the line, when the extractor reported it


def _parse_pdf(data: bytes) -> ParsedDocument:
    reader = _open_pdf(data)
    extracted = [_pdf_page_lines(page) for page in _pdf_pages(reader)]
    if extracted and all(lines is None for lines in extracted):
        raise _corrupt_pdf()
    pages = [lines or [] for lines in extracted]
    if not any(line.text for lines in pages for line in lines):
        raise LoaderError(
            "no_text",
            "Die PDF-Datei enthält keinen extrahierbaren Text – vermutlich ein Scan ohne Texterkennung "
            "(no extractable text, scanned PDF?).",
        )
    blocks = _pdf_blocks(_drop_running_headers(pages))
    title = _pdf_metadata_title(reader) or _first_heading(blocks, prefer_level=1)
    return ParsedDocument(blocks=blocks, title=title)


def _corrupt_pdf() -> LoaderError:
    return LoaderError("corrupt", "Die PDF-Datei ist beschädigt und kann nicht gelesen werden (corrupt PDF).")


def _open_pdf(data: bytes) -> PdfReader:
    # pypdf signals malformed input with many exception types (PdfReadError, ValueError,
    # KeyError, TypeError, struct/zlib errors, ...); for an upload all of them mean "unreadable".
    try:
        reader = PdfReader(io.BytesIO(data))
        encrypted = reader.is_encrypted
    except Exception as exc:
        raise _corrupt_pdf() from exc
    if encrypted:
        try:
            opened = bool(reader.decrypt(""))
        except DependencyError:
            opened = False  # AES needs the optional "cryptography" package
        except Exception as exc:
            raise _corrupt_pdf() from exc
        if not opened:
            raise LoaderError(
                "encrypted",
                "Die PDF-Datei ist passwortgeschützt und kann nicht geöffnet werden (encrypted PDF).",
            )
    return reader


def _pdf_pages(reader: PdfReader) -> list[PageObject]:
    try:
        return list(reader.pages)
    except Exception as exc:
        raise _corrupt_pdf() from exc


def _pdf_page_lines(page: PageObject) -> list[_PdfLine] | None:
    """Lines of one page with their font sizes, or ``None`` if the page cannot be read.

    Sizes come from pypdf's text visitor and are used only when the visited fragments reproduce
    extract_text's result exactly, so font sizes never come at the price of different text.
    """
    fragments: list[tuple[str, float]] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: object, size: float) -> None:
        scale = abs(tm[3] * cm[3]) if tm[3] and cm[3] else 1.0
        fragments.append((text, size * scale))

    try:
        text = page.extract_text(visitor_text=visit)
    except Exception:
        return None  # one unreadable page should not cost the rest of the document
    if "".join(fragment for fragment, _ in fragments) != text:
        fragments = [(text, 0.0)]  # no trustworthy sizes: every line gets the same one
    return _lines_with_sizes(fragments)


def _lines_with_sizes(fragments: Iterable[tuple[str, float]]) -> list[_PdfLine]:
    lines: list[_PdfLine] = []
    current: list[str] = []
    sizes: Counter[float] = Counter()
    for fragment, size in fragments:
        for position, piece in enumerate(fragment.split("\n")):
            if position > 0:
                lines.append(_finish_pdf_line(current, sizes))
                current, sizes = [], Counter()
            current.append(piece)
            if piece.strip():
                sizes[round(size, 1)] += len(piece.strip())
    lines.append(_finish_pdf_line(current, sizes))
    return lines


def _finish_pdf_line(parts: list[str], sizes: Counter[float]) -> _PdfLine:
    size = sizes.most_common(1)[0][0] if sizes else None
    return _PdfLine(_single_line("".join(parts)), size or None)


def _drop_running_headers(pages: list[list[_PdfLine]]) -> list[list[_PdfLine]]:
    """Remove bare page numbers and lines repeated at the top or bottom of most pages."""
    edges_per_page = [_edge_indices(lines) for lines in pages]
    edge_counts: Counter[str] = Counter()
    for lines, edges in zip(pages, edges_per_page, strict=True):
        edge_counts.update({_DIGITS.sub("#", lines[index].text) for index in edges})
    repeated = {
        key for key, count in edge_counts.items() if len(pages) >= 3 and count >= 3 and count > len(pages) / 2
    }

    def is_running(line: _PdfLine) -> bool:
        return bool(_PAGE_NUMBER.match(line.text)) or _DIGITS.sub("#", line.text) in repeated

    return [
        [line for index, line in enumerate(lines) if not (index in edges and is_running(line))]
        for lines, edges in zip(pages, edges_per_page, strict=True)
    ]


def _edge_indices(lines: Sequence[_PdfLine]) -> set[int]:
    content = [index for index, line in enumerate(lines) if line.text]
    return set(content[:_EDGE_LINES] + content[-_EDGE_LINES:])


def _pdf_blocks(pages: list[list[_PdfLine]]) -> list[Block]:
    all_lines = [line for lines in pages for line in lines if line.text]
    heading_sizes = _heading_sizes(all_lines, _body_font_size(all_lines))
    blocks: list[Block] = []
    for page_number, page_lines in enumerate(pages, start=1):
        texts = [line.text for line in page_lines]
        wrap_width = _pdf_wrap_width(texts)
        if heading_sizes:
            levels = _size_heading_levels(page_lines, heading_sizes)
            texts, levels = _merge_wrapped_headings(texts, levels)
            items = _list_item_texts(texts)
        else:
            items = _list_item_texts(texts)
            structural = _structural_headings(texts, items, wrap_width)
            levels = [
                (_numbered_heading_level(text) or 2) if heading else None
                for text, heading in zip(texts, structural, strict=True)
            ]
        levels = [None if item is not None else level for level, item in zip(levels, items, strict=True)]
        page_blocks = _assemble_lines(texts, levels, items, wrap_width, page=page_number)
        blocks = _merge_across_pages(blocks, page_blocks)
    return blocks


def _body_font_size(lines: Sequence[_PdfLine]) -> float | None:
    weights: Counter[float] = Counter()
    for line in lines:
        if line.size is not None:
            weights[line.size] += len(line.text)
    return weights.most_common(1)[0][0] if weights else None


def _heading_sizes(lines: Sequence[_PdfLine], body_size: float | None) -> list[float]:
    """Font sizes used for headings, largest first; empty when the PDF gives no size signal."""
    if body_size is None:
        return []
    sizes = {
        line.size
        for line in lines
        if line.size is not None
        and line.size >= body_size * _HEADING_SIZE_RATIO
        and _is_heading_shaped(line.text)
    }
    return sorted(sizes, reverse=True)


def _size_heading_levels(lines: Sequence[_PdfLine], heading_sizes: Sequence[float]) -> list[int | None]:
    levels: list[int | None] = []
    for index, line in enumerate(lines):
        level = _size_heading_level(lines, index, heading_sizes)
        previous = lines[index - 1] if index else None
        if level is None and previous is not None and levels[-1] is not None and line.size == previous.size:
            # The wrapped rest of a heading may start lowercase ("... der\ninnovativen Medizin").
            level = levels[-1] if 0 < len(line.text.split()) <= _MAX_HEADING_WORDS else None
        levels.append(level)
    return levels


def _size_heading_level(lines: Sequence[_PdfLine], index: int, heading_sizes: Sequence[float]) -> int | None:
    line = lines[index]
    following = lines[index + 1] if index + 1 < len(lines) else _PdfLine("", None)
    # A lowercase next line continues the text, unless it is the wrapped rest of the heading itself.
    continues_as_body = _starts_lowercase(following.text) and following.size != line.size
    if line.size not in heading_sizes or not _is_heading_shaped(line.text) or continues_as_body:
        return None
    return min(heading_sizes.index(line.size) + 1, 6)


def _merge_wrapped_headings(
    texts: Sequence[str], levels: Sequence[int | None]
) -> tuple[list[str], list[int | None]]:
    """A long heading set in a large font wraps onto a second line of the same size."""
    merged_texts: list[str] = []
    merged_levels: list[int | None] = []
    for text, level in zip(texts, levels, strict=True):
        continuation = not _HEADING_NUMBER.match(text)
        if level is not None and merged_levels and merged_levels[-1] == level and continuation:
            merged_texts[-1] = _join_wrapped(merged_texts[-1], text)
            continue
        merged_texts.append(text)
        merged_levels.append(level)
    return merged_texts, merged_levels


def _pdf_wrap_width(texts: Sequence[str]) -> float | None:
    lengths = sorted(len(text) for text in texts if text)
    if not lengths:
        return None
    return float(lengths[int(len(lengths) * 0.9) - 1] if len(lengths) >= 5 else lengths[-1])


def _merge_across_pages(blocks: list[Block], page_blocks: list[Block]) -> list[Block]:
    """Join a paragraph that runs over a page break; it keeps the page where it starts."""
    if not blocks or not page_blocks:
        return blocks + page_blocks
    last, first = blocks[-1], page_blocks[0]
    if (
        last.kind == first.kind == "paragraph"
        and not _ends_with_terminal(last.text)
        and _starts_lowercase(first.text)
    ):
        merged = replace(last, text=_join_wrapped(last.text, first.text))
        return blocks[:-1] + [merged] + page_blocks[1:]
    return blocks + page_blocks


def _pdf_metadata_title(reader: PdfReader) -> str | None:
    try:
        metadata = reader.metadata
        raw = metadata.title if metadata else None
    except Exception:
        return None  # a broken Info dictionary must not fail an otherwise readable file
    title = _single_line(str(raw)) if raw else ""
    return title if title and not _JUNK_TITLES.match(title) else None


# --------------------------------------------------------------------------------------------
# DOCX

_DOCX_HEADING_STYLE = re.compile(r"^(?:heading|überschrift)\s*(\d)$", re.IGNORECASE)


def _parse_docx(data: bytes) -> ParsedDocument:
    document = _open_docx(data)
    blocks: list[Block] = []
    items: list[str] = []
    style_title: str | None = None

    def flush_items() -> None:
        if items:
            blocks.append(_list_block(items))
            items.clear()

    for element in document.iter_inner_content():
        if isinstance(element, Table):
            flush_items()
            blocks.extend(Block("paragraph", row) for row in _docx_table_rows(element))
            continue
        text = _single_line(element.text)
        if not text:
            continue
        style = _docx_style_name(element)
        level = _docx_heading_level(style)
        if level is not None:
            flush_items()
            blocks.append(Block("heading", text, level=level))
            if style.lower() == "title" and style_title is None:
                style_title = text
        elif style.lower().startswith("list") or _docx_is_numbered(element):
            items.append(text)
        else:
            flush_items()
            blocks.append(Block("paragraph", text))
    flush_items()
    core_title = _single_line(document.core_properties.title or "")
    title = core_title or style_title or _first_heading(blocks, prefer_level=1)
    return ParsedDocument(blocks=blocks, title=title or None)


def _open_docx(data: bytes) -> DocxDocument:
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, PackageNotFoundError, etree.LxmlError, KeyError, ValueError, OSError) as exc:
        raise LoaderError(
            "corrupt", "Die Word-Datei ist beschädigt und kann nicht gelesen werden (corrupt DOCX)."
        ) from exc


def _docx_style_name(paragraph: Paragraph) -> str:
    style = paragraph.style
    return (style.name or "") if style is not None else ""


def _docx_heading_level(style: str) -> int | None:
    if style.lower() == "title":
        return 1
    match = _DOCX_HEADING_STYLE.match(style.strip())
    return min(int(match.group(1)), 6) if match and int(match.group(1)) > 0 else None


def _docx_is_numbered(paragraph: Paragraph) -> bool:
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _docx_table_rows(table: Table) -> list[str]:
    rows = []
    for row in table.rows:
        cells: list[str] = []
        for cell in row.cells:
            text = _single_line(cell.text)
            # A merged cell is reported once per grid column it spans.
            if text and (not cells or cells[-1] != text):
                cells.append(text)
        if cells:
            rows.append(" | ".join(cells))
    return rows
