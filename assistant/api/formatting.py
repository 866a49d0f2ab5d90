"""Plain-text renderings of an Answer shared by the SSE stream, the OpenAI endpoint and the UI."""

from __future__ import annotations

import re

from assistant.i18n import text
from assistant.language import Language
from assistant.models import Answer, Citation
from assistant.services.export import source_label

# A cut after every citation marker and at paragraph breaks; quotes end with their marker.
_CUT = re.compile(r"(?<=\])[ \t]+(?=\S)|\n{2,}")


def citation_label(citation: Citation, language: Language = "de") -> str:
    """``Titel – Abschnitt „…“, § 19 Abs. 1 Nr. 3, Seite 3``: where a quote stands, for people."""
    return source_label(
        citation.title, citation.section, citation.page, language, legal=citation.legal, page_end=citation.page_end
    )


def sources_block(answer: Answer, language: Language = "de") -> str:
    """``Quellen:`` followed by one numbered line per citation (``Verwandte Fundstellen:`` for the
    related passages of a decline); empty when nothing was cited."""
    blocks = []
    for key, citations in (("sources", answer.citations), ("related_sources", answer.related)):
        if citations:
            lines = [f"[{c.n}] {citation_label(c, language)}" for c in citations]
            blocks.append(f"{text(key, language)}:\n" + "\n".join(lines))
    return "\n\n".join(blocks)


def answer_with_sources(answer: Answer, language: Language = "de") -> str:
    sources = sources_block(answer, language)
    return f"{answer.answer}\n\n{sources}" if sources else answer.answer
