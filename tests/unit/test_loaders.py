import io
import zipfile
from pathlib import Path

import docx
import docx.document
import pytest
from lxml import etree

from ingest.loaders import SUPPORTED_EXTENSIONS, parse_document, parse_file
from ingest.model import Block, LoaderError
from tests.unit.pdf_fixtures import build_pdf, write_pdf

# The shipped corpus holds the seed texts unchanged (../shared/seeds).
CORPUS = Path(__file__).resolve().parents[2] / "corpus"
NRW_SEED = CORPUS / "strategie-medizin-nrw.txt"
BW_SEED = CORPUS / "kompetenzverbund-bw.txt"


def kinds(blocks: list[Block]) -> list[str]:
    return [block.kind for block in blocks]


def headings(blocks: list[Block]) -> list[tuple[int, str]]:
    return [(block.level, block.text) for block in blocks if block.kind == "heading"]


def loader_error(data: bytes, filename: str) -> LoaderError:
    with pytest.raises(LoaderError) as error:
        parse_document(data, filename)
    return error.value


# --- dispatch ----------------------------------------------------------------------------


def test_supported_extensions_cover_all_formats():
    assert SUPPORTED_EXTENSIONS == frozenset({".txt", ".md", ".markdown", ".html", ".htm", ".pdf", ".docx"})


def test_unsupported_extension_is_rejected_with_stable_code():
    error = loader_error(b"a,b\n1,2\n", "tabelle.csv")
    assert error.code == "unsupported_type"
    assert "nicht unterstützt" in error.message and "(unsupported file type)" in error.message


def test_file_without_extension_is_unsupported():
    assert loader_error(b"Text", "README").code == "unsupported_type"


def test_extension_match_is_case_insensitive():
    document = parse_document(b"Ein Absatz mit Text.", "NOTIZ.TXT")
    assert document.blocks == [Block("paragraph", "Ein Absatz mit Text.")]


def test_parse_file_reads_bytes_and_uses_file_name(tmp_path):
    path = tmp_path / "notiz.md"
    path.write_text("# Titel\n\nInhalt hier.", encoding="utf-8")
    document = parse_file(path)
    assert document.title == "Titel"
    assert document.blocks == [Block("heading", "Titel", level=1), Block("paragraph", "Inhalt hier.")]


# --- plain text --------------------------------------------------------------------------


def test_nrw_seed_detects_section_headings():
    document = parse_file(NRW_SEED)
    assert headings(document.blocks) == [
        (1, "Die Strategie"),
        (2, "Strategie Medizin in NRW"),
        (2, "Stärken- und Schwächenanalyse der innovativen Medizin in NRW"),
        (2, "Strategieprozess"),
    ]
    assert document.title == "Die Strategie"


def test_nrw_seed_keeps_three_item_list_after_its_introducing_paragraph():
    blocks = parse_file(NRW_SEED).blocks
    lists = [index for index, block in enumerate(blocks) if block.kind == "list"]
    target = next(index for index in lists if "Gesundheitstechnologien," in blocks[index].items)
    assert blocks[target].items == (
        "Gesundheitstechnologien,",
        "Klinische Forschung,",
        "Digitalisierung und Personalisierung.",
    )
    assert blocks[target].text == (
        "• Gesundheitstechnologien,\n• Klinische Forschung,\n• Digitalisierung und Personalisierung."
    )
    introduction = blocks[target - 1]
    assert introduction.kind == "paragraph"
    assert introduction.text.endswith("in drei Arbeitsgruppen zusammengefasst:")


def test_nrw_seed_line_ending_with_colon_is_paragraph_not_heading():
    blocks = parse_file(NRW_SEED).blocks
    introducing = [block for block in blocks if block.text.endswith("richten sich an:")]
    assert [block.kind for block in introducing] == ["paragraph"]


def test_bw_seed_single_newlines_separate_paragraphs_and_short_line_is_heading():
    blocks = parse_file(BW_SEED).blocks
    assert kinds(blocks) == ["paragraph", "paragraph", "heading", "paragraph", "paragraph", "paragraph"]
    assert headings(blocks) == [(2, "Versorger im Kompetenzverbund")]


def test_plain_text_joins_broken_line_before_lowercase_continuation():
    text = (
        "Einleitung\nDie Kliniken des Landes\nwerden vernetzt und gefördert.\nEin zweiter Absatz folgt hier."
    )
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert blocks == [
        Block("heading", "Einleitung", level=1),
        Block("paragraph", "Die Kliniken des Landes werden vernetzt und gefördert."),
        Block("paragraph", "Ein zweiter Absatz folgt hier."),
    ]


@pytest.mark.parametrize("marker", ["•", "-", "*", "–", "·", "▪"])
def test_plain_text_bullet_markers_become_one_list_block(marker):
    text = f"Die Ziele sind:\n{marker} Forschung stärken\n{marker} Versorgung verbessern\nDanach kommt Text."
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert blocks[1] == Block(
        "list",
        "• Forschung stärken\n• Versorgung verbessern",
        items=("Forschung stärken", "Versorgung verbessern"),
    )
    assert kinds(blocks) == ["paragraph", "list", "paragraph"]


def test_plain_text_numbered_and_lettered_items_form_lists_and_keep_their_enumerators():
    text = "Schritte:\n1. Analyse\n2. Planung\n\nVarianten:\na) schnell\nb) gründlich"
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert [block.items for block in blocks if block.kind == "list"] == [
        ("1. Analyse", "2. Planung"),
        ("a) schnell", "b) gründlich"),
    ]
    assert blocks[1].text == "1. Analyse\n2. Planung"


