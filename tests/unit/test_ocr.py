"""Scanned PDF pages: reported per file when OCR cannot read them, never silently dropped.

"Not installed" is real here: the tests run with a PATH that has no tesseract on it.
"""

from __future__ import annotations

import os
import shutil

import pytest

from ingest.loaders import parse_document
from ingest.loaders.pdf_ocr import page_ranges
from ingest.model import LoaderError
from ingest.ocr import OcrOptions
from tests.conftest import SHARED_DIR
from tests.unit.pdf_fixtures import build_pdf

SCAN = SHARED_DIR / "realdocs" / "kbv_vorgaben_corsurv_2021_scan.pdf"
TEXT_PAGE = ["Die Verordnung regelt die Surveillance.", "Sie gilt ab dem 19. Januar 2021 für alle Labore."]


@pytest.fixture
def without_tesseract(tmp_path, monkeypatch):
    """A PATH with pdftoppm (if this machine has it) but no tesseract."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    if shutil.which("pdftoppm"):
        os.symlink(shutil.which("pdftoppm"), bin_dir / "pdftoppm")
    monkeypatch.setenv("PATH", str(bin_dir))


def test_textless_pages_of_a_mixed_pdf_are_named_in_the_notes(without_tesseract):
    pdf = build_pdf([TEXT_PAGE, [], [], TEXT_PAGE, []])
    document = parse_document(pdf, "gemischt.pdf", ocr=OcrOptions())
    assert document.notes == [
        "Seiten 2–3, 5 ohne Textebene; OCR nicht installiert (tesseract fehlt) "
        "(pages 2–3, 5 without a text layer; OCR not installed (tesseract missing))"
    ]
    assert document.ocr_pages == []
    assert "Surveillance" in document.blocks[0].text


def test_an_image_only_pdf_without_ocr_fails_with_the_reason(without_tesseract):
    with pytest.raises(LoaderError) as error:
        parse_document(SCAN.read_bytes(), SCAN.name, ocr=OcrOptions())
    assert error.value.code == "no_text"
    assert "Seiten 1–3 ohne Textebene; OCR nicht installiert (tesseract fehlt)" in error.value.message
    assert "pages 1–3 without a text layer; OCR not installed" in error.value.message


def test_ocr_switched_off_is_reported_as_such():
    document = parse_document(build_pdf([TEXT_PAGE, []]), "aus.pdf", ocr=OcrOptions(enabled=False))
    assert document.notes == ["Seite 2 ohne Textebene; OCR ausgeschaltet (page 2 without a text layer; OCR switched off)"]


def test_page_ranges_in_german_and_english():
    assert page_ranges([3]) == ("Seite 3", "page 3")
    assert page_ranges([5, 3, 4, 8]) == ("Seiten 3–5, 8", "pages 3–5, 8")


# --- garbled text layers (a font without a usable encoding) --------------------------------

ORDINANCE = [
    "Die Verordnung regelt den Anspruch auf Schutzimpfung gegen das Coronavirus in der Bundesrepublik.",
    "Anspruch haben alle Personen, die in der Bundesrepublik Deutschland ihren Wohnsitz haben und die",
    "nach den Empfehlungen der Kommission zu einer Gruppe mit erhöhtem Risiko gehören. Die Länder und",
    "der Bund stellen die Impfstoffe bereit, und die Impfzentren führen die Impfungen nach dieser",
    "Verordnung durch. Das Nähere regelt die Anlage zu dieser Verordnung für die Jahre 2021 und 2022.",
]


def caesar(text: str, shift: int = 3) -> str:
    """What a subset font without a Unicode map yields: every letter stands for another one."""
    def move(ch: str) -> str:
        if "a" <= ch <= "z":
            return chr((ord(ch) - 97 + shift) % 26 + 97)
        if "A" <= ch <= "Z":
            return chr((ord(ch) - 65 + shift) % 26 + 65)
        return ch

    return "".join(move(ch) for ch in text)


GARBLED_PAGE = [caesar(line) for line in ORDINANCE]
CONTROL_PAGE = ["".join(chr(1 + (ord(ch) % 30)) if ch.isalpha() else ch for ch in line) for line in ORDINANCE]


def test_a_pdf_whose_text_layer_is_mojibake_is_refused_not_indexed():
    with pytest.raises(LoaderError) as error:
        parse_document(build_pdf([GARBLED_PAGE, GARBLED_PAGE]), "kaputt-kodiert.pdf", ocr=OcrOptions(enabled=False))
    assert error.value.code == "garbled_text"
    assert error.value.message.startswith("Die Textebene der PDF-Datei ist unlesbar (defekte Schriftkodierung)")
    assert "Seiten 1–2 mit unlesbarer Textebene" in error.value.message


def test_garbled_pages_are_left_out_of_an_otherwise_readable_pdf():
    pdf = build_pdf([ORDINANCE, CONTROL_PAGE, ORDINANCE, GARBLED_PAGE])
    document = parse_document(pdf, "teils.pdf", ocr=OcrOptions(enabled=False))
    text = " ".join(block.text for block in document.blocks)
    assert "Schutzimpfung" in text
    assert caesar("Schutzimpfung") not in text and "\x01" not in text
    assert document.notes == [
        "Seiten 2, 4 mit unlesbarer Textebene (defekte Schriftkodierung); OCR ausgeschaltet "
        "(pages 2, 4 with a garbled text layer (broken font encoding); OCR switched off)"
    ]


@pytest.mark.slow  # parses all eight real PDFs (~10 s)
def test_real_documents_are_not_taken_for_mojibake():
    for path in sorted((SHARED_DIR / "realdocs").glob("*.pdf")):
        if path.name.endswith("_scan.pdf"):
            continue
        assert parse_document(path.read_bytes(), path.name).notes == [], path.name
