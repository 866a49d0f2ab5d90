"""Accessibility of the web UI (BITV 2.0 / WCAG 2.1 AA) in Debian's Chromium, with axe-core from npm.

The views are discovered from the page: every tab the app shows is checked, so a tab added later is
covered without touching this file. Results per view go to test-artifacts/axe/ (bench/axe_report.py).
"""

from __future__ import annotations

import re

import pytest

from tests.e2e.axe import blocking, run_axe
from tests.e2e.conftest import READER_KEY
from tests.e2e.test_browser import browser, last_answer, log_in, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.e2e

QUESTION = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"


def slug(name: str) -> str:
    return re.sub(
        r"[^a-z0-9]+", "-", name.lower().replace("ä", "ae").replace("ü", "ue").replace("ö", "oe")
    ).strip("-")


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_view_has_no_serious_or_critical_axe_violations(browser, live_server, artifacts, scheme):  # noqa: F811
    """Gradio follows the system's colour scheme, so both schemes must meet the contrast rules."""
    out = artifacts / "axe"
    suffix = "" if scheme == "light" else "-dark"
    found: dict[str, list[str]] = {}
    context = browser.new_context(locale="de-DE", color_scheme=scheme, viewport={"width": 1366, "height": 900})
    page = context.new_page()  # noqa: F811 (not the fixture: this one has the colour scheme)
    page.set_default_timeout(30_000)

    # The login form (the server has keys, so the UI asks for them first).
    page.goto(live_server.url)
    page.locator("input[type=password]").wait_for()
    found[f"login{suffix}"] = blocking(run_axe(page, f"login{suffix}", out))
    log_in(page, READER_KEY)

    tabs = page.locator("#sa-tabs [role=tab]")
    tabs.first.wait_for()
    names = [name.strip() for name in tabs.all_inner_texts()]
    assert len(names) >= 3, f"expected the chat, documents and reports tabs at least, found {names}"
    for index, name in enumerate(names):
        tabs.nth(index).click()
        page.wait_for_function(
            "(i) => document.querySelectorAll('#sa-tabs [role=tab]')[i].getAttribute('aria-selected') === 'true'",
            arg=index,
        )
        page.wait_for_timeout(300)  # the tab's content renders after the selection
        view = f"tab-{slug(name)}{suffix}"
        found[view] = blocking(run_axe(page, view, out))

    # The chat once more with an answer and its sources on screen.
    tabs.first.click()
    box = page.locator("#sa-question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    last_answer(page).locator(".sa-source").first.locator("summary").click()
    found[f"chat-with-answer{suffix}"] = blocking(run_axe(page, f"chat-with-answer{suffix}", out))

    # The source viewer that "Im Original ansehen" opens, with the quoted passage marked.
    with context.expect_page() as opened:
        last_answer(page).locator(".sa-source").first.get_by_role("link", name="Im Original ansehen").click()
    viewer = opened.value
    viewer.locator("h1").first.wait_for()
    found[f"quelle{suffix}"] = blocking(run_axe(viewer, f"quelle{suffix}", out))

    statement = context.new_page()
    assert statement.goto(f"{live_server.url}/barrierefreiheit").status == 200
    found[f"barrierefreiheit{suffix}"] = blocking(run_axe(statement, f"barrierefreiheit{suffix}", out))
    context.close()

    failing = {view: rules for view, rules in found.items() if rules}
    assert not failing, f"serious/critical axe violations per view: {failing}"


def test_the_page_is_german_and_links_the_accessibility_statement(page, live_server):  # noqa: F811
    assert page.evaluate("document.documentElement.lang") == "de"
    link = page.locator(".sa-footer a[href$='/barrierefreiheit']")
    assert link.inner_text() == "Erklärung zur Barrierefreiheit"
    link.click()
    page.wait_for_url("**/barrierefreiheit")
    assert page.evaluate("document.documentElement.lang") == "de"
    headings = page.locator("h2").all_inner_texts()
    for part in ("Stand der Vereinbarkeit", "Nicht barrierefreie Inhalte", "Erstellung dieser Erklärung",
                 "Kontakt", "Durchsetzungsverfahren"):  # fmt: skip
        assert any(part in h for h in headings), f"{part!r} missing in {headings}"
    assert page.locator("#en[lang=en] h2").inner_text() == "Accessibility statement (English)"


def test_the_page_language_follows_the_language_switch(page):  # noqa: F811
    page.locator("#sa-language").get_by_text("English").click()
    page.get_by_role("tab", name="Documents").wait_for()
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.locator("#sa-language").get_by_text("Deutsch").click()
    page.wait_for_function("() => document.documentElement.lang === 'de'")


def test_answers_are_announced_through_a_polite_live_region(page):  # noqa: F811
    box = page.locator("#sa-question textarea")
    box.fill(QUESTION)
    box.press("Enter")
    answer = last_answer(page).locator(".sa-answer").inner_text().strip()
    live = page.locator("#sa-live")
    page.wait_for_function(
        "(text) => document.getElementById('sa-live').textContent.includes(text)", arg=answer[:60]
    )
    assert live.get_attribute("aria-live") == "polite"
    assert " ".join(answer.split()) in " ".join(live.inner_text().split())
    # Only the live region speaks: the chat log itself would read out every streamed piece.
    speaking = page.evaluate(
        """(text) => [...document.querySelectorAll('[aria-live=polite], [aria-live=assertive], [role=log]:not([aria-live=off])')]
             .filter(e => e.textContent.includes(text)).map(e => e.id || e.className)""",
        answer[:60],
    )
    assert speaking == ["sa-live"]


# The element that has focus, described for assertions and failure messages.
FOCUSED = """() => { const e = document.activeElement; if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {tag: e.tagName.toLowerCase(), id: e.id, label: e.getAttribute('aria-label') || '',
    text: (e.innerText || e.value || '').trim().slice(0, 60), role: e.getAttribute('role') || '',
    inside: (e.closest('[id^=sa-]') || {}).id || '', source: !!e.closest('.sa-source'),
    open: e.parentElement && e.parentElement.open, checked: !!e.checked,
    outline: s.outlineStyle, width: parseFloat(s.outlineWidth)}; }"""


def tab_until(
    page,  # noqa: F811 (the page fixture, passed on)
    matches,
    key: str = "Tab",
    limit: int = 80,
) -> dict:
    """Presses ``key`` until the focused element satisfies ``matches`` (at most ``limit`` times)."""
    visited = []
    for _ in range(limit):
        page.keyboard.press(key)
        focused = page.evaluate(FOCUSED)
        visited.append(focused)
        if focused and matches(focused):
            return focused
    raise AssertionError(f"never reached by {key}; the last stops: {visited[-12:]}")


def assert_focus_visible(focused: dict) -> None:
    assert focused["outline"] not in ("none", "") and focused["width"] >= 2, f"focus not visible on {focused}"


def test_keyboard_only_ask_open_source_new_and_switch_conversation_upload(page, tmp_path):  # noqa: F811
    # Playwright turns file-chooser interception on without waiting for the browser; a listener
    # this early makes sure it is on before Enter opens the chooser at the end of the walk.
    page.on("filechooser", lambda chooser: None)
    # Ask: the question box is reached with Tab, the question typed and sent with Enter.
    page.locator("body").click(position={"x": 5, "y": 5})
    box = tab_until(page, lambda f: f["inside"] == "sa-question" and f["tag"] == "textarea")
    assert_focus_visible(box)
    page.keyboard.type(QUESTION)
    page.keyboard.press("Enter")
    last_answer(page)
    # Gradio disables the box while answering; focus must come back to it, not fall to the page start.
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#sa-question')")

    # Open a source: back from the question box to the last answer's sources, then Enter.
    source = tab_until(page, lambda f: f["source"] and f["tag"] == "summary", key="Shift+Tab")
    assert_focus_visible(source)
    assert not source["open"]
    page.keyboard.press("Enter")
    assert page.evaluate(FOCUSED)["open"], "Enter opens the focused source"
    assert last_answer(page).locator(".sa-source[open] .sa-passage mark").first.is_visible()

    # New conversation: the chat's clear button, then focus is back in the question box.
    clear = tab_until(
        page, lambda f: f["inside"] == "sa-chatbot" and re.search(r"clear|löschen|leeren", f["label"], re.I)
    )
    assert_focus_visible(clear)
    page.keyboard.press("Enter")
    page.locator("#sa-chatbot .sa-answer").first.wait_for(state="detached")
    page.wait_for_function("() => document.activeElement && document.activeElement.closest('#sa-question')")

    # Switch conversation: "Neues Gespräch", then back (Shift+Tab) to the first conversation in the
    # list, chosen with Space; its answer comes back into the chat.
    new = tab_until(page, lambda f: f["inside"] == "sa-new-conversation", key="Shift+Tab")
    assert_focus_visible(new)
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.querySelectorAll('#sa-conversations input[type=radio]').length >= 2")
    radio = tab_until(
        page, lambda f: f["inside"] == "sa-conversations" and f["tag"] == "input" and not f["checked"], key="Shift+Tab"
    )
    assert_focus_visible(radio)
    page.keyboard.press("Space")
    last_answer(page)

    # Upload: to the tab list, on to "Dokumente", into the upload area; Enter opens the file chooser.
    tab = tab_until(page, lambda f: f["role"] == "tab", key="Shift+Tab")
    assert_focus_visible(tab)
    tab_until(page, lambda f: f["role"] == "tab" and f["text"] == "Dokumente")
    page.keyboard.press("Enter")
    page.locator("#sa-upload-files").wait_for()
    upload = tab_until(page, lambda f: f["inside"] == "sa-upload-files" and f["tag"] == "button")
    assert_focus_visible(upload)
    (tmp_path / "notiz.txt").write_text("Eine Notiz zur Tastaturbedienung.", encoding="utf-8")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Enter")
    chooser.value.set_files(tmp_path / "notiz.txt")
    page.locator("#sa-upload-files").get_by_label("notiz.txt").wait_for()
