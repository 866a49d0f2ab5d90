"""User-facing fixed texts, German first, English available."""

from __future__ import annotations

from assistant.language import Language

TEXTS: dict[str, dict[Language, str]] = {
    "no_answer": {
        "de": "Dazu enthalten die Dokumente keine Angaben.",
        "en": "The documents contain no information on this.",
    },
    "lead_single": {
        "de": "Laut dem Dokument:",
        "en": "According to the document (quoted in the original German):",
    },
    "lead_multi": {
        "de": "Laut den Dokumenten:",
        "en": "According to the documents (quoted in the original German):",
    },
    "sources": {"de": "Quellen", "en": "Sources"},
    "section": {"de": "Abschnitt", "en": "Section"},
    "page": {"de": "Seite", "en": "Page"},
    "empty_question": {
        "de": "Bitte stellen Sie eine Frage.",
        "en": "Please ask a question.",
    },
}


def text(key: str, language: Language = "de") -> str:
    entry = TEXTS[key]
    return entry.get(language) or entry["de"]
