"""OpenAI-compatible endpoints, so existing chat clients and SDKs can use the assistant.

Chat: the last user message with text is the question; earlier user and assistant messages are the
history (later messages, e.g. a prefilled assistant turn, are ignored). The reply text ends with a
readable "Quellen:" list; structured citations travel in an extra top-level ``citations`` field (on
the final chunk when streaming). ``filters`` and ``top_k`` may be sent as extra body fields.
Embeddings: the assistant's own embedding model. ``usage`` counts that model's word pieces.
"""

from __future__ import annotations

import base64
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from typing import Any

import anyio
from fastapi import APIRouter, Depends, Request
from fastapi.responses import StreamingResponse

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.formatting import answer_with_sources, sources_block
from assistant.api.openai_schemas import (
    ChatCompletion,
    ChatCompletionRequest,
    ChatMessage,
    Choice,
    Embedding,
    EmbeddingList,
    EmbeddingRequest,
    EmbeddingUsage,
    Message,
    ModelCard,
    ModelList,
    Usage,
)
from assistant.api.schemas import JSON_BODY_LIMIT, QUESTION_ERRORS, READER_ERRORS, error_responses
from assistant.components.answerer.llm import AnswerEvent
from assistant.filters import normalize_filters
from assistant.language import Language
from assistant.models import Turn
from assistant.services.chat import QuestionError
from assistant.services.embeddings import EmbeddingService

log = logging.getLogger(__name__)

MODEL_ID = "strategie-assistent"

router = APIRouter(
    tags=["OpenAI-kompatibel / OpenAI-compatible"], dependencies=[Depends(require_reader)], responses=READER_ERRORS
)

@router.get("/models", response_model=ModelList, summary="Verfügbare Modelle / available models")
async def list_models(request: Request) -> ModelList:
    """The assistant (chat) and its embedding model (`/v1/embeddings`)."""
    embedding_model = deps.container(request).embeddings.model_id
    return ModelList(data=[ModelCard(id=MODEL_ID), ModelCard(id=embedding_model)])


@router.post(
    "/chat/completions",
    summary="Chat-Antwort im OpenAI-Format / chat completion (OpenAI format)",
    response_model=ChatCompletion,
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
        usage = _Counter(deps.container(request).embeddings, body.messages) if _wants_usage(body) else None
        return StreamingResponse(
            _chunks(completion_id, created, deps.stream_thread(request, events), language, usage),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )
    answer = await deps.ask_thread(request, chat.ask, question, history, body.filters, body.top_k)
    content = answer_with_sources(answer, chat.language_of(question))
    usage = await _Counter(deps.container(request).embeddings, body.messages).usage(content)
    return ChatCompletion(
        id=completion_id,
        created=created,
        model=MODEL_ID,
        choices=[Choice(message=ChatMessage(content=content))],
        usage=usage,
        citations=answer.citations,
        answered=answer.answered,
    )


@router.post(
    "/embeddings",
    response_model=EmbeddingList,
    summary="Einbettungen im OpenAI-Format / embeddings (OpenAI format)",
    responses=error_responses(413, 422),
    max_body_size=JSON_BODY_LIMIT,
)
async def embeddings(request: Request, body: EmbeddingRequest) -> EmbeddingList:
    """Vektoren des eingebauten Einbettungsmodells (normalisiert, 384 Dimensionen beim mitgelieferten
    multilingual-e5-small). / Vectors of the bundled embedding model."""
    service = deps.container(request).embeddings
    texts = [body.input] if isinstance(body.input, str) else body.input
    embedded = await deps.ask_thread(request, service.embed, texts, body.input_type)
    data = [
        Embedding(index=i, embedding=_encode_vector(vector, body.encoding_format))
        for i, vector in enumerate(embedded.vectors)
    ]
    usage = EmbeddingUsage(prompt_tokens=embedded.tokens, total_tokens=embedded.tokens)
    return EmbeddingList(data=data, model=service.model_id, usage=usage)


def _encode_vector(vector, encoding_format: str) -> list[float] | str:
    if encoding_format == "base64":  # what the openai SDK asks for by default: little-endian float32
        return base64.b64encode(vector.astype("<f4").tobytes()).decode("ascii")
    return vector.tolist()


def _wants_usage(body: ChatCompletionRequest) -> bool:
    return bool(body.stream_options and body.stream_options.include_usage)


class _Counter:
    """``usage`` of a chat completion: the messages sent and the reply, in the embedding model's pieces."""

    def __init__(self, embeddings: EmbeddingService, messages: Sequence[Message]) -> None:
        self.embeddings = embeddings
        self.prompt = [m.text() for m in messages]

    async def usage(self, completion: str) -> Usage:
        # A thread: a long conversation is up to 1 MB of text to tokenize.
        prompt, reply = await anyio.to_thread.run_sync(
            lambda: (self.embeddings.count_tokens(self.prompt), self.embeddings.count_tokens([completion]))
        )
        return Usage(prompt_tokens=prompt, completion_tokens=reply, total_tokens=prompt + reply)


def _conversation(messages: list[Message]) -> tuple[str, list[Turn]]:
    asked = [i for i, m in enumerate(messages) if m.role == "user" and m.text().strip()]
    if not asked:
        raise QuestionError("Die Frage ist leer: keine Nachricht der Rolle „user“ mit Text (empty question).")
    last = asked[-1]
    history = [Turn(role=m.role, content=m.text()) for m in messages[:last] if m.role in ("user", "assistant")]
    return messages[last].text(), history


async def _chunks(
    completion_id: str,
    created: int,
    events: AsyncIterator[AnswerEvent],
    language: Language,
    counter: _Counter | None = None,
) -> AsyncIterator[bytes]:
    sent: list[str] = []  # the reply as streamed, for its token count

    def data(payload: dict[str, Any]) -> bytes:
        base = {"id": completion_id, "object": "chat.completion.chunk", "created": created, "model": MODEL_ID}
        return f"data: {json.dumps({**base, **payload}, ensure_ascii=False)}\n\n".encode()

    def chunk(delta: dict, finish: str | None = None, **extra: Any) -> bytes:
        sent.append(delta.get("content", ""))
        return data({"choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}], **extra})

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
    if counter is not None:  # OpenAI's stream_options.include_usage: one more chunk, no choices
        usage = await counter.usage("".join(sent))
        yield data({"choices": [], "usage": usage.model_dump()})
    yield b"data: [DONE]\n\n"
