"""What a sentence of a strategy document is about: its aims, measures, actors, figures or dates.

Cue words for aims, measures and actors (the vocabulary of German strategy papers, with English
equivalents); figures and dates reuse the answerer's number/amount and date patterns, so that "14
Krankenhäuser" counts as a figure but "vom 6. November 2020" only as a date. A sentence may carry
several aspects. Used by the summary (which sentences to show under which heading) and the
comparison (which sentence fills which row).
"""

from __future__ import annotations

import re

from assistant.components.answerer.answer_types import typed_spans
from assistant.report_types import Aspect

ASPECTS: tuple[Aspect, ...] = ("aims", "measures", "actors", "figures", "deadlines")

_CUES: dict[str, re.Pattern[str]] = {
    "aims": re.compile(
        r"\b(?:ziel\w*|vision\w*|leitbild\w*|soll(?:en|te|ten)?|strebt|angestrebt\w*|führende\s+rolle|"
        r"zukunftsfähig\w*|verbesser\w*|weiterentwickel\w*|ausgebaut|stärk\w+|zum\s+ziel|"
        r"aim\w*|goal\w*|objective\w*|vision|should|intend\w*)\b",
        re.IGNORECASE,
    ),
    "measures": re.compile(
        r"\b(?:maßnahme\w*|handlungsempfehlung\w*|empfehlung\w*|projekt\w*|förder\w*|unterstütz\w*|"
        r"entwickel\w*|umsetz\w*|umgesetzt|ausgerollt|bietet|organisier\w*|einricht\w*|aufbau\w*|"
        r"programm\w*|plattform\w*|veranstaltung\w*|angegangen|arbeitsgruppe\w*|"
        r"measure\w*|project\w*|fund\w*|support\w*|implement\w*|programme\w*)\b",
        re.IGNORECASE,
    ),
    "actors": re.compile(
        r"\b(?:akteur\w*|cluster\w*|verbund\w*|ministeri\w*|landesregierung|landespolitik|behörde\w*|"
        r"koordinator\w*|expertinnen|experten|kliniken|klinik|krankenh[aä]us\w*|universit\w*|hochschule\w*|"
        r"unternehmen|gesellschaft|e\.\s?v\.|vorstand\w*|partner\w*|einrichtungen|"
        r"actor\w*|ministry|agency|hospital\w*|universit\w*|partner\w*)\b",
        re.IGNORECASE,
    ),
}


# The words that make a sentence *about* an aim or a measure, not just touching one ("verbessern").
_STRONG: dict[str, re.Pattern[str]] = {
    "aims": re.compile(r"\b(?:ziel\w*|vision\w*|leitbild\w*|aim\w*|goal\w*|objective\w*|vision)\b", re.IGNORECASE),
    "measures": re.compile(
        r"\b(?:maßnahme\w*|handlungsempfehlung\w*|projekt\w*|förder\w*|programm\w*|measure\w*|project\w*)\b",
        re.IGNORECASE,
    ),
}


def is_strong(text: str, aspect: str) -> bool:
    """The sentence names the aspect outright (only aims and measures have weaker cues)."""
    cue = _STRONG.get(aspect)
    return cue is None or bool(cue.search(text))


def aspects_of(text: str) -> set[Aspect]:
    """The aspects a sentence carries (possibly none)."""
    found: set[Aspect] = {a for a, cue in _CUES.items() if cue.search(text)}  # type: ignore[misc]
    if any(_is_figure(text[a:b]) for kind in ("amount", "number") for a, b in typed_spans(text, kind)):
        found.add("figures")
    if typed_spans(text, "date") or re.search(r"\b(?:frist\w*|deadline|bis\s+(?:ende|mitte|anfang))\b", text, re.I):
        found.add("deadlines")
    return found


def _is_figure(span: str) -> bool:
    """A count or amount worth a "figures" heading: "ein"/"eine" is an article, "beide" no figure."""
    words = span.lower().split()
    return any(ch.isdigit() for ch in span) or bool(words) and not words[0].startswith(("ein", "beid", "both", "one"))


_PUBLISHER = re.compile(
    r"\b(?:(?:Bundes|Landes|Staats)?[Mm]inisterium|Landesregierung|Senat(?:sverwaltung)?|Cluster|Landesagentur|"
    r"Agentur|Krankenhausgesellschaft|Kompetenzverbund|Institut|Stiftung|Bundesamt|Landesamt)"
    r"(?:\s+(?:für|der|des|und)\s+)?(?:\s*[A-ZÄÖÜ][\w.\-]*)+"
)


def publisher_in(text: str) -> str | None:
    """The first organisation named like a publisher ("Cluster Medizin.NRW", "Ministerium für …")."""
    match = _PUBLISHER.search(text)
    return match.group(0).strip().rstrip(".") if match else None


def date_in(text: str) -> str | None:
    spans = typed_spans(text, "date")
    return text[spans[0][0] : spans[0][1]] if spans else None
