"""Faults with real processes: the server killed (SIGKILL) in the middle of an ingestion and of a
burst of questions, an ingestion killed right after publishing, and commands started on a read-only
or full data directory.

Every process is a real ``assistant`` command (plus one Python child for the one exact crash point).
The store is inspected by a separate process and only while no server runs: embedded Chroma is
meant for one process at a time.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import MODEL_CACHE, PROJECT_DIR
from tests.e2e.conftest import (
    EDITOR_KEY,
    MUSTERLAND,
    MUSTERLAND_FACT,
    MUSTERLAND_QUESTION,
    READER_KEY,
    free_port,
)

pytestmark = pytest.mark.e2e

ASSISTANT = Path(sys.executable).with_name("assistant")
# Bounds against hanging forever on a shared, busy machine; never a speed requirement.
STARTUP_TIMEOUT = 900
COMMAND_TIMEOUT = 600
CORPUS_QUESTION = "Wie viele Krankenhäuser haben sich zusammengeschlossen?"
CORPUS_FACT = "14 Krankenhäuser"
EXIT_STORAGE = 3


# --------------------------------------------------------------------------- documents


@dataclass(frozen=True)
class Report:
    """A generated document with one fact no other document holds."""

    slug: str
    fact: str
    question: str
    answer: str

    @property
    def document_id(self) -> str:
        return f"bericht-{self.slug}"

    @property
    def filename(self) -> str:
        return f"{self.document_id}.txt"

    def text(self, paragraphs: int = 40) -> str:
        parts = [f"Versorgungsbericht {self.slug.capitalize()}"]
        for p in range(paragraphs):
            body = " ".join(_FILLER[(p * 5 + i) % len(_FILLER)] for i in range(7))
            parts.append(f"Abschnitt {p + 1}: {body}")
        parts.insert(1 + paragraphs // 2, self.fact)
        return "\n\n".join(parts) + "\n"


_FILLER = [
    "Die Landesregierung stimmt die Maßnahmen regelmäßig mit den kommunalen Spitzenverbänden ab.",
    "Ein Beirat aus Praxis und Wissenschaft begleitet die Umsetzung und berichtet halbjährlich.",
    "Die Kliniken der Region tauschen ihre Erfahrungen in einem gemeinsamen Arbeitskreis aus.",
    "Für die Auswertung werden Routinedaten der Krankenkassen und der Kassenärztlichen Vereinigung genutzt.",
    "Die Bürgerinnen und Bürger werden über Informationsabende und eine Internetseite beteiligt.",
    "Besonderes Augenmerk gilt der Versorgung in dünn besiedelten Gemeinden.",
    "Die Digitalisierung der Abläufe soll die Beschäftigten in der Pflege spürbar entlasten.",
    "Ein Monitoring mit jährlichen Kennzahlen zeigt, ob die Ziele erreicht werden.",
    "Die Zusammenarbeit zwischen ambulantem und stationärem Sektor wird weiter gestärkt.",
    "Ausbildungsplätze in den Gesundheitsberufen sollen in allen Landesteilen erhalten bleiben.",
    "Die Finanzierung erfolgt aus Mitteln des Landes und der beteiligten Kommunen.",
    "Modellprojekte werden nach drei Jahren unabhängig evaluiert.",
    "Ein gemeinsames Meldeportal erleichtert die Abstimmung zwischen den Gesundheitsämtern.",
]

BATCH = [
    Report(
        "altenau",
        "Im Kreis Altenau eröffnet das Land 17 Gesundheitskioske in Apotheken.",
        "Wie viele Gesundheitskioske eröffnet das Land im Kreis Altenau?",
        "17 Gesundheitskioske",
    ),
    Report(
        "birkenfeld",
        "Die Telenotarzt-Zentrale in Birkenfeld erhält 23 Millionen Euro vom Land.",
        "Wie viel Geld erhält die Telenotarzt-Zentrale in Birkenfeld?",
        "23 Millionen Euro",
    ),
    Report(
        "carlsberg",
        "In Carlsberg übernimmt die Hebammenschule Lindenhof die Ausbildung der Praxisanleiterinnen.",
        "Wer übernimmt in Carlsberg die Ausbildung der Praxisanleiterinnen?",
        "Hebammenschule Lindenhof",
    ),
    Report(
        "dornstetten",
        "Das Landarztprogramm Dornstetten vergibt jedes Jahr 9 Stipendien an Medizinstudierende.",
        "Wie viele Stipendien vergibt das Landarztprogramm Dornstetten jedes Jahr?",
        "9 Stipendien",
    ),
    Report(
        "eichenau",
        "Die Pflegekammer Eichenau wurde am 3. März 2025 in der Stadthalle gegründet.",
        "Wann wurde die Pflegekammer Eichenau gegründet?",
        "3. März 2025",
    ),
    Report(
        "falkenstein",
        "Der Rettungshubschrauber Christoph Falkenstein ist am Flugplatz Rabenhorst stationiert.",
        "Wo ist der Rettungshubschrauber Christoph Falkenstein stationiert?",
        "Flugplatz Rabenhorst",
    ),
]


def _upload(report: Report) -> tuple[str, tuple[str, bytes, str]]:
    return ("files", (report.filename, report.text().encode(), "text/plain"))


# --------------------------------------------------------------------------- processes


def command_env(data_dir: Path, **extra: str) -> dict[str, str]:
    # Nothing inherited from the outer ASSISTANT_* environment: each test owns its configuration.
    env = {k: v for k, v in os.environ.items() if not k.startswith("ASSISTANT_")}
    env.update(
        ASSISTANT_DATA_DIR=str(data_dir),
        ASSISTANT_MODEL_CACHE_DIR=str(MODEL_CACHE),
        ASSISTANT_API_KEYS_READER=json.dumps([READER_KEY]),
        ASSISTANT_API_KEYS_EDITOR=json.dumps([EDITOR_KEY]),
        # Every batch of more than one file becomes a background job; the polling must not be throttled.
        ASSISTANT_UPLOAD_JOB_FILES="1",
        ASSISTANT_RATE_LIMIT_PER_MINUTE="0",
        HF_HUB_OFFLINE="1",
        COLUMNS="1000",  # rich tables wide enough that a message is never wrapped mid-phrase
        **extra,
    )
    return env


def run_command(args: list[str], env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess:
    """One ``assistant`` command to its end; killed (and the test failed) if it never ends."""
    process = subprocess.Popen(
        [str(ASSISTANT), *args],
        env=env,
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        out, err = process.communicate(timeout=COMMAND_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        out, err = process.communicate()
        pytest.fail(f"assistant {' '.join(args)} did not end\nstdout:\n{out}\nstderr:\n{err}")
    return subprocess.CompletedProcess(args, process.returncode, out, err)


@dataclass
class Server:
    process: subprocess.Popen
    url: str
    log: Path

    def client(self, key: str) -> httpx.Client:
        return httpx.Client(base_url=self.url, headers={"Authorization": f"Bearer {key}"}, timeout=300)

    def kill(self) -> None:
        """SIGKILL to the whole process group: no shutdown handler, no flush, like a power cut of the process."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=60)


