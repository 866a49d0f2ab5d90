"""A Markdown table in a chat answer (a comparison) as an HTML table, and its "## " heading.

The chat shows answers as escaped HTML, so Markdown is not interpreted there; a comparison's table
would show as pipes. Cells are escaped, and their [n] markers styled like the answer's.
"""

from __future__ import annotations

import html
import re

_MARKER = re.compile(r"\[(\d{1,3})\]")
_RULE = re.compile(r"^\|(?:\s*:?-+:?\s*\|)+\s*$")


def is_table(block: str) -> bool:
    lines = block.strip().splitlines()
    return len(lines) >= 2 and all(line.startswith("|") for line in lines) and bool(_RULE.match(lines[1]))


def table_html(block: str) -> str:
    lines = block.strip().splitlines()
    head, rows = _cells(lines[0]), [_cells(line) for line in lines[2:]]
    # Inline widths: the aspect column stays legible beside long quotes, whatever the theme's CSS.
    header = "".join(f'<th scope="col" style="text-align:left">{_cell(c)}</th>' for c in head)
    body = "".join(
        "<tr>" + f'<th scope="row" style="min-width:9em;text-align:left;vertical-align:top">{_cell(row[0])}</th>' + "".join(f'<td style="vertical-align:top">{_cell(c)}</td>' for c in row[1:]) + "</tr>"
        for row in rows
        if row
    )
    return f'<div class="sa-table-wrap"><table class="sa-table"><thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></div>'


def heading_html(block: str) -> str | None:
    match = re.match(r"^#{1,4}\s+(.+)$", block.strip())
    return f'<p class="sa-heading"><strong>{html.escape(match.group(1))}</strong></p>' if match else None


def _cells(line: str) -> list[str]:
    # "\|" is a pipe inside a cell (comparison.py escapes them).
    parts = re.split(r"(?<!\\)\|", line.strip().strip("|"))
    return [p.strip().replace("\\|", "|") for p in parts]


def _cell(text: str) -> str:
    return _MARKER.sub(r'<span class="sa-ref">[\1]</span>', html.escape(text))
