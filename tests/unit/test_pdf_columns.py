"""The aligned-column detector on synthetic line layouts (points, y grows upwards)."""

from __future__ import annotations

import numpy as np

from ingest.loaders.pdf_columns import Line, column_blocks, is_table_like, page_lines


def _line(top: float, *segments: tuple[float, float]) -> Line:
    return Line(top, top - 9, tuple(segments))


def test_keys_and_descriptions_aligned_at_one_edge_are_a_table_with_continuation_lines():
    lines = [
        _line(700, (70, 100), (142, 280)),  # OBJID | eindeutiger Objektidentifikator
        _line(680, (70, 110), (142, 270)),  # BEGINN | Beginn Lebenszeitintervall
        _line(668, (142, 510)),  # the description's second line
        _line(648, (70, 95), (142, 210)),  # AGZ | Art der Grenze
    ]
    [block] = column_blocks(lines)
    assert (block.start, block.end, block.rows) == (0, 3, (0, 1, 3))
    assert block.edges == (142,)


def test_two_columns_of_prose_are_found_by_geometry_but_rejected_by_their_text():
    lines = [_line(700 - 12 * i, (50, 280), (300, 530)) for i in range(6)]
    [block] = column_blocks(lines)  # the geometry alone cannot tell; the long "keys" do
    prose = "die Schätzung der Fallzahlen nach dem Erkrankungsbeginn ist"
    assert not is_table_like([[prose, prose] for _ in range(6)])
    assert is_table_like([["OBJID", "eindeutiger Objektidentifikator"], ["AGZ", "Art der Grenze"]])


def test_prose_lines_a_crossing_segment_or_a_distant_line_make_no_table():
    assert column_blocks([_line(700 - 12 * i, (70, 520)) for i in range(5)]) == []
    crossing = [_line(700, (70, 100), (142, 280)), _line(688, (70, 300)), _line(676, (70, 100), (142, 200))]
    assert column_blocks(crossing) == []
    far = [_line(700, (70, 100), (142, 280)), _line(688, (70, 100), (142, 280)), _line(600, (70, 100), (142, 280))]
    assert column_blocks(far) == []


def test_contents_lists_and_chart_labels_are_not_tables():
    assert not is_table_like([["2.1", "Amtlicher Regionalschlüssel", "6"], ["2.2", "Amtlicher Gemeindeschlüssel", "6"]])
    assert not is_table_like([["Einleitung", "3"], ["Methoden", "5"], ["Ergebnisse", "9"]])
    assert not is_table_like([["1.", "Personen, die das 80. Lebensjahr vollendet haben,"], ["2.", "Personen, die"]])
    assert not is_table_like([["•", "Der Versicherte wird hingewiesen"], ["•", "Transformation"]])
    assert not is_table_like([["Stand Nowcast:", "01.04.", "02.04."], ["Anzahl", "6.000", "4.000"]])
    assert not is_table_like([["Kapitel 1", "Einleitung ........ 3"], ["Kapitel 2", "Methoden ........ 5"]])


def test_runs_of_a_page_become_lines_split_at_wide_gaps_only():
    rects = np.array([
        [71, 619, 103, 628],  # "OBJID "
        [142, 617, 287, 628],  # "eindeutiger Objektidentifikator"
        [142, 597, 375, 607],  # "Datum, an dem das Objekt in den Datensatz ein"
        [376, 597, 510, 607],  # "gefügt oder geändert wurde" (a font change, no gap)
    ], dtype=float)
    first, second = page_lines(rects)
    assert first.segments == ((71, 103), (142, 287))
    assert second.segments == ((142, 510),)
