"""The "Zusammenfassen & vergleichen" tab in Debian's Chromium: a summary with its sources and a
DOCX download, and a comparison table with "keine Angaben" where a document is silent."""

from __future__ import annotations

import io

import docx
import pytest

from tests.e2e.test_browser import ANSWER_TIMEOUT_MS, browser, choose, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e


def test_summary_and_comparison_in_the_web_ui(page, artifacts):  # noqa: F811
    page.get_by_role("tab", name="Zusammenfassen & vergleichen").click()

    choose(page, "#sa-summary-document", "Strategie Medizin in NRW")
    page.locator("#sa-summarize").click()
    summary = page.locator("#sa-summary")
    summary.get_by_text("Zusammenfassung: Strategie Medizin in NRW").wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "Quellen" in summary.inner_text() and "[1]" in summary.inner_text()
    link = page.locator("#sa-summary-file a").first
    link.wait_for(timeout=ANSWER_TIMEOUT_MS)
    with page.expect_download() as download_info:
        link.click()
    document = docx.Document(io.BytesIO(download_info.value.path().read_bytes()))
    assert any(p.text.startswith("[1] Strategie Medizin in NRW") for p in document.paragraphs)

    for title in ("Strategie Medizin in NRW", "Kompetenzverbund Qualitätsmedizin"):
        choose(page, "#sa-compare-documents", title)
    page.locator("#sa-compare-topic textarea").fill("Telemedizin")
    page.locator("#sa-compare").click()
    table = page.locator("#sa-comparison table")
    table.wait_for(timeout=ANSWER_TIMEOUT_MS)
    assert "keine Angaben" in table.inner_text() and "Telemedizin" in table.inner_text()
    page.locator("#sa-compare-file a").first.wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.screenshot(path=artifacts / "07-zusammenfassen-vergleichen.png", full_page=True)