@contextmanager
def running_server(data_dir: Path, log: Path) -> Iterator[Server]:
    """``assistant serve`` on a free port until the block ends (then stopped gracefully, unless killed)."""
    port = free_port()
    with open(log, "ab") as out:
        process = subprocess.Popen(
            [str(ASSISTANT), "serve", "--port", str(port)],
            env=command_env(data_dir),
            cwd=data_dir.parent,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    server = Server(process, f"http://127.0.0.1:{port}", log)
    try:
        _wait_ready(server)
        yield server
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)
            try:
                process.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


def _wait_ready(server: Server) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited with {server.process.returncode} during startup")
        try:
            if httpx.get(f"{server.url}/readyz", timeout=5).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise TimeoutError(f"{server.url}/readyz not ready after {STARTUP_TIMEOUT} s")


@contextmanager
def logs_shown_on_failure(directory: Path) -> Iterator[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    try:
        yield directory
    except BaseException:
        for log in sorted(directory.glob("*.log")):
            print(f"===== {log.name} =====\n{log.read_text(encoding='utf-8', errors='replace')[-30000:]}")
        raise


# --------------------------------------------------------------------------- the store, read by another process

_STATE_SCRIPT = textwrap.dedent(
    """
    import collections, json
    from assistant.components.vector_store import ChunkStore, make_client
    from assistant.settings import Settings

    settings = Settings()
    store = ChunkStore(make_client(settings), settings.collection)
    live, hidden = collections.Counter(), collections.Counter()
    for metadata in store.chunks.get(include=["metadatas"])["metadatas"]:
        key = f"{metadata['document_id']}::{metadata['version']}"
        (live if metadata.get("live") is True else hidden)[key] += 1
    print(json.dumps({"records": store.list_records(), "live": live, "hidden": hidden}))
    """
)


@dataclass(frozen=True)
class StoreState:
    records: dict[str, dict]
    live: dict[str, int]  # "document_id::version" -> live chunks
    hidden: dict[str, int]

    @property
    def listed(self) -> set[str]:
        """What GET /documents shows: records with a version."""
        return {doc_id for doc_id, r in self.records.items() if r.get("version")}

    def pending(self, doc_id: str) -> dict:
        """The version an unfinished ingestion was writing (its intent), or {}."""
        record = self.records.get(doc_id, {})
        if record.get("status") != "indexing":
            return {}
        return json.loads(record.get("pending_record") or "null") or {}

    def complete_pending(self) -> set[str]:
        """Documents whose new version is published in full but whose record was not switched yet."""
        found = set()
        for doc_id in self.records:
            pending = self.pending(doc_id)
            if pending and self.live.get(f"{doc_id}::{pending['version']}") == pending["chunks"]:
                found.add(doc_id)
        return found

    def half_indexed(self) -> list[str]:
        """Live chunks that are not exactly one whole version of a document: must always be empty."""
        problems = []
        for key, count in self.live.items():
            doc_id, version = key.split("::")
            record = self.records.get(doc_id, {})
            pending = self.pending(doc_id)
            whole = (record.get("version") == version and record.get("chunks") == count) or (
                pending.get("version") == version and pending.get("chunks") == count
            )
            if not whole:
                problems.append(f"{key}: {count} live chunks, record {record}")
        for doc_id in self.listed:
            record = self.records[doc_id]
            if self.live.get(f"{doc_id}::{record['version']}") != record["chunks"]:
                problems.append(f"{doc_id} is listed with {record['chunks']} chunks, live: {self.live}")
        return problems

    def assert_settled(self) -> None:
        """Nothing in flight: every record ready, every listed document whole, nothing hidden."""
        assert {d: r["status"] for d, r in self.records.items()} == dict.fromkeys(self.records, "ready")
        assert self.half_indexed() == []
        assert self.live == {f"{d}::{r['version']}": r["chunks"] for d, r in self.records.items()}
        assert self.hidden == {}


def store_state(data_dir: Path) -> StoreState:
    result = subprocess.run(
        [sys.executable, "-c", _STATE_SCRIPT],
        env=command_env(data_dir),
        cwd=data_dir.parent,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT,
    )
    assert result.returncode == 0, result.stderr
    raw = json.loads(result.stdout)
    return StoreState({r["id"]: r for r in raw["records"]}, raw["live"], raw["hidden"])


# --------------------------------------------------------------------------- HTTP helpers


def ask(client: httpx.Client, question: str) -> dict:
    response = client.post("/api/v1/ask", json={"question": question})
    assert response.status_code == 200, response.text
    return response.json()


def comparable(answer: dict) -> tuple:
    # Scores are left out: they are floats from the model and not what a user compares.
    return answer["answer"], answer["answered"], [(c["document_id"], c["text"]) for c in answer["citations"]]


def listed_ids(client: httpx.Client) -> set[str]:
    response = client.get("/api/v1/documents")
    assert response.status_code == 200, response.text
    return {d["id"] for d in response.json()}


def wait_for_job(client: httpx.Client, job_id: str, until) -> dict:
    deadline = time.monotonic() + COMMAND_TIMEOUT
    while time.monotonic() < deadline:
        job = client.get(f"/api/v1/jobs/{job_id}").json()
        assert job["status"] != "failed", job
        if until(job):
            return job
        time.sleep(0.1)
    raise TimeoutError(f"job {job_id} did not get there: {job}")


def submit_batch(editor: httpx.Client, reports: list[Report]) -> str:
    response = editor.post("/api/v1/documents", files=[_upload(r) for r in reports])
    assert response.status_code == 202, response.text
    return response.json()["job_id"]


# --------------------------------------------------------------------------- kill -9 of the server


def test_a_server_killed_mid_ingestion_restarts_consistent_and_the_batch_completes_when_rerun(tmp_path):
    data_dir = tmp_path / "data"
    batch_ids = [r.document_id for r in BATCH]
    with logs_shown_on_failure(tmp_path / "logs") as logs:
        with running_server(data_dir, logs / "1-killed.log") as server, server.client(EDITOR_KEY) as editor:
            added = editor.post("/api/v1/documents", files=[("files", ("musterland.txt", MUSTERLAND.encode(), "text/plain"))])
            assert added.status_code == 200, added.text
            earlier = listed_ids(editor)
            earlier_answer = comparable(ask(editor, MUSTERLAND_QUESTION))
            assert MUSTERLAND_FACT in earlier_answer[0]

            job_id = submit_batch(editor, BATCH)
            job = kill_inside_a_document(server, editor, job_id)
        assert job["status"] == "running" and job["processed"] < len(BATCH), f"not killed mid-batch: {job}"

        crashed = store_state(data_dir)
        assert crashed.half_indexed() == [], crashed
        survived = [d for d in batch_ids if d in crashed.listed]
        assert earlier <= crashed.listed
        assert survived == batch_ids[: len(survived)] and job["processed"] <= len(survived) < len(BATCH), crashed
        settled = crashed.listed | crashed.complete_pending()

        with running_server(data_dir, logs / "2-restarted.log") as server, server.client(EDITOR_KEY) as editor:
            assert listed_ids(editor) == settled
            assert comparable(ask(editor, MUSTERLAND_QUESTION)) == earlier_answer
            for report in BATCH:
                if report.document_id in settled:
                    assert report.answer in ask(editor, report.question)["answer"], report.document_id
        # The restart itself settled what the killed server left, before any re-run touched it.
        restarted = store_state(data_dir)
        restarted.assert_settled()
        assert restarted.listed == settled

        with running_server(data_dir, logs / "3-rerun.log") as server, server.client(EDITOR_KEY) as editor:
            rerun = wait_for_job(editor, submit_batch(editor, BATCH), lambda j: j["status"] == "done")
            statuses = {r["document_id"]: r["status"] for r in rerun["results"]}
            assert statuses == {d: "unchanged" if d in settled else "added" for d in batch_ids}, rerun
            assert listed_ids(editor) == earlier | set(batch_ids)
            for report in BATCH:
                assert report.answer in ask(editor, report.question)["answer"], report.document_id
            assert CORPUS_FACT in ask(editor, CORPUS_QUESTION)["answer"]

        final = store_state(data_dir)
        final.assert_settled()
        assert final.listed == earlier | set(batch_ids)


def kill_inside_a_document(server: Server, editor: httpx.Client, job_id: str) -> dict:
    """SIGKILL once two files are done, about halfway through the third (where its intent is written
    and its chunks are being embedded), judged by how long the second one took. Returns the job as
    last seen; any moment is a valid test, this one is just the most telling."""
    # "processed" is the index of the file in work: the files before it are done.
    second = wait_for_job(editor, job_id, lambda j: j["processed"] >= 1 or j["status"] == "done")
    started = time.monotonic()
    job = wait_for_job(editor, job_id, lambda j: j["processed"] >= 2 or j["status"] == "done")
    if second["status"] != "done" and job["status"] != "done":
        time.sleep((time.monotonic() - started) / 2)
    server.kill()
    return job


def test_a_server_killed_during_a_burst_of_questions_restarts_with_the_same_documents_and_answers(tmp_path):
    data_dir = tmp_path / "data"
    questions = [MUSTERLAND_QUESTION, CORPUS_QUESTION] + [r.question for r in BATCH[:2]]
    with logs_shown_on_failure(tmp_path / "logs") as logs:
        with running_server(data_dir, logs / "1-killed.log") as server, server.client(EDITOR_KEY) as editor:
            for upload in [("files", ("musterland.txt", MUSTERLAND.encode(), "text/plain"))] + [
                _upload(r) for r in BATCH[:2]
            ]:
                assert editor.post("/api/v1/documents", files=[upload]).status_code == 200
            documents_before = editor.get("/api/v1/documents").json()
            answers_before = [comparable(ask(editor, q)) for q in questions]

            answered: list[int] = []
            stop = threading.Event()

            def fire(offset: int) -> None:
                with server.client(READER_KEY) as client:
                    n = offset
                    while not stop.is_set():
                        try:
                            response = client.post("/api/v1/ask", json={"question": questions[n % len(questions)]})
                        except httpx.TransportError:
                            return  # the server is gone
                        if response.status_code == 200:
                            answered.append(n)
                        n += 1

            threads = [threading.Thread(target=fire, args=(i,), daemon=True) for i in range(6)]
            for thread in threads:
                thread.start()
            deadline = time.monotonic() + COMMAND_TIMEOUT
            while len(answered) < 8 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert len(answered) >= 8, "the burst never got going"
            server.kill()  # six questions are in flight at this moment
            stop.set()
            for thread in threads:
                thread.join(timeout=120)

        store_state(data_dir).assert_settled()
        with running_server(data_dir, logs / "2-restarted.log") as server, server.client(READER_KEY) as reader:
            assert reader.get("/api/v1/documents").json() == documents_before
            assert [comparable(ask(reader, q)) for q in questions] == answers_before


def test_an_ingestion_killed_after_publishing_is_finished_at_the_next_start_not_lost(tmp_path):
    """The process dies after the new version went live and the old one was deleted, before the
    record was switched: rolling back would leave the document with no chunks at all."""
    data_dir = tmp_path / "data"
    report = BATCH[0]
    new_fact = report.fact.replace("17 Gesundheitskioske", "31 Gesundheitskioske")
    new_text = report.text().replace(report.fact, new_fact)
    with logs_shown_on_failure(tmp_path / "logs") as logs:
        with running_server(data_dir, logs / "1-first.log") as server, server.client(EDITOR_KEY) as editor:
            assert editor.post("/api/v1/documents", files=[_upload(report)]).status_code == 200

        crash = textwrap.dedent(
            f"""
            import os
            from assistant.container import Container
            from assistant.settings import Settings

            container = Container(Settings())
            store = container.store
            # _finish deletes the old version, then bumps the revision: die exactly there.
            store.bump_revision = lambda: os._exit(9)
            container.documents.ingest_bytes({report.filename!r}, {new_text!r}.encode())
            """
        )
        child = subprocess.run(
            [sys.executable, "-c", crash], env=command_env(data_dir), cwd=tmp_path, capture_output=True, text=True
        )
        assert child.returncode == 9, child.stderr
        crashed = store_state(data_dir)
        record = crashed.records[report.document_id]
        pending = json.loads(record["pending_record"])
        assert record["status"] == "indexing" and record["version"] != pending["version"]
        assert crashed.live == {
            **{k: v for k, v in crashed.live.items() if not k.startswith(report.document_id)},
            f"{report.document_id}::{pending['version']}": pending["chunks"],
        }, "the old version must be gone and the new one fully live: the window this test is about"

        with running_server(data_dir, logs / "2-restarted.log") as server, server.client(READER_KEY) as reader:
            shown = reader.get(f"/api/v1/documents/{report.document_id}").json()
            assert shown["content_hash"] == pending["content_hash"] and shown["chunks"] == pending["chunks"]
            answer = ask(reader, report.question)["answer"]
            assert "31 Gesundheitskioske" in answer and "17 Gesundheitskioske" not in answer

        store_state(data_dir).assert_settled()


# --------------------------------------------------------------------------- read-only and full data directories


@contextmanager
def mounted(target: Path, *mount_args: str) -> Iterator[Path]:
    """A real mount (we need a file system that refuses writes even to root); always unmounted."""
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["mount", *mount_args, str(target)], capture_output=True, text=True)
    if result.returncode != 0:
        reason = f"mounting failed ({result.stderr.strip()}); no real read-only or full disk"
        if os.geteuid() == 0:  # CI runs as root, where mounting works: there a failure must show
            pytest.fail(reason)
        pytest.skip(f"{reason}; run as root to test it")
    try:
        yield target
    finally:
        if subprocess.run(["umount", str(target)]).returncode != 0:
            subprocess.run(["umount", "--lazy", str(target)], check=True)


