"""Near misses over real agency PDFs (``../shared/realdocs``): the documents are about the topic,
the asked fact is not in them, and the answer must say so. Run under both embedding backends, like
the answers over the shipped corpus; the full question set is scored by ``bench/answers.py``."""

from __future__ import annotations

import pytest

from assistant.components.embedding.component import load_encoder
from assistant.container import Container
from tests.conftest import SHARED_DIR, make_settings
from tests.integration.test_answers import body

pytestmark = pytest.mark.slow

REALDOCS = SHARED_DIR / "realdocs"
FILES = (
    "banz_coronaimpfv_2021-04-01.pdf",
    "rki_desh_anleitung_sequenzdaten_2021.pdf",
    "rki_epidbull_2020-17_nowcasting.pdf",
    "bkg_vg250_dokumentation_2022.pdf",
)


@pytest.fixture(scope="module", params=["onnx", "onnx-int8"])
def realdocs(request, tmp_path_factory, encoder):
    settings = make_settings(tmp_path_factory.mktemp(f"realdocs-{request.param}"), embedding_backend=request.param)
    container = Container(settings, encoder=load_encoder(settings), scorer=encoder)
    report = container.documents.ingest_paths([REALDOCS / name for name in FILES])
    assert not report.failed, report.failed
    return container


@pytest.mark.parametrize(
    "question",
    [
        # "Impfstoffe", "Impfzentren" and "6. November 2020" are in the ordinance; a number of doses is not
        "Wie viele Impfdosen hat der Bund nach der Coronavirus-Impfverordnung insgesamt beschafft?",
        # the bulletin counts cases ("123.016 SARS-CoV-2-Fälle"), not deaths
        "Wie viele Todesfälle im Zusammenhang mit SARS-CoV-2 waren zum Datenstand 13.4.2020 an das RKI übermittelt?",
        # the guide says which files ("eine FASTA- und eine CSV-Datei"), not how large
        "Welche maximale Dateigröße ist pro Upload auf der DESH-Plattform erlaubt?",
        "Welches Bußgeld droht einer Arztpraxis, die gegen die Impfreihenfolge der CoronaImpfV verstößt?",
        # the documentation describes the Gemeinde level and its key ("6. – 9. Stelle"), never how many
        "Wie viele Gemeinden enthält der Datensatz VG250 zum Stand 31.12.2022?",
        # "in einer Regionalsprache" is an article, not a count of the Gemeinden
        "Wie viele Gemeinden führen in VG250 einen Namen in einer Minderheitensprache?",
        # the ordinance prices a counselling ("einmalig 10 Euro"); a number of counsellings it never gives
        "Wie viele Impfberatungen wurden nach der Coronavirus-Impfverordnung abgerechnet?",
    ],
)
def test_a_near_miss_over_real_documents_is_declined(realdocs, question):
    answer = realdocs.chat.ask(question)

    assert not answer.answered, answer.answer
    assert body(answer).startswith(("Die Dokumente", "Dazu enthalten die Dokumente")), answer.answer


def test_an_ordinance_whose_pdf_title_is_its_publisher_is_named_by_its_short_title(realdocs):
    # The PDF's metadata title is "Bundesministerium für Gesundheit"; its first lines say
    # "(Coronavirus-Impfverordnung – CoronaImpfV)".
    scope = realdocs.scopes.scope_of("Wie hoch ist die Vergütung je Impfung nach der CoronaImpfV?")

    assert scope is not None and scope.document_ids == ["banz-coronaimpfv-2021-04-01"], scope


def test_the_number_that_is_there_is_answered(realdocs):
    answer = realdocs.chat.ask("Wie viele SARS-CoV-2-Fälle lagen dem RKI zum Datenstand 13.4.2020 vor?")

    assert answer.answered, answer.answer
    assert "123.016" in answer.answer


def test_a_reference_list_answers_nothing(realdocs):
    """The bulletin's "Literatur" entries carry years and page numbers ("Biometrics 2014;70(4)"):
    they are the document's sources, not its statements, and never the answer to "wann"."""
    answer = realdocs.chat.ask("Wann wurde das Bayesian Nowcasting beim STEC-O104-Ausbruch veröffentlicht?")

    cited_sections = [c.section or "" for c in answer.citations if answer.answered]
    assert not any(s.rsplit("›", 1)[-1].strip().startswith("Literatur") for s in cited_sections), answer.answer


def test_a_value_in_a_pdf_table_is_answered_by_quoting_its_row_with_caption(realdocs):
    # Tab. 1 of the bulletin (page 6): "23. März | Bundesweit umfangreiches Kontaktverbot".
    answer = realdocs.chat.ask("Ab wann galt das bundesweit umfangreiche Kontaktverbot?")

    assert answer.answered, answer.answer
    assert "Start der Maßnahme: 23. März · Maßnahme: Bundesweit umfangreiches Kontaktverbot" in answer.answer
    assert "Tab. 1 | Start von Maßnahmen zur Eindämmung" in answer.answer
    # the citation carries the row as a table too, for the UI and API clients
    rows = [(r.caption or "", [(c.header, c.value) for c in r.cells]) for c in answer.citations for r in c.table_rows]
    assert any(
        caption.startswith("Tab. 1 | Start von Maßnahmen")
        and cells == [("Start der Maßnahme", "23. März"), ("Maßnahme", "Bundesweit umfangreiches Kontaktverbot")]
        for caption, cells in rows
    ), rows


