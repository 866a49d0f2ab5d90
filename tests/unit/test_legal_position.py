"""Positions in a law ("§ 19 Abs. 1 Nr. 3"), tables of contents left out of PDF pages, page progress."""

from __future__ import annotations

from assistant.api.formatting import citation_label
from assistant.components.answerer.compose import citation
from assistant.models import Citation
from assistant.retrieval_types import Passage, StoredChunk
from ingest.legal import LegalPosition, legal_section, parse_label, position_in, quoted_position
from ingest.loaders import parse_document
from ingest.loaders.toc import furniture_lines
from tests.unit.pdf_fixtures import build_pdf

LAW = (
    "(1) Anspruch haben:\n1. Personen, die versichert sind,\n2. Personen, die hier wohnen, und zwar\n"
    "a) im Inland,\nb) im Ausland,\n3. Personen, die tätig sind.\n\n(2) Das Nähere regelt der Bund."
)


def test_legal_section_is_read_from_the_innermost_heading():
    assert legal_section("Verordnung › § 19 Übergangsvorschriften") == "§ 19"
    assert legal_section("Gesetz › Artikel 3 Inkrafttreten") == "Art. 3"
    assert legal_section("2 Systemüberblick") is None
    assert legal_section(None) is None


def test_position_follows_absatz_nummer_and_buchstabe_to_the_quoted_point():
    start = LegalPosition("§ 19")
    assert position_in(start, LAW).label() == "§ 19 Abs. 1"
    assert position_in(start, LAW, LAW.index("Personen, die tätig")).label() == "§ 19 Abs. 1 Nr. 3"
    assert position_in(start, LAW, LAW.index("im Ausland")).label() == "§ 19 Abs. 1 Nr. 2 Buchst. b"
    assert position_in(start, LAW, LAW.index("Das Nähere")).label() == "§ 19 Abs. 2"
    # A quote that opens an Absatz or an item stands in it.
    assert position_in(start, LAW, LAW.index("(2) Das")).label() == "§ 19 Abs. 2"
    assert position_in(start, LAW, LAW.index("3. Personen")).label() == "§ 19 Abs. 1 Nr. 3"


def test_a_chunk_starting_inside_a_list_takes_the_item_number():
    start = LegalPosition("§ 3", "1")
    assert position_in(start, "4. Personen, die pflegen,\n5. Personen, die helfen.").label() == "§ 3 Abs. 1 Nr. 4"


def test_labels_round_trip():
    for label in ("§ 19", "§ 19 Abs. 1", "§ 19 Abs. 1 Nr. 3", "§ 4 Abs. 2a Nr. 1 Buchst. c", "Art. 3 Abs. 2"):
        assert parse_label(label).label() == label
    assert parse_label("Seite 3") is None


def test_citation_label_shows_the_legal_position_and_a_page_range():
    citation = Citation(
        n=1, document_id="d", title="CoronaImpfV", section="§ 1 Anspruch", page=1, page_end=2,
        legal="§ 1 Abs. 1 Nr. 3", text="...", score=0.5,
    )
    assert citation_label(citation) == "CoronaImpfV – Abschnitt „§ 1 Anspruch“, § 1 Abs. 1 Nr. 3, Seiten 1–2"
    assert citation_label(citation, "en").endswith("§ 1 Abs. 1 Nr. 3, Pages 1–2")


def test_table_of_contents_lines_are_found_with_and_without_leaders():
    page = [
        "Inhaltsverzeichnis",
        "1 Einleitung ........................ 3",
        "2 Ziele und Maßnahmen der",
        "Landesregierung .................... 4",
        "2.1 Amtlicher Regionalschlüssel 6",
        "1 Einleitung",
        "Dieser Bericht beschreibt die Lage in Abschnitt 2.",
    ]
    assert furniture_lines([page]) == [{0, 1, 2, 3, 4}]


def test_a_laws_section_list_is_contents_but_its_first_section_is_not():
    page = ["eingefügt worden ist:", "Inhaltsübersicht", "§ 1 Anspruch", "§ 2 Priorität", "§ 1", "Anspruch",
            "(1) Personen haben Anspruch."]
    assert furniture_lines([page]) == [{1, 2, 3}]


def test_a_title_without_entries_is_an_ordinary_heading():
    page = ["Inhalt", "Die Verordnung regelt den Anspruch auf Schutzimpfung."]
    assert furniture_lines([page]) == [set()]


def test_a_run_of_chart_axis_figures_is_dropped_but_a_single_number_stays():
    page = ["Anzahl Fälle", "0", "2.000", "4.000", "Text danach.", "Summe", "42", "Ende."]
    assert furniture_lines([page]) == [{1, 2, 3}]


def test_a_citation_names_the_absatz_and_nummer_of_the_quoted_sentence():
    meta = {"document_id": "v", "title": "CoronaImpfV", "section": "§ 19 Übergangsvorschriften", "legal": "§ 19 Abs. 1",
            "page": 10, "page_end": 11}
    quoted = Passage(StoredChunk("v-1", LAW, meta, 0.8), 0.8, 0.8, 1.0)
    cited = citation(1, quoted, ["Personen, die tätig sind."])
    assert (cited.legal, cited.page, cited.page_end) == ("§ 19 Abs. 1 Nr. 3", 10, 11)
    assert citation(1, quoted, []).legal == "§ 19 Abs. 1"
    plain = Passage(StoredChunk("p-1", "Text.", {"page": 3, "page_end": 3}, 0.8), 0.8, 0.8, 1.0)
    assert (citation(1, plain, []).legal, citation(1, plain, []).page_end) == (None, None)


def test_the_pdf_loader_reports_every_page_it_reads():
    topics = ["Pflege", "Impfung", "Versorgung", "Forschung", "Digitalisierung"]
    pages = [[f"Das Kapitel über {topic} beschreibt die Lage.", f"Für {topic} gibt es Ziele."] for topic in topics]
    heard: list[tuple[int, int]] = []
    parse_document(build_pdf(pages), "fuenf.pdf", progress=lambda done, total: heard.append((done, total)))
    assert heard == [(n, 5) for n in range(1, 6)]
    heard.clear()
    parse_document(b"Nur Text, keine Seiten.", "text.txt", progress=lambda done, total: heard.append((done, total)))
    assert heard == []


def test_the_position_of_a_quote_is_moved_on_from_the_chunks_start():
    text = "(2) Die Vergütung beträgt 10 Euro.\n(3) Von der Erstattung ausgeschlossen sind:\n1. die Kosten A,\n2. die Kosten B."

    assert quoted_position("§ 10 Abs. 2", text, ["2. die Kosten B."]).label() == "§ 10 Abs. 3 Nr. 2"
    assert quoted_position("§ 10 Abs. 2", text, ["nicht im Text"]).label() == "§ 10 Abs. 2"
    assert quoted_position(None, text, ["2. die Kosten B."]) is None

