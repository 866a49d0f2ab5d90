"""The one catalogue of user-facing fixed texts (answers, CLI, API, web UI): German first, English
available. ``{name}`` placeholders are filled by ``text(key, language, name=…)``."""

from __future__ import annotations

from assistant.language import Language

TEXTS: dict[str, dict[Language, str]] = {
    # ---------------------------------------------------------------- answers (all clients)
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
    "related_sources": {
        "de": "Verwandte Fundstellen – keine Antwort auf die Frage",
        "en": "Related passages – not an answer to the question",
    },
    "section": {"de": "Abschnitt", "en": "Section"},
    "page": {"de": "Seite", "en": "Page"},
    "pages": {"de": "Seiten", "en": "Pages"},
    # Progress of a long ingestion, per page of the current file
    "page_progress_reading": {"de": "Seite {page}/{pages} gelesen", "en": "page {page}/{pages} read"},
    "page_progress_embedding": {"de": "Seite {page}/{pages} eingebettet", "en": "page {page}/{pages} embedded"},
    # Declines that say what is missing (the extractive answerer; {x} are filled in)
    "missing_mention": {
        "de": "Die Dokumente erwähnen {names} nicht.",
        "en": "The documents do not mention {names}.",
    },
    "missing_typed": {
        "de": "Die Dokumente nennen {kind} zu {words}.",
        "en": "The documents give {kind} for {words}.",
    },
    "missing_typed_plain": {
        "de": "Die Dokumente nennen {kind} dazu.",
        "en": "The documents give {kind} for this.",
    },
    "missing_words": {
        "de": "Die Dokumente enthalten keine Angaben zu {words}.",
        "en": "The documents contain no information on {words}.",
    },
    "kind_amount": {"de": "keinen Betrag", "en": "no amount"},
    "kind_number": {"de": "keine Zahl", "en": "no figure"},
    "kind_date": {"de": "kein Datum", "en": "no date"},
    "kind_who": {"de": "keine Person oder Organisation", "en": "no person or organisation"},
    "kind_place": {"de": "keinen Ort", "en": "no place"},
    "kind_reason": {"de": "keinen Grund", "en": "no reason"},
    "related_heading": {
        "de": "Verwandte Fundstellen (sie beantworten die Frage nicht):",
        "en": "Related passages (they do not answer the question):",
    },
    "part_lead": {"de": "Zu {part}:", "en": "On {part}:"},
    "part_missing": {
        "de": "Zu {part} enthalten die Dokumente keine Angaben.",
        "en": "The documents contain no information on {part}.",
    },
    "quote_open": {"de": "„", "en": "“"},
    "quote_close": {"de": "“", "en": "”"},
    "and": {"de": "und", "en": "and"},
    # ---------------------------------------------------------------- web UI
    "page_title": {"de": "Strategie-Assistent", "en": "Strategy Assistant"},
    "tagline": {
        "de": "Fragen an Strategiedokumente zur Gesundheitsinnovation – jede Antwort wörtlich belegt, mit Quellen.",
        "en": "Questions about health-innovation strategy documents – every answer quoted verbatim, with sources.",
    },
    "tab_chat": {"de": "Fragen", "en": "Ask"},
    "tab_documents": {"de": "Dokumente", "en": "Documents"},
    "tab_reports": {"de": "Zusammenfassen & vergleichen", "en": "Summarise & compare"},
    "conversations_heading": {"de": "Gespräche", "en": "Conversations"},
    "conversation_new": {"de": "Neues Gespräch", "en": "New conversation"},
    "conversation_untitled": {"de": "Neues Gespräch", "en": "New conversation"},
    "conversation_title": {"de": "Titel des Gesprächs", "en": "Conversation title"},
    "conversation_rename": {"de": "Umbenennen", "en": "Rename"},
    "conversation_delete": {"de": "Gespräch löschen", "en": "Delete conversation"},
    "feedback_comment": {
        "de": "Kommentar zur Bewertung einer Antwort (optional, vor dem Klick auf Daumen hoch/runter eingeben)",
        "en": "Comment on rating an answer (optional, type it before clicking thumbs up/down)",
    },
    "feedback_thanks": {"de": "Danke für Ihre Bewertung.", "en": "Thank you for your rating."},
    # Short on purpose: a tab named "… Dokumenten" would also answer to the name "Dokumente".
    "tab_gaps": {"de": "Was fehlt?", "en": "What is missing?"},
    "gaps_heading": {"de": "Was fehlt in den Dokumenten?", "en": "What do the documents lack?"},
    "gaps_intro": {
        "de": "Abgelehnte und negativ bewertete Fragen, ähnliche zusammengefasst, häufigste zuerst (nur für Redaktionen).",
        "en": "Declined and down-voted questions, similar ones grouped, most frequent first (editors only).",
    },
    "gaps_load": {"de": "Bericht laden", "en": "Load report"},
    "gaps_csv": {"de": "Als CSV herunterladen", "en": "Download as CSV"},
    "gaps_editor_only": {"de": "Dafür ist ein Bearbeitungsschlüssel nötig.", "en": "An editor key is required."},
    "gaps_empty": {"de": "Keine offenen Fragen im Zeitraum.", "en": "No open questions in this period."},
    "gaps_columns": {
        "de": "Anzahl|Zuletzt gefragt|Beispiele|Abgelehnt|Negativ bewertet|Nächste Dokumente",
        "en": "Count|Last asked|Examples|Declined|Voted down|Closest documents",
    },
    "summary_section": {"de": "Ein Dokument zusammenfassen", "en": "Summarise a document"},
    "summary_length": {"de": "Umfang", "en": "Length"},
    "length_short": {"de": "kurz", "en": "short"},
    "length_long": {"de": "ausführlich", "en": "long"},
    "summary_button": {"de": "Zusammenfassen", "en": "Summarise"},
    "compare_section": {"de": "Dokumente vergleichen", "en": "Compare documents"},
    "compare_documents": {"de": "Dokumente (2 bis 4)", "en": "Documents (2 to 4)"},
    "compare_topic": {"de": "Thema", "en": "Topic"},
    "compare_button": {"de": "Vergleichen", "en": "Compare"},
    "download_docx": {"de": "Als Word-Datei (DOCX)", "en": "As a Word file (DOCX)"},
    "chat_label": {"de": "Unterhaltung", "en": "Conversation"},
    "placeholder": {
        "de": "Ihre Frage, z. B. „Welche Ziele verfolgt die Strategie Medizin in NRW?“",
        "en": "Your question, e.g. “What is the vision of the Cluster Medizin.NRW?”",
    },
    "empty_chat": {
        "de": "**Stellen Sie eine Frage** – oder wählen Sie ein Beispiel. Rückfragen beziehen sich auf das bisherige Gespräch.",
        "en": "**Ask a question** – or pick an example. Follow-up questions refer to the conversation so far.",
    },
    "filters_heading": {"de": "Suche eingrenzen", "en": "Narrow the search"},
    "filters_hint": {
        "de": "Ohne Auswahl wird in allen Dokumenten gesucht.",
        "en": "Without a selection all documents are searched.",
    },
    "filter_region": {"de": "Region", "en": "Region"},
    "filter_type": {"de": "Dokumenttyp", "en": "Document type"},
    "filter_document": {"de": "Dokument", "en": "Document"},
    "relevance": {"de": "Relevanz", "en": "Relevance"},
    "no_answer_hint": {
        "de": "Versuchen Sie eine andere Formulierung oder heben Sie Filter auf.",
        "en": "Try different wording or remove filters.",
    },
    "store_unavailable": {
        "de": "Der Dokumentenspeicher ist gerade nicht erreichbar. Bitte versuchen Sie es in einer Minute erneut.",
        "en": "The document store cannot be reached right now. Please try again in a minute.",
    },
    "chat_error": {
        "de": "Die Frage konnte nicht beantwortet werden. Bitte versuchen Sie es erneut.",
        "en": "The question could not be answered. Please try again.",
    },
    # Documents tab
    "documents_heading": {"de": "Aufgenommene Dokumente", "en": "Ingested documents"},
    "refresh": {"de": "Aktualisieren", "en": "Refresh"},
    "editor_key": {"de": "Bearbeitungsschlüssel", "en": "Editor key"},
    "editor_key_info": {
        "de": "Zum Hochladen, Ersetzen und Entfernen ist ein Bearbeitungsschlüssel nötig.",
        "en": "Uploading, replacing and removing documents needs an editor key.",
    },
    "key_missing": {
        "de": "Bitte einen gültigen Bearbeitungsschlüssel eingeben.",
        "en": "Please enter a valid editor key.",
    },
    "upload_heading": {"de": "Dokumente hochladen", "en": "Upload documents"},
    "upload_files": {"de": "Dateien (txt, md, html, pdf, docx)", "en": "Files (txt, md, html, pdf, docx)"},
    "upload_region": {"de": "Region (optional)", "en": "Region (optional)"},
    "upload_type": {"de": "Dokumenttyp (optional)", "en": "Document type (optional)"},
    "upload_button": {"de": "Hochladen", "en": "Upload"},
    "no_files": {"de": "Bitte zuerst Dateien auswählen.", "en": "Please choose files first."},
    "manage_heading": {"de": "Dokument ersetzen oder entfernen", "en": "Replace or remove a document"},
    "manage_document": {"de": "Dokument", "en": "Document"},
    "replace_file": {"de": "Neue Fassung (eine Datei)", "en": "New version (one file)"},
    "replace_button": {"de": "Ersetzen", "en": "Replace"},
    "remove_button": {"de": "Entfernen …", "en": "Remove …"},
    "confirm_remove": {"de": "Endgültig entfernen", "en": "Remove permanently"},
    "cancel": {"de": "Abbrechen", "en": "Cancel"},
    "confirm_question": {
        "de": "„{title}“ wirklich entfernen? Das Dokument und alle seine Abschnitte werden gelöscht.",
        "en": "Really remove “{title}”? The document and all its passages will be deleted.",
    },
    "choose_document": {"de": "Bitte zuerst ein Dokument auswählen.", "en": "Please choose a document first."},
    "choose_file": {"de": "Bitte eine Datei für die neue Fassung auswählen.", "en": "Please choose a file for the new version."},
    "removed": {"de": "„{title}“ wurde entfernt.", "en": "“{title}” was removed."},
    "unknown_document": {"de": "Dieses Dokument gibt es nicht mehr.", "en": "This document no longer exists."},
    "original_missing": {
        "de": "Zum Dokument „{id}“ ist keine Originaldatei gespeichert; erneut hochladen, um sie abzulegen.",
        "en": "No original file is stored for document “{id}”; upload it again to store it.",
    },
    "internal_error": {
        "de": "Interner Fehler; Details stehen im Server-Protokoll.",
        "en": "Internal error; details are in the server log.",
    },
    "col_title": {"de": "Titel", "en": "Title"},
    "col_type": {"de": "Typ", "en": "Type"},
    "col_region": {"de": "Region", "en": "Region"},
    "col_chunks": {"de": "Abschnitte", "en": "Passages"},
    "col_added": {"de": "Geändert", "en": "Changed"},
    "col_id": {"de": "ID", "en": "ID"},
    "status_added": {"de": "hinzugefügt", "en": "added"},
    "status_updated": {"de": "aktualisiert", "en": "updated"},
    "status_unchanged": {"de": "unverändert", "en": "unchanged"},
    "status_failed": {"de": "fehlgeschlagen", "en": "failed"},
    "passages": {"de": "{n} Abschnitte", "en": "{n} passages"},
    "passage": {"de": "1 Abschnitt", "en": "1 passage"},
    "footer": {
        "de": "Antworten sind wörtliche Zitate aus den aufgenommenen Dokumenten. "
        'Für Programme: <a href="/docs">HTTP-API</a> · <a href="?view=api">Gradio-API</a> · '
        '<a href="/barrierefreiheit">Erklärung zur Barrierefreiheit</a>',
        "en": "Answers are verbatim quotes from the ingested documents. "
        'For programs: <a href="/docs">HTTP API</a> · <a href="?view=api">Gradio API</a> · '
        '<a href="/barrierefreiheit#en">Accessibility statement</a>',
    },
    "empty_question": {
        "de": "Bitte stellen Sie eine Frage.",
        "en": "Please ask a question.",
    },
    # ---------------------------------------------------------------- MCP tools (readable text)
    "no_passages": {"de": "Keine Fundstellen.", "en": "No passages found."},
    "no_documents": {"de": "Keine Dokumente aufgenommen.", "en": "No documents ingested."},
    # ---------------------------------------------------------------- summaries, comparisons, export
    "aspect_overview": {"de": "Worum es geht", "en": "What it is about"},
    "aspect_aims": {"de": "Ziele", "en": "Aims"},
    "aspect_measures": {"de": "Maßnahmen", "en": "Measures"},
    "aspect_actors": {"de": "Akteure", "en": "Actors"},
    "aspect_figures": {"de": "Zahlen", "en": "Figures"},
    "aspect_deadlines": {"de": "Termine und Fristen", "en": "Dates and deadlines"},
    "aspect_context": {"de": "Weiterer Inhalt", "en": "Further content"},
    "summary_heading": {"de": "Zusammenfassung: {title}", "en": "Summary: {title}"},
    "summary_profile_type": {"de": "Dokumenttyp", "en": "Document type"},
    "summary_profile_region": {"de": "Region", "en": "Region"},
    "summary_profile_publisher": {"de": "Herausgeber/Träger (laut Text)", "en": "Publisher/organisation (per text)"},
    "summary_profile_date": {"de": "Datum (laut Text)", "en": "Date (per text)"},
    "summary_profile_source": {"de": "Quelle", "en": "Source"},
    "summary_empty": {
        "de": "Das Dokument enthält keine zitierbaren Sätze.",
        "en": "The document holds no quotable sentences.",
    },
    "comparison_heading": {"de": "Vergleich zu {topic}", "en": "Comparison on {topic}"},
    "comparison_aspect": {"de": "Aspekt", "en": "Aspect"},
    "not_stated": {"de": "keine Angaben", "en": "not stated"},
    "comparison_silent": {
        "de": "{title} enthält keine Angaben zu {topic}.",
        "en": "{title} contains no information on {topic}.",
    },
    "answer_heading": {"de": "Antwort", "en": "Answer"},
    "question_label": {"de": "Frage", "en": "Question"},
    # ---------------------------------------------------------------- source viewer, "Gesucht in"
    "open_source": {"de": "Im Original ansehen", "en": "View in the original"},
    "source_page_title": {"de": "Fundstelle: {title}", "en": "Source: {title}"},
    "source_download": {"de": "Originaldatei herunterladen ({name})", "en": "Download the original file ({name})"},
    "source_page_alt": {
        "de": "Seite {page} von „{title}“; die zitierte Stelle ist gelb markiert.",
        "en": "Page {page} of “{title}”; the cited passage is marked in yellow.",
    },
    "source_page_caption": {"de": "Seite {page}", "en": "Page {page}"},
    "source_page_text": {"de": "Text dieser Seite (zum Vorlesen und Kopieren)", "en": "Text of this page (for screen readers and copying)"},
    "source_not_located": {
        "de": "Die zitierte Stelle wurde im Dokument nicht vollständig gefunden; markiert ist nur, was gefunden wurde.",
        "en": "The cited passage was not fully found in the document; only what was found is marked.",
    },
    "source_quote": {"de": "Zitiert", "en": "Quoted"},
    "source_unavailable": {"de": "Diese Fundstelle gibt es nicht (mehr).", "en": "This passage does not exist (any more)."},
    "source_login": {
        "de": "Bitte zuerst im Assistenten anmelden (please sign in to the assistant first).",
        "en": "Please sign in to the assistant first.",
    },
    "searched_in": {"de": "Gesucht in: {names}", "en": "Searched in: {names}"},
    "searched_in_nothing": {
        "de": "In {names} steht dazu nichts; die übrigen Dokumente wurden nicht durchsucht.",
        "en": "{names} say nothing on this; the other documents were not searched.",
    },
}


def text(key: str, language: Language = "de", **values: str) -> str:
    entry = TEXTS[key]
    template = entry.get(language) or entry["de"]
    return template.format(**values) if values else template


def quoted(words: list[str] | tuple[str, ...], language: Language = "de") -> str:
    """„A“, „B“ und „C“ (German) or “A”, “B” and “C” (English)."""
    marks = [f"{text('quote_open', language)}{w}{text('quote_close', language)}" for w in words]
    if len(marks) <= 1:
        return "".join(marks)
    return f"{', '.join(marks[:-1])} {text('and', language)} {marks[-1]}"
