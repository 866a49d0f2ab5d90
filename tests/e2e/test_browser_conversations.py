"""The conversation list in Debian's Chromium: ask, reload the page, open the conversation from the
list and continue it; rename it. Screenshot of the list in test-artifacts/."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import READER_KEY
from tests.e2e.test_browser import ask, browser, last_answer  # noqa: F401 - browser is a fixture

pytestmark = pytest.mark.e2e

NAME = "Konrad Gesprächstest"
QUESTION = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"
FOLLOW_UP = "Und welche Ziele hat er?"


def log_in_as(page, name: str, key: str) -> None:
    page.locator("input[data-testid=textbox]").fill(name)
    page.locator("input[type=password]").fill(key)
    page.get_by_role("button", name="Anmelden").click()
    page.locator("#sa-question textarea").wait_for()


def test_a_conversation_survives_a_reload_and_is_continued_and_renamed(browser, live_server, artifacts):  # noqa: F811
    conversations = live_server.app.state.container.conversations
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(live_server.url)
        log_in_as(page, NAME, READER_KEY)
        page.locator("#sa-conversations input[type=radio]").first.wait_for()  # the page opened a conversation
        ask(page, QUESTION)
        assert "14" in last_answer(page).inner_text()

        page.reload()
        page.locator("#sa-conversations input[type=radio]:checked").wait_for()  # a fresh, empty conversation
        assert page.locator("#sa-chatbot .sa-answer").count() == 0
        page.locator("#sa-conversations").get_by_text(QUESTION).click()  # open the earlier one from the list
        page.locator("#sa-chatbot .sa-answer").first.wait_for()  # its stored turn is shown again
        page.locator("#sa-chatbot .sa-sources").first.wait_for()
        page.locator("#sa-conversations input[type=radio]:checked").wait_for()
        ask(page, FOLLOW_UP)
        page.locator("#sa-chatbot").get_by_text(FOLLOW_UP).wait_for()
        answers = page.locator("#sa-chatbot .sa-answer:not(.sa-streaming)")
        page.wait_for_function("() => document.querySelectorAll('#sa-chatbot .sa-answer:not(.sa-streaming)').length >= 2")
        assert answers.count() == 2

        (listed,) = [c for c in conversations.list(NAME) if c["turns"]]
        stored = conversations.get(NAME, listed["id"])
        assert [m["question"] for m in stored["messages"]] == [QUESTION, FOLLOW_UP]
        assert listed["title"] == QUESTION

        page.locator("#sa-conversation-title input, #sa-conversation-title textarea").fill("Kliniken in BW")
        page.locator("#sa-rename-conversation").click()
        page.locator("#sa-conversations").get_by_text("Kliniken in BW").wait_for()
        assert len(conversations.list(NAME)) == 2  # the renamed one and one empty, however often reloaded
        assert conversations.get(NAME, listed["id"])["title"] == "Kliniken in BW"
        page.screenshot(path=artifacts / "10-gespraechsliste.png", full_page=True)
    except Exception:
        page.screenshot(path=artifacts / "failed-gespraechsliste.png", full_page=True)
        raise
    finally:
        context.close()


def test_an_answer_voted_down_shows_up_in_the_editors_gap_report(browser, live_server, artifacts):  # noqa: F811
    from tests.e2e.conftest import EDITOR_KEY

    question = "Wie hoch ist das jährliche Budget des Kompetenzverbunds Musterbach in Euro?"
    context = browser.new_context(locale="de-DE", viewport={"width": 1366, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    try:
        page.goto(live_server.url)
        log_in_as(page, "Vera Feedback", READER_KEY)
        page.locator("#sa-conversations input[type=radio]:checked").wait_for()
        ask(page, question)
        page.locator("#sa-feedback-comment textarea").fill("Das Budget fehlt")
        buttons = page.locator("#sa-chatbot button")
        labels = [buttons.nth(i).get_attribute("aria-label") or buttons.nth(i).inner_text() for i in range(buttons.count())]
        dislike = [i for i, label in enumerate(labels) if "islike" in label or "nicht" in label.lower()]
        assert dislike, f"no 👎 button among {labels}"
        buttons.nth(dislike[-1]).click()  # under the last (here: the only) answer
        page.wait_for_function("() => document.querySelector('#sa-feedback-comment textarea').value === ''")

        page.get_by_role("tab", name="Was fehlt?").click()
        page.get_by_role("heading", name="Was fehlt in den Dokumenten?").wait_for()
        page.locator("#sa-gaps-key input").fill(READER_KEY)
        page.locator("#sa-gaps-load").click()
        page.locator("#sa-gaps-message").get_by_text("Bearbeitungsschlüssel").wait_for()  # readers see no questions
        assert page.locator("#sa-gaps-table").get_by_text(question).count() == 0

        page.locator("#sa-gaps-key input").fill(EDITOR_KEY)
        page.locator("#sa-gaps-load").click()
        page.locator("#sa-gaps-table").get_by_text(question).first.wait_for()
        page.locator("#sa-gaps-csv").wait_for()
        # when it was last asked, as a reader writes a date ("07.12.2026, 19:37 UTC"), not ISO 8601
        cells = page.locator("#sa-gaps-table tbody tr").first.locator("td").all_inner_texts()
        assert re.fullmatch(r"\d\d\.\d\d\.\d{4}, \d\d:\d\d UTC", cells[1]), cells
        page.screenshot(path=artifacts / "11-was-fehlt.png", full_page=True)
    except Exception:
        page.screenshot(path=artifacts / "failed-was-fehlt.png", full_page=True)
        raise
    finally:
        context.close()
    stored = live_server.app.state.container.reports.gaps()
    group = next(g for g in stored if question in g["examples"])
    assert group["voted_down"] == 1 and group["comments"] == ["Das Budget fehlt"]
