"""HTML pages: visible text in reading order, without scripts, navigation and page chrome."""

from __future__ import annotations

import re

from bs4 import BeautifulSoup, NavigableString, Tag
from bs4.element import PreformattedString

from ingest.loaders.common import first_heading, list_block, roman_numeral, single_line
from ingest.loaders.html_main import main_content
from ingest.model import ITEM_ENUMERATOR, Block, ParsedDocument
from ingest.normalize import decode_text, normalize_text
from ingest.tables import caption_before, table_blocks

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
_LIST_STYLE_NONE = re.compile(r"list-style(?:-type)?\s*:\s*none", re.IGNORECASE)


def parse_html(data: bytes) -> ParsedDocument:
    # html.parser: lenient enough for real pages and part of Python; speed does not matter at upload sizes.
    declared = _META_CHARSET.search(data[:4096])
    encoding = declared.group(1).decode("ascii") if declared else None
    html = decode_text(data, declared_encoding=encoding)
    soup = BeautifulSoup(html, "html.parser")
    title_tag = soup.find(lambda tag: tag.name == "title" and tag.find_parent("svg") is None)
    title = single_line(title_tag.get_text(" ")) if title_tag else ""
    _drop_boilerplate_elements(soup)
    main = soup.find("main")
    # <main> marks the content when a page has one; an empty <main> is a layout accident.
    root = main if main is not None and main.get_text(strip=True) else soup.find("body") or soup
    collector = _HtmlBlockCollector()
    collector.walk(root)
    collector.flush()
    blocks = main_content(collector.blocks, html)
    return ParsedDocument(blocks=blocks, title=title or first_heading(blocks, prefer_level=1))


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
            text = single_line(_html_inline_text(element))
            if text:
                self.blocks.append(Block("heading", text, level=_HEADING_TAGS[name]))
        elif name in ("ul", "ol"):
            self.flush()
            items = [single_line(item) for item in _html_list_items(element)]
            if any(items):
                self.blocks.append(list_block(items))
        elif name == "table" and _is_layout_table(element):
            self.flush()
            self.walk(element)  # old sites lay out the page with a table: its cells are the page
            self.flush()
        elif name == "table":
            self.flush()
            rows, header_rows = _html_table_cells(element)
            caption = element.find("caption")
            caption_text = single_line(_html_inline_text(caption)) if caption else None
            self.blocks.extend(
                table_blocks(rows, caption=caption_text or caption_before(self.blocks), header_rows=header_rows)
            )
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


def _is_layout_table(table: Tag) -> bool:
    """A table used for page layout: headings or paragraphs in its cells, not data."""
    return table.find(["h1", "h2", "h3", "h4", "h5", "h6", "p"]) is not None


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
    """Item texts in document order; nested lists are flattened after their parent item.

    Items of an ``<ol>`` get the number the browser shows ("1.", "b.", "iv."), honouring ``type``,
    ``start``, ``reversed`` and ``<li value>``, unless the text already starts with its own number.
    """
    entries = list_element.find_all("li", recursive=False)
    numbered = list_element.name == "ol" and not _LIST_STYLE_NONE.search(str(list_element.get("style", "")))
    style = str(list_element.get("type", "1"))
    step = -1 if list_element.has_attr("reversed") else 1
    number = _int_attribute(list_element, "start", len(entries) if step < 0 else 1)
    items: list[str] = []
    for item in entries:
        own_parts: list[str] = []
        nested: list[str] = []
        for child in item.children:
            if isinstance(child, Tag) and child.name in ("ul", "ol"):
                nested.extend(_html_list_items(child))
            else:
                own_parts.append(_html_inline_text(child) if isinstance(child, Tag) else _text_of_node(child))
        number = _int_attribute(item, "value", number)
        text = single_line("".join(own_parts))
        if numbered and text and not ITEM_ENUMERATOR.match(text):
            text = f"{_list_marker(number, style)} {text}"
        items.append(text)
        items.extend(nested)
        number += step
    return items


def _int_attribute(element: Tag, name: str, default: int) -> int:
    try:
        return int(str(element.get(name, "")).strip())
    except ValueError:
        return default


def _list_marker(number: int, style: str) -> str:
    """The marker of an ``<ol type=...>`` item as browsers render it; letters and Roman numerals
    need a positive number, else the decimal is shown."""
    if style in ("a", "A") and number > 0:
        letters = ""
        while number > 0:
            number, remainder = divmod(number - 1, 26)
            letters = chr(ord("a") + remainder) + letters
        return f"{letters.upper() if style == 'A' else letters}."
    if style in ("i", "I") and 0 < number < 4000:
        roman = roman_numeral(number)
        return f"{roman.upper() if style == 'I' else roman}."
    return f"{number}."


def _html_table_cells(table: Tag) -> tuple[list[list[str]], int | None]:
    """The rows' cell texts (a ``colspan`` repeats its cell, so values stay under their headers),
    and how many leading rows are headers (all ``<th>`` or in ``<thead>``); None when unmarked."""
    rows: list[list[str]] = []
    header_rows = 0
    for row in table.find_all("tr"):
        if row.find_parent("table") is not table:
            continue  # rows of nested tables are read with their own table
        cells: list[str] = []
        elements = row.find_all(("td", "th"), recursive=False)
        for cell in elements:
            cells.extend([single_line(_html_inline_text(cell))] * max(1, _int_attribute(cell, "colspan", 1)))
        is_header = bool(elements) and (
            all(cell.name == "th" for cell in elements) or row.find_parent("thead") is not None
        )
        if is_header and header_rows == len(rows):
            header_rows += 1
        rows.append(cells)
    return rows, header_rows or None
