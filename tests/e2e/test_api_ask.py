"""Questions over HTTP: JSON answers, the SSE stream, input errors, health endpoints."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import sse_events

pytestmark = pytest.mark.e2e

QUESTION = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"


def test_health_and_readiness_answer_fast(live_server):
    with live_server.client() as client:
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
    assert ready.status_code == 200
    body = ready.json()
    assert body["status"] == "ready" and body["model_loaded"] and body["store_reachable"]
    assert body["documents"] >= 2
    assert ready.elapsed.total_seconds() < 2


def test_german_question_is_answered_with_citations(reader):
    response = reader.post("/api/v1/ask", json={"question": QUESTION})
    assert response.status_code == 200
    answer = response.json()
    assert answer["answered"] is True
    # Which sentences are quoted is the answerer's business (tested there); here: the contract.
    assert "[1]" in answer["answer"] and "Krankenh" in answer["answer"]
    first = answer["citations"][0]
    assert first["n"] == 1 and first["document_id"] == "kompetenzverbund-bw"
    assert set(first) >= {"title", "section", "page", "text", "score", "highlights"}
    assert first["highlights"] and all(h in first["text"] for h in first["highlights"])


def test_the_answer_phrase_is_marked_and_a_near_miss_keeps_related_passages_apart(reader):
    answer = reader.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert answer["highlights"] == ["14"] and "14" in answer["answer"]

    budget = "Wie hoch ist das jährliche Budget des Kompetenzverbunds in Euro?"
    declined = reader.post("/api/v1/ask", json={"question": budget}).json()
    assert declined["answered"] is False and declined["citations"] == []
    assert declined["answer"].startswith("Die Dokumente nennen keinen Betrag")
    assert declined["related"] and "Verwandte Fundstellen" in declined["answer"]
    for related in declined["related"]:
        assert f"[{related['n']}]" in declined["answer"]


def test_filters_and_history_are_applied(reader):
    # Restricted to NRW, the BW network cannot be the source.
    filtered = reader.post("/api/v1/ask", json={"question": QUESTION, "filters": {"region": ["NRW"]}}).json()
    assert all(c["document_id"] != "kompetenzverbund-bw" for c in filtered["citations"])
    follow_up = reader.post(
        "/api/v1/ask",
        json={
            "question": "Und welche Zukunftsthemen stehen dort im Fokus?",
            "history": [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": "…"}],
        },
    ).json()
    assert follow_up["answered"] and follow_up["citations"][0]["document_id"] == "kompetenzverbund-bw"


def test_stream_sends_parts_then_citations_then_done(reader):
    with reader.stream("POST", "/api/v1/ask/stream", json={"question": QUESTION}) as response:
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/event-stream")
        events = sse_events(response.iter_lines())
    names = [name for name, _ in events]
    assert names[-2:] == ["citations", "done"]
    assert set(names[:-2]) == {"part"} and len(names) >= 3
    text = "".join(data["text"] for name, data in events if name == "part")
    full = reader.post("/api/v1/ask", json={"question": QUESTION}).json()
    assert text == full["answer"]
    assert events[-2][1]["citations"] == full["citations"]
    assert events[-1][1] == {"answered": True, "answer": full["answer"]}


@pytest.mark.parametrize(
    ("body", "code"),
    [
        ({"question": "   "}, "invalid_question"),
        ({"question": "Warum? " * 400}, "invalid_question"),
        ({"question": "Was?", "filters": {"farbe": "blau"}}, "invalid_filter"),
        ({"question": "Was?", "top_k": 0}, "invalid_request"),
        ({"frage": "Was?"}, "invalid_request"),
        ({"question": "Was?", "history": [{"role": "system", "content": "x"}]}, "invalid_request"),
    ],
)
def test_bad_questions_get_422_with_a_clear_error(reader, body, code):
    response = reader.post("/api/v1/ask", json=body)
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == code and error["message"]


def test_malformed_json_and_oversized_body(reader):
    broken = reader.post("/api/v1/ask", content=b"{not json", headers={"Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["error"]["code"] == "invalid_request"
    huge = reader.post("/api/v1/ask", json={"question": "x" * (1024 * 1024 + 10)})
    assert huge.status_code == 413 and huge.json()["error"]["code"] == "too_large"


def test_unknown_paths_are_json_404_and_wrong_methods_405(reader):
    for path in ("/api/v1/nichts", "/v1/nothing"):
        response = reader.get(path)
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    wrong_method = reader.delete("/api/v1/ask")
    assert wrong_method.status_code == 405 and wrong_method.headers["allow"] == "POST"
    assert wrong_method.json()["error"]["code"] == "method_not_allowed"


def test_openapi_docs_are_served(live_server):
    with live_server.client() as client:
        assert client.get("/docs").status_code == 200
        spec = client.get("/openapi.json").json()
    for path in ("/api/v1/ask", "/api/v1/ask/stream", "/api/v1/documents", "/api/v1/documents/{document_id}",
                 "/api/v1/jobs/{job_id}", "/v1/chat/completions", "/v1/models", "/healthz", "/readyz"):
        assert path in spec["paths"], path
