"""Document management over HTTP: the full round trip, limits, refused batches, background jobs."""

from __future__ import annotations

import time

import pytest

from tests.conftest import SHARED_DIR
from tests.e2e.conftest import MUSTERLAND, MUSTERLAND_FACT, MUSTERLAND_QUESTION

pytestmark = pytest.mark.e2e


def _file(name: str, text: str, mime: str = "text/plain") -> tuple[str, tuple[str, bytes, str]]:
    return ("files", (name, text.encode(), mime))


def test_upload_list_get_replace_delete_round_trip(editor, reader):
    added = editor.post("/api/v1/documents", files=[_file("musterland.txt", MUSTERLAND)], data={"region": "MU"})
    assert added.status_code == 200, added.text
    (result,) = added.json()["results"]
    assert result["status"] == "added" and result["document_id"] == "musterland" and result["chunks"] >= 1

    listed = {d["id"]: d for d in reader.get("/api/v1/documents").json()}
    assert listed["musterland"]["title"] == "Digitalstrategie Musterland 2030"
    shown = reader.get("/api/v1/documents/musterland").json()
    assert shown["region"] == "MU" and shown["filename"] == "musterland.txt"

    answer = reader.post("/api/v1/ask", json={"question": MUSTERLAND_QUESTION}).json()
    assert answer["answered"] and MUSTERLAND_FACT in answer["answer"]
    assert answer["citations"][0]["document_id"] == "musterland"

    new_version = MUSTERLAND.replace("Musterstadt", "Neustadt am See")
    replaced = editor.put(
        "/api/v1/documents/musterland", files={"file": ("fassung-2.txt", new_version.encode(), "text/plain")}
    )
    assert replaced.status_code == 200, replaced.text
    assert replaced.json()["status"] == "updated"
    after = reader.get("/api/v1/documents/musterland").json()
    assert after["region"] == "MU", "metadata not sent again is kept"
    assert after["content_hash"] != shown["content_hash"]
    answer = reader.post("/api/v1/ask", json={"question": MUSTERLAND_QUESTION}).json()
    assert "Neustadt am See" in answer["answer"] and "Musterstadt" not in answer["answer"]

    assert editor.delete("/api/v1/documents/musterland").status_code == 204
    assert reader.get("/api/v1/documents/musterland").status_code == 404
    assert editor.delete("/api/v1/documents/musterland").status_code == 404
    assert "musterland" not in {d["id"] for d in reader.get("/api/v1/documents").json()}


def test_several_files_get_per_file_results(editor):
    files = [
        _file("eins.md", "# Erstes Papier\n\nDas erste Papier beschreibt die Pflegeoffensive im Musterkreis."),
        _file("zwei.html", "<html><body><h1>Zweites Papier</h1><p>Das zweite Papier behandelt Notfallversorgung.</p></body></html>", "text/html"),
        _file("leer.txt", "   \n"),
    ]
    response = editor.post("/api/v1/documents", files=files)
    assert response.status_code == 200
    results = {r["filename"]: r for r in response.json()["results"]}
    assert results["eins.md"]["status"] == "added" and results["zwei.html"]["status"] == "added"
    assert results["leer.txt"]["status"] == "failed" and results["leer.txt"]["code"] == "empty"
    for document_id in ("eins", "zwei"):
        assert editor.delete(f"/api/v1/documents/{document_id}").status_code == 204


def test_file_names_are_sanitised(editor):
    response = editor.post("/api/v1/documents", files=[_file("../../etc/Pflege Plan.txt", MUSTERLAND)])
    (result,) = response.json()["results"]
    assert result["filename"] == "Pflege Plan.txt" and result["document_id"] == "pflege-plan"
    assert editor.delete("/api/v1/documents/pflege-plan").status_code == 204


def test_too_large_unsupported_and_unusable_files_are_refused_without_partial_state(editor, reader):
    before = reader.get("/api/v1/documents").json()

    too_big = editor.post("/api/v1/documents", files=[_file("gross.txt", "Wort " * 320_000)])
    assert too_big.status_code == 413 and too_big.json()["error"]["code"] == "too_large"

    wrong_type = editor.post(
        "/api/v1/documents",
        files=[_file("gut.txt", MUSTERLAND), ("files", ("tabelle.xlsx", b"PK\x03\x04", "application/octet-stream"))],
    )
    assert wrong_type.status_code == 415 and wrong_type.json()["error"]["code"] == "unsupported_type"

    broken_pdf = editor.post("/api/v1/documents", files=[("files", ("kaputt.pdf", b"%PDF-1.4 kaputt", "application/pdf"))])
    assert broken_pdf.status_code == 422
    assert broken_pdf.json()["error"]["details"][0]["status"] == "failed"

    no_files = editor.post("/api/v1/documents", data={"region": "MU"})
    assert no_files.status_code == 422

    assert reader.get("/api/v1/documents").json() == before, "a refused upload must not store anything"


