import codecs

import pytest

from ingest.model import LoaderError
from ingest.normalize import decode_text, normalize_text

GERMAN = "Gesundheitsförderung für Bürgerinnen – „Qualität“ kostet 5 €. Straße, Größe, Äpfel, Übermaß."


# --- decode_text -------------------------------------------------------------------------


def test_decode_utf8_with_bom_drops_the_bom():
    assert decode_text(codecs.BOM_UTF8 + GERMAN.encode("utf-8")) == GERMAN


@pytest.mark.parametrize(
    ("bom", "encoding"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
    ],
)
def test_decode_honours_utf16_and_utf32_boms(bom, encoding):
    assert decode_text(bom + GERMAN.encode(encoding)) == GERMAN


def test_decode_recognises_utf16_without_bom():
    assert decode_text(GERMAN.encode("utf-16-le")) == GERMAN


def test_decode_prefers_strict_utf8():
    assert decode_text(GERMAN.encode("utf-8")) == GERMAN


def test_decode_reads_cp1252_typographic_quotes_and_euro():
    assert decode_text(GERMAN.encode("cp1252")) == GERMAN


def test_decode_reads_latin1_umlauts():
    text = "Die Größe der Maßnahme überrascht Ärztinnen und Ökonomen."
    assert decode_text(text.encode("latin-1")) == text


def test_decode_declared_encoding_is_used_when_utf8_fails():
    text = "Zdravotní péče v České republice a na Slovensku je důležitá."
    assert decode_text(text.encode("cp1250"), declared_encoding="windows-1250") == text


def test_decode_declared_latin1_label_is_read_as_cp1252():
    text = "„Zitat“ – Gedankenstrich"
    assert decode_text(text.encode("cp1252"), declared_encoding="ISO-8859-1") == text


def test_decode_utf8_wins_over_a_wrong_declared_encoding():
    assert decode_text(GERMAN.encode("utf-8"), declared_encoding="iso-8859-1") == GERMAN


def test_decode_falls_back_to_detection_for_non_western_code_pages():
    text = "Здравоохранение и медицина в регионе развиваются быстро, говорят врачи и учёные."
    assert decode_text(text.encode("cp1251")) == text


def test_decode_rejects_nul_bytes_as_binary():
    with pytest.raises(LoaderError) as error:
        decode_text(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00")
    assert error.value.code == "binary"


def test_decode_rejects_control_character_heavy_content_as_binary():
    data = bytes(range(1, 9)) * 50 + b"etwas Text"
    with pytest.raises(LoaderError) as error:
        decode_text(data)
    assert error.value.code == "binary"


@pytest.mark.parametrize(
    "data", [b"", b"  \n\t \r\n", codecs.BOM_UTF8, codecs.BOM_UTF16_LE + " \n".encode("utf-16-le")]
)
def test_decode_rejects_empty_and_whitespace_only_content(data):
    with pytest.raises(LoaderError) as error:
        decode_text(data)
    assert error.value.code == "empty"


def test_decode_error_messages_are_german_with_english_gloss():
    with pytest.raises(LoaderError) as error:
        decode_text(b"")
    assert error.value.message.startswith("Die Datei")
    assert "(empty file)" in error.value.message


# --- normalize_text ----------------------------------------------------------------------


def test_normalize_composes_to_nfc():
    assert normalize_text("Mu\u0308ller") == "Müller"


def test_normalize_removes_soft_hyphens_and_zero_width_characters():
    assert (
        normalize_text("Gesund\u00adheits\u200bwesen\u200c und\u2060 Pflege\ufeff")
        == "Gesundheitswesen und Pflege"
    )


def test_normalize_turns_unicode_spaces_and_tabs_into_single_spaces():
    assert (
        normalize_text("5\u00a0Mio.\u202fEuro\u2009für\tKliniken\u3000jetzt")
        == "5 Mio. Euro für Kliniken jetzt"
    )


def test_normalize_converts_crlf_and_cr_to_lf():
    assert normalize_text("eins\r\nzwei\rdrei") == "eins\nzwei\ndrei"


def test_normalize_joins_hyphenation_before_lowercase_line():
    assert normalize_text("die Gesund-\nheit der Bevölkerung") == "die Gesundheit der Bevölkerung"


def test_normalize_keeps_hyphen_before_uppercase_line():
    assert normalize_text("in Baden-\nWürttemberg") == "in Baden-Württemberg"


def test_normalize_keeps_elided_compound_with_conjunction():
    assert (
        normalize_text("Forschungs- und Entwicklungseinrichtungen")
        == "Forschungs- und Entwicklungseinrichtungen"
    )
    assert normalize_text("Forschungs-\nund Entwicklung") == "Forschungs- und Entwicklung"


def test_normalize_does_not_join_hyphen_across_blank_line():
    assert normalize_text("Gesund-\n\nheit") == "Gesund-\n\nheit"


def test_normalize_collapses_inner_spaces_and_strips_trailing_ones():
    assert (
        normalize_text("zu   viele    Leerzeichen   \nnächste  Zeile  ")
        == "zu viele Leerzeichen\nnächste Zeile"
    )


def test_normalize_keeps_line_breaks_and_single_blank_lines():
    text = "Überschrift\nErste Zeile.\n\n\n\nZweiter Absatz.\n"
    assert normalize_text(text) == "Überschrift\nErste Zeile.\n\nZweiter Absatz."


def test_normalize_keeps_leading_indentation_for_nested_lists():
    assert normalize_text("- a\n    - b") == "- a\n    - b"