def fill(directory: Path, leave: int = 0) -> Path:
    """Fills the file system under ``directory`` up to ``leave`` free bytes."""
    stat = os.statvfs(directory)
    filler = directory / "filler"
    with open(filler, "wb") as fh:
        remaining = stat.f_bavail * stat.f_frsize - leave
        try:
            while remaining > 0:
                remaining -= fh.write(b"\0" * min(remaining, 1 << 20))
                fh.flush()
        except OSError:
            pass  # full before the count said so: exactly what we wanted
    return filler


def ingest_corpus(data_dir: Path) -> None:
    result = run_command(["ingest", str(PROJECT_DIR / "corpus")], command_env(data_dir), data_dir.parent)
    assert result.returncode == 0, result.stderr


STARTUP_COMMANDS = {
    "serve": lambda: ["serve", "--port", str(free_port())],
    "run": lambda: ["run", "--port", str(free_port())],
    "ingest": lambda: ["ingest", str(PROJECT_DIR / "corpus")],
    "ask": lambda: ["ask", CORPUS_QUESTION],
}


@pytest.fixture(scope="module")
def read_only_data_dir(tmp_path_factory) -> Iterator[Path]:
    """A store with the corpus in it, then seen through a read-only bind mount (root cannot write either)."""
    source = tmp_path_factory.mktemp("store") / "data"
    ingest_corpus(source)
    view = tmp_path_factory.mktemp("ro") / "data"
    with mounted(view, "--bind", str(source)):
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", str(view)], capture_output=True, text=True)
        assert remount.returncode == 0, remount.stderr
        yield view