def test_plain_text_numbered_items_separated_by_blank_lines_form_one_list():
    text = "Schritte:\n\n1. Analyse der Lage\n\n2. Planung der Maßnahmen\n\nDanach wird umgesetzt."
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert kinds(blocks) == ["paragraph", "list", "paragraph"]
    assert blocks[1].items == ("1. Analyse der Lage", "2. Planung der Maßnahmen")


def test_plain_text_lone_numbered_line_before_body_is_heading():
    text = "1. Einleitung\nDas Land fördert die Forschung.\n2.1 Ziele und Maßnahmen\nEs gibt viele Ziele."
    assert headings(parse_document(text.encode(), "a.txt").blocks) == [
        (1, "1. Einleitung"),
        (2, "2.1 Ziele und Maßnahmen"),
    ]


LAW_TEXT = """§ 9 Strafvorschriften

(1) Mit Freiheitsstrafe bis zu einem Jahr oder mit Geldstrafe wird bestraft, wer
1. entgegen § 7 Absatz 1 Gesundheitsdaten nutzt, weitergibt oder
2. entgegen § 7 Absatz 2 eine Person wiedererkennt.

(2) Handelt der Täter gegen Entgelt, so ist die Strafe Freiheitsstrafe bis zu zwei Jahren oder Geldstrafe.
"""
LAW_ITEMS = (
    "1. entgegen § 7 Absatz 1 Gesundheitsdaten nutzt, weitergibt oder",
    "2. entgegen § 7 Absatz 2 eine Person wiedererkennt.",
)
LAW_BLOCKS = [
    Block("heading", "§ 9 Strafvorschriften", level=3),
    Block("paragraph", "(1) Mit Freiheitsstrafe bis zu einem Jahr oder mit Geldstrafe wird bestraft, wer"),
    Block("list", "\n".join(LAW_ITEMS), items=LAW_ITEMS),
    Block(
        "paragraph",
        "(2) Handelt der Täter gegen Entgelt, so ist die Strafe Freiheitsstrafe bis zu zwei Jahren oder Geldstrafe.",
    ),
]


def test_plain_text_law_keeps_section_heading_absatz_paragraphs_and_numbered_items():
    assert parse_document(LAW_TEXT.encode(), "law.txt").blocks == LAW_BLOCKS


def test_plain_text_hard_wrapped_law_splits_absaetze_and_keeps_wrapped_items_whole():
    text = (
        "Verordnung über Schutzimpfungen\n\n"
        "§ 3\n"
        "Schutzimpfungen mit hoher Priorität\n"
        "(1) Folgende Personen haben mit hoher Priorität Anspruch auf\n"
        "Schutzimpfung gegen das Coronavirus, soweit Impfstoff vorhanden:\n"
        "1. Personen, die das 70. Lebensjahr vollendet haben und in der\n"
        "Bundesrepublik Deutschland ihren Wohnsitz haben,\n"
        "2. Personen mit einem sehr hohen Risiko für einen schweren\n"
        "Krankheitsverlauf nach einer Infektion mit dem Coronavirus.\n"
        "(2) Für Personen nach Absatz 1 Nummer 1 gilt § 2 Absatz 2 ent-\n"
        "sprechend, soweit die Länder nichts anderes bestimmen.\n"
    )
    blocks = parse_document(text.encode(), "v.txt").blocks
    assert kinds(blocks) == ["heading", "heading", "paragraph", "list", "paragraph"]
    assert blocks[1] == Block("heading", "§ 3 Schutzimpfungen mit hoher Priorität", level=3)
    assert blocks[2].text.startswith("(1) Folgende Personen") and blocks[2].text.endswith("vorhanden:")
    assert blocks[3].items == (
        "1. Personen, die das 70. Lebensjahr vollendet haben und in der Bundesrepublik Deutschland "
        "ihren Wohnsitz haben,",
        "2. Personen mit einem sehr hohen Risiko für einen schweren Krankheitsverlauf nach einer Infektion "
        "mit dem Coronavirus.",
    )
    assert blocks[4].text == (
        "(2) Für Personen nach Absatz 1 Nummer 1 gilt § 2 Absatz 2 entsprechend, soweit die Länder nichts "
        "anderes bestimmen."
    )


def test_plain_text_absatz_lines_are_paragraphs_not_list_items():
    text = "(1) Der erste Absatz gilt.\n(2) Der zweite Absatz gilt auch.\n(3) Der dritte ebenso."
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert kinds(blocks) == ["paragraph"] * 3
    assert blocks[1].text == "(2) Der zweite Absatz gilt auch."


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("§ 9", "§ 9"),
        ("Artikel 3", "Artikel 3"),
        ("Art. 2 Inkrafttreten", "Art. 2 Inkrafttreten"),
        ("§ 5 Folge- und Auffrischimpfungen", "§ 5 Folge- und Auffrischimpfungen"),
    ],
)
def test_plain_text_lone_law_section_line_is_a_heading(line, heading):
    text = f"Die Verordnung regelt das Verfahren.\n\n{line}\n\nDiese Verordnung tritt morgen in Kraft."
    assert headings(parse_document(text.encode(), "a.txt").blocks) == [(3, heading)]


def test_plain_text_line_starting_with_a_citation_is_not_a_heading():
    text = "Die Pflicht gilt.\n§ 3 Absatz 1 Nummer 3\nDie Frist beträgt drei Monate."
    assert headings(parse_document(text.encode(), "a.txt").blocks) == []


