"""PDF pages whose text layer is no use: missing (a scan) or garbled (a font without a usable
encoding, "Glh Yhurugqxqj" or control characters instead of "Die Verordnung"). Such pages are read by
OCR; what stays unread is named in a note for the ingest report ("Seiten 3–5 ohne Textebene; OCR
nicht installiert"), so a scan or broken file never silently becomes an empty or mojibake index."""

from __future__ import annotations

import re
import unicodedata

from ingest.model import LoaderError
from ingest.ocr import OcrOptions, OcrProblem, ocr_pages

# Fewer letters than this on a page: no text layer worth the name (a scan may carry a stamped page
# number or a file name in its margin).
_MIN_LETTERS = 12
_WORD = re.compile(r"[^\W\d_]+")
# The commonest letter pairs of German and English words. Running text is made of them: on every
# page of the realdocs with 40+ words, 39-57 % of all letter pairs are among these. Text from a
# broken encoding (each letter standing for another) has under 7 %, and OCR of it under 3 %.
_COMMON_BIGRAMS = frozenset(
    """en er ch de ei te in nd ie ge st ne un be es he an re ng ic di se it ar ra sc ti ve or au al
    le ri on at li ns ur el da is nt la ma me mi we ha ta so us hr th ou""".split()
)
_MIN_COMMON_SHARE = 0.2
# Judged only on pages with this many words; fewer (a cover, a figure) say too little either way.
_MIN_WORDS = 40

TEXTLESS = ("ohne Textebene", "without a text layer")
GARBLED = ("mit unlesbarer Textebene (defekte Schriftkodierung)", "with a garbled text layer (broken font encoding)")


def is_textless(texts: list[str]) -> bool:
    return sum(ch.isalpha() for text in texts for ch in text) < _MIN_LETTERS


def is_garbled(texts: list[str]) -> bool:
    """Mojibake: many control, private-use or replacement characters, or (on a page with enough
    words to judge) letter pairs that German and English hardly ever have."""
    text = "\n".join(texts)
    visible = [ch for ch in text if not ch.isspace()]
    if not visible:
        return False
    broken = sum(ch == "\ufffd" or unicodedata.category(ch) in ("Cc", "Co", "Cs") for ch in visible)
    if broken / len(visible) > 0.1:
        return True
    words = [word.lower() for word in _WORD.findall(text)]
    if len(words) < _MIN_WORDS:
        return False
    pairs = [word[i : i + 2] for word in words for i in range(len(word) - 1)]
    return sum(pair in _COMMON_BIGRAMS for pair in pairs) / max(1, len(pairs)) < _MIN_COMMON_SHARE


def recognise(
    data: bytes, pages: list[int], options: OcrOptions | None, why: tuple[str, str] = TEXTLESS
) -> tuple[dict[int, list[str]], str | None]:
    """OCR lines per page, and a note for the report when some of ``pages`` stay unread; ``why``
    says (German, English) what is wrong with these pages."""
    if not pages:
        return {}, None
    try:
        texts = ocr_pages(data, pages, options or OcrOptions(enabled=False))
    except OcrProblem as exc:
        return {}, _note(pages, why, exc.german, exc.english)
    lines = {page: [line.strip() for line in text.splitlines()] for page, text in texts.items()}
    # What OCR reads is judged like a text layer: a page drawn in mojibake reads as mojibake.
    unread = [page for page in pages if is_textless(lines.get(page, [])) or is_garbled(lines.get(page, []))]
    skipped = [page for page in pages if page not in texts]
    note = None
    if skipped:
        note = _note(skipped, why, "OCR-Seitenhöchstzahl erreicht", "OCR page limit reached")
    elif unread:
        note = _note(unread, why, "auch die Texterkennung fand keinen lesbaren Text", "OCR found no readable text either")
    return {page: page_lines for page, page_lines in lines.items() if page not in unread}, note


def _note(pages: list[int], why: tuple[str, str], german: str, english: str) -> str:
    de, en = page_ranges(pages)
    return f"{de} {why[0]}; {german} ({en} {why[1]}; {english})"


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


def unreadable(garbled: list[int], notes: list[str]) -> LoaderError:
    """The error for a PDF of which no page could be read; the notes say why, page by page."""
    if garbled:
        message = (
            "Die Textebene der PDF-Datei ist unlesbar (defekte Schriftkodierung); sie wurde nicht "
            "aufgenommen (garbled text layer, broken font encoding: not indexed)."
        )
        return LoaderError("garbled_text", f"{message} {' '.join(notes)}".strip())
    message = (
        "Die PDF-Datei enthält keinen extrahierbaren Text – vermutlich ein Scan ohne Texterkennung "
        "(no extractable text, scanned PDF?)."
    )
    return LoaderError("no_text", f"{message} {' '.join(notes)}".strip())

