"""An OpenAI-compatible chat endpoint, so existing chat clients and SDKs can use the assistant.

The last user message with text is the question; earlier user and assistant messages are the
history (later messages, e.g. a prefilled assistant turn, are ignored). The
reply text ends with a readable "Quellen:" list; structured citations travel in an extra
top-level ``citations`` field (on the final chunk when streaming). ``filters`` and ``top_k`` may be
sent as extra body fields.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any, Literal

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.formatting import sources_block
from assistant.api.schemas import (
    DEFAULT_QUESTION_CHARS,
    FILTERS_DESCRIPTION,
    FILTERS_SCHEMA,
    JSON_BODY_LIMIT,
    NON_BLANK,
    QUESTION_ERRORS,
    READER_ERRORS,
)
from assistant.components.answerer.llm import AnswerEvent
from assistant.filters import normalize_filters
from assistant.language import Language
from assistant.models import Turn
from assistant.services.chat import QuestionError

log = logging.getLogger(__name__)

MODEL_ID = "strategie-assistent"

router = APIRouter(
    tags=["OpenAI-kompatibel / OpenAI-compatible"], dependencies=[Depends(require_reader)], responses=READER_ERRORS
)

_NON_BLANK_TEXT = {"type": "string", "minLength": 1, "pattern": NON_BLANK}
# At least one user message with text: the question. Either plain content or a text part. The
# served schema carries the configured ASSISTANT_MAX_QUESTION_CHARS (see api/contract.py).
USER_QUESTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["role", "content"],
    "properties": {
        "role": {"const": "user"},
        "content": {
            "anyOf": [
                {**_NON_BLANK_TEXT, "maxLength": DEFAULT_QUESTION_CHARS},
                {
                    "type": "array",
                    "contains": {
                        "type": "object",
                        "required": ["type", "text"],
                        "properties": {"type": {"const": "text"}, "text": _NON_BLANK_TEXT},
                    },
                },
            ]
        },
    },
}


class ContentPart(BaseModel):
    model_config = ConfigDict(extra="allow")
    type: str
    text: str | None = None


class Message(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[ContentPart] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):
            return "\n".join(p.text or "" for p in self.content if p.type == "text")
        return self.content or ""


class ChatCompletionRequest(BaseModel):
    # Sampling options (temperature, max_tokens, ...) are accepted and ignored: answers are extractive.
    model_config = ConfigDict(extra="allow")
    model: str | None = None
    # No cap on the number of messages: clients resend whole conversations, only the recent turns are
    # read (ASSISTANT_HISTORY_TURNS), and the 1 MB body limit bounds the size.
    messages: list[Message] = Field(
        min_length=1,
        description="The conversation; the last user message with text is the question (422 if there is none).",
        json_schema_extra={"contains": USER_QUESTION_SCHEMA},
    )
    # Strict like the schema: 0 or "yes" is not a boolean, "5" not an integer.
    stream: StrictBool = False
    filters: dict[str, str | list[str]] | None = Field(
        default=None, description=FILTERS_DESCRIPTION, json_schema_extra=FILTERS_SCHEMA
    )
    top_k: StrictInt | None = Field(default=None, ge=1, le=50)


@router.get("/models", summary="Verfügbare Modelle / available models")
async def list_models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": 0, "owned_by": "strategie-assistent"}],
    }


@router.post(
    "/chat/completions",
    summary="Chat-Antwort im OpenAI-Format / chat completion (OpenAI format)",
    responses={200: {"content": {"text/event-stream": {}}, "description": "JSON, or SSE when stream=true"}, **QUESTION_ERRORS},
    max_body_size=JSON_BODY_LIMIT,
)
async def chat_completions(request: Request, body: ChatCompletionRequest):
    question, history = _conversation(body.messages)
    chat = deps.container(request).chat
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if body.stream:
        # Input errors become JSON responses: once the stream has begun, the status is fixed at 200.
        language = chat.language_of(chat.validate(question))
        normalize_filters(body.filters)
        events = chat.stream(question, history, body.filters, body.top_k)
        return StreamingResponse(
            _chunks(completion_id, created, deps.stream_thread(request, events), language),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    answer = await deps.ask_thread(request, chat.ask, question, history, body.filters, body.top_k)
    language = chat.language_of(question)
    sources = sources_block(answer, language)
    citations = [c.model_dump() for c in answer.citations]
    content = f"{answer.answer}\n\n{sources}" if sources else answer.answer
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": "stop", "logprobs": None}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "citations": citations,
        "answered": answer.answered,
    }


def _conversation(messages: list[Message]) -> tuple[str, list[Turn]]:
    asked = [i for i, m in enumerate(messages) if m.role == "user" and m.text().strip()]
    if not asked:
        raise QuestionError("Die Frage ist leer: keine Nachricht der Rolle „user“ mit Text (empty question).")
    last = asked[-1]
    history = [Turn(role=m.role, content=m.text()) for m in messages[:last] if m.role in ("user", "assistant")]
    return messages[last].text(), history


async def _chunks(
    completion_id: str, created: int, events: AsyncIterator[AnswerEvent], language: Language
) -> AsyncIterator[bytes]:
    def chunk(delta: dict, finish: str | None = None, **extra: Any) -> bytes:
        payload = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
            **extra,
        }
        return f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode()

    yield chunk({"role": "assistant", "content": ""})
    try:
        async for event in events:
            if event.kind == "token":
                yield chunk({"content": event.text})
            elif event.kind == "notice" and event.reset:
                # Deltas cannot be taken back: the fallback answer, which begins with the notice
                # text, follows the broken-off text as a new paragraph.
                yield chunk({"content": "\n\n"})
            elif event.kind == "done" and event.answer is not None:
                answer = event.answer
                if sources := sources_block(answer, language):
                    yield chunk({"content": f"\n\n{sources}"})
                citations = [c.model_dump() for c in answer.citations]
                yield chunk({}, "stop", citations=citations, answered=answer.answered)
    except Exception:  # the status is sent already: end the stream with a readable note
        log.exception("streamed chat completion failed")
        yield chunk({"content": "\n\nInterner Fehler (internal error)."}, "stop")
    finally:
        await events.aclose()
    yield b"data: [DONE]\n\n"
