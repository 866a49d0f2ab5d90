import time

import pytest

from ingest.sentences import sentence_spans, split_sentences


def test_splits_simple_german_sentences():
    assert split_sentences(
        "Das Land fördert Kliniken. Die Kliniken forschen. 2024 beginnt die Umsetzung."
    ) == [
        "Das Land fördert Kliniken.",
        "Die Kliniken forschen.",
        "2024 beginnt die Umsetzung.",
    ]


def test_splits_after_question_and_exclamation_marks():
    assert split_sentences("Was ist das Ziel? Bessere Versorgung! Das ist klar.") == [
        "Was ist das Ziel?",
        "Bessere Versorgung!",
        "Das ist klar.",
    ]


@pytest.mark.parametrize(
    "abbreviation",
    [
        "z. B.", "z.B.", "d. h.", "u. a.", "e. V.", "bzw.", "ca.", "Dr.", "Prof.", "Nr.", "Abs.", "vgl.",
        "usw.", "etc.", "inkl.", "ggf.", "St.", "Mio.", "Mrd.", "Jan.", "Feb.", "i. d. R.", "sog.",
    ],
)  # fmt: skip
def test_does_not_split_after_abbreviation(abbreviation):
    text = f"Das betrifft {abbreviation} Kliniken in NRW. Danach folgt mehr."
    assert split_sentences(text) == [f"Das betrifft {abbreviation} Kliniken in NRW.", "Danach folgt mehr."]


def test_does_not_split_after_single_letter_initial():
    text = "Der Krankenhausgesellschaft e. V. (BWKG) koordiniert. Heiner S. Scheffold leitet ihn."
    assert split_sentences(text) == [
        "Der Krankenhausgesellschaft e. V. (BWKG) koordiniert.",
        "Heiner S. Scheffold leitet ihn.",
    ]


def test_does_not_split_ordinal_before_month():
    assert split_sentences("Am 3. Mai tagt der Verbund. Am 14. Dezember auch.") == [
        "Am 3. Mai tagt der Verbund.",
        "Am 14. Dezember auch.",
    ]


def test_splits_after_year_followed_by_capitalised_word():
    assert split_sentences("Das Programm startete 2020. Die Bilanz ist gut.") == [
        "Das Programm startete 2020.",
        "Die Bilanz ist gut.",
    ]


def test_does_not_split_before_lowercase_word():
    assert split_sentences("Es kostet 5 Mio. euro und mehr.") == ["Es kostet 5 Mio. euro und mehr."]


def test_closing_quote_stays_with_its_sentence_and_opening_quote_starts_next():
    text = "Er sagte: „Wir kommen.“ „Gut“, antwortete sie. (Das stimmte.) Danach ging es los."
    assert split_sentences(text) == [
        "Er sagte: „Wir kommen.“",
        "„Gut“, antwortete sie.",
        "(Das stimmte.)",
        "Danach ging es los.",
    ]


def test_splits_english_sentences_and_keeps_english_abbreviations():
    text = "Mr. Smith met Dr. Jones. They discussed e.g. funding. It went well."
    assert split_sentences(text) == [
        "Mr. Smith met Dr. Jones.",
        "They discussed e.g. funding.",
        "It went well.",
    ]


def test_blank_line_ends_a_sentence_without_punctuation():
    assert split_sentences("Strategieprozess\n\nBasierend auf der Analyse wurde geplant.") == [
        "Strategieprozess",
        "Basierend auf der Analyse wurde geplant.",
    ]


def test_spans_are_exact_offsets_without_surrounding_whitespace():
    text = "  Erster Satz.   Zweiter Satz!\n\n  Dritter Satz  "
    spans = sentence_spans(text)
    assert [text[start:end] for start, end in spans] == ["Erster Satz.", "Zweiter Satz!", "Dritter Satz"]
    assert spans == [(2, 14), (17, 30), (34, 46)]


def test_spans_are_ordered_and_disjoint_on_real_text():
    text = (
        "Der Verbund besteht aus den vier Universitätskliniken und dem Krankenhausgesellschaft e. V. (BWKG) "
        "als Koordinator. Ziel ist eine Verbesserung der Versorgung, z. B. durch Telemedizin. "
        "In sechs Regionen haben sich 14 Krankenhäuser zusammengeschlossen."
    )
    spans = sentence_spans(text)
    assert len(spans) == 3
    assert all(a_end <= b_start for (_, a_end), (b_start, _) in zip(spans, spans[1:], strict=False))
    assert split_sentences(text) == [text[start:end] for start, end in spans]


def test_empty_and_whitespace_text_has_no_sentences():
    assert sentence_spans("") == []
    assert split_sentences(" \n\n ") == []


def test_long_text_is_split_quickly():
    text = "Die Versorgung wird z. B. in Kliniken verbessert. Das kostet ca. 5 Mio. Euro! " * 10_000
    started = time.perf_counter()
    spans = sentence_spans(text)
    elapsed = time.perf_counter() - started
    assert len(spans) == 20_000
    assert elapsed < 2.0


def test_does_not_split_ordinal_before_a_century_in_any_case():
    assert split_sentences("Die Bewegung begann Mitte des 18. Jahrhunderts in England. Sie wuchs.") == [
        "Die Bewegung begann Mitte des 18. Jahrhunderts in England.",
        "Sie wuchs.",
    ]


def test_does_not_split_ordinal_after_an_article():
    assert split_sentences("Er war der 16. Präsident der USA. Zum 3. Mal tagte der Rat.") == [
        "Er war der 16. Präsident der USA.",
        "Zum 3. Mal tagte der Rat.",
    ]


def test_splits_after_a_four_digit_number_even_after_an_article():
    assert split_sentences("Die höchste Zahl war die 1024. Danach sank sie.") == [
        "Die höchste Zahl war die 1024.",
        "Danach sank sie.",
    ]
