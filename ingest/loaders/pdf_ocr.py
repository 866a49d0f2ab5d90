"""Scanned pages of a PDF: which pages lack a text layer, their OCR text as lines, and the note the
ingest report shows when they cannot be read ("Seiten 3–5 ohne Textebene; OCR nicht installiert")."""

from __future__ import annotations

from ingest.ocr import OcrOptions, OcrProblem, ocr_pages

# Fewer letters than this on a page: no text layer worth the name (a scan may carry a stamped page
# number or a file name in its margin).
_MIN_LETTERS = 12


def is_textless(texts: list[str]) -> bool:
    return sum(ch.isalpha() for text in texts for ch in text) < _MIN_LETTERS


def recognise(data: bytes, pages: list[int], options: OcrOptions | None) -> tuple[dict[int, list[str]], str | None]:
    """OCR lines per page, and a note for the report when some of ``pages`` stay unread."""
    if not pages:
        return {}, None
    try:
        texts = ocr_pages(data, pages, options or OcrOptions(enabled=False))
    except OcrProblem as exc:
        return {}, _note(pages, exc.german, exc.english)
    lines = {page: [line.strip() for line in text.splitlines()] for page, text in texts.items()}
    unread = [page for page in pages if is_textless(lines.get(page, []))]
    skipped = [page for page in pages if page not in texts]
    note = None
    if skipped:
        note = _note(skipped, "OCR-Seitenhöchstzahl erreicht", "OCR page limit reached")
    elif unread:
        note = _note(unread, "auch die Texterkennung fand keinen Text", "OCR found no text either")
    return {page: page_lines for page, page_lines in lines.items() if page not in unread}, note


def _note(pages: list[int], german: str, english: str) -> str:
    de, en = page_ranges(pages)
    return f"{de} ohne Textebene; {german} ({en} without a text layer; {english})"


def page_ranges(pages: list[int]) -> tuple[str, str]:
    """("Seiten 3–5, 8", "pages 3–5, 8") for [3, 4, 5, 8]; "Seite 3" / "page 3" for one page."""
    runs: list[list[int]] = []
    for page in sorted(set(pages)):
        if runs and page == runs[-1][-1] + 1:
            runs[-1].append(page)
        else:
            runs.append([page])
    listed = ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
    single = len(pages) == 1
    return (f"Seite {listed}" if single else f"Seiten {listed}", f"page {listed}" if single else f"pages {listed}")
