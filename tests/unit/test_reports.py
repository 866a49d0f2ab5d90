"""The model-free parts of summaries, comparisons and export: aspect cues, naming a document in a
chat question, Markdown and DOCX rendering."""

from __future__ import annotations

import io

import docx

from assistant.services import export
from assistant.services.aspects import aspects_of, is_strong, publisher_in
from assistant.services.summaries import _ASKS_FOR_SUMMARY, named_document

DOCUMENTS = [
    ("strategie-medizin-nrw", "Strategie Medizin in NRW"),
    ("kompetenzverbund-bw", "Kompetenzverbund Qualitätsmedizin und Digitalisierung Baden-Württemberg"),
]


def test_aspects_come_from_cue_words_and_the_answer_type_patterns():
    assert aspects_of("Ziel ist eine erhebliche Verbesserung der Gesundheitsversorgung.") >= {"aims"}
    assert "figures" in aspects_of("In sechs Regionen haben sich insgesamt 14 Krankenhäuser zusammengeschlossen.")
    assert "deadlines" in aspects_of("Bis 2027 werden alle Gesundheitsämter angeschlossen.")
    # "eine" is an article, not a figure; a sentence without cues has no aspect.
    assert aspects_of("Eine Ausführliche Übersicht über den Ablauf findet sich hier.") == set()
    # Only an outright "Ziel"/"Vision" makes a sentence the summary's first choice for aims.
    assert is_strong("Die Vision des Clusters ist eine führende Rolle.", "aims")
    assert not is_strong("Die Versorgung soll verbessert werden.", "aims") and is_strong("14 Kliniken", "figures")
    assert publisher_in("Die Vision des Clusters Medizin.NRW ist es …") is None
    assert publisher_in("entwickelt das Cluster Medizin.NRW zusammen mit …") == "Cluster Medizin.NRW"


def test_a_summary_question_must_ask_for_one_and_name_exactly_one_document():
    assert _ASKS_FOR_SUMMARY.search("Worum geht es in der Strategie Medizin in NRW?")
    assert _ASKS_FOR_SUMMARY.search("Fasse das Dokument X zusammen")
    assert not _ASKS_FOR_SUMMARY.search("Wie viele Krankenhäuser gehören dazu?")
    assert named_document("Worum geht es in der Strategie Medizin in NRW?", DOCUMENTS) == "strategie-medizin-nrw"
    assert named_document("Fasse kompetenzverbund-bw zusammen", DOCUMENTS) == "kompetenzverbund-bw"
    assert named_document("Worum geht es in den Dokumenten?", DOCUMENTS) is None
    assert named_document("Worum geht es in NRW?", DOCUMENTS) is None  # one title word of three


REPORT = export.Report(
    title="Vergleich zu „Telemedizin“",
    body="| Aspekt | A | B |\n|---|---|---|\n| Ziele | keine Angaben | Satz [1] |",
    sources=[export.NumberedSource(1, "Dokument B", "Einleitung", 3, "Satz.")],
    table=[["Aspekt", "A", "B"], ["Ziele", "keine Angaben", "Satz [1]"]],
)


def test_markdown_lists_numbered_sources_with_section_page_and_quote():
    markdown = export.to_markdown(REPORT)
    assert markdown.startswith("# Vergleich zu „Telemedizin“")
    assert "## Quellen\n\n1. Dokument B – Abschnitt „Einleitung“, Seite 3\n   > Satz." in markdown


def test_docx_has_the_table_and_the_sources():
    document = docx.Document(io.BytesIO(export.to_docx(REPORT)))
    texts = [p.text for p in document.paragraphs]
    assert "[1] Dokument B – Abschnitt „Einleitung“, Seite 3" in texts and "Satz." in texts
    rows = [[c.text for c in row.cells] for row in document.tables[0].rows]
    assert rows == REPORT.table
    assert not any(t.startswith("|") for t in texts)  # the Markdown table is not repeated as text


def test_docx_drops_characters_xml_cannot_hold():
    report = export.Report(title="Vergleich zu „è\x14ö“", body="Frage \x00mit Steuerzeichen", sources=[])
    document = docx.Document(io.BytesIO(export.to_docx(report)))
    assert [p.text for p in document.paragraphs] == ["Vergleich zu „èö“", "Frage mit Steuerzeichen"]
