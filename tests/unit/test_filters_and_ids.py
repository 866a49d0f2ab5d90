import pytest

from assistant.filters import FilterError, normalize_filters, parse_filter_args, to_chroma_where
from assistant.language import detect_language
from ingest.identity import document_id_for, safe_filename


def test_filter_args_become_a_chroma_where_clause():
    filters = parse_filter_args(["region=NRW", "region=BW", "document_type=strategy_paper"])
    assert filters == {"region": ["BW", "NRW"], "document_type": ["strategy_paper"]}
    assert to_chroma_where(filters) == {
        "$and": [{"region": {"$in": ["BW", "NRW"]}}, {"document_type": {"$in": ["strategy_paper"]}}]
    }


@pytest.mark.parametrize("bad", ["region", "=NRW", "region="])
def test_malformed_filter_args_are_rejected(bad):
    with pytest.raises(FilterError):
        parse_filter_args([bad])


def test_unknown_filter_key_is_an_error_not_an_empty_result():
    with pytest.raises(FilterError, match="Unbekannter Filter"):
        normalize_filters({"colour": "blue"})


def test_document_id_comes_from_metadata_or_file_name():
    assert document_id_for("Strategie Medizin NRW.pdf", {}) == "strategie-medizin-nrw"
    assert document_id_for("x.txt", {"id": "Mein Dokument"}) == "mein-dokument"
    assert document_id_for("Übersicht_Förderung.docx", {}) == "uebersicht-foerderung"


def test_upload_names_cannot_traverse_paths_or_carry_control_characters():
    assert safe_filename("../../etc/passwd") == "passwd"
    assert safe_filename("..\\..\\boot.ini") == "boot.ini"
    assert safe_filename("bericht\x00\x1b.pdf") == "bericht.pdf"


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("Wie viele Krankenhäuser sind beteiligt?", "de"),
        ("How many hospitals are involved?", "en"),
        ("Welche Arbeitsgruppen gibt es?", "de"),
        ("What is the vision of the cluster?", "en"),
    ],
)
def test_question_language_is_detected(question, language):
    assert detect_language(question) == language


def test_english_question_naming_a_german_place_is_english():
    assert detect_language("How many hospitals are part of the Baden-Württemberg network?") == "en"
