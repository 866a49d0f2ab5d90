"""What kind of document a text names: "Verordnung", "Impfverordnung" and "ordinance" are all a
"verordnung"; "Referentenentwurf" and "draft" are an "entwurf".

Scope reads a question's kinds ("nach der Verordnung") and each document's (title, first heading);
the answerer reads a passage's title to quote a sentence that a draft repeats from its final text.
"""

from __future__ import annotations

import re

DRAFT = "entwurf"

# What a question calls a kind of document in English, as the German title word names it.
_ENGLISH_KINDS = {
    "ordinance": "verordnung", "regulation": "verordnung", "decree": "verordnung", "draft": DRAFT,
    "strategy": "strategie", "concept": "konzept", "report": "bericht", "guide": "anleitung",
    "instructions": "anleitung", "law": "gesetz", "act": "gesetz", "guideline": "leitfaden",
    "directive": "richtlinie", "specification": "spezifikation", "documentation": "dokumentation",
    "bulletin": "bulletin", "programme": "programm", "program": "programm", "paper": "papier",
}
_KIND = re.compile(
    r"(strategie|verordnung|konzept|bericht|papier|anleitung|gesetz|leitfaden|spezifikation|dokumentation|"
    r"bulletin|entwurf|richtlinie|programm)(?:s|es|en|n)?$", re.I
)
_WORD = re.compile(r"[\wÄÖÜäöüß]+(?:-[\wÄÖÜäöüß]+)*")


def kinds_in(text: str) -> set[str]:
    """The kinds of document ``text`` names."""
    kinds = set()
    for word in _WORD.findall(text):
        lower = word.lower().rsplit("-", 1)[-1]
        match = _KIND.search(lower)
        if match:
            kinds.add(match.group(1))
        elif lower in _ENGLISH_KINDS:
            kinds.add(_ENGLISH_KINDS[lower])
    return kinds


def is_draft(title: str) -> bool:
    return DRAFT in kinds_in(title)
