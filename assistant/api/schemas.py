"""Request bodies and error responses of the API (answers and documents reuse ``assistant.models``).

The schema states what the services check (non-blank question, known filter keys) so that a client
generated from /openapi.json cannot build a request the server refuses without a declared error.
The services stay the ones that enforce it, with their stable error codes, for every adapter.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt

from assistant.filters import FILTER_KEYS
from assistant.models import Answer, Citation, FileResult, Turn

JSON_BODY_LIMIT = 1024 * 1024  # questions are short; this only stops abuse

# Python's str.strip() and the JSON-Schema pattern agree on this: at least one non-space character.
NON_BLANK = r"\S"
# The default of ASSISTANT_MAX_QUESTION_CHARS; the served schema carries the configured value.
DEFAULT_QUESTION_CHARS = 2000

FILTERS_SCHEMA: dict[str, Any] = {
    "anyOf": [
        {
            "type": "object",
            "properties": {
                key: {"anyOf": [{"type": "string"}, {"type": "array", "items": {"type": "string"}}]}
                for key in FILTER_KEYS
            },
            "additionalProperties": False,
        },
        {"type": "null"},
    ]
}
FILTERS_DESCRIPTION = "Metadata filters: region, document_type, document_id, language; other keys are refused (422)."


class ErrorBody(BaseModel):
    code: str = Field(description="Stable code for programs, e.g. `invalid_question`, `missing_api_key`.")
    message: str = Field(description="For people: German first, the English gist in parentheses.")
    details: Any = Field(default=None, description="Per-field problems (422) or per-file results (failed uploads).")


class ErrorResponse(BaseModel):
    error: ErrorBody


_ERROR_DESCRIPTIONS = {
    401: "API-Schlüssel fehlt oder ist ungültig (missing or invalid API key)",
    403: "Bearbeitungsschlüssel erforderlich (editor key required)",
    404: "Nicht gefunden (not found)",
    413: "Anfrage oder Datei zu groß (request or file too large)",
    415: "Dateityp nicht unterstützt (unsupported file type)",
    422: "Ungültige Eingabe (invalid input)",
    429: "Zu viele Anfragen; `Retry-After` nennt die Wartezeit (rate limited)",
    503: "Dokumentenspeicher nicht erreichbar (store unavailable)",
}


def error_responses(*statuses: int, **descriptions: str) -> dict[int | str, dict[str, Any]]:
    """OpenAPI ``responses`` entries with the one error shape; ``s404="..."`` overrides a description."""
    return {
        status: {"model": ErrorResponse, "description": descriptions.get(f"s{status}", _ERROR_DESCRIPTIONS[status])}
        for status in statuses
    }


# What every route behind a key may answer besides its own errors.
READER_ERRORS = error_responses(401, 429)
EDITOR_ERRORS = error_responses(401, 403, 429)
QUESTION_ERRORS = error_responses(413, 422, 503)


class AskRequest(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        json_schema_extra={
            "examples": [
                {
                    "question": "Welche Krankenhäuser gehören zum Kompetenzverbund in Baden-Württemberg?",
                    "filters": {"region": "BW"},
                }
            ]
        },
    )

    question: str = Field(
        description="Die Frage, Deutsch oder Englisch; nicht leer, höchstens ASSISTANT_MAX_QUESTION_CHARS Zeichen.",
        json_schema_extra={"minLength": 1, "maxLength": DEFAULT_QUESTION_CHARS, "pattern": NON_BLANK},
    )
    # No count limit: clients resend the whole conversation, and only the last `history_turns` turns
    # are read. The body limit bounds the size.
    history: list[Turn] = Field(
        default_factory=list,
        description="Earlier turns, oldest first, for follow-up questions; only the most recent "
        "`ASSISTANT_HISTORY_TURNS` (default 4) are used, older ones are ignored.",
    )
    filters: dict[str, str | list[str]] | None = Field(
        default=None, description=FILTERS_DESCRIPTION, json_schema_extra=FILTERS_SCHEMA
    )
    # Strict: "5" or 5.5 are not the integer the schema asks for, so they are refused, not coerced.
    top_k: StrictInt | None = Field(default=None, ge=1, le=50, description="Passages to retrieve.")
    conversation_id: str | None = Field(
        default=None,
        description="A saved conversation of the caller (POST /api/v1/conversations): its stored turns are "
        "the history (`history` is then ignored), and this turn is stored in it.",
    )


class AskResponse(Answer):
    answer_id: str = Field(description="For feedback: POST /api/v1/answers/{answer_id}/feedback.")
    conversation_id: str | None = None


class StreamCitations(BaseModel):
    citations: list[Citation]
    answered: bool


class UploadResponse(BaseModel):
    results: list[FileResult]


class JobAccepted(BaseModel):
    job_id: str
    status_url: str