@pytest.fixture(scope="module")
def full_data_dir(tmp_path_factory) -> Iterator[Path]:
    with mounted(tmp_path_factory.mktemp("full") / "data", "-t", "tmpfs", "-o", "size=1m", "tmpfs") as target:
        fill(target)
        yield target


@pytest.mark.parametrize("command", list(STARTUP_COMMANDS))
def test_a_read_only_data_directory_stops_each_command_with_a_clear_message(read_only_data_dir, command):
    result = run_command(STARTUP_COMMANDS[command](), command_env(read_only_data_dir), read_only_data_dir.parent)

    output = result.stdout + result.stderr
    assert result.returncode == EXIT_STORAGE, output
    assert f"Das Datenverzeichnis {read_only_data_dir}" in output and "ist nicht beschreibbar" in output
    assert "schreibgeschützt (read-only)" in output and "ASSISTANT_DATA_DIR" in output
    assert "Traceback" not in output


@pytest.mark.parametrize("command", list(STARTUP_COMMANDS))
def test_a_full_disk_stops_each_command_with_a_clear_message(full_data_dir, command):
    result = run_command(STARTUP_COMMANDS[command](), command_env(full_data_dir), full_data_dir.parent)

    output = result.stdout + result.stderr
    assert result.returncode == EXIT_STORAGE, output
    assert f"Kein Speicherplatz mehr: das Datenverzeichnis {full_data_dir}" in output and "(disk full)" in output
    assert "Traceback" not in output


