"""The assistant as an MCP server: tools for MCP clients (Claude Desktop, IDEs, agents).

An adapter like the HTTP routers: each tool parses its arguments, calls one service and formats the
result twice, as readable text with numbered sources for the model and as structured content
(citations included) for programs. Two transports:

* stdio: ``assistant mcp`` (the client starts the process);
* streamable HTTP at ``/mcp`` inside the web server (``mount_mcp``), behind the same API keys as the
  REST API. Every tool only reads, so a reader key is enough.

Needs the optional ``mcp`` package (``pip install ".[mcp]"``).
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable
from typing import Annotated, Any, Literal, TypeVar

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError
from mcp.server.transport_security import TransportSecuritySettings
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import BaseModel, Field

from assistant import __version__
from assistant.api.auth import ApiKeys, Role, authorize, key_from_headers
from assistant.api.errors import STORE_UNAVAILABLE, ApiError, error_response, not_found
from assistant.api.formatting import answer_with_sources, citation_label
from assistant.components.vector_store import StoreUnavailable
from assistant.container import Container
from assistant.filters import FilterError
from assistant.i18n import text as phrase
from assistant.models import Answer, Citation, DocumentInfo, Turn
from assistant.report_types import Comparison, Summary
from assistant.services import export
from assistant.services.chat import QuestionError
from assistant.services.documents import DocumentNotFound

log = logging.getLogger(__name__)

MCP_PATH = "/mcp"
T = TypeVar("T")

INSTRUCTIONS = (
    "Antworten mit Quellen aus deutschen Strategiedokumenten des öffentlichen Sektors. `ask` beantwortet eine "
    "Frage wörtlich zitierend mit nummerierten Quellen; `search` liefert nur die Fundstellen; `list_documents` "
    "und `get_document` zeigen, was aufgenommen ist; `summarize` fasst ein Dokument zusammen, `compare` vergleicht "
    "Dokumente zu einem Thema. (Cited answers over German public-sector strategy documents.)"
)

Filters = Annotated[
    dict[str, str | list[str]] | None,
    Field(description="Metadata filters: region, document_type, document_id, language; e.g. {\"region\": \"NRW\"}."),
]
TopK = Annotated[int | None, Field(ge=1, le=50, description="Passages to retrieve (default: the server's setting).")]


class SearchResult(BaseModel):
    query: str
    passages: list[Citation] = Field(description="Best first; `n` numbers them, `score` is the relevance in [0, 1].")


class DocumentList(BaseModel):
    documents: list[DocumentInfo]


def build_mcp(container: Container) -> MCPServer:
    server = MCPServer(
        name="strategie-assistent", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING"
    )
    read_only = ToolAnnotations(read_only_hint=True, open_world_hint=False)
    limiter: list[anyio.CapacityLimiter] = []

    async def call(fn: Callable[..., T], *args: Any) -> T:
        # Services block (model, Chroma): a worker thread, at most ask_concurrency at once, as in the API.
        if not limiter:
            limiter.append(anyio.CapacityLimiter(container.settings.ask_concurrency))
        try:
            return await anyio.to_thread.run_sync(functools.partial(fn, *args), limiter=limiter[0])
        except (QuestionError, FilterError) as exc:
            raise ToolError(str(exc)) from exc
        except DocumentNotFound as exc:
            raise ToolError(not_found(str(exc.args[0]) if exc.args else "").message) from exc
        except StoreUnavailable as exc:
            log.error("document store unavailable: %s", exc)
            raise ToolError(STORE_UNAVAILABLE) from exc

    @server.tool(annotations=read_only)
    async def ask(
        question: Annotated[str, Field(description="Die Frage, Deutsch oder Englisch.")],
        filters: Filters = None,
        history: Annotated[
            list[Turn] | None, Field(description="Earlier turns, oldest first, for a follow-up question.")
        ] = None,
        top_k: TopK = None,
    ) -> Annotated[CallToolResult, Answer]:
        """Eine Frage beantworten: wörtliche Zitate mit nummerierten Quellen [n]; `answered` ist false, wenn die
        Dokumente die Antwort nicht enthalten. / Answer a question with quoted, numbered sources."""
        chat = container.chat
        answer = await call(chat.ask, question, history, filters, top_k)
        return _result(answer_with_sources(answer, chat.language_of(question)), answer)

    @server.tool(annotations=read_only)
    async def search(
        query: Annotated[str, Field(description="Suchanfrage oder Frage.")],
        filters: Filters = None,
        top_k: TopK = None,
    ) -> Annotated[CallToolResult, SearchResult]:
        """Fundstellen suchen, ohne Antwort: die besten Passagen mit Relevanz und Quelle.
        / Search passages (with scores and sources), no answer."""
        passages = await call(container.chat.search, query, filters, top_k)
        language = container.chat.language_of(query)
        relevance = phrase("relevance", language)
        lines = [f"[{c.n}] {citation_label(c, language)} ({relevance} {c.score:.2f})\n{c.text}" for c in passages]
        text = "\n\n".join(lines) or phrase("no_passages", language)
        return _result(text, SearchResult(query=query, passages=passages))

    @server.tool(annotations=read_only)
    async def list_documents() -> Annotated[CallToolResult, DocumentList]:
        """Alle aufgenommenen Dokumente (ID, Titel, Region, Typ). / All ingested documents."""
        documents = await call(container.documents.list_documents)
        text = "\n".join(_document_line(d) for d in documents) or phrase("no_documents")
        return _result(text, DocumentList(documents=documents))

    @server.tool(annotations=read_only)
    async def get_document(
        document_id: Annotated[str, Field(description="Die ID aus `list_documents`.")],
    ) -> Annotated[CallToolResult, DocumentInfo]:
        """Metadaten eines Dokuments (Titel, Region, Typ, Quelle, Abschnitte). / One document's metadata."""
        document = await call(container.documents.get_document, document_id)
        return _result(_document_line(document), document)

    @server.tool(annotations=read_only)
    async def summarize(
        document_id: Annotated[str, Field(description="Die ID aus `list_documents`.")],
        length: Annotated[
            Literal["short", "long"], Field(description="`short`: one statement per aspect; `long`: section by section.")
        ] = "short",
    ) -> Annotated[CallToolResult, Summary]:
        """Ein Dokument zusammenfassen: wörtliche Kernaussagen (Ziele, Maßnahmen, Akteure, Zahlen, Termine) mit
        nummerierten Quellen. / Summarise one document with quoted, numbered sources."""
        summary = await call(container.summaries.summarize, document_id, length)
        return _result(export.to_markdown(export.from_summary(summary)), summary)

    @server.tool(annotations=read_only)
    async def compare(
        document_ids: Annotated[list[str], Field(min_length=2, max_length=4, description="2 bis 4 Dokument-IDs.")],
        topic: Annotated[str, Field(description="Das Thema, z. B. Digitalisierung.")],
    ) -> Annotated[CallToolResult, Comparison]:
        """Dokumente zu einem Thema vergleichen: je Dokument eine Spalte, je Aspekt ein Zitat mit Quelle oder
        „keine Angaben“. / Compare 2-4 documents on a topic, quoted and cited."""
        comparison = await call(container.comparison.compare, document_ids, topic)
        return _result(export.to_markdown(export.from_comparison(comparison)), comparison)

    return server