@pytest.mark.parametrize(
    ("question", "section", "expected"),
    [
        # §§ 2, 3 and 4 open alike ("Folgende Personen haben mit … Priorität Anspruch"): the § decides
        ("Welche Personen haben nach § 3 Anspruch auf Schutzimpfung?", "§ 3 Abs. 1", "70. Lebensjahr vollendet"),
        ("Welche Personen haben nach § 4 Anspruch auf Schutzimpfung?", "§ 4 Abs. 1", "60. Lebensjahr vollendet"),
        # "Welche Kosten sind … ausgeschlossen" asks which costs (a list), not an amount
        (
            "Welche Kosten sind nach § 10 Absatz 3 von der Erstattung der Impfzentrumskosten ausgeschlossen?",
            "§ 10 Abs. 3",
            "gesondertes Einladungsmanagement",
        ),
    ],
)
def test_a_question_naming_a_section_of_the_law_is_answered_from_that_section(realdocs, question, section, expected):
    answer = realdocs.chat.ask(question)

    assert answer.answered, answer.answer
    assert answer.citations[0].legal.startswith(section), [c.legal for c in answer.citations]
    assert expected in answer.answer, answer.answer


def test_an_enumeration_cut_by_a_chunk_boundary_is_quoted_whole(realdocs):
    # § 4 (1) lists nine Nummern; the chunk holding the lead-in ends inside Nr. 4 ("b) …").
    answer = realdocs.chat.ask("Wer gehört nach § 4 der Verordnung zu den Personen mit erhöhter Priorität?")

    assert answer.answered, answer.answer
    text = answer.answer
    assert text.index("Folgende Personen haben mit erhöhter Priorität") < text.index("d) die als Wahlhelfer tätig sind")
    assert "9. sonstige Personen" in text and "Lebensmitteleinzelhandel" in text, text
    assert [c.legal for c in answer.citations[:2]] == ["§ 4 Abs. 1", "§ 4 Abs. 1 Nr. 4 Buchst. c"]


def test_a_value_list_without_header_is_found_by_its_field_name(realdocs):
    # DESH page 4: the SEQ_TYPE value set is a table without header row; its rows are named by the
    # field ("SEQ_TYPE: Verwendete Sequenzierungs-Plattform – ILLUMINA · Illumina is …").
    question = "Welche Sequenzierplattformen können im DESH-Feld SEQ_TYPE angegeben werden?"
    retrieval = realdocs.retrieval.retrieve(question, 5)
    top = [passage.chunk.text for passage in retrieval.passages]
    assert any("SEQ_TYPE: Verwendete Sequenzierungs-Plattform – ILLUMINA · " in text for text in top), top
    answer = realdocs.chat.ask(question)
    assert answer.answered, answer.answer
    # The answer quotes rows of the value set (which ones is the answerer's choice), never a value as a label.
    assert "SEQ_TYPE: Verwendete Sequenzierungs-Plattform – " in answer.answer, answer.answer
    platforms = ("LS454", "ILLUMINA", "PACBIO_SMRT", "ION_TORRENT", "CAPILLARY", "OXFORD_NANOPORE", "BGISEQ", "DNBSEQ")
    assert any(platform in answer.answer for platform in platforms), answer.answer
    assert "LS454: " not in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "Welche Sequenzierplattformen können im DESH-Feld SEQ_TYPE angegeben werden?",
        "Which sequencing platforms can be given in the SEQ_TYPE field?",
    ],
)
def test_a_value_list_is_quoted_whole_across_a_chunk_boundary_in_document_order(realdocs, question):
    # The SEQ_TYPE value set (DESH page 4) has nine lines; the chunk boundary falls after ION_TORRENT.
    answer = realdocs.chat.ask(question)

    assert answer.answered, answer.answer
    platforms = ("LS454", "ILLUMINA", "PACBIO_SMRT", "ION_TORRENT", "CAPILLARY", "OXFORD_NANOPORE", "BGISEQ", "DNBSEQ", "OTHER")
    where = [answer.answer.find(f"Sequenzierungs-Plattform – {platform}") for platform in platforms]
    assert -1 not in where and where == sorted(where), answer.answer
    assert len({c.chunk_id for c in answer.citations}) == 2 and all(c.document_id.startswith("rki-desh") for c in answer.citations)


def test_a_list_of_something_else_is_not_quoted_whole(realdocs):
    # The best line for the languages is a row of the Geopackage's table of contents ("Übersicht der
    # Daten des Geopackage – vgtb_rgs_vg · Tabelle regionalsprachliche Namen …"): that list is not
    # what the question asks for, so its other rows (states, districts, …) stay out.
    answer = realdocs.chat.ask("Welche Regional- und Minderheitensprachen werden in VG250 unterschieden?")

    assert "vg250_sta" not in answer.answer and "vg250_krs" not in answer.answer, answer.answer
