"""Which language a question is in, so fixed phrases follow the user (German by default)."""

from __future__ import annotations

import re
from typing import Literal

Language = Literal["de", "en"]

_WORD = re.compile(r"[a-zäöüß]+")
_GERMAN = frozenset(
    "der die das und ist sind wie was wer wo wann warum welche welcher welches wieviele viele "
    "nicht ein eine einen dem den des mit von für auf im in zu zum zur über unter auch sich "
    "werden wird wurde gibt es sie er wir ihr dort hier noch oder aber welchen gehört beteiligt".split()
)
_ENGLISH = frozenset(
    "the and is are what who where when why which how many much does do did of for on in to "
    "with about from by this that these those there it its be been has have an a at or not "
    "tell me please involved".split()
)


def detect_language(text: str, default: Language = "de") -> Language:
    lowered = text.lower()
    words = _WORD.findall(lowered)
    german = sum(w in _GERMAN for w in words)
    english = sum(w in _ENGLISH for w in words)
    # Umlauts only break ties: English questions name German places ("Baden-Württemberg").
    if re.search(r"[äöüß]", lowered):
        german += 0.5
    if english > german:
        return "en"
    if german > english:
        return "de"
    return default
