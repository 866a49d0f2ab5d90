"""Quotable units: sentences, and enumerations kept whole with their lead-in (legal ones too)."""

from __future__ import annotations

from assistant.components.answerer.units import (
    leading_values,
    passage_units,
    trailing_values,
    value_label,
    value_list,
)

LAW = """(1) Mit Freiheitsstrafe bis zu einem Jahr oder mit Geldstrafe wird bestraft, wer
1. entgegen § 7 Absatz 1 Gesundheitsdaten nutzt, weitergibt oder
2. entgegen § 7 Absatz 2 eine Person wiedererkennt.

(2) Handelt der Täter gegen Entgelt, so ist die Strafe Freiheitsstrafe bis zu zwei Jahren. Die Tat wird nur auf Antrag verfolgt."""


def test_legal_enumeration_stays_with_its_unfinished_lead_in():
    units = [u.text for u in passage_units(LAW, 0)]
    assert units[0] == (
        "(1) Mit Freiheitsstrafe bis zu einem Jahr oder mit Geldstrafe wird bestraft, wer\n"
        "1. entgegen § 7 Absatz 1 Gesundheitsdaten nutzt, weitergibt oder\n"
        "2. entgegen § 7 Absatz 2 eine Person wiedererkennt."
    )
    assert units[1].startswith("(2) Handelt der Täter")  # an Absatz is a paragraph, not a list item
    assert units[2] == "Die Tat wird nur auf Antrag verfolgt."


def test_bullet_list_with_colon_lead_in_and_list_without_lead_in():
    text = "Die Empfehlungen richten sich an:\n• die Akteure,\n• die Landespolitik.\n\n• eins\n• zwei"
    units = passage_units(text, 3)
    assert [u.text for u in units] == [
        "Die Empfehlungen richten sich an:\n• die Akteure,\n• die Landespolitik.",
        "• eins\n• zwei",
    ]
    assert units[0].highlights == ("Die Empfehlungen richten sich an:", "• die Akteure,", "• die Landespolitik.")
    assert all(u.passage == 3 for u in units)


def test_numbered_items_after_a_finished_sentence_have_no_lead_in():
    text = "Das Gesetz tritt in Kraft.\n1. erstens\n2. zweitens"
    assert [u.text for u in passage_units(text, 0)] == ["Das Gesetz tritt in Kraft.", "1. erstens\n2. zweitens"]


def test_table_row_with_its_headers_is_one_unit_even_with_a_period_inside():
    row = "Tabelle 2 – Förderbereich: Notfallversorgung. Rettungsdienst · Anteil: 10 Prozent"
    units = passage_units(f"Die Mittel verteilen sich wie folgt.\n\n{row}", 0)
    assert [u.text for u in units] == ["Die Mittel verteilen sich wie folgt.", row]


def test_a_short_paragraph_announced_by_a_colon_belongs_to_the_announcing_sentence():
    text = (
        "Die nachstehende Upgrade-Reihenfolge ist realisierbar:\n\nAS und FdV > Konnektor > PS\n\n"
        "Das Aktensystem wird rechtzeitig aktualisiert. Danach folgt der Konnektor."
    )
    units = passage_units(text, 0)

    assert units[0].text == "Die nachstehende Upgrade-Reihenfolge ist realisierbar:\nAS und FdV > Konnektor > PS"
    assert units[0].lead_in and units[0].highlights == ("Die nachstehende Upgrade-Reihenfolge ist realisierbar:", "AS und FdV > Konnektor > PS")
    # a sentence without the colon keeps its paragraph to itself
    assert [u.text for u in units[1:]] == ["Das Aktensystem wird rechtzeitig aktualisiert.", "Danach folgt der Konnektor."]


_LABEL = "SEQ_TYPE: Verwendete Sequenzierungs-Plattform"
_VALUES = "\n\n".join(f"{_LABEL} – {v}" for v in ("ILLUMINA · Illumina is 4-channel", "BGISEQ", "OTHER · andere"))


def test_a_value_line_is_labelled_by_its_caption_and_prose_is_not():
    assert value_label(f"{_LABEL} – ILLUMINA · Illumina is 4-channel") == _LABEL
    assert value_label("Die Ziele sind klar. Sie lauten – kurz gesagt – Qualität.") is None
    assert value_label("Kein Gedankenstrich hier.") is None


def test_a_value_list_is_the_run_of_lines_with_the_same_label_and_knows_where_it_touches_the_chunk():
    text = f"Value Set:\n\n{_VALUES}\n\nDatenelement/Spalte # 4 – SEQ_REASON · Grund"
    lines, at_start, at_end = value_list(text, f"{_LABEL} – BGISEQ")

    assert [line.rsplit(" – ", 1)[1][:6] for line in lines] == ["ILLUMI", "BGISEQ", "OTHER "]
    assert (at_start, at_end) == (False, False)
    assert value_list(_VALUES, f"{_LABEL} – BGISEQ")[1:] == (True, True)


def test_the_lines_going_on_in_the_next_chunk_and_those_ending_the_previous_one():
    assert len(leading_values(f"{_VALUES}\n\nDatenelement # 4", _LABEL)) == 3
    assert [line[-6:] for line in trailing_values(f"Value Set:\n\n{_VALUES}", _LABEL)] == ["hannel", "BGISEQ", "andere"]
    assert leading_values(f"Value Set:\n\n{_VALUES}", _LABEL) == []
