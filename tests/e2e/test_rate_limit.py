"""The API rate limit on a live server: a clear 429 with Retry-After, the rest of the site unaffected."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import READER_KEY, serve_live, server_settings

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def limited_server(tmp_path_factory, encoder):
    # 6 per minute: after the burst of 3 the next token is 10 s away, far longer than the test's requests take.
    settings = server_settings(tmp_path_factory.mktemp("limited"), rate_limit_per_minute=6, rate_limit_burst=3)
    with serve_live(settings, encoder, name="rate-limited") as server:
        yield server


def test_requests_beyond_the_burst_get_429_with_retry_after(limited_server):
    with limited_server.client(READER_KEY) as client:
        statuses = [client.get("/api/v1/documents").status_code for _ in range(3)]
        refused = client.get("/api/v1/documents")

    assert statuses == [200, 200, 200]
    assert refused.status_code == 429
    assert refused.json()["error"]["code"] == "rate_limited"
    assert refused.json()["error"]["message"].startswith("Zu viele Anfragen")
    assert 1 <= int(refused.headers["Retry-After"]) <= 10


def test_health_checks_and_the_web_ui_are_not_limited(limited_server):
    with limited_server.client() as client:
        for _ in range(5):
            client.get("/api/v1/documents")
        assert client.get("/healthz").status_code == 200
        assert client.get("/readyz").status_code == 200
        assert client.get("/").status_code == 200


def test_the_mcp_endpoint_is_limited_like_the_api(limited_server):
    with limited_server.client(READER_KEY) as client:
        statuses = [client.post("/mcp", json={}).status_code for _ in range(4)]
    assert statuses[-1] == 429, statuses
