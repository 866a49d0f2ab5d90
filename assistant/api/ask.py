"""POST /ask and its server-sent-events twin /ask/stream."""

from __future__ import annotations

import json
from collections.abc import Iterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse
from fastapi.sse import format_sse_event

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.formatting import answer_parts
from assistant.api.schemas import JSON_BODY_LIMIT, AskRequest
from assistant.models import Answer

router = APIRouter(tags=["Fragen / questions"], dependencies=[Depends(require_reader)])

_STREAM_DOC = """Server-sent events, in this order:

* `part` (several): `{"text": "..."}` – consecutive pieces of the answer; joined they give `answer`.
* `citations` (once): `{"citations": [...], "answered": true|false}`.
* `done` (once): `{"answered": true|false}`.

The answer is extractive and computed at once; it is streamed quote by quote so that clients can
show it progressively. Errors (422 etc.) arrive as ordinary JSON responses before any event.
"""


async def answer(request: Request, body: AskRequest) -> Answer:
    chat = deps.container(request).chat
    return await deps.ask_thread(request, chat.ask, body.question, body.history, body.filters, body.top_k)


@router.post(
    "/ask",
    response_model=Answer,
    summary="Eine Frage beantworten / answer a question",
    max_body_size=JSON_BODY_LIMIT,
)
async def ask(request: Request, body: AskRequest) -> Answer:
    """Antwort mit nummerierten Quellen; `answered` ist false, wenn die Dokumente nichts dazu enthalten."""
    return await answer(request, body)


@router.post(
    "/ask/stream",
    summary="Antwort als Server-Sent Events / answer as server-sent events",
    description=_STREAM_DOC,
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Event stream"}},
    max_body_size=JSON_BODY_LIMIT,
)
async def ask_stream(request: Request, body: AskRequest) -> StreamingResponse:
    result = await answer(request, body)
    return StreamingResponse(
        answer_events(result),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def answer_events(result: Answer) -> Iterator[bytes]:
    for part in answer_parts(result.answer):
        yield _event("part", {"text": part})
    citations = [c.model_dump() for c in result.citations]
    yield _event("citations", {"citations": citations, "answered": result.answered})
    yield _event("done", {"answered": result.answered})


def _event(name: str, data: dict) -> bytes:
    return format_sse_event(event=name, data_str=json.dumps(data, ensure_ascii=False))