def test_plain_text_law_table_of_contents_lines_are_not_headings():
    text = (
        "Inhaltsübersicht\n§ 1 Anspruch\n§ 2 Schutzimpfungen mit höchster Priorität\n"
        "§ 3 Verfahren für die Zahlung aus der Liquiditätsreserve des Gesundheitsfonds\n§ 4 Evaluierung\n"
        "§ 1\nAnspruch\n(1) Personen haben Anspruch auf Schutzimpfung."
    )
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert [text for _, text in headings(blocks) if text.startswith("§")] == ["§ 1 Anspruch"]
    assert [block.kind for block in blocks if block.text.startswith("§ 4")] == ["paragraph"]


@pytest.mark.parametrize("enumerator", ["2)", "aa)", "(b)", "iv."])
def test_plain_text_enumerator_styles_stay_in_the_items(enumerator):
    text = f"Es gilt:\n{enumerator} erstens\n{enumerator} zweitens\n\nDanach folgt Text."
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert blocks[1].items == (f"{enumerator} erstens", f"{enumerator} zweitens")


def test_plain_text_short_lines_at_the_end_are_not_headings():
    text = "Ein Absatz mit Inhalt.\nTeilen\nLinkedIn\nMail"
    assert kinds(parse_document(text.encode(), "a.txt").blocks) == ["paragraph"] * 4


def test_plain_text_hard_wrapped_paragraphs_are_rejoined():
    text = (
        "Die Landesregierung hat eine neue Strategie für die Gesundheits-\n"
        "versorgung beschlossen, die Kliniken und Praxen besser vernetzt\n"
        "und Innovationen schneller in die Versorgung bringt. Damit soll\n"
        "die Qualität steigen.\n"
        "\n"
        "Die Umsetzung beginnt im kommenden Jahr mit ersten Modellregionen\n"
        "in allen Landesteilen, begleitet von einer wissenschaftlichen\n"
        "Evaluation durch die Universitätskliniken des Landes.\n"
    )
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert kinds(blocks) == ["paragraph", "paragraph"]
    assert blocks[0].text.startswith(
        "Die Landesregierung hat eine neue Strategie für die Gesundheitsversorgung beschlossen"
    )
    assert blocks[1].text.endswith("wissenschaftlichen Evaluation durch die Universitätskliniken des Landes.")


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252", "utf-16"])
def test_plain_text_in_legacy_and_utf16_encodings_decodes(encoding):
    text = "Größere Maßnahmen für Ärztinnen und Ökonomen."
    assert parse_document(text.encode(encoding), "alt.txt").blocks == [Block("paragraph", text)]


def test_plain_text_binary_content_is_rejected():
    assert (
        loader_error(b"\x7fELF\x02\x01\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00", "programm.txt").code
        == "binary"
    )


def test_empty_text_file_is_rejected():
    assert loader_error(b"", "leer.txt").code == "empty"


# --- Markdown ----------------------------------------------------------------------------

MARKDOWN = """---
title: "Gesundheitsstrategie BW"
region: Baden-Württemberg
tags:
  - Klinik
---
# Überschrift *eins*

Ein Absatz mit **fett**, `code`, [einem Link](https://example.org/a_(b)) und ![Logo](logo.png).
Zweite Zeile des Absatzes für Expert*innen.

<!-- interner Kommentar -->
Setext-Titel
------------

- Punkt eins
  - Unterpunkt
- Punkt zwei
  fortgesetzt

1. Erstens
2. Zweitens

| Jahr | Budget |
|------|--------|
| 2024 | 5 Mio. |

### Dritte Ebene ###

> Ein Zitat.
"""


def test_markdown_front_matter_fills_metadata_and_title():
    document = parse_document(MARKDOWN.encode(), "strategie.md")
    assert document.metadata == {"title": "Gesundheitsstrategie BW", "region": "Baden-Württemberg"}
    assert document.title == "Gesundheitsstrategie BW"


def test_markdown_atx_and_setext_headings_keep_levels():
    blocks = parse_document(MARKDOWN.encode(), "strategie.md").blocks
    assert headings(blocks) == [(1, "Überschrift eins"), (2, "Setext-Titel"), (3, "Dritte Ebene")]


def test_markdown_inline_markup_is_stripped_and_comment_dropped():
    blocks = parse_document(MARKDOWN.encode(), "strategie.md").blocks
    paragraph = blocks[1]
    assert paragraph.text == (
        "Ein Absatz mit fett, code, einem Link und. Zweite Zeile des Absatzes für Expert*innen."
    )
    assert not any("Kommentar" in block.text for block in blocks)


def test_markdown_nested_lists_are_flattened_and_list_types_stay_separate():
    blocks = parse_document(MARKDOWN.encode(), "strategie.md").blocks
    assert [block.items for block in blocks if block.kind == "list"] == [
        ("Punkt eins", "Unterpunkt", "Punkt zwei fortgesetzt"),
        ("1. Erstens", "2. Zweitens"),
    ]


def test_markdown_law_gives_the_same_blocks_as_plain_text():
    assert parse_document(LAW_TEXT.encode(), "law.md").blocks == LAW_BLOCKS


def test_markdown_ordered_lists_number_as_markdown_renders_them():
    text = "Schritte:\n\n1. eins\n1. zwei\n   1. zwei-a\n   1. zwei-b\n1. drei\n\n3) vier\n7) fünf"
    blocks = parse_document(text.encode(), "a.md").blocks
    assert blocks[1].items == (
        "1. eins",
        "2. zwei",
        "1. zwei-a",
        "2. zwei-b",
        "3. drei",
        "3) vier",
        "4) fünf",
    )


def test_markdown_absatz_line_starts_a_new_paragraph_and_is_no_item_continuation():
    text = "(1) Der erste Absatz gilt für alle, wer\n1. A tut oder\n2. B tut.\n(2) Der zweite Absatz."
    blocks = parse_document(text.encode(), "a.md").blocks
    assert kinds(blocks) == ["paragraph", "list", "paragraph"]
    assert blocks[2].text == "(2) Der zweite Absatz."


