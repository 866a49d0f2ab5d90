"""The MCP server with the official SDK's own client: over stdio (``assistant mcp`` as a subprocess)
and over streamable HTTP at /mcp of the live server, with and without API keys."""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx
import httpx2
import pytest
from mcp import Client, StdioServerParameters
from mcp.client.streamable_http import streamable_http_client
from mcp.shared.exceptions import MCPError

from tests.conftest import make_settings, store_env, venv_command
from tests.e2e.conftest import EDITOR_KEY, READER_KEY, serve_live, server_settings

pytestmark = pytest.mark.e2e

QUESTION = "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?"
TOOLS = {"ask", "search", "list_documents", "get_document", "summarize", "compare"}
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}},
}
ACCEPT = {"Accept": "application/json, text/event-stream"}


def over_http(url: str, key: str | None, session: Callable[[Client], Awaitable[Any]]) -> Any:
    async def run() -> Any:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        # The SDK's client takes its HTTP client (httpx2, an SDK dependency) for the key header.
        async with httpx2.AsyncClient(headers=headers, timeout=120) as http:
            async with Client(streamable_http_client(f"{url}/mcp", http_client=http)) as client:
                return await session(client)

    return anyio.run(run)


async def ask_and_list(client: Client) -> dict[str, Any]:
    tools = await client.list_tools()
    answer = await client.call_tool("ask", {"question": QUESTION})
    return {"tools": tools.tools, "answer": answer}


def assert_cited_answer(result: dict[str, Any]) -> None:
    tools = {tool.name: tool for tool in result["tools"]}
    assert set(tools) == TOOLS
    assert "citations" in tools["ask"].output_schema["properties"]
    answer = result["answer"]
    assert not answer.is_error, answer.content
    text = answer.content[0].text
    assert "14 Krankenhäuser" in text and "[1]" in text and "Quellen:\n[1] Kompetenzverbund" in text
    structured = answer.structured_content
    assert structured["answered"] is True
    assert structured["citations"][0]["document_id"] == "kompetenzverbund-bw"
    assert structured["citations"][0]["n"] == 1 and structured["citations"][0]["text"]


def test_stdio_lists_tools_and_answers_with_citations(tmp_path):
    settings = make_settings(tmp_path / "store")
    server = StdioServerParameters(
        command=venv_command("assistant"), args=["mcp"], env={**os.environ, **store_env(settings)}, cwd=tmp_path
    )

    async def run() -> dict[str, Any]:
        async with Client(server, read_timeout_seconds=300) as client:
            result = await ask_and_list(client)
            result["documents"] = await client.call_tool("list_documents", {})
            result["missing"] = await client.call_tool("get_document", {"document_id": "gibt-es-nicht"})
            return result

    result = anyio.run(run)
    assert_cited_answer(result)
    listed = result["documents"].structured_content["documents"]
    assert {d["id"] for d in listed} == {"kompetenzverbund-bw", "strategie-medizin-nrw"}
    assert "kompetenzverbund-bw: Kompetenzverbund" in result["documents"].content[0].text
    assert result["missing"].is_error and "Kein Dokument" in result["missing"].content[0].text


def test_http_with_a_reader_key_answers_with_citations(live_server):
    assert_cited_answer(over_http(live_server.url, READER_KEY, ask_and_list))


