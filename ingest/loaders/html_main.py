"""The main content of a web page: trafilatura chooses the text, the HTML rules keep the structure.

The rules in ``html`` drop what markup marks as chrome (<nav>, <header>, <footer>, hidden
elements), but agency sites often build menus, cookie banners, breadcrumbs and share links from
plain <div>s. trafilatura (Apache-2.0) recognises those by their link density and position; on
three pages built like German ministry, state-agency and municipal sites it kept 1-3 of 31 debris
lines where the rules kept 23, and all 20 content sentences (bench/html_extractors.py). Its own
output loses structure (a table caption becomes a row, a tiny page comes back as one paragraph), so
it only decides which of the rules' blocks stay: a block stays when its text is in trafilatura's.
"""

from __future__ import annotations

import logging
from dataclasses import replace

from ingest.loaders.common import list_block, single_line
from ingest.model import ITEM_ENUMERATOR, Block
from ingest.tables import CAPTION_SEPARATOR, CELL_SEPARATOR

log = logging.getLogger(__name__)

# When trafilatura keeps less than this share of the rules' text it has picked the wrong part of the
# page (a teaser box, a comment); the rules' result is then the safer one.
_MIN_KEPT_SHARE = 0.1


def main_content(blocks: list[Block], html: str) -> list[Block]:
    """``blocks`` without those trafilatura counts as page chrome (all of them if it finds nothing)."""
    content = _trafilatura_text(html)
    if not content:
        return blocks
    kept = []
    for block in blocks:
        if block.kind == "list":
            # trafilatura writes "- item" for every entry, "1." included.
            items = [item for item in block.items if _flat(ITEM_ENUMERATOR.sub("", item, count=1)) in content]
            if items:
                kept.append(replace(list_block(items, block.page), level=block.level))
        elif all(part in content for part in _parts(block)):
            kept.append(block)
    total = sum(len(block.text) for block in blocks)
    if not kept or sum(len(block.text) for block in kept) < _MIN_KEPT_SHARE * total:
        return blocks
    return kept


def _trafilatura_text(html: str) -> str:
    try:
        import trafilatura
    except ImportError:  # the rules alone still give a usable page
        return ""
    try:
        text = trafilatura.extract(html, include_tables=True, include_comments=False, favor_recall=True)
    except Exception as exc:  # a page trafilatura cannot read is read by the rules alone
        log.warning("trafilatura failed (%s); using the HTML rules alone", exc)
        return ""
    return _flat(text or "")


def _parts(block: Block) -> list[str]:
    """What must be in the main text for the block to stay: its text, or a table row's cell values
    (trafilatura writes a table as cells, without our headers and caption)."""
    if block.kind != "row":
        return [_flat(block.text)]
    row = block.text.rsplit(CAPTION_SEPARATOR, 1)[-1]
    return [_flat(cell.split(": ", 1)[-1]) for cell in row.split(CELL_SEPARATOR)]


def _flat(text: str) -> str:
    return single_line(text)
