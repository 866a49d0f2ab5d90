"""Saved conversations (each user sees only their own), feedback on answers, "delete my data"."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, Field

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.schemas import READER_ERRORS, error_responses
from assistant.models import Citation

router = APIRouter(tags=["Gespräche / conversations"], dependencies=[Depends(require_reader)], responses=READER_ERRORS)

_UNKNOWN = error_responses(404, 422, s404="Kein eigenes Gespräch mit dieser ID (no conversation of yours with this id)")


class ConversationInfo(BaseModel):
    id: str
    title: str = Field(description="Named after the first question until renamed.")
    created_at: str
    updated_at: str
    turns: int


class Message(BaseModel):
    answer_id: str
    question: str
    answer: str
    answered: bool
    citations: list[Citation]
    asked_at: str


class Conversation(ConversationInfo):
    messages: list[Message]


class NewConversation(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str | None = Field(default=None, max_length=200)


class Rename(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = Field(min_length=1, max_length=200, json_schema_extra={"pattern": r"\S"})


class FeedbackRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    vote: Literal["up", "down"]
    comment: str | None = Field(default=None, max_length=2000)


class FeedbackStored(BaseModel):
    answer_id: str
    vote: Literal["up", "down"]
    comment: str | None
    documents: dict[str, str] = Field(description="Document id → content hash of the version the answer was given from.")


class DeletedData(BaseModel):
    conversations: int
    answers: int
    feedback: int
    audit_entries_anonymized: int


@router.get("/conversations", response_model=list[ConversationInfo], summary="Eigene Gespräche / your conversations")
async def list_conversations(request: Request, user: deps.User) -> list[dict]:
    """Neueste zuerst."""
    return await deps.ingest_thread(request, deps.container(request).conversations.list, user)


@router.post("/conversations", status_code=201, response_model=ConversationInfo, responses=error_responses(422))
async def create_conversation(request: Request, user: deps.User, body: NewConversation | None = None) -> dict:
    """Ein neues Gespräch; `conversation_id` dann bei `POST /api/v1/ask` mitsenden."""
    title = body.title if body else None
    return await deps.ingest_thread(request, deps.container(request).conversations.create, user, title)


@router.get("/conversations/{conversation_id}", response_model=Conversation, responses=_UNKNOWN)
async def get_conversation(request: Request, user: deps.User, conversation_id: str) -> dict:
    return await deps.ingest_thread(request, deps.container(request).conversations.get, user, conversation_id)


@router.patch("/conversations/{conversation_id}", response_model=ConversationInfo, responses=_UNKNOWN)
async def rename_conversation(request: Request, user: deps.User, conversation_id: str, body: Rename) -> dict:
    """Umbenennen."""
    service = deps.container(request).conversations
    return await deps.ingest_thread(request, service.rename, user, conversation_id, body.title)


@router.delete("/conversations/{conversation_id}", status_code=204, responses=_UNKNOWN)
async def delete_conversation(request: Request, user: deps.User, conversation_id: str) -> Response:
    await deps.ingest_thread(request, deps.container(request).conversations.delete, user, conversation_id)
    return Response(status_code=204)


@router.post(
    "/answers/{answer_id}/feedback",
    response_model=FeedbackStored,
    responses=error_responses(404, 422, s404="Keine eigene Antwort mit dieser ID (no answer of yours with this id)"),
    summary="Antwort bewerten / rate an answer",
)
async def give_feedback(request: Request, user: deps.User, answer_id: str, body: FeedbackRequest) -> dict:
    """👍 (`up`) oder 👎 (`down`), optional mit Kommentar; eine zweite Bewertung ersetzt die erste."""
    service = deps.container(request).feedback
    return await deps.ingest_thread(request, service.give, user, answer_id, body.vote, body.comment)


@router.delete("/me/data", response_model=DeletedData, summary="Alle eigenen Daten löschen / delete all your data")
async def delete_my_data(request: Request, user: deps.User) -> dict:
    """Gespräche, Antworten und Bewertungen des Aufrufers; im Änderungsprotokoll wird sein Name ersetzt."""
    return await deps.ingest_thread(request, deps.container(request).conversations.delete_user_data, user)
