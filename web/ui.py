"""The Gradio Blocks: a header with the language switch, the "Fragen" chat, the "Dokumente" tab and the
"Zusammenfassen & vergleichen" tab.

The chat function is named ``ask``; Gradio names the ChatInterface endpoint after it, so the UI's
API endpoint is ``/ask`` (``gradio_client.Client(url).predict("Frage …", api_name="/ask")``).
Document actions are private Gradio events: they are not part of the Gradio API (the HTTP API
under /api/v1 is the programmatic way to manage documents).
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import gradio as gr

from assistant.api.auth import ApiKeys
from assistant.api.options import ServerOptions
from assistant.container import Container
from assistant.identity import Identities
from web.chat import filter_choices, make_ask
from web.conversations import ConversationPanel, build_conversation_panel, wire_conversations
from web.documents_tab import Translations, build_documents_tab, table_value
from web.feedback import build_feedback, wire_feedback
from web.gaps_tab import build_gaps_tab
from web.reports_tab import build_reports_tab
from web.texts import EXAMPLES, LANGUAGE_CHOICES, language_of, t


def build_ui(
    container: Container, options: ServerOptions, keys: ApiKeys, identities: Identities | None = None
) -> gr.Blocks:
    identities = identities or Identities.from_settings(container.settings, options.keys_configured)
    translations: Translations = []
    with gr.Blocks(title=t("de", "page_title"), fill_width=False, analytics_enabled=False) as blocks:
        with gr.Row(elem_classes="sa-header", equal_height=True):
            header = gr.HTML(_header("de"), elem_id="sa-header-text")
            language = gr.Radio(
                choices=LANGUAGE_CHOICES,
                value="de",
                show_label=False,
                container=False,
                scale=0,
                min_width=220,
                elem_id="sa-language",
            )
        translations.append((header, lambda lang: gr.update(value=_header(lang))))

        with gr.Tabs(elem_id="sa-tabs"):
            with gr.Tab(t("de", "tab_chat"), id="chat", elem_id="sa-tab-chat") as chat_tab:
                filters = _chat_panel(container, language, translations, identities)
            with gr.Tab(t("de", "tab_documents"), id="documents", elem_id="sa-tab-documents") as documents_tab:
                documents, wire_documents = build_documents_tab(container, options, keys, language, translations)
            with gr.Tab(t("de", "tab_reports"), id="reports", elem_id="sa-tab-reports") as reports_tab:
                reports = build_reports_tab(container, language, translations)
            with gr.Tab(t("de", "tab_gaps"), id="gaps", elem_id="sa-tab-gaps") as gaps_tab:
                build_gaps_tab(container, keys, language, translations)
        translations += [
            (gaps_tab, lambda lang: gr.update(label=t(lang, "tab_gaps"))),
            (reports_tab, lambda lang: gr.update(label=t(lang, "tab_reports"))),
            (chat_tab, lambda lang: gr.update(label=t(lang, "tab_chat"))),
            (documents_tab, lambda lang: gr.update(label=t(lang, "tab_documents"))),
        ]
        footer = gr.HTML(_footer("de"), elem_classes="sa-footer")
        translations.append((footer, lambda lang: gr.update(value=_footer(lang))))

        refresh_outputs = [documents.table, documents.document, *filters.pickers, reports.summary_document, reports.compare_documents]

        def refresh(lang: str) -> tuple[Any, ...]:
            """Table and every document picker, from the store (documents may change via the API)."""
            lang = language_of(lang)
            docs = container.documents.list_documents()
            choices = filter_choices(docs, lang)
            return (
                gr.update(value=table_value(docs, lang)),
                gr.update(choices=choices["document_id"]),
                *(gr.update(choices=choices[key]) for key in ("region", "document_type", "document_id")),
                gr.update(choices=choices["document_id"]),
                gr.update(choices=choices["document_id"]),
            )

        wire_documents(refresh, refresh_outputs)
        blocks.load(refresh, [language], refresh_outputs, api_visibility="private")
        wire_conversations(blocks, filters.conversations, filters.history, container, identities, language)
        wire_feedback(filters.chatbot, filters.comment, filters.conversations.selected, container, identities, language)

        translated = [component for component, _ in translations]

        def switch_language(lang: str) -> list[Any]:
            return [update(language_of(lang)) for _, update in translations]

        language.change(switch_language, [language], translated, api_visibility="private").then(
            refresh, [language], refresh_outputs, api_visibility="private"
        )
    return blocks


def _chat_panel(container: Container, language: gr.Radio, translations: Translations, identities: Identities) -> ChatPanel:
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=250, elem_classes="sa-filters"):
            conversations = build_conversation_panel(translations)
            heading = gr.Markdown(f"## {t('de', 'filters_heading')}")
            # Choices arrive per page load; custom values let API callers filter without a browser session.
            picker = {"multiselect": True, "choices": [], "allow_custom_value": True}
            region = gr.Dropdown(label=t("de", "filter_region"), elem_id="sa-filter-region", **picker)
            doc_type = gr.Dropdown(label=t("de", "filter_type"), elem_id="sa-filter-type", **picker)
            document = gr.Dropdown(label=t("de", "filter_document"), elem_id="sa-filter-document", **picker)
            hint = gr.Markdown(t("de", "filters_hint"), elem_classes="sa-muted")
        with gr.Column(scale=4, min_width=420):
            chatbot = gr.Chatbot(
                label=t("de", "chat_label"),
                show_label=False,
                height="62vh",
                min_height=420,
                layout="panel",
                placeholder=t("de", "empty_chat"),
                latex_delimiters=[],
                feedback_options=("Like", "Dislike"),  # 👍 / 👎, stored by web/feedback.py
                buttons=["copy"],
                elem_id="sa-chatbot",
            )
            textbox = gr.Textbox(
                placeholder=t("de", "placeholder"),
                show_label=False,
                lines=1,
                max_lines=6,
                submit_btn=True,
                stop_btn=False,
                autofocus=True,
                elem_id="sa-question",
            )
            interface = gr.ChatInterface(
                make_ask(container, identities),
                chatbot=chatbot,
                textbox=textbox,
                additional_inputs=[region, doc_type, document, language, conversations.selected],
                examples=[[question, None, None, None, None, None] for question in EXAMPLES["de"]],
                run_examples_on_click=True,
                cache_examples=False,
                concurrency_limit=4,
                fill_height=False,
                autoscroll=True,
                analytics_enabled=False,
            )
            comment = build_feedback(translations)
    translations += [
        (heading, lambda lang: gr.update(value=f"## {t(lang, 'filters_heading')}")),
        (region, lambda lang: gr.update(label=t(lang, "filter_region"))),
        (doc_type, lambda lang: gr.update(label=t(lang, "filter_type"))),
        (document, lambda lang: gr.update(label=t(lang, "filter_document"))),
        (hint, lambda lang: gr.update(value=t(lang, "filters_hint"))),
        (textbox, lambda lang: gr.update(placeholder=t(lang, "placeholder"))),
        (
            chatbot,
            lambda lang: gr.update(
                label=t(lang, "chat_label"), placeholder=t(lang, "empty_chat"), examples=_examples(lang)
            ),
        ),
    ]
    # chatbot_value is the ChatInterface's door for history set from outside (an opened conversation).
    return ChatPanel([region, doc_type, document], interface.chatbot_value, conversations, chatbot, comment)


@dataclass
class ChatPanel:
    pickers: list[gr.Dropdown]
    history: gr.State
    conversations: ConversationPanel
    chatbot: gr.Chatbot
    comment: gr.Textbox


def _examples(language: str) -> list[dict[str, str]]:
    return [{"text": question} for question in EXAMPLES[language_of(language)]]


def _header(language: str) -> str:
    return (
        f'<div class="sa-brand"><h1 class="sa-brand-title">{html.escape(t(language, "page_title"))}</h1>'
        f'<div class="sa-brand-tagline">{html.escape(t(language, "tagline"))}</div></div>'
    )


def _footer(language: str) -> str:
    return f'<div class="sa-footer-text">{t(language, "footer")}</div>'
