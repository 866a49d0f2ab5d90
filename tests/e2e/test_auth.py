"""API keys and roles on the live server; the bind policy for servers without keys."""

from __future__ import annotations

import logging

import httpx
import pytest
from fastapi.testclient import TestClient

from tests.e2e.conftest import EDITOR_KEY, READER_KEY, serve_live, server_settings

pytestmark = pytest.mark.e2e

ASK = {"question": "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"}
UPLOAD = {"files": ("auth.txt", b"Ein kurzes Papier zur Pflege im Musterkreis.", "text/plain")}


def test_missing_or_wrong_key_is_401(live_server):
    with live_server.client() as anonymous, live_server.client("falscher-schluessel") as wrong:
        for client, code in ((anonymous, "missing_api_key"), (wrong, "invalid_api_key")):
            for method, path, kwargs in (
                ("POST", "/api/v1/ask", {"json": ASK}),
                ("GET", "/api/v1/documents", {}),
                ("POST", "/api/v1/documents", {"files": UPLOAD}),
                ("GET", "/v1/models", {}),
            ):
                response = client.request(method, path, **kwargs)
                assert response.status_code == 401, (method, path)
                assert response.json()["error"]["code"] == code
                assert response.headers["www-authenticate"] == "Bearer"


def test_reader_may_ask_and_list_but_not_change_documents(reader):
    assert reader.post("/api/v1/ask", json=ASK).status_code == 200
    assert reader.get("/api/v1/documents").status_code == 200
    for method, path, kwargs in (
        ("POST", "/api/v1/documents", {"files": UPLOAD}),
        ("PUT", "/api/v1/documents/kompetenzverbund-bw", {"files": {"file": UPLOAD["files"]}}),
        ("DELETE", "/api/v1/documents/kompetenzverbund-bw", {}),
    ):
        response = reader.request(method, path, **kwargs)
        assert response.status_code == 403, (method, path)
        assert response.json()["error"]["code"] == "forbidden"
    assert reader.get("/api/v1/documents/kompetenzverbund-bw").status_code == 200


def test_editor_may_ask_and_x_api_key_header_works(live_server):
    with httpx.Client(base_url=live_server.url, headers={"X-API-Key": EDITOR_KEY}, timeout=60) as client:
        assert client.post("/api/v1/ask", json=ASK).status_code == 200
    with httpx.Client(base_url=live_server.url, headers={"X-API-Key": READER_KEY}, timeout=60) as client:
        assert client.delete("/api/v1/documents/kompetenzverbund-bw").status_code == 403


def test_health_and_docs_need_no_key(live_server):
    with live_server.client() as client:
        for path in ("/healthz", "/readyz", "/docs", "/openapi.json", "/"):
            assert client.get(path).status_code == 200, path


def test_without_keys_the_api_is_open(live_server, tmp_path):
    from assistant.server import create_app

    container = live_server.app.state.container
    settings = server_settings(tmp_path, api_keys_reader=[], api_keys_editor=[])
    with TestClient(create_app(settings, container)) as client:
        assert client.get("/api/v1/documents").status_code == 200
        assert client.post("/api/v1/ask", json=ASK).json()["answered"] is True


@pytest.mark.parametrize(
    ("host", "keys", "allow", "refused"),
    [
        ("127.0.0.1", False, False, False),
        ("localhost", False, False, False),
        ("::1", False, False, False),
        ("0.0.0.0", False, False, True),
        ("192.168.1.10", False, False, True),
        ("0.0.0.0", False, True, False),
        ("0.0.0.0", True, False, False),
    ],
)
def test_without_keys_only_loopback_unless_explicitly_allowed(tmp_path, host, keys, allow, refused):
    from assistant.server import UnsafeBind, check_bind

    settings = server_settings(
        tmp_path,
        api_keys_reader=[READER_KEY] if keys else [],
        api_keys_editor=[],
        allow_unauthenticated_remote=allow,
    )
    if refused:
        with pytest.raises(UnsafeBind):
            check_bind(settings, host)
    else:
        check_bind(settings, host)


def test_keys_never_reach_the_log(live_server, caplog):
    caplog.set_level(logging.DEBUG)
    with live_server.client("ein-geheimer-falscher-schluessel") as client:
        client.get("/api/v1/documents")
    with live_server.client(EDITOR_KEY) as client:
        client.get("/api/v1/documents")
    assert "ein-geheimer-falscher-schluessel" not in caplog.text
    assert EDITOR_KEY not in caplog.text


def _preflight(client, origin: str):
    return client.options(
        "/api/v1/ask",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST", "Access-Control-Request-Headers": "content-type"},
    )


def test_cors_is_closed_by_default(live_server):
    with live_server.client(READER_KEY) as client:
        preflight = _preflight(client, "https://fremde-seite.example")
        simple = client.get("/api/v1/documents", headers={"Origin": "https://fremde-seite.example"})

    assert "access-control-allow-origin" not in preflight.headers
    assert "access-control-allow-origin" not in simple.headers


def test_cors_allows_exactly_the_configured_origins(tmp_path_factory, encoder):
    allowed = "https://intranet.example"
    settings = server_settings(tmp_path_factory.mktemp("cors"), cors_origins=[allowed])
    with serve_live(settings, encoder, name="cors") as server, server.client(READER_KEY) as client:
        granted = _preflight(client, allowed)
        refused = _preflight(client, "https://fremde-seite.example")

    assert granted.headers.get("access-control-allow-origin") == allowed
    assert "access-control-allow-origin" not in refused.headers