def test_markdown_tables_become_rows_with_headers_and_quotes_paragraphs():
    blocks = parse_document(MARKDOWN.encode(), "strategie.md").blocks
    texts = [block.text for block in blocks]
    rows = [block for block in blocks if block.kind == "row"]
    assert [row.text for row in rows] == ["Setext-Titel – Jahr: 2024 · Budget: 5 Mio."]
    assert "|------|--------|" not in " ".join(texts)
    assert texts[-1] == "Ein Zitat."


def test_markdown_without_front_matter_takes_first_h1_as_title():
    document = parse_document(b"## Unter\n\nText.\n\n# Haupttitel\n\nMehr.", "a.markdown")
    assert document.title == "Haupttitel"
    assert document.metadata == {}


# --- HTML --------------------------------------------------------------------------------

HTML = """<!doctype html>
<html><head><meta charset="iso-8859-1"><title>Strategie Medizin.NRW</title>
<style>p { color: red }</style><script>var tracking = "Größe";</script></head>
<body>
<header><a href="/">Startseite</a></header>
<nav><ul><li>Menü</li><li>Themen</li></ul></nav>
<main>
  <h1>Die Strategie</h1>
  <p>Das ist ein <b>wichtiger</b> Absatz über Gesundheit.<br>Zweite Zeile „Zitat“.</p>
  <div>Text in einem div <span>mit span</span></div>
  <ul><li>Eins <ul><li>Eins-A</li></ul></li><li>Zwei</li></ul>
  <div hidden>Verstecktes</div><span aria-hidden="true">Icon</span>
  <div style="display: none">Unsichtbar</div>
  <table><tr><th>Jahr</th><th>Budget</th></tr><tr><td>2024</td><td>5 Mio. €</td></tr></table>
  <h3>Weiteres</h3><p>Noch ein Absatz.</p><!-- Kommentar -->
  <form><input name="q"><button>Suchen</button></form>
  <noscript>Bitte JavaScript aktivieren</noscript>
</main>
<aside>Werbung</aside>
<footer>Impressum</footer>
</body></html>"""


def parse_html(html: str = HTML) -> list[Block]:
    return parse_document(html.encode("cp1252"), "seite.html").blocks


def test_html_drops_scripts_navigation_hidden_and_chrome_elements():
    text = " ".join(block.text for block in parse_html())
    for dropped in ("tracking", "color", "Startseite", "Menü", "Verstecktes", "Icon", "Unsichtbar",
                    "Suchen", "JavaScript", "Werbung", "Impressum", "Kommentar"):  # fmt: skip
        assert dropped not in text


def test_html_structure_maps_to_headings_paragraphs_lists_and_rows():
    assert parse_html() == [
        Block("heading", "Die Strategie", level=1),
        Block("paragraph", "Das ist ein wichtiger Absatz über Gesundheit.\nZweite Zeile „Zitat“."),
        Block("paragraph", "Text in einem div mit span"),
        Block("list", "• Eins\n• Eins-A\n• Zwei", items=("Eins", "Eins-A", "Zwei")),
        Block("row", "Die Strategie – Jahr: 2024 · Budget: 5 Mio. €"),
        Block("heading", "Weiteres", level=3),
        Block("paragraph", "Noch ein Absatz."),
    ]


AGENCY_PAGES = Path(__file__).resolve().parents[2] / "bench" / "data" / "html"


def agency_page(name: str) -> str:
    return "\n".join(block.text for block in parse_file(AGENCY_PAGES / name).blocks)


def test_html_agency_page_keeps_its_content_and_table_without_div_built_chrome():
    # Cookie banner, skip links, menu and breadcrumb are <div>s here, so no tag rule catches them.
    text = agency_page("ministerium_pressemitteilung.html")
    for content in (
        "Pflegeeinrichtungen können ab dem 1. April 2024 Zuschüsse für digitale Ausstattung beantragen.",
        "Jede Einrichtung kann einen einmaligen Zuschuss von bis zu 12.000 Euro erhalten.",
        "• Einrichtungen der Tages- und Nachtpflege",
        "Tabelle 1: Förderquoten nach Bereich – Förderbereich: Pflegedokumentation · Anteil: 40 Prozent",
    ):
        assert content in text
    for debris in ("Wir verwenden Cookies", "Alle akzeptieren", "Direkt zum Inhalt", "Sie sind hier",
                   "Seite teilen", "Zum Seitenanfang", "Pressekontakt", "Erklärung zur Barrierefreiheit"):  # fmt: skip
        assert debris not in text


def test_html_numbered_steps_stay_and_rating_widget_goes():
    text = agency_page("landesamt_merkblatt.html")
    assert "1. Beauftragen Sie eine akkreditierte Untersuchungsstelle." in text
    assert "Die Kosten der Untersuchung trägt der Betreiber der Anlage." in text
    assert "War diese Seite hilfreich" not in text
    assert "technisch notwendige Cookies" not in text


def test_html_page_laid_out_with_a_table_is_read_as_a_page_not_as_one_row():
    blocks = parse_file(AGENCY_PAGES / "kommune_bekanntmachung.html").blocks
    assert Block("heading", "§ 2", level=2) in blocks
    assert Block("paragraph", "Kredite für Investitionen werden nicht veranschlagt.") in blocks
    text = agency_page("kommune_bekanntmachung.html")
    assert "Steuerart: Grundsteuer B · Hebesatz: 495 v. H." in text
    for debris in ("Bürgerservice", "Mängelmelder", "Seite drucken", "verwenden wir Cookies"):
        assert debris not in text


