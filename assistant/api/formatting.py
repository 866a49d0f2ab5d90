"""Plain-text renderings of an Answer shared by the SSE stream, the OpenAI endpoint and the UI."""

from __future__ import annotations

import re

from assistant.i18n import text
from assistant.language import Language
from assistant.models import Answer, Citation

# A cut after every citation marker and at paragraph breaks; quotes end with their marker.
_CUT = re.compile(r"(?<=\])[ \t]+(?=\S)|\n{2,}")


def answer_parts(answer_text: str) -> list[str]:
    """The answer split into quoted sentences (each with its marker), for progressive display.

    Joining the parts gives back the text exactly: separators stay attached to the part before.
    """
    parts: list[str] = []
    start = 0
    for match in _CUT.finditer(answer_text):
        parts.append(answer_text[start : match.end()])
        start = match.end()
    if start < len(answer_text):
        parts.append(answer_text[start:])
    return [p for p in parts if p] or [answer_text]


def citation_label(citation: Citation, language: Language = "de") -> str:
    """``Titel – Abschnitt „…“, Seite 3``: where a quote stands, for people."""
    where = []
    if citation.section:
        opening, closing = ("„", "“") if language == "de" else ("“", "”")
        where.append(f"{text('section', language)} {opening}{citation.section}{closing}")
    if citation.page:
        where.append(f"{text('page', language)} {citation.page}")
    return citation.title + (" – " + ", ".join(where) if where else "")


def sources_block(answer: Answer, language: Language = "de") -> str:
    """``Quellen:`` followed by one numbered line per citation; empty when nothing was cited."""
    if not answer.citations:
        return ""
    lines = [f"[{c.n}] {citation_label(c, language)}" for c in answer.citations]
    return f"{text('sources', language)}:\n" + "\n".join(lines)


def answer_with_sources(answer: Answer, language: Language = "de") -> str:
    sources = sources_block(answer, language)
    return f"{answer.answer}\n\n{sources}" if sources else answer.answer
