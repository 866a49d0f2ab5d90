"""Saved conversations, feedback, the gap report and the audit trail over HTTP against the real app
(real SQLite in the data directory, the real model, the bundled corpus).

Three API clients with labelled keys: two readers (anna, ben) and an editor (edith).
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import httpx
import pytest
from sqlalchemy import select, update

from assistant.components.database import Database
from assistant.components.db_tables import conversations, feedback
from tests.conftest import TEST_DATABASE_ENV
from tests.e2e.conftest import MUSTERLAND, LiveServer, serve_live, server_settings

pytestmark = pytest.mark.e2e

ANNA, BEN, EDITH = "anna-key-0123456789abcdef", "ben-key-0123456789abcdef", "edith-key-0123456789abcdef"
QUESTION = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"
# Its answer depends on the turn before (what "er" is); see test_the_follow_up_needs_the_stored_turns.
FOLLOW_UP = "Und welche Ziele hat er?"
BUDGET = "Wie hoch ist das jährliche Budget des Kompetenzverbunds in Euro?"
BUDGET_AGAIN = "Welches jährliche Budget hat der Kompetenzverbund in Euro?"
PRIVACY = "Gibt es eine Regelung zum Datenschutz bei Videosprechstunden?"


def settings_for(data_dir):
    return server_settings(
        data_dir,
        api_keys_reader=[ANNA, BEN],
        api_keys_editor=[EDITH],
        api_key_labels={"anna": ANNA, "ben": BEN, "edith": EDITH},
        # The test client is its own single sign-on proxy.
        trusted_user_header="X-Forwarded-User",
        trusted_proxies=["127.0.0.1"],
    )


@pytest.fixture(scope="module")
def data_dir(tmp_path_factory):
    return tmp_path_factory.mktemp("conversations-store")


@pytest.fixture(scope="module")
def live(data_dir, encoder) -> Iterator[LiveServer]:
    with serve_live(settings_for(data_dir), encoder, name="conversations-uvicorn") as server:
        yield server


@pytest.fixture
def anna(live) -> Iterator[httpx.Client]:
    with live.client(ANNA) as client:
        yield client


@pytest.fixture
def ben(live) -> Iterator[httpx.Client]:
    with live.client(BEN) as client:
        yield client


@pytest.fixture
def edith(live) -> Iterator[httpx.Client]:
    with live.client(EDITH) as client:
        yield client


def ask(client: httpx.Client, question: str, conversation_id: str | None = None) -> dict:
    response = client.post("/api/v1/ask", json={"question": question, "conversation_id": conversation_id})
    assert response.status_code == 200, response.text
    return response.json()


def with_history(client: httpx.Client, first: dict) -> dict:
    """The follow-up asked statelessly, the client sending the earlier turn itself."""
    history = [{"role": "user", "content": QUESTION}, {"role": "assistant", "content": first["answer"]}]
    response = client.post("/api/v1/ask", json={"question": FOLLOW_UP, "history": history})
    assert response.status_code == 200, response.text
    return response.json()


def same_answer(one: dict, other: dict) -> bool:
    return (one["answer"], one["citations"]) == (other["answer"], other["citations"])


def test_the_database_is_the_one_of_this_tier(live):
    """SQLite in the data directory, or in the server tier of `make test` the PostgreSQL server."""
    expected = "postgresql" if os.environ.get(TEST_DATABASE_ENV) else "sqlite"
    assert live.app.state.container.database.dialect == expected


def test_a_conversation_is_created_listed_continued_renamed_and_deleted(anna):
    created = anna.post("/api/v1/conversations", json={})
    assert created.status_code == 201, created.text
    conversation_id = created.json()["id"]
    assert conversation_id in {c["id"] for c in anna.get("/api/v1/conversations").json()}

    first = ask(anna, QUESTION, conversation_id)
    assert first["conversation_id"] == conversation_id and first["answer_id"]
    follow_up = ask(anna, FOLLOW_UP, conversation_id)
    assert same_answer(follow_up, with_history(anna, first))  # the stored turn was the history

    stored = anna.get(f"/api/v1/conversations/{conversation_id}").json()
    assert stored["title"] == QUESTION  # named after its first question
    assert [m["question"] for m in stored["messages"]] == [QUESTION, FOLLOW_UP]
    assert [m["answer_id"] for m in stored["messages"]] == [first["answer_id"], follow_up["answer_id"]]
    assert stored["messages"][0]["answer"] == first["answer"]
    assert stored["messages"][0]["citations"] == first["citations"]

    renamed = anna.patch(f"/api/v1/conversations/{conversation_id}", json={"title": "Kliniken in BW"})
    assert renamed.status_code == 200 and renamed.json()["title"] == "Kliniken in BW"
    assert {c["id"]: c["title"] for c in anna.get("/api/v1/conversations").json()}[conversation_id] == "Kliniken in BW"

    assert anna.delete(f"/api/v1/conversations/{conversation_id}").status_code == 204
    assert anna.get(f"/api/v1/conversations/{conversation_id}").status_code == 404
    assert conversation_id not in {c["id"] for c in anna.get("/api/v1/conversations").json()}


def test_the_follow_up_needs_the_stored_turns(anna):
    """The control for the tests of follow-ups: asked on its own, the follow-up gets another answer,
    so an answer equal to the one with history proves the history was read."""
    alone = ask(anna, FOLLOW_UP)
    assert not same_answer(alone, with_history(anna, ask(anna, QUESTION)))


def test_another_user_can_neither_read_nor_change_nor_continue_a_conversation(anna, ben):
    conversation_id = anna.post("/api/v1/conversations", json={"title": "Annas Gespräch"}).json()["id"]
    answer_id = ask(anna, QUESTION, conversation_id)["answer_id"]
    path = f"/api/v1/conversations/{conversation_id}"

    assert conversation_id not in {c["id"] for c in ben.get("/api/v1/conversations").json()}
    for response in (
        ben.get(path),
        ben.patch(path, json={"title": "gekapert"}),
        ben.delete(path),
        ben.post("/api/v1/ask", json={"question": FOLLOW_UP, "conversation_id": conversation_id}),
        ben.post(f"/api/v1/answers/{answer_id}/feedback", json={"vote": "down"}),
    ):
        assert response.status_code == 404, response.text
        assert response.json()["error"]["code"] in {"conversation_not_found", "answer_not_found"}

    unchanged = anna.get(path).json()
    assert unchanged["title"] == "Annas Gespräch" and len(unchanged["messages"]) == 1


def test_feedback_is_stored_with_question_answer_passages_and_document_versions(live, anna):
    answer = ask(anna, QUESTION)
    response = anna.post(f"/api/v1/answers/{answer['answer_id']}/feedback", json={"vote": "up", "comment": " gut "})
    assert response.status_code == 200, response.text
    version = anna.get("/api/v1/documents/kompetenzverbund-bw").json()["content_hash"]
    assert response.json()["documents"]["kompetenzverbund-bw"] == version

    database: Database = live.app.state.container.database
    with database.begin() as connection:
        row = connection.execute(select(feedback).where(feedback.c.answer_id == answer["answer_id"])).mappings().one()
    assert (row["vote"], row["comment"], row["user_id"]) == ("up", "gut", "anna")
    assert row["question"] == QUESTION and row["answer"] == answer["answer"]
    assert [c["text"] for c in row["citations"]] == [c["text"] for c in answer["citations"]]
    assert row["documents"]["kompetenzverbund-bw"] == version

    refused = anna.post(f"/api/v1/answers/{answer['answer_id']}/feedback", json={"vote": "meh"})
    assert refused.status_code == 422


def test_the_gap_report_groups_similar_unanswered_questions_for_editors_only(anna, ben, edith):
    for client, question in ((anna, BUDGET), (ben, BUDGET_AGAIN), (anna, PRIVACY)):
        assert ask(client, question)["answered"] is False
    voted = ask(ben, QUESTION)
    assert voted["answered"]
    ben.post(f"/api/v1/answers/{voted['answer_id']}/feedback", json={"vote": "down", "comment": "Zahl fehlt"})

    assert anna.get("/api/v1/reports/gaps").status_code == 403
    report = edith.get("/api/v1/reports/gaps")
    assert report.status_code == 200, report.text
    groups = report.json()
    budget = next(g for g in groups if BUDGET in g["examples"])
    assert budget["count"] == 2 and set(budget["examples"]) == {BUDGET, BUDGET_AGAIN}
    assert budget["declined"] == 2 and budget["closest_documents"][0]["document_id"] == "kompetenzverbund-bw"
    assert groups[0]["count"] >= budget["count"]  # most often asked first
    privacy = next(g for g in groups if PRIVACY in g["examples"])
    assert privacy is not budget and privacy["count"] == 1
    down = next(g for g in groups if QUESTION in g["examples"])
    assert down["voted_down"] == 1 and down["comments"] == ["Zahl fehlt"]

    tomorrow = (datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    assert edith.get("/api/v1/reports/gaps", params={"since": tomorrow}).json() == []
    assert len(edith.get("/api/v1/reports/gaps", params={"since": "2000-01-01T00:00:00+01:00"}).json()) == len(groups)
    assert edith.get("/api/v1/reports/gaps", params={"since": "1"}).status_code == 422
    assert edith.get("/api/v1/reports/gaps", params={"until": "2000-01-01T00:00:00Z"}).json() == []

    exported = edith.get("/api/v1/reports/gaps", params={"format": "csv"})
    assert exported.status_code == 200 and exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.reader(io.StringIO(exported.text)))
    assert rows[0][0].startswith("Anzahl") and len(rows) == len(groups) + 1
    assert any(BUDGET in row[2] and row[0] == "2" for row in rows[1:])


def test_document_changes_are_audited_with_who_and_what(anna, edith):
    files = [("files", ("musterland.txt", MUSTERLAND.encode(), "text/plain"))]
    assert edith.post("/api/v1/documents", files=files).status_code == 200
    replaced = edith.put(
        "/api/v1/documents/musterland", files={"file": ("musterland.txt", (MUSTERLAND + "\nNachtrag.\n").encode())}
    )
    assert replaced.status_code == 200, replaced.text
    assert edith.delete("/api/v1/documents/musterland").status_code == 204

    assert anna.get("/api/v1/audit").status_code == 403
    entries = [e for e in edith.get("/api/v1/audit").json() if e["document_id"] == "musterland"]
    assert [(e["action"], e["actor"]) for e in entries] == [("removed", "edith"), ("replaced", "edith"), ("added", "edith")]
    assert entries[2]["filename"] == "musterland.txt" and entries[1]["content_hash"] != entries[2]["content_hash"]


def test_a_user_deletes_all_their_data_in_one_step(live, data_dir):
    with live.client(ANNA) as anna, live.client(BEN) as ben:
        kept = ben.post("/api/v1/conversations", json={}).json()["id"]
        conversation_id = anna.post("/api/v1/conversations", json={}).json()["id"]
        answer_id = ask(anna, BUDGET, conversation_id)["answer_id"]
        anna.post(f"/api/v1/answers/{answer_id}/feedback", json={"vote": "down"})

        deleted = anna.delete("/api/v1/me/data")
        assert deleted.status_code == 200, deleted.text
        assert deleted.json()["conversations"] >= 1 and deleted.json()["feedback"] >= 1
        assert anna.get("/api/v1/conversations").json() == []
        assert anna.get(f"/api/v1/conversations/{conversation_id}").status_code == 404
        assert kept in {c["id"] for c in ben.get("/api/v1/conversations").json()}
    database: Database = live.app.state.container.database
    with database.begin() as connection:
        assert not connection.execute(select(feedback).where(feedback.c.user_id == "anna")).first()


def test_conversations_survive_a_restart_and_old_ones_are_purged_at_start(tmp_path, encoder):
    settings = settings_for(tmp_path / "data")
    with serve_live(settings, encoder, name="before-restart") as before, before.client(ANNA) as anna:
        current = anna.post("/api/v1/conversations", json={}).json()["id"]
        first = ask(anna, QUESTION, current)
        old = anna.post("/api/v1/conversations", json={}).json()["id"]
        ask(anna, QUESTION, old)
    # 91 days pass for one of them (the default retention is 90 days).
    database = Database(settings.database)
    with database.begin() as connection:
        long_ago = datetime.now(UTC).replace(tzinfo=None) - timedelta(days=91)
        connection.execute(update(conversations).where(conversations.c.id == old).values(updated_at=long_ago))
    database.dispose()

    with serve_live(settings, encoder, name="after-restart") as after, after.client(ANNA) as anna:
        follow_up = ask(anna, FOLLOW_UP, current)
        assert same_answer(follow_up, with_history(anna, first))
        assert len(anna.get(f"/api/v1/conversations/{current}").json()["messages"]) == 2
        assert anna.get(f"/api/v1/conversations/{old}").status_code == 404


def proxied(live: LiveServer, user: str) -> httpx.Client:
    headers = {"Authorization": f"Bearer {ANNA}", "X-Forwarded-User": user}
    return httpx.Client(base_url=live.url, headers=headers, timeout=60)


def test_behind_a_trusted_proxy_the_user_header_names_the_user(live):
    with proxied(live, "erika") as erika:
        conversation_id = erika.post("/api/v1/conversations", json={}).json()["id"]
        assert conversation_id in {c["id"] for c in erika.get("/api/v1/conversations").json()}
    with proxied(live, "max") as max_, live.client(ANNA) as anna:
        assert max_.get(f"/api/v1/conversations/{conversation_id}").status_code == 404
        assert anna.get(f"/api/v1/conversations/{conversation_id}").status_code == 404
