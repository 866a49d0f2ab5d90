"""Answers, summaries and comparisons to take away: Markdown and DOCX, with numbered sources.

Every format carries the same content: the text with its [n] markers, then a numbered source list
giving each source's title, section, page and the quoted passage, so a printed copy can still be
checked against the documents. Comparisons become a real table in DOCX.
"""

from __future__ import annotations

import io
import re
from dataclasses import dataclass, field
from typing import Literal

from docx import Document
from docx.shared import Pt

from assistant.i18n import text as phrase
from assistant.language import Language
from assistant.models import Answer
from assistant.report_types import Comparison, Summary

ExportFormat = Literal["md", "docx"]
MEDIA_TYPES = {
    "md": "text/markdown; charset=utf-8",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


@dataclass(frozen=True)
class NumberedSource:
    n: int
    title: str
    section: str | None
    page: int | None
    quote: str


@dataclass(frozen=True)
class Report:
    """What any exported result consists of."""

    title: str
    body: str  # Markdown with [n] markers
    sources: list[NumberedSource]
    language: Language = "de"
    table: list[list[str]] = field(default_factory=list)  # header row first; DOCX draws it as a table
    filename: str = "export"


def source_label(
    title: str,
    section: str | None,
    page: int | None,
    language: Language = "de",
    *,
    legal: str | None = None,
    page_end: int | None = None,
) -> str:
    """``Titel – Abschnitt „…“, § 19 Abs. 1 Nr. 3, Seiten 3–4``: where a quote stands, for people."""
    where = []
    if section:
        where.append(f"{phrase('section', language)} {phrase('quote_open', language)}{section}{phrase('quote_close', language)}")
    if legal:
        where.append(legal)
    if page:
        where.append(f"{phrase('pages', language)} {page}–{page_end}" if page_end else f"{phrase('page', language)} {page}")
    return title + (" – " + ", ".join(where) if where else "")


def from_answer(answer: Answer, question: str, language: Language = "de") -> Report:
    sources = [
        NumberedSource(c.n, c.title, c.section, c.page, " … ".join(c.highlights) if c.highlights else c.text)
        for c in answer.citations + answer.related
    ]
    body = f"**{phrase('question_label', language)}:** {question}\n\n{answer.answer}"
    return Report(phrase("answer_heading", language), body, sources, language, filename="antwort")


def from_summary(summary: Summary) -> Report:
    sources = [NumberedSource(s.n, s.title, s.section, s.page, s.quote) for s in summary.sources]
    title, _, body = summary.text.partition("\n")
    return Report(
        title.lstrip("# ").strip(), body.strip(), sources, summary.language, filename=f"zusammenfassung-{summary.document_id}"
    )


def from_comparison(comparison: Comparison) -> Report:
    sources = [NumberedSource(s.n, s.title, s.section, s.page, s.quote) for s in comparison.sources]
    title, _, body = comparison.text.partition("\n")
    table = [[phrase("comparison_aspect", comparison.language), *(d.title for d in comparison.documents)]]
    table += [[row.label, *(c.text + (f" [{c.n}]" if c.n else "") for c in row.cells)] for row in comparison.rows]
    return Report(title.lstrip("# ").strip(), body.strip(), sources, comparison.language, table, filename="vergleich")


def to_markdown(report: Report) -> str:
    lines = [f"# {report.title}", "", report.body.strip(), ""]
    if report.sources:
        lines += [f"## {phrase('sources', report.language)}", ""]
        for s in report.sources:
            lines.append(f"{s.n}. {source_label(s.title, s.section, s.page, report.language)}")
            lines += [f"   > {line}" for line in s.quote.splitlines() if line.strip()]
    return "\n".join(lines).rstrip() + "\n"


_BOLD = re.compile(r"\*\*(.+?)\*\*")
# XML 1.0 forbids control characters other than tab and line breaks; a topic or question may hold them.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub("", text)


def to_docx(report: Report) -> bytes:
    report = _xml_safe_report(report)
    document = Document()
    document.add_heading(report.title, level=1)
    for block in _body_blocks(report):
        if block.startswith("### "):
            document.add_heading(block[4:].strip(), level=2)
            continue
        for line in block.splitlines():
            style = "List Bullet" if line.startswith("- ") else None
            _add_runs(document.add_paragraph(style=style), line[2:] if style else line)
    if report.table:
        table = document.add_table(rows=len(report.table), cols=len(report.table[0]))
        table.style = "Table Grid"
        for r, values in enumerate(report.table):
            for c, value in enumerate(values):
                cell = table.cell(r, c)
                cell.text = value
                if r == 0:
                    for run in cell.paragraphs[0].runs:
                        run.bold = True
    if report.sources:
        document.add_heading(phrase("sources", report.language), level=2)
        for s in report.sources:
            document.add_paragraph(f"[{s.n}] {source_label(s.title, s.section, s.page, report.language)}")
            quote = document.add_paragraph(style="Quote")
            quote.add_run(s.quote).font.size = Pt(10)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _xml_safe_report(report: Report) -> Report:
    return Report(
        title=xml_safe(report.title),
        body=xml_safe(report.body),
        sources=[
            NumberedSource(s.n, xml_safe(s.title), xml_safe(s.section or "") or None, s.page, xml_safe(s.quote))
            for s in report.sources
        ],
        language=report.language,
        table=[[xml_safe(v) for v in row] for row in report.table],
        filename=report.filename,
    )


def _body_blocks(report: Report) -> list[str]:
    """The body's paragraphs; a comparison's Markdown table is left out (DOCX draws a real one)."""
    blocks = [b.strip() for b in re.split(r"\n\s*\n", report.body) if b.strip()]
    if report.table:
        blocks = [b for b in blocks if not b.startswith("|")]
    return blocks


def _add_runs(paragraph, line: str) -> None:
    """``**bold**`` becomes a bold run; the rest is plain text."""
    position = 0
    for match in _BOLD.finditer(line):
        if match.start() > position:
            paragraph.add_run(line[position : match.start()])
        paragraph.add_run(match.group(1)).bold = True
        position = match.end()
    if position < len(line):
        paragraph.add_run(line[position:])


def render(report: Report, fmt: ExportFormat) -> bytes:
    # "replace": a lone surrogate (valid in JSON, not in UTF-8) in a question must not fail the download.
    return to_docx(report) if fmt == "docx" else to_markdown(report).encode("utf-8", "replace")