def test_replace_and_delete_unknown_documents_are_404(editor):
    replaced = editor.put("/api/v1/documents/gibt-es-nicht", files={"file": ("x.txt", b"Inhalt.", "text/plain")})
    assert replaced.status_code == 404 and replaced.json()["error"]["code"] == "document_not_found"
    assert editor.delete("/api/v1/documents/gibt-es-nicht").status_code == 404
    assert editor.get("/api/v1/documents/..%2F..%2Fetc").status_code == 404


def test_failed_replacement_keeps_the_previous_version(editor, reader):
    editor.post("/api/v1/documents", files=[_file("bestand.txt", MUSTERLAND)])
    before = reader.get("/api/v1/documents/bestand").json()
    failed = editor.put("/api/v1/documents/bestand", files={"file": ("leer.txt", b"  ", "text/plain")})
    assert failed.status_code == 422 and failed.json()["error"]["code"] == "empty"
    assert reader.get("/api/v1/documents/bestand").json() == before
    assert editor.delete("/api/v1/documents/bestand").status_code == 204


def test_large_batch_runs_as_a_background_job(editor, reader):
    files = [_file(f"stapel-{i}.txt", f"Stapeldokument {i}\n\nDas Papier Nummer {i} regelt die Versorgung im Kreis {i}.") for i in range(4)]
    accepted = editor.post("/api/v1/documents", files=files)
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.json()["status_url"]
    assert status_url == f"/api/v1/jobs/{accepted.json()['job_id']}"

    deadline = time.monotonic() + 120
    job = editor.get(status_url).json()
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        assert 0 <= job["processed"] <= job["total"] == 4
        time.sleep(0.2)
        job = editor.get(status_url).json()
    assert job["status"] == "done", job
    assert [r["status"] for r in job["results"]] == ["added"] * 4
    assert reader.get(status_url).status_code == 403, "job results are for editors"
    for i in range(4):
        assert editor.delete(f"/api/v1/documents/stapel-{i}").status_code == 204
    assert editor.get("/api/v1/jobs/unbekannt").status_code == 404


def test_background_job_reports_the_pages_of_a_long_pdf_as_they_are_read_and_embedded(editor):
    # The 49-page ministerial draft first, then three small files so that the batch becomes a job.
    draft = SHARED_DIR / "realdocs" / "bmg_coronaimpfv_referentenentwurf_2021-04-01.pdf"
    files = [("files", (draft.name, draft.read_bytes(), "application/pdf"))]
    files += [_file(f"seiten-{i}.txt", f"Seitendokument {i}\n\nDas Papier {i} regelt die Pflege im Kreis {i}.") for i in range(3)]
    accepted = editor.post("/api/v1/documents", files=files)
    assert accepted.status_code == 202, accepted.text
    status_url = accepted.json()["status_url"]

    seen: list[tuple[str, int, int]] = []
    deadline = time.monotonic() + 300
    job = editor.get(status_url).json()
    while job["status"] in ("queued", "running") and time.monotonic() < deadline:
        if job["current_file"] == draft.name and job["stage"]:
            seen.append((job["stage"], job["page"], job["pages"]))
        elif job["current_file"] and job["current_file"].endswith(".txt"):
            assert job["pages"] is None, "a text file has no pages"
        time.sleep(0.02)
        job = editor.get(status_url).json()
    assert job["status"] == "done", job
    assert job["results"][0]["status"] == "added"
    assert job["stage"] is None and job["page"] is None, "a finished job reports no current page"

    assert seen, "no page progress observed"
    assert {pages for _, _, pages in seen} == {49}
    reading = [page for stage, page, _ in seen if stage == "reading"]
    embedding = [page for stage, page, _ in seen if stage == "embedding"]
    assert len(set(reading)) >= 2, seen
    assert reading == sorted(reading) and embedding == sorted(embedding), seen
    assert all(1 <= page <= 49 for _, page, _ in seen)
    stages = [stage for stage, _, _ in seen]
    assert stages == sorted(stages, key=["reading", "embedding"].index), "pages are read before they are embedded"
    assert editor.delete(f"/api/v1/documents/{job['results'][0]['document_id']}").status_code == 204
    for i in range(3):
        assert editor.delete(f"/api/v1/documents/seiten-{i}").status_code == 204
