"""Turn the bytes of one uploaded file into structural blocks (headings, paragraphs, lists).

One module per format; plain text and PDF share the line-based structure detection in
``lines`` because both arrive as bare lines without markup. Loaders do not remove boilerplate: that is
``ingest.cleanup.clean_blocks``, applied by the pipeline afterwards.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ingest.loaders.docx import parse_docx
from ingest.loaders.html import parse_html
from ingest.loaders.markdown import parse_markdown
from ingest.loaders.pdf import parse_pdf
from ingest.loaders.text import parse_text
from ingest.model import LoaderError, PageProgress, ParsedDocument
from ingest.ocr import OcrOptions

__all__ = ["SUPPORTED_EXTENSIONS", "parse_document", "parse_file"]

SUPPORTED_EXTENSIONS = frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})


def parse_file(path: Path) -> ParsedDocument:
    """Read ``path`` and parse it by its extension."""
    return parse_document(path.read_bytes(), path.name)


def parse_document(
    data: bytes, filename: str, *, ocr: OcrOptions | None = None, progress: PageProgress | None = None
) -> ParsedDocument:
    """Parse file content; ``filename`` only selects the format (by extension, case-insensitive).
    ``ocr`` reads PDF pages without a text layer (None: they are only reported); ``progress`` hears
    of every PDF page read."""
    extension = Path(filename).suffix.lower()
    parser = _parser_for(extension)
    document = parse_pdf(data, ocr, progress) if parser is parse_pdf else parser(data)
    document.blocks = [block for block in document.blocks if block.text.strip()]
    if not document.blocks:
        raise LoaderError("empty", "Die Datei enthält keinen verwertbaren Text (no text content).")
    return document


def _parser_for(extension: str) -> Callable[[bytes], ParsedDocument]:
    parsers: dict[str, Callable[[bytes], ParsedDocument]] = {
        ".txt": parse_text,
        ".md": parse_markdown,
        ".markdown": parse_markdown,
        ".html": parse_html,
        ".htm": parse_html,
        ".pdf": parse_pdf,
        ".docx": parse_docx,
    }
    if extension not in parsers:
        supported = ", ".join(sorted(SUPPORTED_EXTENSIONS))
        raise LoaderError(
            "unsupported_type",
            f"Dateityp „{extension or '(ohne Endung)'}“ wird nicht unterstützt; erlaubt sind {supported} "
            f"(unsupported file type).",
        )
    return parsers[extension]