def _result(text: str, data: BaseModel) -> CallToolResult:
    return CallToolResult(
        content=[TextContent(type="text", text=text)], structured_content=data.model_dump(mode="json")
    )


def _document_line(document: DocumentInfo) -> str:
    details = ", ".join(v for v in (document.region, document.document_type, document.language) if v)
    passages = phrase("passage") if document.chunks == 1 else phrase("passages", n=str(document.chunks))
    return f"{document.id}: {document.title}" + (f" ({details})" if details else "") + f", {passages}"


# --------------------------------------------------------------------------------------------
# Streamable HTTP inside the web server


class KeyGuard:
    """ASGI wrapper: the MCP endpoint refuses what the REST API refuses (401 without or with a wrong key)."""

    def __init__(self, app, keys: ApiKeys) -> None:
        self.app = app
        self.keys = keys

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http":
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
            try:
                authorize(self.keys, key_from_headers(headers), Role.reader)
            except ApiError as exc:
                await error_response(exc.status, exc.code, exc.message, headers=exc.headers)(scope, receive, send)
                return
        await self.app(scope, receive, send)


def http_app(server: MCPServer, keys: ApiKeys, protect_host: bool):
    """The MCP endpoint as an ASGI app answering at ``MCP_PATH``.

    Stateless with JSON responses: no session lives in one process, so several assistant processes
    behind a proxy serve it alike. ``protect_host`` turns on the SDK's DNS-rebinding check (loopback
    Host and Origin only); it is for servers without keys, which bind to loopback anyway. With keys
    the key is the protection, and the server may be reached under any host name.
    """
    security = TransportSecuritySettings(
        enable_dns_rebinding_protection=protect_host,
        allowed_hosts=["127.0.0.1:*", "localhost:*", "[::1]:*"],
        allowed_origins=["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"],
    )
    app = server.streamable_http_app(
        streamable_http_path=MCP_PATH, stateless_http=True, json_response=True, transport_security=security
    )
    return KeyGuard(app, keys)


def run_stdio(container: Container) -> None:
    build_mcp(container).run("stdio")
