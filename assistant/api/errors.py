"""One error shape for every failure: ``{"error": {"code": ..., "message": ...}}``.

Codes are stable and meant for programs; messages are German first with the English gist in
parentheses, like the rest of the assistant. Tracebacks never reach a client.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from assistant.components.vector_store import StoreUnavailable
from assistant.filters import FilterError
from assistant.i18n import text
from assistant.services.chat import QuestionError
from assistant.services.conversations import ConversationNotFound
from assistant.services.documents import DocumentNotFound, OriginalMissing
from assistant.services.feedback import AnswerNotFound

log = logging.getLogger(__name__)

_STATUS_CODES = {
    400: ("bad_request", "Ungültige Anfrage (bad request)."),
    401: ("unauthorized", "Anmeldung erforderlich (authentication required)."),
    403: ("forbidden", "Keine Berechtigung (forbidden)."),
    404: ("not_found", "Nicht gefunden (not found)."),
    405: ("method_not_allowed", "Methode nicht erlaubt (method not allowed)."),
    413: ("too_large", "Die Anfrage ist zu groß (request too large)."),
    415: ("unsupported_type", "Dateityp nicht unterstützt (unsupported media type)."),
    422: ("invalid_request", "Ungültige Eingabe (invalid input)."),
    503: ("unavailable", "Der Dienst ist gerade nicht verfügbar (service unavailable)."),
}


UNREADABLE_BODY = "Ungültige Eingabe: Der Anfragetext ist nicht lesbar (malformed request body)."
STORE_UNAVAILABLE = "Der Dokumentenspeicher ist nicht erreichbar (store unavailable)."


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Any = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.headers = headers


def error_response(
    status: int, code: str, message: str, details: Any = None, headers: dict[str, str] | None = None
) -> JSONResponse:
    body: dict[str, Any] = {"code": code, "message": message}
    if details is not None:
        body["details"] = details
    return JSONResponse({"error": body}, status_code=status, headers=headers)


def not_found(document_id: str) -> ApiError:
    return ApiError(
        404, "document_not_found", f"Kein Dokument mit der ID „{document_id}“ (no such document)."
    )


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error_response(exc.status, exc.code, exc.message, exc.details, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [_problem(e) for e in exc.errors()]
        first = problems[0] if problems else {"field": "", "message": "", "type": ""}
        where = f" ({first['field']})" if first["field"] else ""
        explained = _EXPLAINED.get(first["type"])
        if explained and (first["type"] != "missing" or not first["field"]):
            message = f"Ungültige Eingabe: {explained} – {first['message']}"
        else:
            message = f"Ungültige Eingabe{where}: {first['message']} (invalid request)."
        return error_response(422, "invalid_request", message, problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 400:
            # FastAPI's "error parsing the body" (bytes that are not UTF-8, a broken multipart body):
            # the same invalid input as malformed JSON, so the same status and code.
            return error_response(422, "invalid_request", UNREADABLE_BODY)
        code, default = _STATUS_CODES.get(exc.status_code, ("http_error", "Fehler (error)."))
        detail = exc.detail if isinstance(exc.detail, str) and exc.status_code != 413 else default
        if exc.status_code == 404 and detail == "Not Found":
            detail = default
        return error_response(exc.status_code, code, detail, headers=getattr(exc, "headers", None))

    @app.exception_handler(QuestionError)
    async def _question(request: Request, exc: QuestionError) -> JSONResponse:
        return error_response(422, "invalid_question", str(exc))

    @app.exception_handler(FilterError)
    async def _filter(request: Request, exc: FilterError) -> JSONResponse:
        return error_response(422, "invalid_filter", str(exc))

    @app.exception_handler(DocumentNotFound)
    async def _missing(request: Request, exc: DocumentNotFound) -> JSONResponse:
        error = not_found(str(exc.args[0]) if exc.args else "")
        return error_response(error.status, error.code, error.message)

    @app.exception_handler(ConversationNotFound)
    async def _no_conversation(request: Request, exc: ConversationNotFound) -> JSONResponse:
        # Also for another user's conversation: whether an id exists is nobody else's business.
        return error_response(404, "conversation_not_found", "Kein Gespräch mit dieser ID (no such conversation).")

    @app.exception_handler(AnswerNotFound)
    async def _no_answer(request: Request, exc: AnswerNotFound) -> JSONResponse:
        return error_response(404, "answer_not_found", "Keine Antwort mit dieser ID (no such answer).")

    @app.exception_handler(OriginalMissing)
    async def _no_original(request: Request, exc: OriginalMissing) -> JSONResponse:
        document_id = str(exc.args[0]) if exc.args else ""
        message = f"{text('original_missing', 'de', id=document_id)} ({text('original_missing', 'en', id=document_id)})"
        return error_response(404, "original_not_stored", message)

    @app.exception_handler(StoreUnavailable)
    async def _store(request: Request, exc: StoreUnavailable) -> JSONResponse:
        log.error("document store unavailable: %s", exc)
        return error_response(503, "store_unavailable", STORE_UNAVAILABLE)

    @app.exception_handler(Exception)
    async def _internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(
            500, "internal_error", "Interner Fehler; Details stehen im Server-Protokoll (internal error)."
        )


# German explanations for the mistakes scripts make most; pydantic's English text follows as detail.
_EXPLAINED = {
    "json_invalid": "Der Anfragetext ist kein gültiges JSON (invalid JSON)",
    "missing": "Der Anfragetext fehlt (request body missing)",
    "model_attributes_type": "Der Anfragetext muss ein JSON-Objekt sein (must be a JSON object)",
    "dict_type": "Der Anfragetext muss ein JSON-Objekt sein (must be a JSON object)",
}


def _problem(error: dict[str, Any]) -> dict[str, str]:
    # The offending input is left out on purpose: it can be a whole uploaded document or a key.
    location = [str(part) for part in error.get("loc", ()) if part not in ("body", "query", "path", "header")]
    if error.get("type") == "json_invalid":
        location = []  # the location is a character offset, not a field
    return {"field": ".".join(location), "message": str(error.get("msg", "")), "type": str(error.get("type", ""))}
