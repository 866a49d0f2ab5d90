"""The client/server deployment, with real processes: ``chroma run`` as the shared store and
``assistant serve`` processes in front of it, each with a data directory of its own (caches only).

What one process writes, another answers from; when Chroma goes away the API says so with a 503
and comes back by itself once Chroma is back, without restarting the assistant.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import uuid
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import ServerProcess, chroma_run, make_settings, store_env, venv_command
from tests.e2e.conftest import (
    EDITOR_KEY,
    MUSTERLAND,
    MUSTERLAND_FACT,
    MUSTERLAND_QUESTION,
    READER_KEY,
    free_port,
)

pytestmark = pytest.mark.e2e

UNRELATED_QUESTION = "Wie viele Krankenhäuser haben sich zusammengeschlossen?"  # from the bundled corpus


def assistant_process(
    name: str, directory: Path, chroma: tuple[str, int], collection: str, database_url: str | None = None
) -> ServerProcess:
    """``assistant serve`` as deployed behind a load balancer: keys set, store on the Chroma server,
    conversations in one database (PostgreSQL in the server tier of ``make test``)."""
    database = {"database_url": database_url} if database_url else {}
    settings = make_settings(
        directory / "data", chroma_host=chroma[0], chroma_port=chroma[1], collection=collection, **database
    )
    env = {
        **os.environ,
        **store_env(settings),
        "HF_HUB_OFFLINE": "1",
        "ASSISTANT_API_KEYS_READER": json.dumps([READER_KEY]),
        "ASSISTANT_API_KEYS_EDITOR": json.dumps([EDITOR_KEY]),
    }
    return ServerProcess(
        command=[venv_command("assistant"), "serve", "--host", "127.0.0.1"],
        ready_path="/readyz",
        log_path=directory / f"{name}.log",
        env=env,
        cwd=directory,  # no stray .env file is read
    )


def client(server: ServerProcess, key: str) -> httpx.Client:
    return httpx.Client(base_url=server.url, headers={"Authorization": f"Bearer {key}"}, timeout=120)


def ask(server: ServerProcess, question: str) -> httpx.Response:
    with client(server, READER_KEY) as reader:
        return reader.post("/api/v1/ask", json={"question": question})


def cited(response: httpx.Response) -> set[str]:
    assert response.status_code == 200, response.text
    return {c["document_id"] for c in response.json()["citations"]}


@pytest.fixture
def print_logs_on_failure(request) -> Iterator[list[ServerProcess]]:
    """Collects the processes a test uses; if the test fails, their logs go into its report."""
    processes: list[ServerProcess] = []
    yield processes
    report = getattr(request.node, "report_call", None)
    if report is None or report.failed:
        for process in processes:
            print(f"\n===== {process.log_path.name} =====\n{process.log_tail(200)}")


@pytest.fixture(scope="module")
def two_assistants(chroma_server, tmp_path_factory) -> Iterator[tuple[ServerProcess, ServerProcess]]:
    collection = f"shared{uuid.uuid4().hex[:8]}"
    # A database of its own on the test PostgreSQL server if there is one, else one SQLite file for both.
    database = make_settings(tmp_path_factory.mktemp("shared-database")).database
    first = assistant_process("assistant-a", tmp_path_factory.mktemp("assistant-a"), chroma_server, collection, database)
    second = assistant_process("assistant-b", tmp_path_factory.mktemp("assistant-b"), chroma_server, collection, database)
    # One after the other: the first finds the store empty and ingests the bundled corpus.
    with first.start(), second.start():
        yield first, second


def test_a_document_uploaded_through_one_process_is_answered_by_the_other(two_assistants, print_logs_on_failure):
    first, second = two_assistants
    print_logs_on_failure.extend(two_assistants)
    with client(first, EDITOR_KEY) as editor:
        added = editor.post(
            "/api/v1/documents", files=[("files", ("musterland.txt", MUSTERLAND.encode(), "text/plain"))]
        )
    assert added.status_code == 200, added.text
    assert added.json()["results"][0]["status"] == "added"

    answer = ask(second, MUSTERLAND_QUESTION)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["answered"] and MUSTERLAND_FACT in body["answer"]
    assert body["citations"][0]["document_id"] == "musterland"

    with client(second, EDITOR_KEY) as editor:
        assert editor.delete("/api/v1/documents/musterland").status_code == 204

    assert "musterland" not in cited(ask(first, MUSTERLAND_QUESTION))
    with client(first, READER_KEY) as reader:
        assert reader.get("/api/v1/documents/musterland").status_code == 404
        assert "musterland" not in {d["id"] for d in reader.get("/api/v1/documents").json()}


def test_a_conversation_started_through_one_process_is_continued_through_the_other(
    two_assistants, print_logs_on_failure
):
    first, second = two_assistants
    print_logs_on_failure.extend(two_assistants)
    question = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"
    follow_up = "Und welche Ziele hat er?"  # what "er" is comes from the turn before
    with client(first, READER_KEY) as reader:
        conversation_id = reader.post("/api/v1/conversations", json={}).json()["id"]
        started = reader.post("/api/v1/ask", json={"question": question, "conversation_id": conversation_id})
    assert started.status_code == 200, started.text
    history = [{"role": "user", "content": question}, {"role": "assistant", "content": started.json()["answer"]}]

    with client(second, READER_KEY) as reader:
        continued = reader.post("/api/v1/ask", json={"question": follow_up, "conversation_id": conversation_id})
        assert continued.status_code == 200, continued.text
        stateless = reader.post("/api/v1/ask", json={"question": follow_up, "history": history}).json()
        stored = reader.get(f"/api/v1/conversations/{conversation_id}").json()
    assert (continued.json()["answer"], continued.json()["citations"]) == (stateless["answer"], stateless["citations"])
    assert [m["question"] for m in stored["messages"]] == [question, follow_up]
    with client(first, READER_KEY) as reader:
        assert len(reader.get(f"/api/v1/conversations/{conversation_id}").json()["messages"]) == 2


def test_chroma_down_gives_503_and_the_assistant_recovers_when_it_is_back(tmp_path, print_logs_on_failure):
    chroma = chroma_run(tmp_path)
    print_logs_on_failure.append(chroma)
    with chroma.start(timeout=60):
        collection = f"restart{uuid.uuid4().hex[:8]}"
        assistant = assistant_process("assistant", tmp_path, (chroma.host, chroma.port), collection)
        print_logs_on_failure.append(assistant)
        with assistant.start():
            assert "kompetenzverbund-bw" in cited(ask(assistant, UNRELATED_QUESTION))

            chroma.stop(signal.SIGKILL)
            down = ask(assistant, UNRELATED_QUESTION)
            assert down.status_code == 503, down.text
            assert down.json()["error"]["code"] == "store_unavailable"
            assert "nicht erreichbar" in down.json()["error"]["message"]
            with client(assistant, READER_KEY) as reader:
                streamed = reader.post("/api/v1/ask/stream", json={"question": UNRELATED_QUESTION})
            assert streamed.status_code == 503, streamed.text
            assert streamed.json()["error"]["code"] == "store_unavailable"
            ready = httpx.get(f"{assistant.url}/readyz", timeout=60)
            assert ready.status_code == 503 and ready.json()["store_reachable"] is False

            chroma.start(timeout=60)  # same port, same --path
            assert "kompetenzverbund-bw" in cited(ask(assistant, UNRELATED_QUESTION))
            ready = httpx.get(f"{assistant.url}/readyz", timeout=60)
            assert ready.status_code == 200 and ready.json()["store_reachable"] is True


@pytest.mark.parametrize("command", [["documents", "list"], ["serve", "--port", "0"]], ids=["cli", "serve"])
def test_an_unreachable_chroma_server_is_named_plainly_at_startup(tmp_path, command):
    settings = make_settings(tmp_path / "data", chroma_host="127.0.0.1", chroma_port=free_port())
    env = {**os.environ, **store_env(settings), "HF_HUB_OFFLINE": "1"}
    done = subprocess.run(
        [venv_command("assistant"), *command], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120
    )

    assert done.returncode == 3, done.stderr
    assert "Chroma-Speicher nicht erreichbar" in done.stderr and "chroma run" in done.stderr
    assert "Traceback" not in done.stderr + done.stdout
