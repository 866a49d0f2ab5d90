"""The chat function behind the UI (and behind its Gradio API endpoint ``/ask``)."""

from __future__ import annotations

import html
import logging
import re
import time
from collections.abc import Callable, Iterator
from contextlib import closing
from typing import Any

import gradio as gr

from assistant.components.vector_store import StoreUnavailable
from assistant.container import Container
from assistant.filters import FilterError
from assistant.identity import Identities
from assistant.models import Answer, DocumentInfo, Turn
from assistant.services.chat import QuestionError
from assistant.services.conversations import ConversationNotFound
from web.conversations import user_of
from web.render import answer_html, notice_html
from web.texts import document_type_label, language_of, t

log = logging.getLogger(__name__)

# The extractive answer is ready at once; a short pause between sentences lets readers follow it.
# A language model's tokens come at its own pace and are shown without a pause.
STREAM_PAUSE_SECONDS = 0.04

_TAG = re.compile(r"<[^>]+>")


def make_ask(container: Container, identities: Identities | None = None) -> Callable[..., Iterator[str]]:
    identities = identities or Identities()

    def ask(
        message: str,
        history: list[dict[str, Any]],
        regions: list[str] | None = None,
        document_types: list[str] | None = None,
        documents: list[str] | None = None,
        language: str = "de",
        conversation_id: str | None = None,
        request: gr.Request = None,
    ) -> Iterator[str]:
        """Beantwortet eine Frage aus den Strategiedokumenten / answers a question from the documents.

        Streams HTML: the answer piece by piece with [n] markers, then the numbered sources
        (title, section, page, passage with the quoted sentences marked). Earlier turns make
        follow-up questions work. Optional filters: regions, document types, document ids;
        ``language`` ("de" or "en") only sets the labels; with ``conversation_id`` (the page's
        selected conversation) the turn is saved in it. For structured JSON use POST /api/v1/ask.
        """
        lang = language_of(language)
        filters = {"region": regions or [], "document_type": document_types or [], "document_id": documents or []}
        paced = getattr(container.chat.answerer, "stream", None) is None  # the extractive answerer
        shown = ""
        try:
            with closing(container.chat.stream(message, history=_turns(history), filters=filters)) as events:
                for event in events:
                    if event.kind == "token":
                        shown += event.text
                        yield answer_html(shown, language=lang, streaming=True)
                        if paced:
                            time.sleep(STREAM_PAUSE_SECONDS)
                    elif event.kind == "notice" and event.reset:
                        shown = ""  # the model broke off; the fallback answer follows, notice first
                    elif event.kind == "done" and event.answer is not None:
                        if conversation_id:  # saved before it is shown: a reload right after finds it
                            _save(container, user_of(identities, request), message, event.answer, conversation_id)
                        yield answer_html(event.answer.answer, event.answer, lang)
        except (QuestionError, FilterError) as exc:
            yield notice_html(str(exc))
        except StoreUnavailable as exc:
            log.error("chat answer failed: %s", exc)
            yield notice_html(t(lang, "store_unavailable"), "error")
        except Exception:  # the reader gets a calm message, the log gets the traceback
            log.exception("chat answer failed")
            yield notice_html(t(lang, "chat_error"), "error")

    return ask


def _save(container: Container, user: str, question: str, answer: Answer, conversation_id: str) -> None:
    try:
        container.conversations.record(user, question, answer, conversation_id)
    except ConversationNotFound:  # deleted in another tab meanwhile: the answer was shown, nothing to keep
        pass


def _turns(history: list[dict[str, Any]] | None) -> list[Turn]:
    turns: list[Turn] = []
    for message in history or []:
        role = message.get("role")
        content = _text(message.get("content"), strip_html=role == "assistant")
        if role in ("user", "assistant") and content.strip():
            turns.append(Turn(role=role, content=content))
    return turns


def _text(content: Any, strip_html: bool) -> str:
    """Gradio hands over content as a string or as a list of typed parts; our answers are HTML."""
    if isinstance(content, list):
        content = " ".join(p.get("text", "") for p in content if isinstance(p, dict) and p.get("type") == "text")
    if not isinstance(content, str):
        return ""
    return html.unescape(_TAG.sub(" ", content)) if strip_html else content


def filter_choices(documents: list[DocumentInfo], language: str) -> dict[str, list[tuple[str, str]]]:
    regions = sorted({d.region for d in documents if d.region})
    types = sorted({d.document_type for d in documents if d.document_type})
    return {
        "region": [(r, r) for r in regions],
        "document_type": [(document_type_label(v, language), v) for v in types],
        "document_id": [(d.title, d.id) for d in documents],
    }
