"""The "Zusammenfassen & vergleichen" tab: a document's summary and a comparison on a topic, each
shown as Markdown with its numbered sources and offered as a DOCX download.

A thin client: the summary and comparison services do the work, ``services/export.py`` renders.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.container import Container
from assistant.services import export
from assistant.services.chat import QuestionError
from assistant.services.documents import DocumentNotFound
from web.documents_tab import Translations
from web.texts import language_of, t

log = logging.getLogger(__name__)


@dataclass
class ReportsTab:
    summary_document: gr.Radio
    compare_documents: gr.CheckboxGroup


def build_reports_tab(container: Container, language: gr.Radio, translations: Translations) -> ReportsTab:
    with gr.Row(equal_height=False):
        with gr.Column(scale=1, min_width=320):
            summary_heading = gr.Markdown(f"## {t('de', 'summary_section')}")
            # Radio buttons and checkboxes, not Gradio's dropdown: screen readers miss its options
            # (gradio #10532, #12855). The comparison service refuses more than four documents itself.
            document = gr.Radio(
                label=t("de", "filter_document"), choices=[], elem_id="sa-summary-document", elem_classes="sa-picker"
            )
            length = gr.Radio(
                choices=_lengths("de"), value="short", label=t("de", "summary_length"), elem_id="sa-summary-length"
            )
            summarize = gr.Button(t("de", "summary_button"), variant="primary", elem_id="sa-summarize")
            summary_out = gr.Markdown(elem_id="sa-summary", latex_delimiters=[])
            summary_file = gr.File(label=t("de", "download_docx"), interactive=False, elem_id="sa-summary-file")
        with gr.Column(scale=1, min_width=320):
            compare_heading = gr.Markdown(f"## {t('de', 'compare_section')}")
            documents = gr.CheckboxGroup(
                label=t("de", "compare_documents"), choices=[], elem_id="sa-compare-documents", elem_classes="sa-picker"
            )
            topic = gr.Textbox(label=t("de", "compare_topic"), placeholder="Digitalisierung", elem_id="sa-compare-topic")
            compare = gr.Button(t("de", "compare_button"), variant="primary", elem_id="sa-compare")
            compare_out = gr.Markdown(elem_id="sa-comparison", latex_delimiters=[])
            compare_file = gr.File(label=t("de", "download_docx"), interactive=False, elem_id="sa-compare-file")

    def on_summarize(document_id: str | None, size: str, lang: str) -> tuple[Any, Any]:
        if not document_id:
            return t(lang, "choose_document"), None
        try:
            summary = container.summaries.summarize(document_id, "long" if size == "long" else "short", language_of(lang))
        except DocumentNotFound:
            return t(lang, "unknown_document"), None
        return _shown(export.from_summary(summary))

    def on_compare(document_ids: list[str] | None, subject: str, lang: str) -> tuple[Any, Any]:
        try:
            comparison = container.comparison.compare(document_ids or [], subject or "", language_of(lang))
        except (QuestionError, DocumentNotFound) as exc:
            return str(exc) if isinstance(exc, QuestionError) else t(lang, "unknown_document"), None
        return _shown(export.from_comparison(comparison))

    summarize.click(
        on_summarize, [document, length, language], [summary_out, summary_file],
        api_visibility="private", concurrency_limit=2,
    )  # fmt: skip
    compare.click(
        on_compare, [documents, topic, language], [compare_out, compare_file],
        api_visibility="private", concurrency_limit=2,
    )  # fmt: skip
    translations += [
        (summary_heading, lambda lang: gr.update(value=f"## {t(lang, 'summary_section')}")),
        (document, lambda lang: gr.update(label=t(lang, "filter_document"))),
        (length, lambda lang: gr.update(label=t(lang, "summary_length"), choices=_lengths(lang))),
        (summarize, lambda lang: gr.update(value=t(lang, "summary_button"))),
        (summary_file, lambda lang: gr.update(label=t(lang, "download_docx"))),
        (compare_heading, lambda lang: gr.update(value=f"## {t(lang, 'compare_section')}")),
        (documents, lambda lang: gr.update(label=t(lang, "compare_documents"))),
        (topic, lambda lang: gr.update(label=t(lang, "compare_topic"))),
        (compare, lambda lang: gr.update(value=t(lang, "compare_button"))),
        (compare_file, lambda lang: gr.update(label=t(lang, "download_docx"))),
    ]
    return ReportsTab(summary_document=document, compare_documents=documents)


def _lengths(language: str) -> list[tuple[str, str]]:
    return [(t(language, "length_short"), "short"), (t(language, "length_long"), "long")]


def _shown(report: export.Report) -> tuple[str, str]:
    """The Markdown to show and a DOCX file to download (in a fresh directory Gradio may serve)."""
    directory = Path(tempfile.mkdtemp(prefix="sa-export-"))
    path = directory / f"{report.filename}.docx"
    path.write_bytes(export.to_docx(report))
    return export.to_markdown(report), str(path)
