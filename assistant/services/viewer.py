"""The source viewer: a cited passage shown where it stands in the original document.

For a PDF the cited page(s) are read with pdfium (``components/page_render.py``): the page's text,
the quoted sentences located in it (``locate.py``) and, for each, the boxes on the page where its
characters are printed. For the other formats the document's text as its loader reads it, with
the quoted sentences marked. A highlight exists only where the quote's letters were found; a
quote that cannot be found is reported (``located`` false), never drawn somewhere near.

Pages of a scanned PDF have no text layer to box (their text came from OCR): they are shown as
text, from the document's stored passages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, Field

from assistant.components import page_render
from assistant.components.vector_store import ChunkStore
from assistant.retrieval_types import StoredChunk
from assistant.services.documents import DocumentNotFound, DocumentService, OriginalMissing
from assistant.services.locate import Location, locate, normalise
from ingest.loaders import parse_document

MAX_QUOTES = 20


class ChunkNotFound(LookupError):
    """No such passage in this document (or an older version's passage)."""


class Highlight(BaseModel):
    start: int = Field(description="Offset of the first highlighted character in `text`.")
    end: int = Field(description="Offset after the last highlighted character in `text`.")
    page: int | None = Field(default=None, description="The PDF page the characters are printed on.")
    boxes: list[tuple[float, float, float, float]] = Field(
        default_factory=list,
        description="On a PDF page: one rectangle per printed line, [x0, y0, x1, y1] as fractions of the "
        "page's width and height, origin top left.",
    )


class SourceView(BaseModel):
    document_id: str
    title: str
    chunk_id: str
    filename: str | None = None
    kind: Literal["pdf", "text"] = Field(description="pdf: page images with boxes; text: the document's text.")
    page: int | None = Field(default=None, description="The page the first highlight is on (PDF).")
    pages: list[int] = Field(default_factory=list, description="The pages `text` holds (PDF), in order.")
    page_starts: list[int] = Field(default_factory=list, description="Offset in `text` where each page begins.")
    text: str = Field(description="The page text (PDF) or the document's text.")
    quotes: list[str] = Field(description="What was looked for: the cited sentences, else the whole passage.")
    highlights: list[Highlight]
    located: bool = Field(description="Every quote was found, letter for letter, in `text`.")
    has_original: bool = Field(description="The original file can be downloaded.")


class ViewerService:
    def __init__(self, store: ChunkStore, documents: DocumentService, cache_size: int = 8) -> None:
        self.store = store
        self.documents = documents
        self._texts: OrderedDict[str, str] = OrderedDict()  # parsed non-PDF texts by content hash
        self._cache_size = cache_size
        self._lock = threading.Lock()

    def view(self, document_id: str, chunk_id: str, quotes: Sequence[str] = ()) -> SourceView:
        info = self.documents.get_document(document_id)  # DocumentNotFound
        chunk = self._chunk(document_id, chunk_id)
        wanted = [q.strip() for q in quotes if q and q.strip()][:MAX_QUOTES] or [chunk.text]
        try:
            original = self.documents.original(document_id)
        except OriginalMissing:
            original = None
        base = dict(document_id=document_id, title=info.title, chunk_id=chunk_id, filename=info.filename, quotes=wanted)
        meta = chunk.metadata
        if original is not None and original.media_type == "application/pdf" and meta.get("page") and not meta.get("ocr"):
            view = self._pdf_view(original.path, chunk, wanted, base)
            if view is not None:
                return view
        text = self._document_text(info.content_hash, original, document_id)
        target = normalise(text)
        located = [locate(target, q) for q in wanted]
        highlights = [Highlight(start=s, end=e) for loc in located for s, e in loc.spans]
        return SourceView(
            **base, kind="text", text=text, highlights=_ordered(highlights),
            located=all(loc.complete for loc in located), has_original=original is not None,
        )  # fmt: skip

    def page_image(self, document_id: str, page: int, chunk_id: str | None, quotes: Sequence[str] = ()) -> bytes:
        """The PDF page as PNG, with the boxes of the passage's highlights on it when a chunk is given."""
        original = self.documents.original(document_id)  # DocumentNotFound, OriginalMissing
        if original.media_type != "application/pdf" or not 1 <= page <= page_render.page_count(original.path):
            raise ChunkNotFound(f"{document_id} page {page}")
        boxes = []
        if chunk_id:
            view = self.view(document_id, chunk_id, quotes)
            boxes = [box for h in view.highlights if h.page == page for box in h.boxes]
        return page_render.render_png(original.path, page, boxes)

    def _chunk(self, document_id: str, chunk_id: str) -> StoredChunk:
        found = self.store.get_chunks([chunk_id]) if chunk_id else []
        if not found or str(found[0].metadata.get("document_id")) != document_id:
            raise ChunkNotFound(chunk_id)
        return found[0]

    def _pdf_view(self, path: Path, chunk: StoredChunk, quotes: list[str], base: dict) -> SourceView | None:
        first = int(chunk.metadata["page"])
        last = int(chunk.metadata.get("page_end") or first)
        count = page_render.page_count(path)
        # The passage's pages first; a block's page is where it starts, so a quote may sit one later.
        for pages in (range(first, last + 1), range(max(1, first - 1), min(count, last + 1) + 1)):
            view = self._on_pages(path, [p for p in pages if 1 <= p <= count], quotes, base)
            if view is not None and view.located:
                return view
        return view if view is not None and view.highlights else None

    def _on_pages(self, path: Path, numbers: list[int], quotes: list[str], base: dict) -> SourceView | None:
        pages = [page_render.page_text(path, n) for n in numbers]
        if not any(p.text.strip() for p in pages):
            return None  # no text layer: shown as text
        starts, parts, offset = [], [], 0
        for page in pages:
            starts.append(offset)
            parts.append(page.text)
            offset += len(page.text) + 2
        text = "\n\n".join(parts)
        target = normalise(text)
        located: list[Location] = [locate(target, q) for q in quotes]
        highlights = []
        for start, end in sorted(s for loc in located for s in loc.spans):
            for index, page in enumerate(pages):  # a span over a page break is split at it
                lo, hi = max(start, starts[index]), min(end, starts[index] + len(page.text))
                if lo < hi:
                    local = (lo - starts[index], hi - starts[index])
                    boxes = page_render.line_boxes(page, *local)
                    highlights.append(Highlight(start=lo, end=hi, page=page.number, boxes=boxes))
        return SourceView(
            **base, kind="pdf", page=highlights[0].page if highlights else numbers[0], pages=numbers,
            page_starts=starts, text=text, highlights=highlights,
            located=all(loc.complete for loc in located), has_original=True,
        )  # fmt: skip

    def _document_text(self, content_hash: str, original, document_id: str) -> str:
        with self._lock:
            if content_hash in self._texts:
                self._texts.move_to_end(content_hash)
                return self._texts[content_hash]
        if original is not None and original.media_type != "application/pdf":
            parsed = parse_document(original.path.read_bytes(), original.filename)
            text = "\n\n".join(block.text for block in parsed.blocks)
        else:  # no original kept, or a scanned PDF: the passages as stored
            chunks = sorted(self.store.document_chunks(document_id), key=lambda c: int(c[0].metadata.get("position", 0)))
            text = "\n\n".join(chunk.text for chunk, _ in chunks)
        with self._lock:
            self._texts[content_hash] = text
            while len(self._texts) > self._cache_size:
                self._texts.popitem(last=False)
        return text


def _ordered(highlights: list[Highlight]) -> list[Highlight]:
    return sorted(highlights, key=lambda h: (h.start, h.end))


__all__ = ["ChunkNotFound", "DocumentNotFound", "Highlight", "SourceView", "ViewerService"]
