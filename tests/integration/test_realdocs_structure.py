"""The layout of real public-sector PDFs stays out of the chunks, and what is left is whole.

Every shared real document (``../shared/realdocs``, see its README for the layout of each file) is
parsed and chunked as ingestion does it, with the real model's tokenizer. Checked on the chunks:
no running header, footer or bare page number; no table of contents; hyphenation at line ends
joined, soft hyphens gone, footnote markers outside words; the two-column bulletin in column order;
the page of sample passages as the PDF shows it (verified with ``pdftotext -f N -l N``), including a
paragraph that runs over a page break; and positions in a law ("§ 1 Abs. 1 Nr. 3").
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from assistant.services.document_input import chunk_document
from ingest.chunking import Chunk
from ingest.legal import parse_label, position_in
from ingest.loaders import parse_document
from ingest.loaders.pdf_tables import find_tables
from ingest.tables import is_row_text, parse_row
from tests.conftest import PROJECT_DIR, SHARED_DIR, make_settings

pytestmark = pytest.mark.slow

REALDOCS = SHARED_DIR / "realdocs"
PDFS = sorted(p for p in REALDOCS.glob("*.pdf") if not p.name.endswith("_scan.pdf"))

# Lines that each file repeats on every page (README "Known text-layer traps"), as they appear there.
RUNNING = {
    "banz_coronaimpfv_2021-04-01.pdf": [r"www\.bundesanzeiger\.de", r"Veröffentlicht am Donnerstag", r"^Verkündung$"],
    "bkg_vg250_dokumentation_2022.pdf": [r"Stand: 10\.05\.2024 \. Seite"],
    "bmg_coronaimpfv_referentenentwurf_2021-04-01.pdf": [r"^- \d+ -$"],
    "gematik_gemspec_vzd_fhir_directory_v1.0.0.pdf": [r"© gematik – öffentlich", r"Directory_V1\.docx"],
    "gematik_konzept_migration_epa2_v1.0.0.pdf": [r"gemKPT_Migration_ePA2_V1\.0\.0 Seite"],
    "kbv_vorgaben_corsurv_2021.pdf": [r"Seite \d+ von 19", r"^/ Vorgaben der KBV"],
    "rki_desh_anleitung_sequenzdaten_2021.pdf": [r"^_{10,}$", r"^Verwendung von https://desh\.bdr\.de"],
    "rki_epidbull_2020-17_nowcasting.pdf": [r"Epidemiologisches Bulletin 17 \| 2020"],
}
# Any file: "Seite 3 von 19", "3", "- 3 -", "3 / 19" alone on a line.
BARE_PAGE_NUMBER = re.compile(r"^(?:(?:Seite|Page)\s*)?[-–]?\s*\d{1,3}\s*[-–]?(?:\s*(?:von|of|/)\s*\d{1,3})?$")
LEADER_ENTRY = re.compile(r"(?:\.{4,}|…{2,})\s*\d{1,4}\b")
TOC_TITLE = re.compile(r"^(?:Inhalt|Inhaltsverzeichnis|Inhaltsübersicht|INHALT)$", re.MULTILINE)
# A word broken at a line end and left open ("Ge- sundheit", "tatsäch - liche"); elided compounds
# before a conjunction ("Erst- und Folgeimpfung", "weder Konnektor- noch") are German.
OPEN_BREAK = re.compile(r"[^\W\d_]{2,} ?- (?!(?:und|oder|bzw|sowie|bis|noch|als|wie)\b)[a-zäöüß]{2,}")
# A footnote marker inside a word: "Erkrankungs1beginn".
MARKER_IN_WORD = re.compile(r"[a-zäöüß]{3,}\d{1,2}[a-zäöüß]{2,}")

# (file, a sentence opening, the PDF page it is printed on): one or two per file.
PAGES = [
    ("banz_coronaimpfv_2021-04-01.pdf", "(6) Das Robert Koch-Institut übermittelt dem Bundesministerium", 10),
    ("bkg_vg250_dokumentation_2022.pdf", "Nicht einvernehmlich festgelegte Staats- und Landesgrenzabschnitte", 7),
    ("bmg_coronaimpfv_referentenentwurf_2021-04-01.pdf", "Im Ergebnis ist mit einem Erfüllungsaufwand", 4),
    ("bmg_coronaimpfv_referentenentwurf_2021-04-01.pdf", "Für die Information der Versicherten nutzen", 37),
    ("gematik_gemspec_vzd_fhir_directory_v1.0.0.pdf", "Der PASSporT-Service ist eine Komponente", 9),
    ("gematik_konzept_migration_epa2_v1.0.0.pdf", "Die Konnektorhersteller können nicht zu einem Upgrade", 7),
    ("kbv_vorgaben_corsurv_2021.pdf", "Die abrechnungsbegründenden Unterlagen sind bis zum 31. Dezember 2024", 5),
    ("kbv_vorgaben_corsurv_2021.pdf", "Darüber hinaus bestätigen wir", 10),
    ("rki_desh_anleitung_sequenzdaten_2021.pdf", "OWN_FASTA_ID: Labor-interner Identifier", 6),
    ("rki_epidbull_2020-17_nowcasting.pdf", "Um zeitliche Veränderungen der Korrekturverteilung", 2),
    ("rki_epidbull_2020-17_nowcasting.pdf", "Gelingt das dauerhafte Niedrighalten der Reproduktionszahl", 6),
]


@pytest.fixture(scope="module")
def chunks_of(encoder):
    settings = make_settings(PROJECT_DIR / "data")

    @cache
    def chunks(name: str) -> list[Chunk]:
        path = REALDOCS / name
        parsed = parse_document(path.read_bytes(), path.name)
        return chunk_document(parsed, path.name, {}, encoder=encoder, settings=settings)[1]

    return chunks


def _lines(chunks: list[Chunk]) -> list[str]:
    return [line.strip() for chunk in chunks for line in chunk.text.split("\n") if line.strip()]


def _opening(chunks: list[Chunk], text: str) -> Chunk:
    found = [chunk for chunk in chunks if chunk.text.startswith(text)]
    assert found, f"no chunk starts with {text!r}"
    return found[0]


def _containing(chunks: list[Chunk], text: str) -> Chunk:
    found = [chunk for chunk in chunks if text in chunk.text]
    assert found, f"no chunk contains {text!r}"
    return found[0]


def test_every_real_document_is_checked():
    assert len(PDFS) >= 8, f"realdocs missing under {REALDOCS}"
    assert {p.name for p in PDFS} == set(RUNNING)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_no_running_header_footer_or_bare_page_number_in_any_chunk(chunks_of, path: Path):
    lines = _lines(chunks_of(path.name))
    running = [line for line in lines if any(re.search(pattern, line) for pattern in RUNNING[path.name])]
    bare = [line for line in lines if BARE_PAGE_NUMBER.match(line)]
    assert not running, running[:5]
    assert not bare, bare[:5]


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_no_table_of_contents_in_any_chunk_or_section_label(chunks_of, path: Path):
    chunks = chunks_of(path.name)
    leaders = [chunk.text[:80] for chunk in chunks if LEADER_ENTRY.search(chunk.text)]
    titles = [chunk.text[:80] for chunk in chunks if TOC_TITLE.search(chunk.text)]
    # Three lines in a row that end in a page number are contents without leaders (BKG, KBV);
    # "3 = NUTS 3" is a code list.
    entry_runs = [
        chunk.text[:80]
        for chunk in chunks
        if re.search(r"(?:^|\n)(?:[^\n=]*[^\W\d_] \d{1,3}\n+){3}", chunk.text + "\n")
    ]
    labels = [chunk.section for chunk in chunks if chunk.section and LEADER_ENTRY.search(chunk.section)]
    assert not leaders, leaders[:3]
    assert not titles, titles[:3]
    assert not entry_runs, entry_runs[:3]
    assert not labels, labels[:3]


def test_a_laws_section_list_is_not_indexed_but_its_sections_are(chunks_of):
    chunks = chunks_of("banz_coronaimpfv_2021-04-01.pdf")
    listing = [c.text[:80] for c in chunks if "§ 2 Schutzimpfungen mit höchster Priorität\n\n§ 3" in c.text]
    assert not listing
    assert any(c.section and c.section.endswith("§ 19 Übergangsvorschriften") for c in chunks)


@pytest.mark.parametrize("path", PDFS, ids=lambda p: p.name)
def test_hyphenation_joined_soft_hyphens_dropped_and_footnote_markers_outside_words(chunks_of, path: Path):
    text = "\n".join(chunk.text for chunk in chunks_of(path.name))
    assert "\u00ad" not in text
    assert not OPEN_BREAK.findall(text), OPEN_BREAK.findall(text)[:5]
    assert not MARKER_IN_WORD.findall(text), MARKER_IN_WORD.findall(text)[:5]


@pytest.mark.parametrize(
    ("name", "words"),
    [
        # 611 soft hyphens at line ends: "Ge\u00adsundheit", "so\u00adwie".
        ("bmg_coronaimpfv_referentenentwurf_2021-04-01.pdf", ["Krankenversicherungsunternehmen", "sowie für Personen"]),
        # InDesign sets a space before the hyphen: "tatsäch -", "Infek -", "ten -" (over a page break).
        ("rki_epidbull_2020-17_nowcasting.pdf", ["die tatsächliche Anzahl", "Infektionszeitpunkt", "Insgesamt tendiert"]),
        ("banz_coronaimpfv_2021-04-01.pdf", ["Anspruch auf Schutzimpfung gegen", "Krankenkassen, der Kassenärztlichen"]),
    ],
)
def test_words_broken_at_line_ends_are_whole(chunks_of, name: str, words: list[str]):
    text = " ".join(chunk.text.replace("\n", " ") for chunk in chunks_of(name))
    for word in words:
        assert word in text


def test_footnote_marker_stays_after_its_word(chunks_of):
    text = " ".join(chunk.text for chunk in chunks_of("rki_epidbull_2020-17_nowcasting.pdf"))
    assert "multiple Imputation durchgeführt,1 bei der die fehlenden Datenwerte aufgrund" in text


def test_two_column_bulletin_reads_in_column_order(chunks_of):
    # Sentences of one column stay whole and in order: no chart label or side note in between.
    chunks = chunks_of("rki_epidbull_2020-17_nowcasting.pdf")
    sentences = [
        "In 522 Fällen war der zeitliche Abstand zwischen dem Datum der Übermittlung an das RKI und dem "
        "Erkrankungsbeginn negativ oder lag über 30 Tage*.",
        "Diese Fälle wurden bei der nachfolgenden Analyse und der Imputation des Erkrankungsbeginns nicht "
        "miteinbezogen.",
        "Der Mittelwert stieg zwischen dem 12. und 21. März von 5,3 Tagen auf 6,6 Tage.",
    ]
    positions = [_containing(chunks, sentence).position for sentence in sentences]
    assert positions == sorted(positions)


@pytest.mark.parametrize(("name", "opening", "page"), PAGES, ids=[f"{n[:12]}-p{p}" for n, _, p in PAGES])
def test_sample_passages_carry_the_page_they_are_printed_on(chunks_of, name: str, opening: str, page: int):
    chunk = _containing(chunks_of(name), opening)
    assert chunk.page is not None and chunk.page <= page <= (chunk.page_end or chunk.page), (
        chunk.page,
        chunk.page_end,
    )
    # The passage starts the chunk or sits on the chunk's first page: the range is not a wide guess.
    assert (chunk.page_end or chunk.page) - chunk.page <= 1


def test_paragraph_over_a_page_break_has_its_page_range(chunks_of):
    # CoronaImpfV § 5 (2) starts at the foot of page 4 and ends at the top of page 5.
    chunk = _containing(chunks_of("banz_coronaimpfv_2021-04-01.pdf"), "(2) Der von der Ständigen Impfkommission")
    assert (chunk.page, chunk.page_end) == (4, 5)
    assert "Termine für die Zweitimpfung bleiben davon unberührt" in chunk.text


def test_law_chunks_know_their_legal_position(chunks_of):
    chunks = chunks_of("banz_coronaimpfv_2021-04-01.pdf")
    assert _containing(chunks, "(1) Personen nach Satz 2 haben").legal == "§ 1 Abs. 1"
    # A chunk holding several Absätze starts at the first; a quote further in stands in its own.
    chunk = _containing(chunks, "(6) Das Robert Koch-Institut übermittelt")
    quote = chunk.text.index("(6) Das Robert Koch-Institut übermittelt")
    assert position_in(parse_label(chunk.legal), chunk.text, quote).label() == "§ 14 Abs. 6"
    assert _containing(chunks, "(2) Der von der Ständigen Impfkommission").legal == "§ 5 Abs. 2"
    # A chunk that starts inside an enumeration names the Nummer it starts with.
    numbered = [c.legal for c in chunks if c.legal and " Nr. " in c.legal]
    assert numbered, "no chunk starts inside a numbered list"
    assert all(re.fullmatch(r"§ \d+ Abs\. \d+ Nr\. \d+( Buchst\. [a-z])?", legal) for legal in numbered), numbered
    # § 4 (1) Nr. 4 runs over a chunk boundary: the next chunk opens with "c)" and stays in Nr. 4.
    assert _opening(chunks, "c) die in besonders relevanter Position im Ausland").legal == "§ 4 Abs. 1 Nr. 4 Buchst. c"
    assert all(c.legal is None for c in chunks_of("gematik_konzept_migration_epa2_v1.0.0.pdf"))


# Rows of ruled tables, as the PDFs print them (checked with ``pdftotext -layout``): every row is one
# unit with its column headers and the table's caption.
_ABBREVIATIONS = "Anhang A – Verzeichnisse – Kürzel: "
_MEASURES = "Tab. 1 | Start von Maßnahmen zur Eindämmung der SARS-CoV-2-Epidemie in Deutschland, 2020. – "
_RECORD = "Allgemeine Erläuterungen zur Satzart – "
TABLE_ROWS = {
    "gematik_konzept_migration_epa2_v1.0.0.pdf": [
        f"{_ABBREVIATIONS}{short} · Erläuterung: {long}"
        for short, long in [
            ("AS", "Aktensystem"),
            ("DVD", "Dienstverzeichnisdienst"),
            ("ePA", "Elektronische Patientenakte"),
            ("FdV", "Frontend des Versicherten"),
            ("FM", "Fachmodul"),
            ("LEÄ", "Leistungserbringer-äquivalent"),
            ("LEI", "Leistungserbringerinstitution"),
            ("PDSG", "Patientendaten-Schutz-Gesetz"),
            ("PS", "Primärsystem"),
            ("SMC-B", "Security Module Card, Typ B"),
        ]
    ],
    # The bulletin sets the caption below the table, in the side column.
    "rki_epidbull_2020-17_nowcasting.pdf": [
        f"{_MEASURES}Start der Maßnahme: 9. März · Maßnahme: Absage großer Veranstaltungen in verschiedenen "
        "Bundesländern (bei über 1.000 Teilnehmer)",
        f"{_MEASURES}Start der Maßnahme: 16. März · Maßnahme: Bund-Länder-Vereinbarung zu Leitlinien gegen die "
        "Ausbreitung des Coronavirus",
        f"{_MEASURES}Start der Maßnahme: 23. März · Maßnahme: Bundesweit umfangreiches Kontaktverbot",
    ],
    "kbv_vorgaben_corsurv_2021.pdf": [
        f"{_RECORD}Feld-Nr.: 01 · Feld: Satzart · Feldart: M · Anzahl Stellen: 13 · Feldeigenschaft: alphanum. · "
        "Inhalt/Erläuterung: konstant „CORSURVSEQORD“",
        # Page 13 continues the table of page 12 without repeating its header row.
        f"{_RECORD}Feld-Nr.: 10 · Feld: Postleitzahl des Getesteten · Feldart: M · Anzahl Stellen: 5 · "
        "Feldeigenschaft: numerisch · Inhalt/Erläuterung: Postleitzahl des Getesteten",
    ],
    "gematik_gemspec_vzd_fhir_directory_v1.0.0.pdf": [
        "Tabelle 3: VZD-FHIR-Directory_Mapping_LDAP_to_FHIR – LDAP-Eintragstyp: HBA und SMC-B · "
        "LDAP-Attribut: displayName · FHIR-Ressource: TIPractitioner TIOrganization · FHIR-Element: name = displayName",
    ],
}


def _paragraphs(chunks: list[Chunk]) -> list[str]:
    return [part for chunk in chunks for part in chunk.text.split("\n\n")]


@pytest.mark.parametrize("name", sorted(TABLE_ROWS))
def test_every_row_of_a_known_table_is_one_unit_with_headers_and_caption(chunks_of, name: str):
    paragraphs = _paragraphs(chunks_of(name))
    missing = [row for row in TABLE_ROWS[name] if row not in paragraphs]
    assert not missing, missing


def test_a_tables_text_is_indexed_as_rows_only_not_again_as_prose(chunks_of):
    text = "\n".join(chunk.text for chunk in chunks_of("gematik_konzept_migration_epa2_v1.0.0.pdf"))
    # Read as prose, the table would give "Kürzel Erläuterung AS Aktensystem DVD Dienstverzeichnisdienst".
    for cells in ("Kürzel Erläuterung", "DVD Dienstverzeichnisdienst", "PDSG Patientendaten-Schutz-Gesetz"):
        assert cells not in text
    assert text.count("Erläuterung: Dienstverzeichnisdienst") == 1


def test_a_table_row_keeps_the_page_it_is_printed_on(chunks_of):
    chunk = _containing(chunks_of("kbv_vorgaben_corsurv_2021.pdf"), "Feld-Nr.: 10 · Feld: Postleitzahl")
    assert chunk.page == 13


_SEQ_TYPE = "SEQ_TYPE: Verwendete Sequenzierungs-Plattform – "


def test_a_value_list_without_header_row_keeps_its_values_as_values_under_its_field_name(chunks_of):
    # DESH sets the SEQ_TYPE value set as a ruled table whose first row is data, in the body's font:
    # "LS454" is a value, not the label of the column, and the rows are named by the field line.
    paragraphs = _paragraphs(chunks_of("rki_desh_anleitung_sequenzdaten_2021.pdf"))
    for row in [
        f"{_SEQ_TYPE}LS454 · 454 technology use 1-color sequential flows",
        f"{_SEQ_TYPE}ILLUMINA · Illumina is 4-channel flowgram with 1-to-1 mapping between basecalls and flows",
        f"{_SEQ_TYPE}OXFORD_NANOPORE · Oxford Nanopore platform type. nanopore-based electronic single molecule "
        "analysis.",
        "SAMPLE_TYPE: Art der Probe – s001 · Upper respiratory swab sample (specimen)",
    ]:
        assert row in paragraphs
    text = "\n".join(paragraphs)
    assert "LS454: " not in text and "s001: " not in text


def test_a_header_less_row_reads_back_as_a_table_row_without_labels():
    row = f"{_SEQ_TYPE}ILLUMINA · Illumina is 4-channel flowgram"
    assert is_row_text(row)
    assert parse_row(row) == (
        "SEQ_TYPE: Verwendete Sequenzierungs-Plattform",
        [("", "ILLUMINA"), ("", "Illumina is 4-channel flowgram")],
    )


def test_a_cell_over_several_lines_and_a_page_break_is_one_cell_text(chunks_of):
    chunks = chunks_of("gematik_gemspec_vzd_fhir_directory_v1.0.0.pdf")
    paragraphs = _paragraphs(chunks)
    # The LDAP attribute cell runs over five lines, the last one on the next page; the FHIR resource
    # cell is one word Word cut at the cell's edge ("HealthcareSer" / "vice").
    assert any(
        "LDAP-Attribut: specialization Format urn:psc:<OID Codesystem:Code> · FHIR-Ressource: HealthcareService · "
        in p
        for p in paragraphs
    )
    cut = _containing(chunks, "LDAP-Attribut: specialization Format urn:as:<OID Codesystem:Code> · ")
    assert cut.page == 17
    # Tabelle 1: the row of the "Fachanwendung" continues at the top of page 11 without its first cells.
    row = next(p for p in paragraphs if "Akteur: Fachanwendung" in p)
    assert row.endswith("Sie sind im Rahmen ihrer Aufgabe berechtigt, die Einträge zu lesen.")
    assert not [p for p in paragraphs if p.startswith("Tabelle 1: VZD_FHIR_Directory_Akteure_und_Rollen – Beschreibung:")]


_VG250 = "Verwaltungsgebiete 1 : 250 000 – "


def test_an_unruled_attribute_table_gives_one_row_per_attribute_with_its_whole_description(chunks_of):
    # BKG VG250 pages 9-20 set attributes and file lists as two columns aligned by whitespace, no rules
    # and no header row: each row is named by the line above the table that the layout sets as a title.
    paragraphs = _paragraphs(chunks_of("bkg_vg250_dokumentation_2022.pdf"))
    for row in [
        "Allgemeine Objektattribute – OBJID · eindeutiger Objektidentifikator",
        # A description over two lines is one cell.
        "Allgemeine Objektattribute – BEGINN · Beginn Lebenszeitintervall Datum, an dem das Objekt in den "
        "Datensatz eingefügt oder geändert wurde.",
        "Flächen – ADE · Administrative Ebene Werteübersicht 1 = Staat 2 = Land 3 = Regierungsbezirk 4 = Kreis "
        "5 = Verwaltungsgemeinschaft 6 = Gemeinde",
        "Übersicht der Daten des Geopackage – vg250_sta · Flächen Ebene Staat",
    ]:
        assert row in paragraphs, row
    assert any(p.endswith(" – LON_DEZ · Geografische Länge in Dezimalgrad") for p in paragraphs)
    text = "\n".join(paragraphs)
    # Its text is indexed as rows only, not again as prose.
    assert text.count("eindeutiger Objektidentifikator") == 1


def test_rows_stacked_in_one_ruled_band_are_rows_of_their_own(chunks_of):
    # BKG page 12 rules only the header off: the four examples share one band, line by line.
    paragraphs = _paragraphs(chunks_of("bkg_vg250_dokumentation_2022.pdf"))
    for row in [
        f"{_VG250}IBZ: 42 · BEZ: Kreis · GEN: Dithmarschen · NBD: ja · vollständiger Name: Kreis Dithmarschen",
        f"{_VG250}IBZ: 43 · BEZ: Landkreis · GEN: Prignitz · NBD: ja · vollständiger Name: Landkreis Prignitz",
        f"{_VG250}ARS gemeindefreies Gebiet: 010609014014 Buchholz (Forstgutsbez.) · ARS Amt: 010605053 Leezen · "
        "Kreis: Segeberg",
    ]:
        assert row in paragraphs, row


def test_two_column_prose_contents_pages_and_lists_are_no_table():
    found = {path.name: find_tables(path.read_bytes()) for path in PDFS}
    # The bulletin's only table is the ruled one on page 6; its columns of prose and its charts are none.
    assert set(found["rki_epidbull_2020-17_nowcasting.pdf"]) == {6}
    # Contents pages (BKG page 2 with page numbers, the CoronaImpfV's section list on page 1) are none.
    assert 2 not in found["bkg_vg250_dokumentation_2022.pdf"]
    assert not found["banz_coronaimpfv_2021-04-01.pdf"]
    # Numbered lists with hanging indents (the Referentenentwurf) are none.
    assert not found["bmg_coronaimpfv_referentenentwurf_2021-04-01.pdf"]
