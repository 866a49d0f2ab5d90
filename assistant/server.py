"""The one web server: the Gradio UI at "/", the HTTP API under /api/v1, OpenAI-compatible /v1,
OpenAPI docs at /docs, and /healthz, /readyz.

``create_app`` builds it from Settings; ``serve_container`` runs it with uvicorn (used by
``assistant run``), ``serve_command`` is the ``assistant serve`` command.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import ipaddress
import logging
import sys
from collections.abc import AsyncIterator
from typing import Annotated

import anyio
import typer
from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware

from assistant import __version__
from assistant.api.auth import ApiKeys
from assistant.api.body_limit import JsonTooLarge
from assistant.api.contract import install_contract
from assistant.api.docs import DOCS_URL, add_local_docs, local_swagger_assets
from assistant.api.errors import install_error_handlers
from assistant.api.jobs import JobRegistry
from assistant.api.methods import MethodCheck
from assistant.api.options import ServerOptions
from assistant.api.rate_limit import RateLimit
from assistant.api.routes import include_routes
from assistant.components.vector_store import StoreUnavailable
from assistant.container import Container
from assistant.identity import Identities
from assistant.settings import Settings

log = logging.getLogger(__name__)
# Startup progress goes through uvicorn's logger so that it shows next to "Waiting for application
# startup" even when the CLI keeps the root logger at WARNING.
startup_log = logging.getLogger("uvicorn.error").getChild("assistant")
PURGE_INTERVAL = 24 * 3600  # seconds between two applications of the retention period

DESCRIPTION = """Antworten mit Quellen aus Strategiedokumenten – für Programme.

* **Fragen**: `POST /api/v1/ask`, als Stream `POST /api/v1/ask/stream` (server-sent events).
* **Dokumente**: `GET/POST /api/v1/documents`, `GET/PUT/DELETE /api/v1/documents/{id}`, `GET /api/v1/jobs/{id}`.
* **Gespräche**: `GET/POST /api/v1/conversations`, `GET/PATCH/DELETE /api/v1/conversations/{id}`,
  Bewertung `POST /api/v1/answers/{id}/feedback`, alle eigenen Daten löschen `DELETE /api/v1/me/data`.
* **Berichte** (Bearbeitungsschlüssel): `GET /api/v1/reports/gaps` (Was fehlt?), `GET /api/v1/audit`.
* **OpenAI-kompatibel**: `POST /v1/chat/completions`, `POST /v1/embeddings`, `GET /v1/models`.
* **MCP** (Model Context Protocol, streamable HTTP): `/mcp`, Werkzeuge `ask`, `search`, `list_documents`, `get_document`.

