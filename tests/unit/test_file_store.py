"""The content-addressed store of original files, on a real directory."""

import hashlib

import pytest

from assistant.components.file_store import FileStore, media_type


def test_same_bytes_are_stored_once_under_their_sha256(tmp_path):
    store = FileStore(tmp_path / "files")
    data = "Strategie für Pflege 2030".encode()

    first, second = store.put(data), store.put(data)

    assert first == second == hashlib.sha256(data).hexdigest()
    assert store.path(first).read_bytes() == data
    assert [p.name for p in (tmp_path / "files").rglob("*") if p.is_file()] == [first]


def test_delete_removes_the_file_and_tolerates_a_missing_one(tmp_path):
    store = FileStore(tmp_path)
    digest = store.put(b"%PDF-1.7 ...")
    store.delete(digest)
    store.delete(digest)
    assert not store.has(digest)


def test_a_digest_that_is_not_sha256_hex_never_becomes_a_path(tmp_path):
    store = FileStore(tmp_path)
    with pytest.raises(ValueError):
        store.path("../../etc/passwd")
    assert not store.has("../../etc/passwd")


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("plan.pdf", "application/pdf"),
        ("Plan.DOCX", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("notiz.md", "text/markdown; charset=utf-8"),
        ("seite.html", "text/html; charset=utf-8"),
        ("ohne-endung", "application/octet-stream"),
    ],
)
def test_media_type_follows_the_file_name(name, expected):
    assert media_type(name) == expected
