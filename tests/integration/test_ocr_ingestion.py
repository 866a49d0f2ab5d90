"""A scanned PDF (no text layer at all) is read by Tesseract and answers questions.

Needs the Debian packages tesseract-ocr, tesseract-ocr-deu/-eng and poppler-utils (`make ocr`, part
of `make test`). Three pages at 150 dpi, the resolution the scan was made at, keep it to seconds.
"""

from __future__ import annotations

import pytest

from tests.conftest import SHARED_DIR, make_settings

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
