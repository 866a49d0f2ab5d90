import io
import zipfile
from pathlib import Path

import docx
import pytest

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


def test_plain_text_numbered_and_lettered_items_form_lists():
    text = "Schritte:\n1. Analyse\n2. Planung\n\nVarianten:\na) schnell\nb) gründlich"
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert [block.items for block in blocks if block.kind == "list"] == [
        ("Analyse", "Planung"),
        ("schnell", "gründlich"),
    ]


def test_plain_text_numbered_items_separated_by_blank_lines_form_one_list():
    text = "Schritte:\n\n1. Analyse der Lage\n\n2. Planung der Maßnahmen\n\nDanach wird umgesetzt."
    blocks = parse_document(text.encode(), "a.txt").blocks
    assert kinds(blocks) == ["paragraph", "list", "paragraph"]
    assert blocks[1].items == ("Analyse der Lage", "Planung der Maßnahmen")


def test_plain_text_lone_numbered_line_before_body_is_heading():
    text = "1. Einleitung\nDas Land fördert die Forschung.\n2.1 Ziele und Maßnahmen\nEs gibt viele Ziele."
    assert headings(parse_document(text.encode(), "a.txt").blocks) == [
        (1, "1. Einleitung"),
        (2, "2.1 Ziele und Maßnahmen"),
    ]


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
        ("Erstens", "Zweitens"),
    ]


def test_markdown_tables_become_row_paragraphs_and_quotes_paragraphs():
    texts = [block.text for block in parse_document(MARKDOWN.encode(), "strategie.md").blocks]
    assert "Jahr | Budget" in texts and "2024 | 5 Mio." in texts
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
        Block("paragraph", "Jahr | Budget"),
        Block("paragraph", "2024 | 5 Mio. €"),
        Block("heading", "Weiteres", level=3),
        Block("paragraph", "Noch ein Absatz."),
    ]


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


def test_pdf_paragraph_running_over_a_page_break_is_joined_on_its_first_page():
    blocks = parse_pdf()
    joined = [block for block in blocks if block.text.startswith("Die Ziele werden")]
    assert joined == [
        Block(
            "paragraph",
            "Die Ziele werden bis zum Jahr 2030 in mehreren Stufen gemeinsam umgesetzt und regelmäßig "
            "überprüft. Danach folgt die Bewertung.",
            page=1,
        )
    ]


def test_pdf_bullets_become_a_list_block():
    lists = [block for block in parse_pdf() if block.kind == "list"]
    assert lists == [Block("list", "• Forschung stärken\n• Versorgung verbessern", page=1,
                           items=("Forschung stärken", "Versorgung verbessern"))]  # fmt: skip


def test_pdf_repeated_running_header_and_page_numbers_are_dropped():
    texts = [block.text for block in parse_pdf()]
    assert not any("Strategiebericht 2024" in text or "Seite" in text for text in texts)


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
        Block("paragraph", "Jahr | Budget"),
        Block("paragraph", "2024 | 5 Mio. €"),
        Block("paragraph", "Schluss."),
    ]


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
