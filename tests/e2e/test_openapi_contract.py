"""The OpenAPI contract holds: schemathesis drives a live server from its own /openapi.json.

All checks, all phases (examples, coverage, fuzzing, stateful), with an editor key so every
operation is reachable; a fixed seed and a bounded number of examples keep the run reproducible
and under a minute. The server has its own store: the stateful phase deletes documents.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import httpx
import pytest

from tests.conftest import venv_command
from tests.e2e.conftest import EDITOR_KEY, serve_live, server_settings

pytestmark = pytest.mark.e2e

CONFIG = Path(__file__).with_name("schemathesis.toml")
SEED = 20261207
MAX_EXAMPLES = 40


@pytest.fixture(scope="module")
def contract_server(tmp_path_factory, encoder):
    with serve_live(server_settings(tmp_path_factory.mktemp("contract")), encoder, name="contract") as server:
        yield server


def test_schemathesis_finds_no_contract_violation(contract_server, artifacts, tmp_path):
    command = [
        venv_command("schemathesis"),
        "--config-file", str(CONFIG),
        "run", f"{contract_server.url}/openapi.json",
        "--header", f"Authorization: Bearer {EDITOR_KEY}",
        "--checks", "all",
        "--phases", "examples,coverage,fuzzing,stateful",
        "--seed", str(SEED),
        "--max-examples", str(MAX_EXAMPLES),
        "--workers", "1",
        "--generation-database", "none",
        "--request-timeout", "60",
        "--no-color",
    ]  # fmt: skip
    # Run from a scratch directory: schemathesis keeps a cache (.schemathesis/) in its working directory.
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    report = artifacts / "schemathesis.txt"
    report.write_text(result.stdout + result.stderr, encoding="utf-8")
    summary = result.stdout[result.stdout.rfind("SUMMARY") :]
    assert result.returncode == 0, f"schemathesis found problems (full output: {report}):\n{result.stdout[-6000:]}"
    for phase in ("Examples", "Coverage", "Fuzzing", "Stateful"):
        assert f"✅ {phase}" in summary, summary
    assert "failures" not in summary.split("Seed:")[-1], summary


def test_undeclared_methods_get_405_with_allow_everywhere(live_server):
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        for method, path, allow in (
            ("TRACE", "/healthz", "GET"),
            ("DELETE", "/readyz", "GET"),
            ("TRACE", "/api/v1/ask", "POST"),
            ("PATCH", "/api/v1/documents/kompetenzverbund-bw", "DELETE, GET, PUT"),
            ("POST", "/v1/models", "GET"),
            ("PUT", "/openapi.json", "GET, HEAD"),
        ):
            response = client.request(method, path)
            assert response.status_code == 405, (method, path, response.text)
            assert response.headers["allow"] == allow
            assert response.json()["error"]["code"] == "method_not_allowed"
        assert client.get("/api/v1/gibt-es-nicht").json()["error"]["code"] == "not_found"
        assert client.get("/").status_code == 200, "the web UI still answers at /"


def test_schema_declares_limits_and_the_one_error_shape(live_server):
    with httpx.Client(base_url=live_server.url, timeout=30) as client:
        spec = client.get("/openapi.json").json()
    schemas = spec["components"]["schemas"]
    question = schemas["AskRequest"]["properties"]["question"]
    assert question["minLength"] == 1 and question["maxLength"] == 2000 and question["pattern"] == r"\S"
    assert schemas["AskRequest"]["properties"]["filters"]["anyOf"][0]["additionalProperties"] is False
    upload = next(s for name, s in schemas.items() if name.startswith("Body_upload_documents"))
    assert upload["required"] == ["files"] and upload["properties"]["files"]["minItems"] == 1
    assert "HTTPValidationError" not in schemas
    error_ref = {"$ref": "#/components/schemas/ErrorResponse"}
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if status.startswith(("4", "5")) and path != "/readyz":
                    assert response["content"]["application/json"]["schema"] == error_ref, (method, path, status)
    ask = spec["paths"]["/api/v1/ask"]["post"]["responses"]
    assert {"401", "413", "422", "429", "503"} <= set(ask)
    assert {"401", "403"} <= set(spec["paths"]["/api/v1/documents/{document_id}"]["delete"]["responses"])


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("/api/v1/ask", {"question": "Wie viele Krankenhäuser?", "top_k": "3"}),
        ("/v1/chat/completions", {"messages": [{"role": "user", "content": "Wie viele?"}], "stream": 0}),
        ("/v1/chat/completions", {"messages": [{"role": "tool", "content": "Wie viele?"}]}),
    ],
    ids=["top_k-as-text", "stream-as-number", "no-user-message"],
)
def test_values_the_schema_does_not_allow_are_refused_not_coerced(reader, path, body):
    response = reader.post(path, json=body)
    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] in ("invalid_request", "invalid_question")


def test_bytes_that_are_not_utf8_are_an_invalid_request(reader):
    response = reader.post("/api/v1/ask", content=b"\xff\xfe\x00M", headers={"Content-Type": "application/json"})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "invalid_request"


def test_openai_question_is_the_last_user_message_with_text(reader):
    messages = [
        {"role": "user", "content": "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"},
        {"role": "user", "content": [{"type": "image_url", "image_url": {"url": "data:,"}}]},
        {"role": "assistant", "content": "Laut"},
    ]
    response = reader.post("/v1/chat/completions", json={"messages": messages})
    assert response.status_code == 200, response.text
    assert response.json()["citations"][0]["document_id"] == "kompetenzverbund-bw"
