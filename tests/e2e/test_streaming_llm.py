"""Streaming with a language model: its tokens reach HTTP clients as they are generated.

A second live server answers with ``llm="openai"`` against the fake OpenAI server of
``tests/fakes``; it shares the session's embedding model with the main e2e server.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator

import openai
import pytest

from tests.e2e.conftest import READER_KEY, LiveServer, serve_live, server_settings, sse_events
from tests.fakes.llm_servers import FakeOpenAI, Reply

pytestmark = pytest.mark.e2e

QUESTION = "Aus welchen Partnern besteht der Kompetenzverbund Qualitätsmedizin und Digitalisierung?"
TOKENS = ["Der Verbund", " besteht aus", " vier Universitätskliniken", " und der BWKG [1]."]
REPLY = "".join(TOKENS)


@pytest.fixture(scope="module")
def fake_openai() -> Iterator[FakeOpenAI]:
    with FakeOpenAI(default=Reply(chunks=TOKENS)) as fake:
        yield fake


@pytest.fixture(scope="module")
def llm_server(tmp_path_factory, encoder, fake_openai) -> Iterator[LiveServer]:
    settings = server_settings(
        tmp_path_factory.mktemp("e2e-llm-store"), llm="openai", llm_base_url=fake_openai.url, llm_model="fake"
    )
    with serve_live(settings, encoder, name="e2e-uvicorn-llm") as server:
        yield server


@pytest.fixture
def llm_reader(llm_server):
    with llm_server.client(READER_KEY) as client:
        yield client


def test_ask_stream_sends_the_model_tokens_as_parts(llm_reader, fake_openai):
    with llm_reader.stream("POST", "/api/v1/ask/stream", json={"question": QUESTION}) as response:
        assert response.status_code == 200
        events = sse_events(response.iter_lines())
    names = [name for name, _ in events]
    assert names == ["part"] * len(TOKENS) + ["citations", "done"]
    assert [data["text"] for name, data in events if name == "part"] == TOKENS
    citations = events[-2][1]
    assert citations["answered"] is True and citations["citations"][0]["n"] == 1
    assert events[-1][1] == {"answered": True, "answer": REPLY}
    assert fake_openai.requests[-1].body["stream"] is True


def test_ask_stream_input_errors_are_json(llm_reader):
    for body, code in (({"question": "  "}, "invalid_question"), ({"question": "Was?", "filters": {"farbe": "x"}}, "invalid_filter")):
        response = llm_reader.post("/api/v1/ask/stream", json=body)
        assert response.status_code == 422 and response.json()["error"]["code"] == code


def test_openai_client_streams_the_model_tokens(llm_server):
    with openai.OpenAI(base_url=f"{llm_server.url}/v1", api_key=READER_KEY, max_retries=0, timeout=60) as client:
        chunks = list(client.chat.completions.create(
            model="strategie-assistent", messages=[{"role": "user", "content": QUESTION}], stream=True
        ))
    contents = [c.choices[0].delta.content for c in chunks if c.choices and c.choices[0].delta.content]
    assert contents[: len(TOKENS)] == TOKENS
    assert contents[len(TOKENS)].startswith("\n\nQuellen:\n[1] ")
    final = chunks[-1]
    assert final.choices[0].finish_reason == "stop"
    assert final.model_extra["answered"] is True and final.model_extra["citations"][0]["n"] == 1


def test_disconnect_stops_the_answer_quietly(llm_reader, fake_openai, caplog):
    # The model stalls after two tokens; the client leaves after the first part.
    fake_openai.script(Reply(chunks=TOKENS, stall_after=2, delay=2.0))
    caplog.set_level(logging.INFO)
    with llm_reader.stream("POST", "/api/v1/ask/stream", json={"question": QUESTION}) as response:
        first = next(line for line in response.iter_lines() if line.startswith("data:"))
    assert json.loads(first.split(":", 1)[1])["text"] == TOKENS[0]
    time.sleep(3.0)  # past the stall: an answer still running would now finish and log it
    messages = [r.getMessage() for r in caplog.records]
    assert not [m for m in messages if "answered in" in m or "failed" in m], messages
    assert not [r for r in caplog.records if r.levelno >= logging.ERROR], messages
    assert llm_reader.get("/readyz").status_code == 200
