"""Rows of a table without a header row: rendered without labels, named by the line that names them."""

from __future__ import annotations

from ingest.model import Block
from ingest.tables import is_row_text, label_before, parse_row, table_blocks


def _paragraphs(*texts: str, page: int = 4) -> list[Block]:
    return [Block("heading", "DESH", level=1, page=1), *(Block("paragraph", t, page=page) for t in texts)]


def test_a_field_definition_line_names_the_value_list_below_it():
    blocks = _paragraphs(
        "SEQ_TYPE: Verwendete Sequenzierungs-Plattform", "Anmerkung:", "Value Set richtet sich nach ENA", "Value Set:"
    )
    assert label_before(blocks, 4) == "SEQ_TYPE: Verwendete Sequenzierungs-Plattform"


def test_else_the_introducing_sentence_else_a_title_line_else_the_heading():
    assert label_before(_paragraphs("Die Shape-Dateien haben folgenden Dateiaufbau:"), 4) == (
        "Die Shape-Dateien haben folgenden Dateiaufbau:"
    )
    assert label_before(_paragraphs("Linien", "Der Datensatz erscheint jährlich."), 4) == "Linien"
    assert label_before(_paragraphs("Der Datensatz erscheint jährlich."), 4) == "DESH"
    # A line on an earlier page names nothing here.
    assert label_before(_paragraphs("SEQ_TYPE: Plattform", page=3), 4) == "DESH"


def test_header_less_rows_carry_no_value_as_a_label_and_read_back_as_rows():
    rows = [["LS454", "454 technology"], ["ILLUMINA", "Illumina is 4-channel"]]
    blocks = table_blocks(rows, caption="SEQ_TYPE: Plattform", header_rows=0)
    assert [b.text for b in blocks] == [
        "SEQ_TYPE: Plattform – LS454 · 454 technology",
        "SEQ_TYPE: Plattform – ILLUMINA · Illumina is 4-channel",
    ]
    assert all(is_row_text(b.text) for b in blocks)
    assert parse_row(blocks[1].text) == ("SEQ_TYPE: Plattform", [("", "ILLUMINA"), ("", "Illumina is 4-channel")])
    # Prose with a dash but no cell separator is no row.
    assert not is_row_text("Die Daten – soweit vorhanden – werden übermittelt.")
