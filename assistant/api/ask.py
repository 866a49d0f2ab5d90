"""POST /ask and its server-sent-events twin /ask/stream."""

from __future__ import annotations

import json
import logging
from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from fastapi.sse import format_sse_event

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.errors import STORE_UNAVAILABLE
from assistant.api.schemas import (
    JSON_BODY_LIMIT,
    QUESTION_ERRORS,
    READER_ERRORS,
    AskRequest,
    AskResponse,
    error_responses,
)
from assistant.components.answerer.llm import AnswerEvent
from assistant.components.vector_store import StoreUnavailable
from assistant.filters import normalize_filters

log = logging.getLogger(__name__)

router = APIRouter(tags=["Fragen / questions"], dependencies=[Depends(require_reader)], responses=READER_ERRORS)

_STREAM_DOC = """Server-sent events, in this order:

* `part` (several): `{"text": "..."}` – consecutive pieces of the answer, to append as they come.
* `notice` (optional): `{"text": "...", "reset": true|false}` – a notice that the text also
  contains (for styling). With `reset` true the language model failed mid-answer: discard the parts
  shown so far; the following parts are the fallback answer (verbatim passages), starting with the notice.
* `citations` (once): `{"citations": [...], "answered": true|false}`.
* `done` (once): `{"answered": true|false, "answer": "..."}` – `answer` is the final, authoritative
  text; show it instead of the joined parts (they may differ, e.g. when a model's refusal is
  replaced by the fixed sentence).
* `error` (only if the answer fails after the stream began): `{"code": "...", "message": "..."}`.

With the extractive answerer the answer is streamed sentence by sentence; with a language model
the parts are its tokens as they are generated. Errors in the request (422 etc.) arrive as
ordinary JSON responses before any event.
"""


@router.post(
    "/ask",
    response_model=AskResponse,
    responses={**QUESTION_ERRORS, **error_responses(404, s404="Kein eigenes Gespräch mit dieser ID (no such conversation)")},
    summary="Eine Frage beantworten / answer a question",
    max_body_size=JSON_BODY_LIMIT,
)
async def ask(request: Request, body: AskRequest, user: deps.User) -> AskResponse:
    """Antwort mit nummerierten Quellen; `answered` ist false, wenn die Dokumente nichts dazu enthalten.

    Die Antwort wird gespeichert (`answer_id`, für Bewertungen); mit `conversation_id` als Zug des Gesprächs."""
    conversations = deps.container(request).conversations
    result = await deps.ask_thread(
        request, conversations.ask, user, body.question, body.conversation_id, body.history, body.filters, body.top_k
    )
    return AskResponse(
        **result.answer.model_dump(), answer_id=result.answer_id, conversation_id=result.conversation_id
    )


@router.post(
    "/ask/stream",
    summary="Antwort als Server-Sent Events / answer as server-sent events",
    description=_STREAM_DOC,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Event stream"}, **QUESTION_ERRORS},
    max_body_size=JSON_BODY_LIMIT,
)
async def ask_stream(request: Request, body: AskRequest) -> StreamingResponse:
    chat = deps.container(request).chat
    # Input errors become JSON responses: once the stream has begun, the status is fixed at 200.
    chat.validate(body.question)
    normalize_filters(body.filters)
    events = deps.stream_thread(request, chat.stream(body.question, body.history, body.filters, body.top_k))
    # Retrieval runs before the first event, so awaiting it here turns an unreachable store into
    # a real 503 instead of an error event inside a 200.
    try:
        first = await anext(events, None)
    except BaseException:
        await events.aclose()
        raise
    return StreamingResponse(
        answer_events(_prepend(first, events)),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


async def answer_events(events: AsyncIterator[AnswerEvent]) -> AsyncIterator[bytes]:
    try:
        async for event in events:
            if event.kind == "token":
                yield _event("part", {"text": event.text})
            elif event.kind == "notice":
                yield _event("notice", {"text": event.text, "reset": event.reset})
            elif event.kind == "done" and event.answer is not None:
                # `citations` comes right before `done`; both are sent from the final answer, which
                # also knows `answered`.
                result = event.answer
                citations = [c.model_dump() for c in result.citations]
                yield _event("citations", {"citations": citations, "answered": result.answered})
                yield _event("done", {"answered": result.answered, "answer": result.answer})
    except StoreUnavailable as exc:  # the status is sent already: the client learns of it from an event
        log.error("streamed answer failed: %s", exc)
        yield _event("error", {"code": "store_unavailable", "message": STORE_UNAVAILABLE})
    except Exception:
        log.exception("streamed answer failed")
        yield _event("error", {"code": "internal_error", "message": "Interner Fehler (internal error)."})
    finally:
        await events.aclose()


async def _prepend(first: AnswerEvent | None, rest: AsyncIterator[AnswerEvent]) -> AsyncIterator[AnswerEvent]:
    try:
        if first is not None:
            yield first
        async for event in rest:
            yield event
    finally:
        await rest.aclose()


def _event(name: str, data: dict) -> bytes:
    return format_sse_event(event=name, data_str=json.dumps(data, ensure_ascii=False))
