"""Tables of contents and chart axes: page furniture that a PDF's text layer reads as prose.

A table of contents repeats every heading with a page number. Indexed, its chunk matches every
question about any section while answering none, and its entries glue onto the text around them.
The lines of a chart's axes ("0", "1.500", "3.000") are figures without a statement. Both are found
per page, on bare lines, before structure detection sees them.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ingest.loaders.lines import ends_with_terminal, is_legal_heading

_TOC_TITLE = re.compile(
    r"^(?:inhalt|inhaltsverzeichnis|inhaltsübersicht|table of contents|contents|"
    r"tabellenverzeichnis|abbildungsverzeichnis)$",
    re.IGNORECASE,
)
# "1.1 Zielsetzung ........ 5": dotted (or ellipsis) leaders before the page number.
_LEADER_ENTRY = re.compile(r"(?:\.{4,}|…{2,}|(?:\. ){3,}|_{4,})\s*(\d{1,4})$")
# "2.1 Amtlicher Regionalschlüssel 6": a title followed by a page number, leaders drawn as a tab.
_PAGE_ENTRY = re.compile(r"^\S.*[^\W\d_)]\)?\s+(\d{1,3})$")
# A run of lines holding figures only ("0", "1.500", "09.03. 16.03.", "95 %"): the ticks of a chart.
_FIGURES_ONLY = re.compile(r"^[\d.,:;%/–\-+\s]+$")
_MIN_AXIS_RUN = 3
# Word's contents field pointing at a deleted bookmark prints this instead of the page number.
_BROKEN_FIELD = re.compile(r"(?:Fehler! Textmarke nicht definiert|Error! Bookmark not defined)\.$")


def furniture_lines(pages: Sequence[Sequence[str]]) -> list[set[int]]:
    """Per page, the positions of table-of-contents lines and chart axis labels (to be dropped).

    A contents block opens with its title ("Inhaltsverzeichnis", "Inhaltsübersicht") followed by an
    entry, or with a dotted-leader entry, and runs on while lines are entries (with leaders, ending in
    a non-decreasing page number, or a section of a law with its title), a wrapped entry's first line,
    or blank. It may continue on the next page.
    """
    dropped: list[set[int]] = []
    in_toc = False
    for lines in pages:
        found: set[int] = set()
        last_page = 0
        for index, line in enumerate(lines):
            if not line:
                continue
            following = _next_content(lines, index)
            entry = _entry_page(line, last_page if in_toc else None)
            if entry is not None and (in_toc or _LEADER_ENTRY.search(line)):
                found.add(index)
                in_toc, last_page = True, max(last_page, entry)
            elif _TOC_TITLE.match(line) and following is not None and _entry_page(following, 0) is not None:
                found.add(index)
                in_toc, last_page = True, 0
            elif in_toc and following is not None and _wraps_into_entry(line, following):
                found.add(index)
            else:
                in_toc = False
        found |= _axis_lines(lines)
        dropped.append(found)
    return dropped


def _entry_page(line: str, last_page: int | None) -> int | None:
    """The page number a contents entry points to (0 for a § entry without one), else None.

    ``last_page`` is the previous entry's page inside a contents block: page numbers never go back,
    so "... in Abschnitt 3" after an entry for page 7 is body text. None: outside a block, where only
    leaders count.
    """
    leader = _LEADER_ENTRY.search(line)
    if leader:
        return int(leader.group(1))
    if last_page is None:
        return None
    if _BROKEN_FIELD.search(line):
        return last_page
    plain = _PAGE_ENTRY.match(line)
    if plain and not ends_with_terminal(line[: plain.start(1)].rstrip()) and int(plain.group(1)) >= last_page:
        return int(plain.group(1))
    # "§ 3 Schutzimpfungen mit hoher Priorität": a law's contents lists its sections by title only.
    # The bare number "§ 1" opens the first section itself.
    if is_legal_heading(line) and len(line.split()) > 2:
        return last_page
    return None


def _wraps_into_entry(line: str, following: str) -> bool:
    """"6.1 TI-Messenger-Nutzer sucht ... Einträge" + "im VZD-FHIR-Directory ...... 26"."""
    return not ends_with_terminal(line) and _LEADER_ENTRY.search(following) is not None


def _next_content(lines: Sequence[str], index: int) -> str | None:
    return next((line for line in lines[index + 1 :] if line), None)


def _axis_lines(lines: Sequence[str]) -> set[int]:
    found: set[int] = set()
    run: list[int] = []
    for index, line in enumerate([*lines, "end"]):
        if line and _FIGURES_ONLY.match(line):
            run.append(index)
            continue
        if not line and run:
            continue  # blank lines inside the run
        if len(run) >= _MIN_AXIS_RUN:
            found.update(run)
        run = []
    return found
