"""The conversation list beside the chat: open, continue, rename, delete a saved conversation.

Each browser session works in one selected conversation (the radio's value); the chat stores every
answer in it (``web.chat``). A page opens with an empty conversation; an earlier one is opened from
the list, and a follow-up continues it with its stored turns as history (also after a reload or a
server restart). The user is the one the API would see (``assistant.identity``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.container import Container
from assistant.identity import Identities
from assistant.models import Answer, Citation
from assistant.services.conversations import ConversationNotFound
from web.render import answer_html
from web.texts import language_of, t


def user_of(identities: Identities, request: gr.Request | None) -> str:
    if request is None:
        return identities.resolve({}, None)
    client = getattr(request, "client", None)
    host = getattr(client, "host", None)
    return identities.resolve(dict(request.headers), host, login_name=getattr(request, "username", None))


@dataclass
class ConversationPanel:
    selected: gr.Radio
    new: gr.Button
    title: gr.Textbox
    rename: gr.Button
    delete: gr.Button


def build_conversation_panel(translations: list) -> ConversationPanel:
    heading = gr.Markdown(f"#### {t('de', 'conversations_heading')}")
    panel = ConversationPanel(
        selected=gr.Radio(choices=[], label=t("de", "conversations_heading"), show_label=False, elem_id="sa-conversations"),
        new=gr.Button(t("de", "conversation_new"), size="sm", elem_id="sa-new-conversation"),
        title=gr.Textbox(label=t("de", "conversation_title"), max_lines=1, elem_id="sa-conversation-title"),
        rename=gr.Button(t("de", "conversation_rename"), size="sm", elem_id="sa-rename-conversation"),
        delete=gr.Button(t("de", "conversation_delete"), size="sm", variant="stop", elem_id="sa-delete-conversation"),
    )
    translations += [
        (heading, lambda lang: gr.update(value=f"#### {t(lang, 'conversations_heading')}")),
        (panel.new, lambda lang: gr.update(value=t(lang, "conversation_new"))),
        (panel.title, lambda lang: gr.update(label=t(lang, "conversation_title"))),
        (panel.rename, lambda lang: gr.update(value=t(lang, "conversation_rename"))),
        (panel.delete, lambda lang: gr.update(value=t(lang, "conversation_delete"))),
    ]
    return panel


def wire_conversations(
    blocks: gr.Blocks, panel: ConversationPanel, history: gr.State, container: Container,
    identities: Identities, language: gr.Radio,
) -> None:
    """``history`` is the chat's history as its ChatInterface reads it (``chatbot_value``)."""
    service = lambda: container.conversations  # noqa: E731 - the database opens at first use
    outputs = [panel.selected, panel.title, history]

    def show(user: str, conversation_id: str | None, lang: str) -> tuple[Any, Any, Any]:
        """The list with ``conversation_id`` selected; without one (a page just opened) an empty
        conversation, reusing an empty one so that reloading does not pile them up."""
        listed = service().list(user)
        if conversation_id not in {c["id"] for c in listed}:
            empty = next((c["id"] for c in listed if not c["turns"]), None)
            conversation_id = empty or service().create(user)["id"]
            listed = service().list(user) if empty is None else listed
        choices = [(c["title"] or t(lang, "conversation_untitled"), c["id"]) for c in listed]
        stored = service().get(user, conversation_id)
        return gr.update(choices=choices, value=conversation_id), gr.update(value=stored["title"]), _messages(stored, lang)

    def open_(conversation_id: str | None, lang: str, request: gr.Request):
        return show(user_of(identities, request), conversation_id, language_of(lang))

    def new(lang: str, request: gr.Request):
        user = user_of(identities, request)
        return show(user, service().create(user)["id"], language_of(lang))

    def rename(conversation_id: str | None, title: str, lang: str, request: gr.Request):
        user = user_of(identities, request)
        if conversation_id and title.strip():
            try:
                service().rename(user, conversation_id, title)
            except ConversationNotFound:
                pass
        return show(user, conversation_id, language_of(lang))

    def delete(conversation_id: str | None, lang: str, request: gr.Request):
        user = user_of(identities, request)
        if conversation_id:
            try:
                service().delete(user, conversation_id)
            except ConversationNotFound:
                pass
        return show(user, None, language_of(lang))

    private = {"api_visibility": "private"}
    blocks.load(open_, [panel.selected, language], outputs, **private)
    panel.selected.input(open_, [panel.selected, language], outputs, **private)
    panel.new.click(new, [language], outputs, **private)
    panel.rename.click(rename, [panel.selected, panel.title, language], outputs, **private)
    panel.title.submit(rename, [panel.selected, panel.title, language], outputs, **private)
    panel.delete.click(delete, [panel.selected, language], outputs, **private)


def _messages(stored: dict[str, Any], language: str) -> list[dict[str, str]]:
    messages: list[dict[str, str]] = []
    for message in stored["messages"]:
        citations = [c if isinstance(c, Citation) else Citation(**c) for c in message["citations"]]
        answered = message["answered"]
        answer = Answer(
            answer=message["answer"],
            citations=citations if answered else [],
            related=[] if answered else citations,
            answered=answered,
        )
        messages.append({"role": "user", "content": message["question"]})
        messages.append({"role": "assistant", "content": answer_html(answer.answer, answer, language)})
    return messages
