"""The web UI in Debian's Chromium: ask, read the sources, upload, ask about the upload, remove it.

Never skipped: CI installs Chromium (``make browser``); without it the test fails and says so.
Screenshots go to test-artifacts/ (gitignored).
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from tests.e2e.conftest import EDITOR_KEY, MUSTERLAND, MUSTERLAND_FACT, MUSTERLAND_QUESTION, READER_KEY

pytestmark = pytest.mark.e2e

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Text that would run as script if any document text reached the page unescaped.
# The first line becomes the title: markup there must stay text in the table, the picker and the sources.
HOSTILE = """Prüfbericht <b>Musterland</b> <img src=y onerror="window.__xss=3">

Die Prüfstelle Musterland meldet im Pilotbericht den Code <img src=x onerror="window.__xss=1"> \
und <script>window.__xss=2</script> als harmlosen Text.
"""
HOSTILE_QUESTION = "Was meldet die Prüfstelle Musterland im Pilotbericht?"
ANSWER_TIMEOUT_MS = 60_000


@pytest.fixture(scope="module")
def browser():
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        pytest.fail(
            "Debian's Chromium is missing at /usr/bin/chromium; install it with "
            "`sudo apt-get install -y chromium` (or `make browser`). The browser test is never skipped."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server, request, artifacts):
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    outside: list[str] = []
    page.on("request", lambda request: _record_outside(request.url, outside))
    page.goto(live_server.url)
    log_in(page, READER_KEY)
    page.locator("#sa-question textarea").wait_for()
    yield page
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        page.screenshot(path=artifacts / f"failed-{request.node.name}.png", full_page=True)
    context.close()
    assert not outside, f"the page must not reach the internet: {outside}"


def test_ask_upload_ask_again_and_remove(page, live_server, artifacts, tmp_path):
    # Ask, read the answer and open its first source. The observer notes whether the answer was
    # ever shown unfinished, i.e. really streamed quote by quote.
    page.evaluate(
        """() => { window.__sawStreaming = false;
        new MutationObserver(() => { if (document.querySelector('#sa-chatbot .sa-streaming')) window.__sawStreaming = true; })
          .observe(document.body, {subtree: true, childList: true, characterData: true}); }"""
    )
    ask(page, "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?")
    answer = last_answer(page)
    assert page.evaluate("window.__sawStreaming"), "the answer should appear progressively"
    assert "Krankenh" in answer.inner_text()
    assert answer.locator(".sa-answer strong").first.inner_text() == "14", "the answer phrase is bold"
    first_source = answer.locator(".sa-source").first
    assert "Kompetenzverbund Qualitätsmedizin" in first_source.locator("summary").inner_text()
    first_source.locator("summary").click()
    assert first_source.locator(".sa-passage mark").first.is_visible()
    page.screenshot(path=artifacts / "01-antwort-mit-quellen.png", full_page=True)

    # A follow-up question relies on the conversation.
    ask(page, "Und welche Zukunftsthemen stehen dort im Fokus?")
    follow_up = last_answer(page).locator(".sa-source summary").first
    assert "Kompetenzverbund Qualitätsmedizin" in follow_up.inner_text()

    # Upload two documents in the Dokumente tab, one of them hostile.
    upload_dir = tmp_path / "uploads"
    upload_dir.mkdir()
    (upload_dir / "musterland.txt").write_text(MUSTERLAND, encoding="utf-8")
    (upload_dir / "pruefbericht.txt").write_text(HOSTILE, encoding="utf-8")
    page.get_by_role("tab", name="Dokumente").click()
    page.locator("#sa-editor-key input").fill(EDITOR_KEY)
    page.locator("#sa-upload-files input[type=file]").set_input_files(
        [upload_dir / "musterland.txt", upload_dir / "pruefbericht.txt"]
    )
    # The upload has finished when both files are listed (by accessible name: the visible text is split).
    for name in ("musterland.txt", "pruefbericht.txt"):
        page.locator("#sa-upload-files").get_by_label(name).wait_for()
    page.locator("#sa-upload").click()
    result = page.locator("#sa-upload-result .sa-result-added")
    result.nth(1).wait_for(timeout=ANSWER_TIMEOUT_MS)
    table = page.locator("#sa-documents-table")
    table.get_by_text("Digitalstrategie Musterland 2030").wait_for()
    table.get_by_text("Prüfbericht <b>Musterland</b>").wait_for()
    assert page.evaluate("window.__xss") is None
    page.screenshot(path=artifacts / "02-dokumente-hochgeladen.png", full_page=True)

    # Ask about the new document.
    page.get_by_role("tab", name="Fragen").click()
    ask(page, MUSTERLAND_QUESTION)
    assert MUSTERLAND_FACT in last_answer(page).inner_text()

    # Hostile document text is shown as text and never runs.
    ask(page, HOSTILE_QUESTION)
    hostile = last_answer(page)
    hostile.locator(".sa-source summary").first.click()
    assert "<script>" in hostile.inner_text() or "<img" in hostile.inner_text()
    assert "Prüfbericht <b>Musterland</b>" in hostile.locator(".sa-source summary").first.inner_text()
    assert page.evaluate("window.__xss") is None
    assert page.locator("img[src='x'], img[src='y']").count() == 0
    page.screenshot(path=artifacts / "03-antwort-zum-upload.png", full_page=True)

    # Replace it with a new version, then remove it, with confirmation.
    page.get_by_role("tab", name="Dokumente").click()
    choose(page, "#sa-manage-document", "Digitalstrategie Musterland 2030")
    assert page.evaluate("window.__xss") is None  # the picker listed the hostile title too
    (upload_dir / "musterland-v2.txt").write_text(MUSTERLAND.replace("48 Millionen", "52 Millionen"), encoding="utf-8")
    page.locator("#sa-replace-file input[type=file]").set_input_files(upload_dir / "musterland-v2.txt")
    page.locator("#sa-replace-file").get_by_label("musterland-v2.txt").wait_for()
    page.locator("#sa-replace").click()
    page.locator("#sa-manage-result .sa-result-updated").wait_for(timeout=ANSWER_TIMEOUT_MS)
    page.locator("#sa-remove").click()
    page.locator("#sa-confirm-text").get_by_text("wirklich entfernen").wait_for()
    page.screenshot(path=artifacts / "04-entfernen-bestaetigen.png", full_page=True)
    page.locator("#sa-confirm-remove").click()
    page.locator("#sa-manage-result").get_by_text("wurde entfernt").wait_for()
    table.get_by_text("Digitalstrategie Musterland 2030").wait_for(state="detached")
    page.screenshot(path=artifacts / "05-dokument-entfernt.png", full_page=True)

    with httpx.Client(base_url=live_server.url, headers={"X-API-Key": EDITOR_KEY}) as api:
        assert api.get("/api/v1/documents/musterland").status_code == 404
        assert api.delete("/api/v1/documents/pruefbericht").status_code == 204


def test_document_changes_need_the_editor_key(page):
    page.get_by_role("tab", name="Dokumente").click()
    page.locator("#sa-editor-key input").fill("falsch")
    choose(page, "#sa-manage-document", "Strategie Medizin in NRW")
    page.locator("#sa-remove").click()
    page.locator("#sa-manage-result").get_by_text("Bearbeitungsschlüssel").wait_for()
    assert not page.locator("#sa-confirm-remove").is_visible()


def test_english_labels_and_empty_chat_examples(page, artifacts):
    examples = page.locator("#sa-chatbot").get_by_text("Welche Ziele verfolgt die Strategie Medizin in NRW?")
    assert examples.is_visible()
    page.locator("#sa-language").get_by_text("English").click()
    page.get_by_role("tab", name="Documents").wait_for()
    page.locator("#sa-chatbot").get_by_text("What is the vision of the Cluster Medizin.NRW?").click()
    answer = last_answer(page)
    assert "sources" in answer.inner_text().lower()
    assert "Section “" in answer.inner_text()
    page.screenshot(path=artifacts / "06-english.png", full_page=True)


def log_in(page, key: str) -> None:
    # The live server has API keys, so the UI asks for a name and a key first (ASSISTANT_WEB_LOGIN).
    page.locator("input[data-testid=textbox]").fill("Testperson")
    page.locator("input[type=password]").fill(key)
    page.get_by_role("button", name="Anmelden").click()


def test_the_ui_asks_for_a_key_and_refuses_a_wrong_one(browser, live_server, artifacts):
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.goto(live_server.url)
    page.get_by_text("Zugangsschlüssel").wait_for()
    page.screenshot(path=artifacts / "00-anmeldung.png")

    log_in(page, "falscher-schluessel")
    page.get_by_text("Incorrect Credentials").or_(page.get_by_text("Falsche")).first.wait_for()
    assert page.locator("#sa-question").count() == 0

    log_in(page, READER_KEY)
    page.locator("#sa-question textarea").wait_for()
    context.close()


def ask(page, question: str) -> None:
    answers = page.locator("#sa-chatbot .sa-sources, #sa-chatbot .sa-unanswered, #sa-chatbot .sa-notice")
    before = answers.count()
    box = page.locator("#sa-question textarea")
    box.fill(question)
    box.press("Enter")
    answers.nth(before).wait_for(timeout=ANSWER_TIMEOUT_MS)


def last_answer(page):
    # The streamed answer is complete once its sources are shown; wait for that, then take the bubble.
    page.locator("#sa-chatbot .sa-sources").last.wait_for(timeout=ANSWER_TIMEOUT_MS)
    return page.locator("#sa-chatbot .message-row, #sa-chatbot .message").filter(has=page.locator(".sa-answer")).last


def choose(page, picker: str, option: str) -> None:
    """Selects ``option`` in a document picker (radio buttons or checkboxes, by their visible label)."""
    page.locator(picker).get_by_label(option).first.check()


def _record_outside(url: str, outside: list[str]) -> None:
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https", "ws", "wss") and parsed.hostname not in ("127.0.0.1", "localhost"):
        outside.append(url)