def test_http_search_and_documents_return_structured_passages(live_server):
    async def session(client: Client) -> dict[str, Any]:
        return {
            "search": await client.call_tool("search", {"query": "Kümmerer Krankenhäuser", "top_k": 3}),
            "filtered": await client.call_tool(
                "search", {"query": "Krankenhäuser", "filters": {"region": "NRW"}, "top_k": 3}
            ),
            "document": await client.call_tool("get_document", {"document_id": "kompetenzverbund-bw"}),
            "bad_filter": await client.call_tool("search", {"query": "Krankenhäuser", "filters": {"farbe": "blau"}}),
            "empty": await client.call_tool("ask", {"question": "   "}),
        }

    result = over_http(live_server.url, EDITOR_KEY, session)
    passages = result["search"].structured_content["passages"]
    assert len(passages) == 3 and [p["n"] for p in passages] == [1, 2, 3]
    assert passages[0]["document_id"] == "kompetenzverbund-bw"
    assert all(0.0 <= p["score"] <= 1.0 for p in passages)
    assert passages[0]["score"] >= passages[-1]["score"]
    assert "[1] Kompetenzverbund" in result["search"].content[0].text
    assert {p["document_id"] for p in result["filtered"].structured_content["passages"]} == {"strategie-medizin-nrw"}
    assert result["document"].structured_content["title"].startswith("Kompetenzverbund")
    assert result["bad_filter"].is_error and "Unbekannter Filter" in result["bad_filter"].content[0].text
    assert result["empty"].is_error and "Die Frage ist leer" in result["empty"].content[0].text


def test_http_summarize_and_compare_call_the_same_services(live_server):
    nrw, bw = "strategie-medizin-nrw", "kompetenzverbund-bw"

    async def session(client: Client) -> dict[str, Any]:
        return {
            "summary": await client.call_tool("summarize", {"document_id": nrw}),
            "comparison": await client.call_tool("compare", {"document_ids": [nrw, bw], "topic": "Telemedizin"}),
            "unknown": await client.call_tool("summarize", {"document_id": "gibt-es-nicht"}),
        }

    result = over_http(live_server.url, READER_KEY, session)
    summary = result["summary"].structured_content
    with live_server.client(READER_KEY) as http:
        assert summary == http.post(f"/api/v1/documents/{nrw}/summary", json={}).json()
    assert result["summary"].content[0].text.startswith("# Zusammenfassung: Strategie Medizin in NRW")
    assert "## Quellen" in result["summary"].content[0].text
    comparison = result["comparison"].structured_content
    assert [d["on_topic"] for d in comparison["documents"]] == [False, True]
    assert "| Aspekt | Strategie Medizin in NRW |" in result["comparison"].content[0].text
    assert result["unknown"].is_error and "gibt-es-nicht" in result["unknown"].content[0].text


def test_http_without_or_with_a_wrong_key_is_refused(live_server):
    initialize, headers = INITIALIZE, ACCEPT
    for key, code in ((None, "missing_api_key"), ("falsch", "invalid_api_key")):
        sent = {**headers, **({"Authorization": f"Bearer {key}"} if key else {})}
        response = httpx.post(f"{live_server.url}/mcp", json=initialize, headers=sent, timeout=30)
        assert response.status_code == 401
        assert response.json()["error"]["code"] == code
        assert response.headers["www-authenticate"] == "Bearer"
    # The SDK's own client gets no session either: its initialize fails with the error response.
    with pytest.raises(ExceptionGroup) as refused:
        over_http(live_server.url, None, ask_and_list)
    assert refused.value.subgroup(MCPError) is not None, refused.value
    allowed = httpx.post(
        f"{live_server.url}/mcp", json=initialize, headers={**headers, "X-API-Key": READER_KEY}, timeout=30
    )
    assert allowed.status_code == 200 and allowed.json()["result"]["serverInfo"]["name"] == "strategie-assistent"


def test_without_keys_only_loopback_host_names_reach_mcp(tmp_path, encoder):
    # No keys: the server is loopback-only, and the SDK's DNS-rebinding check refuses a page that
    # resolved its own name to 127.0.0.1 (the Host header gives it away).
    settings = server_settings(tmp_path / "open", api_keys_reader=[], api_keys_editor=[])
    with serve_live(settings, encoder, name="mcp-open") as server:
        port = server.url.rsplit(":", 1)[1]
        for host, status in ((f"127.0.0.1:{port}", 200), (f"localhost:{port}", 200), (f"evil.example:{port}", 421)):
            response = httpx.post(
                f"{server.url}/mcp", json=INITIALIZE, headers={**ACCEPT, "Host": host}, timeout=30
            )
            assert response.status_code == status, (host, response.text)
        assert_cited_answer(over_http(server.url, None, ask_and_list))
