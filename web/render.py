"""HTML for chat answers and upload results.

Everything that comes from a document or a user (quotes, titles, sections, file names) is escaped
here, before it reaches the page: a document containing ``<script>`` must show as text. The
output has no blank lines, so the chat's Markdown renderer treats each message as one raw HTML
block and never reinterprets document text as Markdown.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Sequence

from assistant.api.formatting import citation_label
from assistant.models import Answer, Citation, FileResult
from ingest.tables import parse_row
from web.source_page import source_url
from web.tables import heading_html, is_table, table_html
from web.texts import language_of, t

_MARKER = re.compile(r"\[(\d{1,3})\]")


def answer_html(text: str, answer: Answer | None = None, language: str = "de", streaming: bool = False) -> str:
    """The (possibly partial) answer; with ``answer`` given, followed by its sources."""
    classes = "sa-answer" + (" sa-streaming" if streaming else "")
    if answer is not None and not answer.answered:
        classes += " sa-unanswered"
    body = _paragraphs(text, answer.highlights if answer is not None else ())
    if answer is not None and not answer.answered:
        body += f'<p class="sa-hint">{_e(t(language, "no_answer_hint"))}</p>'
    sources = ""
    if answer is not None:
        sources = sources_html(answer.citations, language) + sources_html(answer.related, language, "related_sources")
    return f'<div class="{classes}">{body}</div>{sources}'


def notice_html(message: str, kind: str = "warning") -> str:
    return f'<div class="sa-notice sa-notice-{_e(kind)}">{_e(message)}</div>'


def sources_html(citations: Sequence[Citation], language: str = "de", heading: str = "sources") -> str:
    if not citations:
        return ""
    lang = language_of(language)
    items = "".join(_source(c, lang) for c in citations)
    kind = "" if heading == "sources" else " sa-related"
    return f'<div class="sa-sources{kind}"><div class="sa-sources-title">{_e(t(lang, heading))}</div>{items}</div>'


def _source(citation: Citation, language: str) -> str:
    where = citation_label(citation, language)[len(citation.title) :].lstrip(" –")
    where_html = f'<span class="sa-where">{_e(where)}</span>' if where else ""
    relevance = f'{_e(t(language, "relevance"))} {citation.score:.2f}'
    return (
        f'<details class="sa-source">'
        f'<summary><span class="sa-n">{citation.n}</span>'
        f'<span class="sa-source-label"><span class="sa-title">{_e(citation.title)}</span>{where_html}</span></summary>'
        f'<div class="sa-passage">{passage_html(citation.text, citation.highlights)}</div>'
        f"{_open_link(citation, language)}"
        f'<div class="sa-meta">{relevance} · ID {_e(citation.document_id)}</div>'
        f"</details>"
    )


def _open_link(citation: Citation, language: str) -> str:
    """A real link (keyboard, new tab, shareable) to the passage in its original document."""
    if not citation.chunk_id:
        return ""
    url = source_url(citation.document_id, citation.chunk_id, citation.highlights, language)
    return f'<a class="sa-open" href="{_e(url)}" target="_blank" rel="noopener">{_e(t(language, "open_source"))}</a>'


def passage_html(text: str, highlights: Sequence[str]) -> str:
    """The passage with its table rows shown as a table again (caption, one header row, a row per
    rendered "Header: value · …" paragraph; the quoted row marked), the rest as highlighted text."""
    out: list[str] = []
    prose: list[str] = []
    table: list[tuple[str | None, list[tuple[str, str]], bool]] = []

    def flush_prose() -> None:
        if prose:
            out.append(highlighted("\n\n".join(prose), highlights))
            prose.clear()

    def flush_table() -> None:
        if table:
            out.append(_table(table))
            table.clear()

    for paragraph in re.split(r"\n{2,}", text):
        row = parse_row(paragraph.strip())
        if row is None:
            flush_table()
            prose.append(paragraph)
            continue
        flush_prose()
        caption, cells = row
        if table and (table[0][0] != caption or [h for h, _ in table[0][1]] != [h for h, _ in cells]):
            flush_table()
        table.append((caption, cells, any(h.strip() and h.strip() in paragraph for h in highlights)))
    flush_prose()
    flush_table()
    return "".join(out)


def _table(rows: list[tuple[str | None, list[tuple[str, str]], bool]]) -> str:
    caption, first, _ = rows[0]
    head = "".join(f'<th scope="col">{_e(h)}</th>' for h, _ in first) if any(h for h, _ in first) else ""
    body = "".join(_table_row(cells, cited) for _, cells, cited in rows)
    return (
        '<table class="sa-passage-table">'
        + (f"<caption>{_e(caption)}</caption>" if caption else "")
        + (f"<thead><tr>{head}</tr></thead>" if head else "")
        + f"<tbody>{body}</tbody></table>"
    )


def _table_row(cells: list[tuple[str, str]], cited: bool) -> str:
    values = [f"<mark>{_e(v)}</mark>" if cited else _e(v) for _, v in cells]
    attributes = ' class="sa-cited-row"' if cited else ""
    return f"<tr{attributes}>" + "".join(f"<td>{v}</td>" for v in values) + "</tr>"


def highlighted(text: str, highlights: Iterable[str]) -> str:
    """The passage, escaped, with the quoted sentences wrapped in ``<mark>``."""
    spans: list[tuple[int, int]] = []
    for sentence in highlights:
        sentence = sentence.strip()
        if not sentence:
            continue
        start = text.find(sentence)
        while start != -1:
            spans.append((start, start + len(sentence)))
            start = text.find(sentence, start + len(sentence))
    out: list[str] = []
    position = 0
    for start, end in _merge(spans):
        out.append(_e(text[position:start]))
        out.append(f"<mark>{_e(text[start:end])}</mark>")
        position = end
    out.append(_e(text[position:]))
    return _breaks("".join(out))


def upload_results_html(results: Sequence[FileResult], language: str = "de") -> str:
    rows = []
    for result in results:
        status = t(language, f"status_{result.status}")
        count = t(language, "passage") if result.chunks == 1 else t(language, "passages", n=result.chunks)
        detail = result.reason or " · ".join(([count] if result.chunks else []) + result.notes)
        rows.append(
            f'<li class="sa-result sa-result-{_e(result.status)}">'
            f'<span class="sa-result-status">{_e(status)}</span>'
            f'<span class="sa-result-file">{_e(result.filename)}</span>'
            f'<span class="sa-result-detail">{_e(detail)}</span></li>'
        )
    return f'<ul class="sa-results">{"".join(rows)}</ul>' if rows else ""


def _paragraphs(text: str, highlights: Iterable[str] = ()) -> str:
    blocks = [b for b in re.split(r"\n{2,}", text.strip()) if b.strip()]
    return "".join(_block(block, highlights) for block in blocks)


def _block(block: str, highlights: Iterable[str]) -> str:
    if is_table(block):  # a comparison
        return table_html(block)
    return heading_html(block) or f"<p>{_markers(_breaks(_bold(_e(block), highlights)))}</p>"


def _bold(escaped: str, highlights: Iterable[str]) -> str:
    """The answer-bearing phrases in bold, so the reader sees the answer at a glance."""
    phrases = sorted({_e(h) for h in highlights if h and h.strip()}, key=len, reverse=True)
    if not phrases:
        return escaped
    pattern = re.compile(r"(?<![\w\[])(?:" + "|".join(re.escape(p) for p in phrases) + r")(?![\w\]])")
    return pattern.sub(lambda m: f"<strong>{m.group(0)}</strong>", escaped)


def _markers(escaped: str) -> str:
    return _MARKER.sub(r'<span class="sa-ref">[\1]</span>', escaped)


def _breaks(escaped: str) -> str:
    return escaped.replace("\r", "").replace("\n", "<br>")


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