def test_html_ordered_list_after_incomplete_sentence_is_numbered():
    page = (
        "<p>(1) Mit Freiheitsstrafe bis zu einem Jahr oder mit Geldstrafe wird bestraft, wer</p>"
        "<ol><li>entgegen § 7 Absatz 1 Gesundheitsdaten nutzt, weitergibt oder</li>"
        "<li>entgegen § 7 Absatz 2 eine Person wiedererkennt.</li></ol>"
    )
    assert parse_document(page.encode(), "a.html").blocks == LAW_BLOCKS[1:3]


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        ('type="a" start="3"', ("c. drei", "d. vier")),
        ('type="I"', ("I. drei", "II. vier")),
        ("reversed", ("2. drei", "1. vier")),
        ('style="list-style: none"', ("drei", "vier")),
    ],
)
def test_html_ordered_list_follows_type_start_and_reversed(attributes, expected):
    page = f"<ol {attributes}><li>drei</li><li>vier</li></ol>"
    assert parse_document(page.encode(), "a.html").blocks[0].items == expected


def test_html_ordered_list_honours_li_value_and_keeps_typed_numbers():
    page = '<ol><li>eins</li><li value="7">sieben</li><li>acht</li></ol><ol><li>1. schon nummeriert</li></ol>'
    lists = [block.items for block in parse_document(page.encode(), "a.html").blocks]
    assert lists == [("1. eins", "7. sieben", "8. acht"), ("1. schon nummeriert",)]


def test_html_title_comes_from_title_element_else_first_h1():
    assert parse_document(HTML.encode("cp1252"), "a.htm").title == "Strategie Medizin.NRW"
    untitled = "<html><body><h2>Neben</h2><h1>Haupt</h1><p>Text.</p></body></html>"
    assert parse_document(untitled.encode(), "a.htm").title == "Haupt"


def test_html_article_header_keeps_its_heading():
    page = (
        "<body><header>Logo</header><article><header><h1>Artikel</h1></header><p>Text.</p></article></body>"
    )
    assert headings(parse_document(page.encode(), "a.html").blocks) == [(1, "Artikel")]


def test_html_fragment_without_body_ignores_doctype_and_comments():
    page = b"<!DOCTYPE html><!-- Kopf --><p>Nur ein Absatz.</p>"
    assert parse_document(page, "a.html").blocks == [Block("paragraph", "Nur ein Absatz.")]


def test_html_without_text_is_empty():
    assert loader_error(b"<html><body><script>x()</script></body></html>", "a.html").code == "empty"


# --- PDF ---------------------------------------------------------------------------------

BODY_LINES = [
    "Die Gesundheitsversorgung in Nordrhein-Westfalen wird durch die",
    "Zusammenarbeit von Kliniken, Hochschulen und Unternehmen gestärkt. Die Gesund-",
    "heitswirtschaft ist ein wichtiger Faktor für Baden-",
    "Württemberg und andere Länder, die investieren.",
    "Das ist kurz.",
]
PDF_PAGES = [
    [("Strategiebericht 2024", 9), ("1. Einleitung", 16), *BODY_LINES, ("Ziele", 13),
     "• Forschung stärken", "• Versorgung verbessern",
     "Die Ziele werden bis zum Jahr 2030 in mehreren Stufen gemeinsam umgesetzt und", "Seite 1"],
    [("Strategiebericht 2024", 9), "regelmäßig überprüft. Danach folgt die Bewertung.", ("2. Umsetzung", 16),
     "Die Umsetzung beginnt mit Modellregionen.", "Seite 2"],
    [("Strategiebericht 2024", 9), ("3. Ausblick", 16), "Die Zukunft ist offen und wird gemeinsam gestaltet.",
     "Seite 3"],
]  # fmt: skip


def parse_pdf(pages=PDF_PAGES, **options) -> list[Block]:
    return parse_document(build_pdf(pages, **options), "bericht.pdf").blocks


def test_pdf_blocks_carry_their_page_numbers():
    blocks = parse_pdf()
    assert [block.page for block in blocks] == [1, 1, 1, 1, 1, 1, 2, 2, 3, 3]
    assert all(block.page is not None for block in blocks)


def test_pdf_headings_from_font_size_get_levels():
    assert headings(parse_pdf()) == [
        (1, "1. Einleitung"),
        (2, "Ziele"),
        (1, "2. Umsetzung"),
        (1, "3. Ausblick"),
    ]


def test_pdf_headings_without_font_size_signal_use_shape_and_position():
    uniform = [[line if isinstance(line, str) else line[0] for line in page] for page in PDF_PAGES]
    assert [text for _, text in headings(parse_pdf(uniform))] == [
        "1. Einleitung",
        "Ziele",
        "2. Umsetzung",
        "3. Ausblick",
    ]


def test_pdf_heading_wrapped_over_two_lines_is_one_heading():
    pages = [[("Stärken- und Schwächenanalyse der", 16), ("innovativen Medizin in NRW", 16),
              "Das Innovationssystem ist dicht vernetzt.", "Es gibt viele Kliniken im Land."]]  # fmt: skip
    assert parse_pdf(pages)[0] == Block(
        "heading", "Stärken- und Schwächenanalyse der innovativen Medizin in NRW", level=1, page=1
    )


def test_pdf_wrapped_lines_are_rebuilt_into_paragraphs_with_hyphenation_joined():
    paragraph = parse_pdf()[1]
    assert paragraph == Block(
        "paragraph",
        "Die Gesundheitsversorgung in Nordrhein-Westfalen wird durch die Zusammenarbeit von Kliniken, "
        "Hochschulen und Unternehmen gestärkt. Die Gesundheitswirtschaft ist ein wichtiger Faktor für "
        "Baden-Württemberg und andere Länder, die investieren.",
        page=1,
    )


