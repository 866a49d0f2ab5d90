"""Plain text files."""

from __future__ import annotations

from ingest.loaders.lines import (
    assemble_lines,
    hard_wrap_width,
    join_legal_title_strings,
    list_item_texts,
    structural_heading_level,
    structural_headings,
)
from ingest.model import Block, ParsedDocument
from ingest.normalize import decode_text, normalize_text


def parse_text(data: bytes) -> ParsedDocument:
    text = normalize_text(decode_text(data))
    blocks = _plain_text_blocks(text)
    title = blocks[0].text if blocks and blocks[0].kind == "heading" else None
    return ParsedDocument(blocks=blocks, title=title)


def _plain_text_blocks(text: str) -> list[Block]:
    lines, legal_headings = join_legal_title_strings([line.strip() for line in text.split("\n")])
    wrap_width = hard_wrap_width(lines)
    items = list_item_texts(lines, wrap_width)
    is_heading = structural_headings(lines, items, wrap_width)
    first_content = next((index for index, line in enumerate(lines) if line), 0)
    levels = [
        structural_heading_level(line, 1 if index == first_content else 2)
        if heading or index in legal_headings
        else None
        for index, (line, heading) in enumerate(zip(lines, is_heading, strict=True))
    ]
    return assemble_lines(lines, levels, items, wrap_width)
