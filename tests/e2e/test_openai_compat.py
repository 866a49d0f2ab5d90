"""The official ``openai`` client against /v1: models, chat completions with and without streaming."""

from __future__ import annotations

import openai
import pytest

from tests.e2e.conftest import READER_KEY

pytestmark = pytest.mark.e2e

MESSAGES = [
    {"role": "system", "content": "Antworte knapp."},
    {"role": "user", "content": "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"},
]


@pytest.fixture
def client(live_server):
    with openai.OpenAI(base_url=f"{live_server.url}/v1", api_key=READER_KEY, max_retries=0, timeout=60) as client:
        yield client


def test_models_lists_the_assistant(client):
    assert [m.id for m in client.models.list()] == ["strategie-assistent"]


def test_chat_completion_has_sources_and_structured_citations(client):
    completion = client.chat.completions.create(model="strategie-assistent", messages=MESSAGES)
    content = completion.choices[0].message.content
    assert completion.choices[0].finish_reason == "stop"
    assert "Krankenh" in content and "[1]" in content
    assert "\n\nQuellen:\n[1] Kompetenzverbund" in content
    citations = completion.model_extra["citations"]
    assert citations[0]["n"] == 1 and citations[0]["document_id"] == "kompetenzverbund-bw"


def test_streamed_completion_adds_up_and_ends_with_citations(client):
    chunks = list(client.chat.completions.create(model="strategie-assistent", messages=MESSAGES, stream=True))
    text = "".join(c.choices[0].delta.content or "" for c in chunks if c.choices)
    plain = client.chat.completions.create(model="strategie-assistent", messages=MESSAGES)
    assert text == plain.choices[0].message.content
    assert len([c for c in chunks if c.choices and c.choices[0].delta.content]) >= 3, "streamed in parts"
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert final.model_extra["citations"] == plain.model_extra["citations"]


def test_follow_up_uses_earlier_messages(client):
    messages = [
        MESSAGES[1],
        {"role": "assistant", "content": "In sechs Regionen haben sich insgesamt 14 Krankenhäuser zusammengeschlossen."},
        {"role": "user", "content": "Und welche Zukunftsthemen stehen dort im Fokus?"},
    ]
    completion = client.chat.completions.create(model="strategie-assistent", messages=messages)
    assert completion.model_extra["citations"][0]["document_id"] == "kompetenzverbund-bw"


def test_errors_surface_as_openai_exceptions(live_server, client):
    with pytest.raises(openai.UnprocessableEntityError) as bad:
        client.chat.completions.create(model="strategie-assistent", messages=[{"role": "user", "content": " "}])
    assert bad.value.body["code"] == "invalid_question"
    with openai.OpenAI(base_url=f"{live_server.url}/v1", api_key="falsch", max_retries=0) as wrong:
        with pytest.raises(openai.AuthenticationError):
            wrong.models.list()
