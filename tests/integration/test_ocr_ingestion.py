"""A scanned PDF (no text layer at all) is read by Tesseract and answers questions.

Needs the Debian packages tesseract-ocr, tesseract-ocr-deu/-eng and poppler-utils (`make ocr`, part
of `make test`). Three pages at 150 dpi, the resolution the scan was made at, keep it to seconds.
"""

from __future__ import annotations

import io
import os
import shutil

import pytest
from pypdf import PdfReader, PdfWriter

from tests.conftest import SHARED_DIR, make_settings
from tests.unit.pdf_fixtures import build_pdf

pytestmark = pytest.mark.slow

SCAN = SHARED_DIR / "realdocs" / "kbv_vorgaben_corsurv_2021_scan.pdf"  # KBV, via the RKI repo (CC BY 4.0)


@pytest.fixture(scope="module")
def scan_container(tmp_path_factory, encoder):
    from assistant.container import Container

    container = Container(make_settings(tmp_path_factory.mktemp("ocr-store"), ocr_dpi=150), encoder=encoder)
    report = container.documents.ingest_paths([SCAN])
    return container, report


def test_scanned_pdf_is_read_by_ocr_and_its_chunks_are_marked(scan_container):
    container, report = scan_container
    (result,) = report.results
    assert result.status == "added", result
    assert result.notes == []
    stored = container.store.chunks.get(where={"document_id": result.document_id}, include=["metadatas"])
    assert stored["ids"] and all(m["ocr"] is True for m in stored["metadatas"])
    assert {m["page"] for m in stored["metadatas"]} == {1, 2, 3}


def test_a_question_is_answered_from_the_scanned_pages(scan_container):
    container, _ = scan_container
    answer = container.chat.ask("Was sind Untersuchungsstellen gemäß § 1 Absatz 1 CorSurV?")
    assert answer.answered, answer.answer
    assert "Laboratorien und Einrichtungen nach § 23 Absatz 3" in answer.answer
    assert answer.citations[0].document_id == "kbv-vorgaben-corsurv-2021-scan"


def mixed_pdf() -> bytes:
    """A text page followed by the scan's second page (the first rules, as an image only)."""
    writer = PdfWriter()
    writer.add_page(PdfReader(io.BytesIO(build_pdf([["Vorbemerkung", "Diese Vorgaben gelten ab Februar 2021."]]))).pages[0])
    writer.add_page(PdfReader(SCAN).pages[1])
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_without_tesseract_the_report_names_the_unread_pages_and_a_later_run_reads_them(
    fresh_container, tmp_path, monkeypatch
):
    path = tmp_path / "vorgaben-gemischt.pdf"
    path.write_bytes(mixed_pdf())
    real_path = os.environ["PATH"]
    bin_dir = tmp_path / "bin"  # pdftoppm, but no tesseract: OCR "not installed"
    bin_dir.mkdir()
    (bin_dir / "pdftoppm").symlink_to(shutil.which("pdftoppm"))
    monkeypatch.setenv("PATH", str(bin_dir))

    first = fresh_container.documents.ingest_paths([path]).results[0]

    assert first.status == "added" and first.chunks >= 1
    assert first.notes == [
        "Seite 2 ohne Textebene; OCR nicht installiert (tesseract fehlt) "
        "(page 2 without a text layer; OCR not installed (tesseract missing))"
    ]
    monkeypatch.setenv("PATH", real_path)  # OCR installed now: the same file is read again

    second = fresh_container.documents.ingest_paths([path]).results[0]

    assert second.status == "updated" and second.notes == []
    stored = fresh_container.store.chunks.get(where={"document_id": second.document_id}, include=["documents", "metadatas"])
    ocr_texts = [text for text, meta in zip(stored["documents"], stored["metadatas"], strict=True) if meta["ocr"]]
    assert any("Untersuchungsstellen" in text for text in ocr_texts)
    third = fresh_container.documents.ingest_paths([path]).results[0]
    assert third.status == "unchanged"
