"""The web UI's language helpers and examples; its texts live in the one catalogue, ``assistant.i18n``."""

from __future__ import annotations

from typing import Literal

from assistant.i18n import text

UiLanguage = Literal["de", "en"]

LANGUAGE_CHOICES = [("Deutsch", "de"), ("English", "en")]


EXAMPLES: dict[UiLanguage, list[str]] = {
    "de": [
        "Welche Ziele verfolgt die Strategie Medizin in NRW?",
        "Wie viele Krankenhäuser sind im Kompetenzverbund zusammengeschlossen?",
        "Welche Zukunftsthemen stehen im Fokus des Kompetenzverbunds?",
    ],
    "en": [
        "What is the vision of the Cluster Medizin.NRW?",
        "What is the Kompetenzverbund Qualitätsmedizin und Digitalisierung?",
    ],
}

DOCUMENT_TYPES: dict[str, dict[UiLanguage, str]] = {
    "strategy_paper": {"de": "Strategiepapier", "en": "Strategy paper"},
    "network_description": {"de": "Netzwerkbeschreibung", "en": "Network description"},
    "report": {"de": "Bericht", "en": "Report"},
    "law": {"de": "Gesetz / Verordnung", "en": "Law / regulation"},
}


def t(language: str | None, key: str, **values: object) -> str:
    """A text of the one catalogue (``assistant.i18n``) for the UI's language setting."""
    return text(key, language_of(language), **{k: str(v) for k, v in values.items()})


def language_of(value: str | None) -> UiLanguage:
    return "en" if value == "en" else "de"


def document_type_label(value: str | None, language: str | None) -> str:
    if not value:
        return ""
    labels = DOCUMENT_TYPES.get(value)
    if labels:
        return labels[language_of(language)]
    return value.replace("_", " ").capitalize()