def test_pdf_paragraph_running_over_a_page_break_is_joined_from_its_first_page_to_its_last():
    blocks = parse_pdf()
    joined = [block for block in blocks if block.text.startswith("Die Ziele werden")]
    assert joined == [
        Block(
            "paragraph",
            "Die Ziele werden bis zum Jahr 2030 in mehreren Stufen gemeinsam umgesetzt und regelmäßig "
            "überprüft. Danach folgt die Bewertung.",
            page=1,
            page_end=2,
        )
    ]


def test_pdf_bullets_become_a_list_block():
    lists = [block for block in parse_pdf() if block.kind == "list"]
    assert lists == [Block("list", "• Forschung stärken\n• Versorgung verbessern", page=1,
                           items=("Forschung stärken", "Versorgung verbessern"))]  # fmt: skip


def test_pdf_repeated_running_header_and_page_numbers_are_dropped():
    texts = [block.text for block in parse_pdf()]
    assert not any("Strategiebericht 2024" in text or "Seite" in text for text in texts)


LAW_PDF_PAGES = [
    [
        "§ 9",
        "Strafvorschriften",
        "(1) Mit Freiheitsstrafe bis zu einem Jahr oder mit Geldstrafe wird bestraft, wer",
        "1. entgegen § 7 Absatz 1 Gesundheitsdaten nutzt, weitergibt oder",
        "2. entgegen § 7 Absatz 2 eine Person wiedererkennt.",
        "(2) Der Versuch ist strafbar.",
    ]
]


def test_pdf_law_keeps_section_heading_enumeration_and_absaetze():
    blocks = parse_pdf(LAW_PDF_PAGES)
    assert blocks == [
        Block("heading", "§ 9 Strafvorschriften", level=3, page=1),
        Block("paragraph", LAW_BLOCKS[1].text, page=1),
        Block("list", "\n".join(LAW_ITEMS), page=1, items=LAW_ITEMS),
        Block("paragraph", "(2) Der Versuch ist strafbar.", page=1),
    ]


def test_pdf_runs_cut_mid_word_by_text_matrix_resets_are_rejoined():
    # Arbortext re-anchors every 9 glyphs; pypdf reads each jump as a line break ("Geld\nstrafe").
    assert parse_pdf(LAW_PDF_PAGES, run_length=9) == parse_pdf(LAW_PDF_PAGES)


def test_pdf_list_continues_over_a_page_break():
    pages = [
        [
            "Anspruchsberechtigt nach Satz 1 sind:",
            "1. Personen, die versichert sind,",
            "2. Personen, die im Inland",
        ],
        [
            "wohnen,",
            "3. Personen, die in Einrichtungen tätig sind.",
            "Danach folgt ein Absatz, der deutlich länger ist als jede Zeile der Liste davor.",
        ],
    ]
    blocks = parse_pdf(pages)
    assert blocks[1] == Block(
        "list",
        "1. Personen, die versichert sind,\n2. Personen, die im Inland wohnen,\n"
        "3. Personen, die in Einrichtungen tätig sind.",
        page=1,
        page_end=2,
        items=(
            "1. Personen, die versichert sind,",
            "2. Personen, die im Inland wohnen,",
            "3. Personen, die in Einrichtungen tätig sind.",
        ),
    )


def test_pdf_running_header_several_lines_deep_is_dropped():
    masthead = ["www.amtsblatt.example", "Verkündung", "Veröffentlicht am 1. April 2021", "Seite 1 von 3"]
    bodies = [
        "Die Länder regeln das Verfahren.",
        "Der Bund trägt die Kosten.",
        "Die Verordnung tritt in Kraft.",
    ]
    pages = [
        [body, masthead[0], masthead[1], masthead[2], f"Seite {n} von 3"] for n, body in enumerate(bodies, 1)
    ]
    assert [block.text for block in parse_pdf(pages)] == bodies


def test_pdf_title_comes_from_metadata_else_first_heading():
    assert parse_document(build_pdf(PDF_PAGES, title="Landesstrategie"), "a.pdf").title == "Landesstrategie"
    assert parse_document(build_pdf(PDF_PAGES), "a.pdf").title == "1. Einleitung"


def test_pdf_file_on_disk_parses(tmp_path):
    path = write_pdf(tmp_path / "bericht.pdf", [["Ein einzelner Satz auf einer Seite."]])
    assert parse_file(path).blocks == [Block("paragraph", "Ein einzelner Satz auf einer Seite.", page=1)]


def test_pdf_encrypted_without_empty_password_is_rejected():
    error = loader_error(build_pdf(PDF_PAGES, encrypted=True), "geheim.pdf")
    assert error.code == "encrypted"
    assert "passwortgeschützt" in error.message and "(encrypted PDF)" in error.message


@pytest.mark.parametrize(
    "data",
    [build_pdf(PDF_PAGES)[:400], b"%PDF-1.4\nnur Unsinn", b"kein PDF"],
    ids=["truncated", "garbage-after-header", "not-a-pdf"],
)
def test_pdf_corrupt_files_are_rejected(data):
    error = loader_error(data, "kaputt.pdf")
    assert error.code == "corrupt"
    assert error.message == "Die PDF-Datei ist beschädigt und kann nicht gelesen werden (corrupt PDF)."


def test_pdf_without_extractable_text_is_rejected_as_scan():
    assert loader_error(build_pdf([[], []]), "scan.pdf").code == "no_text"


# --- real PDF: a federal ordinance in the Bundesanzeiger layout ---------------------------

BANZ_PDF = Path("/work/shared/realdocs/banz_coronaimpfv_2021-04-01.pdf")


