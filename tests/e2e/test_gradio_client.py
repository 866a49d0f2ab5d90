"""The UI's chat endpoint ``/ask`` through the official ``gradio_client``."""

from __future__ import annotations

import pytest
from gradio_client import Client

from tests.e2e.conftest import READER_KEY

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def gradio(live_server):
    # The live server has API keys, so the UI (and its Gradio API) wants a login: any name and a key.
    client = Client(
        live_server.url, auth=("skript", READER_KEY), verbose=False, analytics_enabled=False, download_files=False
    )
    yield client
    client.close()


@pytest.mark.parametrize("auth", [None, ("skript", "falscher-schluessel")], ids=["no-login", "wrong-key"])
def test_the_gradio_api_needs_a_key_too(live_server, auth):
    with pytest.raises(Exception) as refused:
        Client(live_server.url, auth=auth, verbose=False, analytics_enabled=False, download_files=False)
    message = str(refused.value).lower()
    assert any(word in message for word in ("auth", "login")), message


def test_chat_endpoint_is_named_ask(gradio):
    endpoints = gradio.view_api(print_info=False, return_format="dict")["named_endpoints"]
    assert list(endpoints) == ["/ask"], "document actions must not be part of the Gradio API"
    names = [p["parameter_name"] for p in endpoints["/ask"]["parameters"]]
    assert names == ["message", "regions", "document_types", "documents", "language", "conversation_id"]


def test_chat_endpoint_answers_with_escaped_html_and_sources(gradio):
    html = gradio.predict("Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?", api_name="/ask")
    assert "Krankenh" in html and "Kompetenzverbund Qualitätsmedizin" in html
    assert '<div class="sa-sources">' in html and "<details" in html and "<mark>" in html
    assert "Quellen" in html


def test_chat_endpoint_filters_and_labels(gradio):
    html = gradio.predict(
        "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?",
        ["NRW"],
        [],
        [],
        "en",
        api_name="/ask",
    )
    assert "Kompetenzverbund Qualitätsmedizin" not in html.split("sa-sources", 1)[-1]
    assert "Sources" in html or "sa-unanswered" in html


def test_chat_endpoint_reports_bad_questions_calmly(gradio):
    html = gradio.predict("Warum? " * 400, api_name="/ask")
    assert "sa-notice" in html and "zu lang" in html
