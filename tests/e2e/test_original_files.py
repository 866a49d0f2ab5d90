"""Original files over HTTP: kept on upload, served with type and name, removed with the last
document that refers to them. The server here stores them in a directory of its own (as on a
shared mount, ASSISTANT_FILES_DIR), so the test can look at the disk too."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote

import httpx
import pytest

from tests.conftest import SHARED_DIR
from tests.e2e.conftest import EDITOR_KEY, READER_KEY, serve_live, server_settings

pytestmark = pytest.mark.e2e

# CC BY 4.0 (Robert Koch-Institut), see ../shared/realdocs/README.md.
REAL_PDF = SHARED_DIR / "realdocs" / "rki_desh_anleitung_sequenzdaten_2021.pdf"
PLAN = "# Pflegeplan Musterkreis\n\nDer Musterkreis richtet bis 2027 vier Pflegestützpunkte ein.\n"


@pytest.fixture(scope="module")
def files_server(tmp_path_factory, encoder) -> Iterator[tuple[str, Path]]:
    root = tmp_path_factory.mktemp("originals")
    files_dir = root / "shared-mount"
    with serve_live(server_settings(root / "store", files_dir=files_dir), encoder, name="e2e-files") as server:
        yield server.url, files_dir


@pytest.fixture
def clients(files_server) -> Iterator[tuple[httpx.Client, httpx.Client]]:
    url, _ = files_server
    headers = {"editor": {"Authorization": f"Bearer {EDITOR_KEY}"}, "reader": {"Authorization": f"Bearer {READER_KEY}"}}
    with httpx.Client(base_url=url, headers=headers["editor"], timeout=120) as editor:
        with httpx.Client(base_url=url, headers=headers["reader"], timeout=60) as reader:
            yield editor, reader


def stored(files_dir: Path, data: bytes) -> Path:
    digest = hashlib.sha256(data).hexdigest()
    return files_dir / digest[:2] / digest


def served_name(response: httpx.Response) -> str:
    """The file name from Content-Disposition, plain or RFC 5987 encoded (non-ASCII names)."""
    disposition = response.headers["content-disposition"]
    if "filename*=utf-8''" in disposition:
        return unquote(disposition.split("filename*=utf-8''", 1)[1].split(";")[0])
    return disposition.split('filename="', 1)[1].split('"')[0]


def upload(editor: httpx.Client, name: str, data: bytes, mime: str) -> dict:
    response = editor.post("/api/v1/documents", files=[("files", (name, data, mime))])
    assert response.status_code == 200, response.text
    (result,) = response.json()["results"]
    assert result["status"] == "added", result
    return result


def test_uploaded_pdf_is_served_back_byte_for_byte_with_type_and_name(clients, files_server):
    editor, reader = clients
    _, files_dir = files_server
    data = REAL_PDF.read_bytes()
    document_id = upload(editor, "DESH Anleitung für Übermittlung.pdf", data, "application/pdf")["document_id"]

    response = reader.get(f"/api/v1/documents/{document_id}/file")

    assert response.status_code == 200
    assert response.content == data
    assert response.headers["content-type"] == "application/pdf"
    assert served_name(response) == "DESH Anleitung für Übermittlung.pdf"
    assert response.headers["content-disposition"].startswith("inline")  # a browser shows it
    assert stored(files_dir, data).read_bytes() == data
    assert editor.delete(f"/api/v1/documents/{document_id}").status_code == 204
    assert not stored(files_dir, data).exists()
    missing = reader.get(f"/api/v1/documents/{document_id}/file")
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "document_not_found"


def test_shared_content_stays_until_the_last_document_referring_to_it_is_removed(clients, files_server):
    editor, reader = clients
    _, files_dir = files_server
    data = PLAN.encode()
    first = upload(editor, "pflegeplan.md", data, "text/markdown")["document_id"]
    second = upload(editor, "pflegeplan-kopie.md", data, "text/markdown")["document_id"]
    assert first != second

    assert editor.delete(f"/api/v1/documents/{first}").status_code == 204
    kept = reader.get(f"/api/v1/documents/{second}/file")
    assert kept.status_code == 200 and kept.content == data
    assert kept.headers["content-type"].startswith("text/markdown")
    assert served_name(kept) == "pflegeplan-kopie.md"

    assert editor.delete(f"/api/v1/documents/{second}").status_code == 204
    assert not stored(files_dir, data).exists()


def test_a_replaced_document_serves_the_new_file_and_drops_the_old_one(clients, files_server):
    editor, reader = clients
    _, files_dir = files_server
    old, new = PLAN.encode(), PLAN.replace("vier", "sechs").encode()
    document_id = upload(editor, "plan.md", old, "text/markdown")["document_id"]

    replaced = editor.put(f"/api/v1/documents/{document_id}", files={"file": ("plan-2.md", new, "text/markdown")})

    assert replaced.status_code == 200 and replaced.json()["status"] == "updated"
    served = reader.get(f"/api/v1/documents/{document_id}/file")
    assert served.content == new and served_name(served) == "plan-2.md"
    assert not stored(files_dir, old).exists() and stored(files_dir, new).exists()
    assert editor.delete(f"/api/v1/documents/{document_id}").status_code == 204


def test_missing_original_is_a_clear_404(clients, files_server):
    editor, reader = clients
    _, files_dir = files_server
    data = PLAN.replace("vier", "zwei").encode()
    document_id = upload(editor, "ohne-original.md", data, "text/markdown")["document_id"]
    stored(files_dir, data).unlink()  # as if ingested before originals were kept

    response = reader.get(f"/api/v1/documents/{document_id}/file")

    assert response.status_code == 404
    error = response.json()["error"]
    assert error["code"] == "original_not_stored"
    assert "keine Originaldatei" in error["message"] and "No original file" in error["message"]
    assert reader.get("/api/v1/documents/gibt-es-nicht/file").json()["error"]["code"] == "document_not_found"
    assert editor.delete(f"/api/v1/documents/{document_id}").status_code == 204


def test_a_file_that_fails_to_ingest_leaves_no_original_behind(clients, files_server):
    editor, _ = clients
    _, files_dir = files_server
    data = b"%PDF-1.4\nkein echtes PDF, nur der Anfang\n"

    response = editor.post("/api/v1/documents", files=[("files", ("kaputt.pdf", data, "application/pdf"))])

    assert response.status_code == 422, response.text
    assert not stored(files_dir, data).exists()
