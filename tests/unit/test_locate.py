"""Locating a cited passage in page or document text: exact on letters and digits, robust to what
ingestion changed (hyphenation, soft hyphens, removed running headers, table rows)."""

from __future__ import annotations

from assistant.services.locate import locate, normalise


def marked(text: str, quote: str) -> list[str]:
    return [text[a:b] for a, b in locate(text, quote).spans]


def test_a_quote_is_found_across_line_breaks_hyphenation_and_soft_hyphens():
    page = "Der zeitliche Verlauf des Infektionsgesche\ufffehens wäre am besten \r\ndurch die Anzahl der Infek-\r\ntionen darstellbar. Danach folgt mehr."
    quote = "Der zeitliche Verlauf des Infektionsgeschehens wäre am besten durch die Anzahl der Infektionen darstellbar."
    location = locate(page, quote)
    assert location.complete
    assert marked(page, quote) == [page[: page.index(" Danach")]]


def test_a_ligature_and_case_do_not_matter_but_every_letter_does():
    assert locate("Die Förderung ﬁnanziert das Land.", "Die Förderung finanziert das Land.").complete
    missing = locate("Die Förderung finanziert das Land.", "Die Förderung finanziert der Bund.")
    assert not missing.complete


def test_a_quote_split_by_a_removed_running_header_is_found_in_its_two_parts():
    page = "Die Länder errichten Impfzentren und\nBAnz AT 01.04.2021 V1 · Seite 3 von 11\nmobile Impfteams bis zum 30. Juni."
    quote = "Die Länder errichten Impfzentren und mobile Impfteams bis zum 30. Juni."
    location = locate(page, quote)
    assert location.complete
    assert marked(page, quote) == ["Die Länder errichten Impfzentren und", "mobile Impfteams bis zum 30. Juni."]


def test_a_table_row_written_as_header_value_pairs_is_found_in_the_table():
    page = "Tabelle 2\nPlattform  Beschreibung\nILLUMINA  Illumina is 4-channel flowgram\nOTHER  andere"
    quote = "Plattform: ILLUMINA · Beschreibung: Illumina is 4-channel flowgram"
    location = locate(page, quote)
    assert location.complete
    assert "".join(marked(page, quote)).replace(" ", "").startswith("PlattformBeschreibung")


def test_text_that_is_not_there_is_not_marked_anywhere():
    page = "Das Land fördert Pilotprojekte mit 48 Millionen Euro. " * 3
    location = locate(page, "Der Bund übernimmt die Kosten der Impfzentren vollständig.")
    assert location.found < location.total and not location.complete
    assert all(len(page[a:b]) < 12 for a, b in location.spans) or location.spans == []


def test_a_short_run_far_from_the_rest_is_not_trusted():
    filler = "x" * 3000
    page = f"Jahr 2021 {filler} Die Förderung beträgt insgesamt fünf Millionen Euro"
    location = locate(normalise(page), "Die Förderung beträgt insgesamt fünf Millionen Euro. Jahr: 2021")
    assert location.found < location.total  # "Jahr 2021" stands 3000 letters away: not this quote's
    assert all(page[a:b] != "Jahr 2021" for a, b in location.spans)