def test_a_disk_too_full_for_a_document_fails_that_file_clearly_and_a_rerun_after_freeing_space_completes(tmp_path):
    report = BATCH[1]
    document = tmp_path / report.filename
    document.write_text(report.text(paragraphs=60), encoding="utf-8")
    with mounted(tmp_path / "data", "-t", "tmpfs", "-o", "size=16m", "tmpfs") as data_dir:
        ingest_corpus(data_dir)
        earlier = store_state(data_dir).listed
        # Enough for the startup check to pass, too little for the document's chunks.
        filler = fill(data_dir, leave=96 * 1024)
        env = command_env(data_dir)

        failed = run_command(["ingest", str(document)], env, tmp_path)

        assert failed.returncode == 1, failed.stdout + failed.stderr
        assert f"Kein Speicherplatz mehr: das Datenverzeichnis {data_dir}" in failed.stdout
        assert "internal error" not in failed.stdout
        assert "Traceback" not in failed.stdout + failed.stderr

        # The store is looked at only after space is freed: opening it on a full disk is not the point.
        filler.unlink()
        rerun = run_command(["ingest", str(document)], env, tmp_path)
        asked = run_command(["ask", "--json", report.question], env, tmp_path)
        state = store_state(data_dir)

    assert rerun.returncode == 0 and "hinzugefügt/added 1" in rerun.stdout, rerun.stdout + rerun.stderr
    assert asked.returncode == 0 and report.answer in json.loads(asked.stdout)["answer"], asked.stderr
    state.assert_settled()
    assert state.listed == earlier | {report.document_id}
