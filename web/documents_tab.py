"""The "Dokumente" tab: table of documents, upload, replace, remove with confirmation.

Changes need an editor key whenever keys are configured; the check is the API's (same keys,
same constant-time comparison), done on the server for every action.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import gradio as gr

from assistant.api.auth import ApiKeys, Role
from assistant.api.errors import ApiError
from assistant.api.options import ServerOptions
from assistant.api.uploads import Upload, accepted_name, check_count, ingest_uploads, replace_document
from assistant.container import Container
from assistant.models import DocumentInfo
from assistant.services.documents import DocumentNotFound
from assistant.services.page_progress import Stage
from ingest.loaders import SUPPORTED_EXTENSIONS
from web.render import notice_html, upload_results_html
from web.texts import document_type_label, t

log = logging.getLogger(__name__)

Translations = list[tuple[Any, Callable[[str], Any]]]


@dataclass
class DocumentsTab:
    table: gr.Dataframe
    document: gr.Radio


def table_value(documents: list[DocumentInfo], language: str) -> dict[str, Any]:
    headers = [t(language, k) for k in ("col_title", "col_type", "col_region", "col_chunks", "col_added", "col_id")]
    rows = [
        [d.title, document_type_label(d.document_type, language), d.region or "", d.chunks, _when(d.added_at), d.id]
        for d in documents
    ]
    return {"headers": headers, "data": rows or [["", "", "", "", "", ""]]}


def build_documents_tab(
    container: Container,
    options: ServerOptions,
    keys: ApiKeys,
    language: gr.Radio,
    translations: Translations,
) -> tuple[DocumentsTab, Callable[..., Any]]:
    """Renders the tab's content; returns its components and the upload/replace/remove wiring step."""
    extensions = sorted(SUPPORTED_EXTENSIONS)
    with gr.Row(equal_height=True, elem_classes="sa-table-head"):
        heading = gr.Markdown(f"## {t('de', 'documents_heading')}")
        refresh = gr.Button(t("de", "refresh"), size="sm", variant="secondary", scale=0, min_width=140, elem_id="sa-refresh")
    table = gr.Dataframe(
        value=table_value([], "de"),
        interactive=False,
        wrap=True,
        column_widths=["34%", "16%", "8%", "10%", "14%", "18%"],
        elem_id="sa-documents-table",
        show_label=False,
        max_height=420,
    )
    key = gr.Textbox(
        label=t("de", "editor_key"),
        info=t("de", "editor_key_info"),
        type="password",
        max_lines=1,
        visible=keys.enabled,
        elem_id="sa-editor-key",
    )
    with gr.Row(equal_height=False):
        with gr.Column(elem_classes="sa-panel", min_width=320):
            upload_heading = gr.Markdown(f"### {t('de', 'upload_heading')}")
            files = gr.File(
                label=t("de", "upload_files"),
                file_count="multiple",
                file_types=extensions,
                height=150,
                elem_id="sa-upload-files",
            )
            with gr.Row():
                region = gr.Textbox(label=t("de", "upload_region"), max_lines=1, elem_id="sa-upload-region")
                doc_type = gr.Textbox(label=t("de", "upload_type"), max_lines=1, elem_id="sa-upload-type")
            upload = gr.Button(t("de", "upload_button"), variant="primary", elem_id="sa-upload")
            upload_result = gr.HTML(elem_id="sa-upload-result")
        with gr.Column(elem_classes="sa-panel", min_width=320):
            manage_heading = gr.Markdown(f"### {t('de', 'manage_heading')}")
            # Radio buttons, not Gradio's dropdown: screen readers miss its options (gradio #10532, #12855).
            document = gr.Radio(
                label=t("de", "manage_document"), choices=[], elem_id="sa-manage-document", elem_classes="sa-picker"
            )
            replacement = gr.File(
                label=t("de", "replace_file"),
                file_count="single",
                file_types=extensions,
                height=150,
                elem_id="sa-replace-file",
            )
            with gr.Row():
                replace = gr.Button(t("de", "replace_button"), variant="secondary", elem_id="sa-replace")
                remove = gr.Button(t("de", "remove_button"), variant="stop", elem_id="sa-remove")
            with gr.Column(visible=False, elem_classes="sa-confirm") as confirm_box:
                confirm_text = gr.HTML(elem_id="sa-confirm-text")
                with gr.Row():
                    confirm = gr.Button(t("de", "confirm_remove"), variant="stop", elem_id="sa-confirm-remove")
                    cancel = gr.Button(t("de", "cancel"), variant="secondary", elem_id="sa-cancel-remove")
            manage_result = gr.HTML(elem_id="sa-manage-result")

    translations += [
        (heading, lambda lang: gr.update(value=f"## {t(lang, 'documents_heading')}")),
        (refresh, lambda lang: gr.update(value=t(lang, "refresh"))),
        (key, lambda lang: gr.update(label=t(lang, "editor_key"), info=t(lang, "editor_key_info"))),
        (upload_heading, lambda lang: gr.update(value=f"### {t(lang, 'upload_heading')}")),
        (files, lambda lang: gr.update(label=t(lang, "upload_files"))),
        (region, lambda lang: gr.update(label=t(lang, "upload_region"))),
        (doc_type, lambda lang: gr.update(label=t(lang, "upload_type"))),
        (upload, lambda lang: gr.update(value=t(lang, "upload_button"))),
        (manage_heading, lambda lang: gr.update(value=f"### {t(lang, 'manage_heading')}")),
        (document, lambda lang: gr.update(label=t(lang, "manage_document"))),
        (replacement, lambda lang: gr.update(label=t(lang, "replace_file"))),
        (replace, lambda lang: gr.update(value=t(lang, "replace_button"))),
        (remove, lambda lang: gr.update(value=t(lang, "remove_button"))),
        (confirm, lambda lang: gr.update(value=t(lang, "confirm_remove"))),
        (cancel, lambda lang: gr.update(value=t(lang, "cancel"))),
    ]

    def editor(key_value: str | None) -> bool:
        return keys.allows(key_value, Role.editor)

    # Gradio finds the progress tracker by this default value.
    def do_upload(paths, region_value, type_value, key_value, lang, progress=gr.Progress()):  # noqa: B008
        if not editor(key_value):
            return notice_html(t(lang, "key_missing")), gr.update()
        paths = [p for p in (paths or []) if p]
        if not paths:
            return notice_html(t(lang, "no_files")), gr.update()
        try:
            check_count(len(paths), options)
            uploads = [_read(Path(p), options) for p in paths]
            metadata = {k: v.strip() for k, v in {"region": region_value, "document_type": type_value}.items() if v and v.strip()}

            current = {"name": ""}

            def report(index: int, filename: str) -> None:
                current["name"] = filename
                progress((index, len(uploads)), desc=filename)

            def pages(stage: Stage, page: int, total: int) -> None:
                # The bar follows the pages of the current file: a single 100-page PDF moves too.
                where = t(lang, f"page_progress_{stage}", page=page, pages=total)
                progress((page, total), desc=f"{current['name']} · {where}")

            results = ingest_uploads(container.documents, uploads, metadata, report, pages)
        except ApiError as exc:
            return notice_html(exc.message), gr.update()
        except Exception:
            log.exception("upload from the web UI failed")
            return notice_html(t(lang, "internal_error"), "error"), gr.update()
        finally:
            _discard(paths)
        return upload_results_html(results, lang), gr.update(value=None)

    def do_replace(document_id, path, key_value, lang):
        if not editor(key_value):
            return notice_html(t(lang, "key_missing")), gr.update()
        if not document_id:
            return notice_html(t(lang, "choose_document")), gr.update()
        if not path:
            return notice_html(t(lang, "choose_file")), gr.update()
        try:
            result = replace_document(container.documents, document_id, _read(Path(path), options), {})
        except ApiError as exc:
            return notice_html(exc.message), gr.update()
        except DocumentNotFound:
            return notice_html(t(lang, "unknown_document")), gr.update()
        except Exception:
            log.exception("replacing %s from the web UI failed", document_id)
            return notice_html(t(lang, "internal_error"), "error"), gr.update()
        finally:
            _discard([path])
        return upload_results_html([result], lang), gr.update(value=None)

    def ask_remove(document_id, key_value, lang):
        if not editor(key_value):
            return gr.update(visible=False), "", notice_html(t(lang, "key_missing"))
        if not document_id:
            return gr.update(visible=False), "", notice_html(t(lang, "choose_document"))
        title = _title(container, document_id)
        if title is None:
            return gr.update(visible=False), "", notice_html(t(lang, "unknown_document"))
        return gr.update(visible=True), notice_html(t(lang, "confirm_question", title=title), "confirm"), ""

    def do_remove(document_id, key_value, lang):
        if not editor(key_value):
            return gr.update(visible=False), notice_html(t(lang, "key_missing"))
        title = _title(container, document_id) if document_id else None
        try:
            container.documents.remove(document_id or "")
        except DocumentNotFound:
            return gr.update(visible=False), notice_html(t(lang, "unknown_document"))
        except Exception:
            log.exception("removing %s from the web UI failed", document_id)
            return gr.update(visible=False), notice_html(t(lang, "internal_error"), "error")
        return gr.update(visible=False), notice_html(t(lang, "removed", title=title or document_id), "success")

    def wire(refresh_fn: Callable[..., Any], refresh_outputs: list[Any]) -> None:
        """Connects the actions; after every change the table and all document pickers refresh."""
        refresh.click(refresh_fn, [language], refresh_outputs, api_visibility="private")
        upload.click(
            do_upload, [files, region, doc_type, key, language], [upload_result, files], api_visibility="private"
        ).then(refresh_fn, [language], refresh_outputs, api_visibility="private")
        replace.click(
            do_replace, [document, replacement, key, language], [manage_result, replacement], api_visibility="private"
        ).then(refresh_fn, [language], refresh_outputs, api_visibility="private")
        remove.click(ask_remove, [document, key, language], [confirm_box, confirm_text, manage_result], api_visibility="private")
        cancel.click(lambda: gr.update(visible=False), None, [confirm_box], api_visibility="private")
        confirm.click(do_remove, [document, key, language], [confirm_box, manage_result], api_visibility="private").then(
            refresh_fn, [language], refresh_outputs, api_visibility="private"
        )

    return DocumentsTab(table=table, document=document), wire


def _read(path: Path, options: ServerOptions) -> Upload:
    name = accepted_name(path.name, path.stat().st_size, options)
    return Upload(filename=name, data=path.read_bytes())


def _discard(paths: list[str]) -> None:
    # Uploaded copies sit in Gradio's cache; once stored (or refused) they are not needed there.
    for path in paths:
        try:
            Path(path).unlink(missing_ok=True)
        except OSError:
            pass


def _title(container: Container, document_id: str) -> str | None:
    try:
        return container.documents.get_document(document_id).title
    except DocumentNotFound:
        return None


def _when(iso: str) -> str:
    return iso.replace("T", " ")[:16] if iso else ""