Authentifizierung (wenn Schlüssel konfiguriert sind): `Authorization: Bearer <Schlüssel>` oder
`X-API-Key: <Schlüssel>`. Leseschlüssel dürfen fragen und Dokumente ansehen, Bearbeitungsschlüssel
zusätzlich Dokumente ändern. Fehler haben immer die Form `{"error": {"code": …, "message": …}}`.
"""


LOGIN_MESSAGE = (
    "Bitte mit Ihrem Namen und Ihrem Zugangsschlüssel (API-Schlüssel) anmelden. "
    "(Sign in with your name and your access key.)"
)


class UnsafeBind(RuntimeError):
    """Binding to a non-loopback address without API keys was not explicitly allowed."""


def create_app(settings: Settings, container: Container | None = None) -> FastAPI:
    # Imported here: Gradio takes seconds to import and quick CLI commands import this module.
    import gradio as gr

    from web import build_ui, source_page
    from web.page_head import PageHead
    from web.theme import CSS_PATH, build_theme

    options = ServerOptions.from_settings(settings)
    docs_assets = local_swagger_assets()
    app = FastAPI(
        title="Strategie-Assistent API",
        version=__version__,
        description=DESCRIPTION,
        lifespan=_lifespan,
        docs_url=None if docs_assets else DOCS_URL,
        redoc_url=None,
    )
    if docs_assets:
        add_local_docs(app, docs_assets)
    app.state.settings = settings
    app.state.options = options
    app.state.container = container or Container(settings)
    app.state.api_keys = ApiKeys(options.reader_keys, options.editor_keys)
    app.state.identities = Identities.from_settings(settings, options.keys_configured)
    app.state.jobs = JobRegistry()
    app.state.ready = False
    install_error_handlers(app)
    # Innermost: rate limit and CORS preflight come before the method check, as for any request.
    app.add_middleware(MethodCheck)
    app.add_middleware(PageHead)  # the accessibility script, on the login form too
    app.add_middleware(JsonTooLarge)
    if options.rate_limit_per_minute:
        app.add_middleware(RateLimit, per_minute=options.rate_limit_per_minute, burst=options.rate_limit_burst)
    if options.cors_origins:
        app.add_middleware(
            CORSMiddleware,
            allow_origins=list(options.cors_origins),
            allow_methods=["GET", "POST", "PUT", "DELETE"],
            allow_headers=["Authorization", "X-API-Key", "Content-Type"],
        )
    include_routes(app, options)
    app.include_router(source_page.router)  # the page the chat's citations open
    install_contract(app, settings.max_question_chars, options.max_upload_files)
    app.state.mcp = _mount_mcp(app, options)
    blocks = build_ui(app.state.container, options, app.state.api_keys, app.state.identities)
    login = _web_login(app.state.api_keys, app.state.identities) if options.web_login else {}
    return gr.mount_gradio_app(
        app,
        blocks,
        path="/",
        theme=build_theme(),
        css_paths=[CSS_PATH],
        footer_links=[],  # our own footer links the API pages, in German
        run_history=False,
        show_error=False,  # callbacks report problems themselves; never an exception text
        ssr_mode=False,
        mcp_server=False,
        max_file_size=options.max_file_bytes,
        **login,
    )


def _mount_mcp(app: FastAPI, options: ServerOptions):
    """The MCP endpoint at /mcp when the optional ``mcp`` package is installed; else None."""
    if importlib.util.find_spec("mcp") is None:  # only a missing package turns it off, not a broken import
        log.info("MCP-Endpunkt aus: Paket „mcp“ fehlt (pip install '.[mcp]') / MCP endpoint off: mcp not installed")
        return None
    from assistant.mcp_server import MCP_PATH, build_mcp, http_app

    server = build_mcp(app.state.container)
    # Without keys the server is loopback-only: then the SDK's DNS-rebinding check guards /mcp.
    protect = not options.keys_configured and not options.allow_unauthenticated_remote
    app.add_route(MCP_PATH, http_app(server, app.state.api_keys, protect_host=protect), include_in_schema=False)
    return server


def _web_login(keys: ApiKeys, identities: Identities) -> dict:
    """Gradio's login form: a name, and a reader or editor key as the password. The name is whose
    conversations one sees, so a key with a label (``ASSISTANT_API_KEY_LABELS``) logs in under that
    name only, and no other key logs in under a label: a colleague's key does not open one's own
    conversations. Holders of one unlabelled key share it and so trust each other with names."""
    labels = {label.casefold() for label in identities.labels.values()}

    def check(username: str, password: str) -> bool:
        name = username.strip().casefold()
        if not name or keys.role_for(password) is None:
            return False
        label = identities.labels.get(password)
        return name == label.casefold() if label else name not in labels

    return {"auth": check, "auth_message": LOGIN_MESSAGE}


@contextlib.asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    options: ServerOptions = app.state.options
    app.state.ask_limiter = anyio.CapacityLimiter(options.ask_concurrency)
    app.state.ingest_limiter = anyio.CapacityLimiter(1)
    # The model loads once, here, before the first request; so does the corpus if the store is empty.
    await anyio.to_thread.run_sync(_warm_up, app.state.container)
    app.state.ready = True
    mcp = getattr(app.state, "mcp", None)
    purging = asyncio.create_task(_purge_daily(app.state.container))
    try:
        # A mounted app's own lifespan does not run: the MCP session manager is started here.
        async with mcp.session_manager.run() if mcp else contextlib.nullcontext():
            yield
    finally:
        purging.cancel()
        app.state.ready = False
        await anyio.to_thread.run_sync(app.state.jobs.shutdown)


def _warm_up(container: Container) -> None:
    # First, before any question: an ingestion cut off by a killed process is finished or undone.
    settled = container.documents.recover()
    if settled:
        startup_log.info("%d unterbrochene Aufnahme(n) bereinigt / interrupted ingestion(s) settled", settled)
    _purge(container)  # also migrates the database: a schema problem stops the start, not a later question
    startup_log.info("Modell wird geladen / loading the model …")
    container.chat  # noqa: B018 - builds the encoder, retrieval and answerer once, not per request
    if container.ensure_corpus():
        startup_log.info("Beispielkorpus aufgenommen / bundled corpus ingested")
    container.warm_up()
    startup_log.info("Bereit / ready: %d Dokument(e)", len(container.documents.list_documents()))


def _purge(container: Container) -> None:
    removed = container.conversations.purge()
    days = container.settings.conversation_retention_days
    startup_log.info("Aufbewahrung / retention %d Tage/days: %d alte Einträge gelöscht / old rows purged", days, removed)


async def _purge_daily(container: Container) -> None:
    """The retention period applied once a day while the server runs (and at start, in _warm_up)."""
    while True:
        await asyncio.sleep(PURGE_INTERVAL)
        try:
            await anyio.to_thread.run_sync(_purge, container)
        except Exception:  # e.g. the database is briefly unreachable: tomorrow again
            log.exception("purging old conversations failed")


def check_bind(settings: Settings, host: str) -> None:
    """Refuses an open API on the network; warns when running without keys on loopback."""
    options = ServerOptions.from_settings(settings)
    if options.keys_configured:
        web = "the web UI asks for a key too" if options.web_login else "the web chat is open (ASSISTANT_WEB_LOGIN=false)"
        log.info("API keys configured: API requests need a key; %s.", web)
        return
    if is_loopback(host):
        log.warning(
            "Keine API-Schlüssel konfiguriert: der Server ist nur lokal erreichbar (%s). "
            "(No API keys configured: serving on loopback only.)",
            host,
        )
        return
    if not options.allow_unauthenticated_remote:
        raise UnsafeBind(
            f"Ohne API-Schlüssel wird nur an Loopback-Adressen gebunden, nicht an „{host}“. Schlüssel setzen "
            "(ASSISTANT_API_KEYS_READER / ASSISTANT_API_KEYS_EDITOR) oder ausdrücklich "
            "ASSISTANT_ALLOW_UNAUTHENTICATED_REMOTE=true. "
            "(Refusing to serve without API keys on a non-loopback address.)"
        )
    log.warning("Ohne API-Schlüssel auf %s: jeder im Netz kann Dokumente ändern (unauthenticated remote access).", host)


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def serve_container(container: Container, host: str = "127.0.0.1", port: int = 7860) -> None:
    """Runs until stopped. Refuses to serve an open API on a non-loopback address (exit code 2) and
    to start on a data directory it cannot write to (exit code 3)."""
    import uvicorn

    from assistant.startup import EXIT_STORAGE, StorageError, check_storage

    try:
        check_bind(container.settings, host)
    except UnsafeBind as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(2) from exc
    try:
        check_storage(container.settings)
        container.store  # noqa: B018 - an unreachable Chroma server is said plainly, before the model loads
    except (StorageError, StoreUnavailable) as exc:
        print(exc, file=sys.stderr)
        raise SystemExit(EXIT_STORAGE) from exc
    app = create_app(container.settings, container)
    uvicorn.run(app, host=host, port=port, log_level="info", timeout_graceful_shutdown=30)


def serve_command(
    host: Annotated[str, typer.Option(help="Adresse des Webservers (Standard: nur lokal).")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port des Webservers.")] = 7860,
) -> None:
    """Webserver starten: Oberfläche, HTTP-API und /docs; Korpus bei leerem Speicher aufnehmen /
    start the web server (UI, API, docs), ingesting the bundled corpus if the store is empty."""
    # The container is lazy: a refused bind returns before the model is loaded.
    container = Container(Settings(), progress=lambda message: startup_log.info("%s", message))
    serve_container(container, host=host, port=port)
