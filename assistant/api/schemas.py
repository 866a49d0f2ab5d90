"""Request bodies of the API (responses reuse ``assistant.models``)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from assistant.models import Citation, FileResult, Turn

JSON_BODY_LIMIT = 1024 * 1024  # questions are short; this only stops abuse


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

    question: str = Field(description="Die Frage, Deutsch oder Englisch.")
    # No count limit: clients resend the whole conversation, and only the last `history_turns` turns
    # are read. The body limit bounds the size.
    history: list[Turn] = Field(
        default_factory=list,
        description="Earlier turns, oldest first, for follow-up questions; only the most recent "
        "`ASSISTANT_HISTORY_TURNS` (default 4) are used, older ones are ignored.",
    )
    filters: dict[str, str | list[str]] | None = Field(
        default=None, description="Metadata filters: region, document_type, document_id, language."
    )
    top_k: int | None = Field(default=None, ge=1, le=50, description="Passages to retrieve.")


class StreamCitations(BaseModel):
    citations: list[Citation]
    answered: bool


class UploadResponse(BaseModel):
    results: list[FileResult]


class JobAccepted(BaseModel):
    job_id: str
    status_url: str
