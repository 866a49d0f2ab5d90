"""Word documents: paragraph styles give headings and lists, tables become row paragraphs."""

from __future__ import annotations

import io
import re
import zipfile

import docx
from docx.document import Document as DocxDocument
from docx.opc.exceptions import PackageNotFoundError
from docx.table import Table
from docx.text.paragraph import Paragraph
from lxml import etree

from ingest.loaders.common import first_heading, list_block, single_line
from ingest.loaders.docx_numbering import DocxNumbering
from ingest.model import ITEM_ENUMERATOR, Block, LoaderError, ParsedDocument
from ingest.tables import caption_before, table_blocks

_DOCX_HEADING_STYLE = re.compile(r"^(?:heading|überschrift)\s*(\d)$", re.IGNORECASE)
# List styles that number their paragraphs ("List Number", "Listennummer").
_NUMBER_STYLE = re.compile(r"number|nummer", re.IGNORECASE)


def parse_docx(data: bytes) -> ParsedDocument:
    document = _open_docx(data)
    blocks: list[Block] = []
    items: list[str] = []
    style_title: str | None = None
    numbering = DocxNumbering(document)

    def flush_items() -> None:
        if items:
            blocks.append(list_block(items))
            items.clear()

    for element in document.iter_inner_content():
        if isinstance(element, Table):
            flush_items()
            blocks.extend(table_blocks(_docx_table_cells(element), caption=caption_before(blocks)))
            continue
        text = single_line(element.text)
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
            marker = numbering.marker(element)
            if marker is None and (_docx_is_numbered(element) or _NUMBER_STYLE.search(style)):
                # Word's own number is not recoverable: count within this list, unless typed in.
                marker = "" if ITEM_ENUMERATOR.match(text) else f"{len(items) + 1}."
            items.append(f"{marker} {text}" if marker else text)
        else:
            flush_items()
            blocks.append(Block("paragraph", text))
    flush_items()
    core_title = single_line(document.core_properties.title or "")
    title = core_title or style_title or first_heading(blocks, prefer_level=1)
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


def _docx_table_cells(table: Table) -> list[list[str]]:
    # A merged cell is reported once per grid column it spans; table_blocks skips the repeats, and
    # keeping the grid here keeps every value under its own column header.
    return [[single_line(cell.text) for cell in row.cells] for row in table.rows]