@pytest.fixture(scope="module")
def banz_blocks() -> list[Block]:
    if not BANZ_PDF.exists():
        pytest.skip(f"real ordinance PDF not available at {BANZ_PDF} (shared documents not mounted)")
    return parse_file(BANZ_PDF).blocks


def test_real_ordinance_pdf_keeps_numbered_enumeration_with_its_intro(banz_blocks):
    index = next(
        i for i, block in enumerate(banz_blocks) if block.items[:1] == ("1. Anspruchsberechtigte nach § 2,",)
    )
    assert banz_blocks[index].items == (
        "1. Anspruchsberechtigte nach § 2,",
        "2. Anspruchsberechtigte nach § 3,",
        "3. Anspruchsberechtigte nach § 4 und",
        "4. alle übrigen Anspruchsberechtigten nach Absatz 1.",
    )
    intro = banz_blocks[index - 1]
    assert intro.kind == "paragraph"
    assert intro.text.startswith("(2) Die in § 6 Absatz 1 Satz 1 genannten Leistungserbringer haben")
    assert intro.text.endswith("in der folgenden Reihenfolge berücksichtigt werden:")
    assert [block.text for block in banz_blocks[:index] if block.kind == "heading"][-1] == "§ 1 Anspruch"


def test_real_ordinance_pdf_enumeration_over_a_page_break_is_one_list(banz_blocks):
    index = next(i for i, block in enumerate(banz_blocks) if block.text.endswith("Anspruchsberechtigt nach Satz 1 sind:"))
    items = banz_blocks[index + 1].items
    assert [item.split(" ", 1)[0] for item in items] == ["1.", "2.", "3.", "4.", "5."]
    assert items[4].endswith("und ihre mitausgereisten Familienangehörigen.")


def test_real_ordinance_pdf_has_whole_words_and_no_masthead(banz_blocks):
    text = "\n".join(block.text for block in banz_blocks)
    assert "1. Personen, die das 80. Lebensjahr vollendet haben," in text
    assert "Person en" not in text  # runs cut every 9 glyphs are glued back
    assert "BAnz AT 01.04.2021 V1" not in text and "Verkündung" not in text


# --- DOCX --------------------------------------------------------------------------------


def make_docx(core_title: str = "") -> bytes:
    document = docx.Document()
    document.core_properties.title = core_title
    document.add_paragraph("Strategie Gesundheit", style="Title")
    document.add_heading("Ziele", level=1)
    document.add_paragraph("Wir wollen die Versorgung verbessern.")
    document.add_paragraph("Forschung stärken", style="List Bullet")
    document.add_paragraph("Versorgung verbessern", style="List Bullet")
    document.add_heading("Zahlen", level=2)
    table = document.add_table(rows=2, cols=2)
    for row, cells in enumerate((("Jahr", "Budget"), ("2024", "5 Mio. €"))):
        for column, text in enumerate(cells):
            table.cell(row, column).text = text
    document.add_paragraph("Schluss.")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def test_docx_styles_map_to_headings_lists_and_table_rows():
    assert parse_document(make_docx(), "strategie.docx").blocks == [
        Block("heading", "Strategie Gesundheit", level=1),
        Block("heading", "Ziele", level=1),
        Block("paragraph", "Wir wollen die Versorgung verbessern."),
        Block(
            "list",
            "• Forschung stärken\n• Versorgung verbessern",
            items=("Forschung stärken", "Versorgung verbessern"),
        ),
        Block("heading", "Zahlen", level=2),
        Block("row", "Zahlen – Jahr: 2024 · Budget: 5 Mio. €"),
        Block("paragraph", "Schluss."),
    ]


def docx_bytes(document: docx.document.Document) -> bytes:
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def number_paragraph(paragraph, num_id: int, level: int = 0) -> None:
    numbering = paragraph._p.get_or_add_pPr().get_or_add_numPr()
    numbering.get_or_add_numId().val = num_id
    numbering.get_or_add_ilvl().val = level


def add_numbering(document: docx.document.Document, levels: list[tuple[str, str]]) -> int:
    """A numbering definition with one (format, template) per level; returns its numId."""
    namespace = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    level_xml = "".join(
        f'<w:lvl w:ilvl="{depth}"><w:start w:val="1"/><w:numFmt w:val="{number_format}"/>'
        f'<w:lvlText w:val="{template}"/></w:lvl>'
        for depth, (number_format, template) in enumerate(levels)
    )
    root = document.part.numbering_part.element
    root.insert(
        0, etree.fromstring(f'<w:abstractNum {namespace} w:abstractNumId="90">{level_xml}</w:abstractNum>')
    )
    root.append(etree.fromstring(f'<w:num {namespace} w:numId="90"><w:abstractNumId w:val="90"/></w:num>'))
    return 90


def test_docx_list_number_paragraphs_keep_word_numbers_after_incomplete_intro():
    document = docx.Document()
    document.add_paragraph(LAW_BLOCKS[1].text)
    for item in LAW_ITEMS:
        document.add_paragraph(item.split(" ", 1)[1], style="List Number")
    assert parse_document(docx_bytes(document), "law.docx").blocks == LAW_BLOCKS[1:3]


def test_docx_numbering_formats_and_levels_come_from_the_definitions():
    document = docx.Document()
    num_id = add_numbering(
        document, [("decimal", "(%1)"), ("lowerLetter", "%2)"), ("lowerRoman", "%1.%2.%3")]
    )
    for text, level in (("Absatz", 0), ("Buchstabe", 1), ("Unterfall", 2), ("Buchstabe", 1), ("Absatz", 0)):
        number_paragraph(document.add_paragraph(text), num_id, level)
    assert parse_document(docx_bytes(document), "a.docx").blocks[0].items == (
        "(1) Absatz",
        "a) Buchstabe",
        "1.a.i Unterfall",
        "b) Buchstabe",
        "(2) Absatz",
    )


