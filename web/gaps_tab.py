"""The editors' tab „Was fehlt in den Dokumenten?“: the gap report as a table and as a CSV file."""

from __future__ import annotations

import html
import tempfile
from datetime import datetime
from pathlib import Path

import gradio as gr

from assistant.api.auth import ApiKeys, Role
from assistant.container import Container
from web.render import notice_html
from web.texts import language_of, t


def build_gaps_tab(container: Container, keys: ApiKeys, language: gr.Radio, translations: list) -> None:
    intro = gr.Markdown(_intro("de"))
    key = gr.Textbox(label=t("de", "editor_key"), type="password", max_lines=1, elem_id="sa-gaps-key")
    load = gr.Button(t("de", "gaps_load"), variant="primary", elem_id="sa-gaps-load")
    message = gr.HTML(elem_id="sa-gaps-message")
    # A plain HTML table: real <th> headers for screen readers, and no editing widgets.
    table = gr.HTML(elem_id="sa-gaps-table")
    download = gr.DownloadButton(t("de", "gaps_csv"), visible=False, elem_id="sa-gaps-csv")
    translations += [
        (intro, lambda lang: gr.update(value=_intro(lang))),
        (key, lambda lang: gr.update(label=t(lang, "editor_key"))),
        (load, lambda lang: gr.update(value=t(lang, "gaps_load"))),
        (download, lambda lang: gr.update(label=t(lang, "gaps_csv"))),
    ]

    def show(key_value: str | None, lang: str):
        lang = language_of(lang)
        headers = t(lang, "gaps_columns").split("|")
        if not keys.allows(key_value, Role.editor):
            return notice_html(t(lang, "gaps_editor_only")), "", gr.update(visible=False)
        gaps = container.reports.gaps()
        rows = [
            [
                g["count"],
                _when(g["last_asked"], lang),
                " | ".join(g["examples"]),
                g["declined"],
                g["voted_down"],
                ", ".join(d["title"] for d in g["closest_documents"]),
            ]
            for g in gaps
        ]
        csv_path = Path(tempfile.mkdtemp(prefix="was-fehlt-")) / "was-fehlt.csv"
        csv_path.write_text(container.reports.gaps_csv(), encoding="utf-8")
        notice = "" if rows else notice_html(t(lang, "gaps_empty"), "info")
        return notice, _table(headers, rows), gr.update(value=str(csv_path), visible=True)

    load.click(show, [key, language], [message, table, download], api_visibility="private")


def _when(iso: str | None, language: str) -> str:
    """"2026-12-07T19:37:05.123Z" as a reader writes it: "07.12.2026, 19:37 UTC" / "2026-12-07 19:37 UTC"."""
    if not iso:
        return ""
    try:
        moment = datetime.fromisoformat(iso.removesuffix("Z"))
    except ValueError:
        return iso
    return moment.strftime("%d.%m.%Y, %H:%M UTC" if language == "de" else "%Y-%m-%d %H:%M UTC")


def _table(headers: list[str], rows: list[list[object]]) -> str:
    head = "".join(f'<th scope="col">{html.escape(h)}</th>' for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{html.escape(str(c or ''))}</td>" for c in row) + "</tr>" for row in rows)
    return f'<table class="sa-gaps"><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def _intro(language: str) -> str:
    return f"### {t(language, 'gaps_heading')}\n\n{t(language, 'gaps_intro')}"