def test_docx_numbered_paragraphs_without_definition_are_counted_by_position():
    document = docx.Document()
    document.add_paragraph("Die Schritte sind:")
    for text in ("Analyse", "Planung"):
        number_paragraph(document.add_paragraph(text), 77)  # no such numbering instance
    assert parse_document(docx_bytes(document), "a.docx").blocks[1].items == ("1. Analyse", "2. Planung")


def test_docx_title_from_core_properties_else_title_style():
    assert parse_document(make_docx("Kernstrategie"), "a.docx").title == "Kernstrategie"
    assert parse_document(make_docx(), "a.docx").title == "Strategie Gesundheit"


@pytest.mark.parametrize(
    "data",
    [b"PK\x03\x04 kein zip", make_docx()[:300], b"not a zip at all"],
    ids=["broken-zip", "truncated", "not-zip"],
)
def test_docx_corrupt_files_are_rejected(data):
    error = loader_error(data, "kaputt.docx")
    assert error.code == "corrupt"
    assert "(corrupt DOCX)" in error.message


def test_docx_zip_without_word_document_is_corrupt():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("hello.txt", "hallo")
    assert loader_error(buffer.getvalue(), "a.docx").code == "corrupt"


def test_docx_with_broken_document_xml_is_corrupt():
    source = zipfile.ZipFile(io.BytesIO(make_docx()))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for entry in source.infolist():
            content = source.read(entry.filename)
            archive.writestr(entry, content[:200] if entry.filename == "word/document.xml" else content)
    assert loader_error(buffer.getvalue(), "a.docx").code == "corrupt"


def test_docx_without_text_is_empty():
    buffer = io.BytesIO()
    docx.Document().save(buffer)
    assert loader_error(buffer.getvalue(), "leer.docx").code == "empty"


# --- tables: rows with their headers and caption ----------------------------------------


def make_funding_docx() -> bytes:
    """A Word ordinance: a legal enumeration (Word numbering "(1)", "1.") and a funding table with a
    "Tabelle" caption, a merged cell and two header rows' worth of labels."""
    document = docx.Document()
    document.add_heading("§ 4 Förderung", level=2)
    num_id = add_numbering(document, [("decimal", "(%1)"), ("decimal", "%2.")])
    number_paragraph(document.add_paragraph("Gefördert werden Vorhaben, die"), num_id, 0)
    number_paragraph(document.add_paragraph("die Notfallversorgung verbessern oder"), num_id, 1)
    number_paragraph(document.add_paragraph("die Pflege digital unterstützen."), num_id, 1)
    document.add_paragraph("Tabelle 2: Verteilung der Mittel")
    table = document.add_table(rows=4, cols=3)
    rows = (
        ("Förderbereich", "Anteil", "Träger"),
        ("Notfallversorgung", "10 Prozent", "Land"),
        ("Pflege", "25 Prozent", "Land"),
        ("Forschung", "65 Prozent", ""),
    )
    for r, cells in enumerate(rows):
        for c, text in enumerate(cells):
            table.cell(r, c).text = text
    table.cell(2, 2).merge(table.cell(3, 2))  # "Land" spans two rows: Word repeats the cell
    document.add_paragraph("Die Mittel stehen ab 2025 bereit.")
    return docx_bytes(document)


def test_docx_table_rows_carry_headers_and_caption_beside_legal_numbering():
    blocks = parse_document(make_funding_docx(), "foerderung.docx").blocks
    assert blocks[1].items == (
        "(1) Gefördert werden Vorhaben, die",
        "1. die Notfallversorgung verbessern oder",
        "2. die Pflege digital unterstützen.",
    )
    assert [(b.kind, b.text) for b in blocks if b.kind == "row"] == [
        ("row", "Tabelle 2: Verteilung der Mittel – Förderbereich: Notfallversorgung · Anteil: 10 Prozent · Träger: Land"),
        ("row", "Tabelle 2: Verteilung der Mittel – Förderbereich: Pflege · Anteil: 25 Prozent · Träger: Land"),
        ("row", "Tabelle 2: Verteilung der Mittel – Förderbereich: Forschung · Anteil: 65 Prozent · Träger: Land"),
    ]
    assert blocks[-1] == Block("paragraph", "Die Mittel stehen ab 2025 bereit.")


def test_html_table_with_caption_thead_and_colspan():
    page = """<h2>Haushalt</h2><table><caption>Mittel je Jahr</caption>
      <thead><tr><th>Jahr</th><th colspan="2">Mittel</th></tr><tr><th></th><th>Land</th><th>Bund</th></tr></thead>
      <tbody><tr><td>2024</td><td>5 Mio. €</td><td>2 Mio. €</td></tr></tbody></table>"""
    rows = [b.text for b in parse_document(page.encode(), "haushalt.html").blocks if b.kind == "row"]
    assert rows == ["Mittel je Jahr – Jahr: 2024 · Mittel – Land: 5 Mio. € · Mittel – Bund: 2 Mio. €"]


def test_markdown_table_rows_under_their_heading_and_a_following_paragraph_stays_apart():
    text = "## Förderquoten\n\n| Bereich | Anteil |\n|---|---|\n| Notfallversorgung | 10 Prozent |\n| Pflege | 25 Prozent |\nDanach Text.\n"
    blocks = parse_document(text.encode(), "quoten.md").blocks
    assert [(b.kind, b.text) for b in blocks[1:]] == [
        ("row", "Förderquoten – Bereich: Notfallversorgung · Anteil: 10 Prozent"),
        ("row", "Förderquoten – Bereich: Pflege · Anteil: 25 Prozent"),
        ("paragraph", "Danach Text."),
    ]
