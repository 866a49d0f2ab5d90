"""The project's HTML rules against trafilatura on agency pages with navigation debris.

The pages (bench/data/html) follow the structure of German ministry, state-agency and municipal
sites: cookie banners as plain <div>s, skip links, menus without <nav>, breadcrumbs, share and
"Seite drucken" links, sidebars and footers, one page laid out with a <table>. For each page the
known sentences of the content and the known debris lines are listed below; an extractor is scored
by the content sentences it keeps (recall), the debris it keeps, the table rows it keeps whole and
its time.

    python bench/html_extractors.py
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from pathlib import Path
from unittest.mock import patch

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from ingest.loaders import parse_document  # noqa: E402

PAGES = PROJECT_DIR / "bench" / "data" / "html"

# page -> (content sentences, debris, table cells that must stay on one row: (left, right))
EXPECTED: dict[str, tuple[list[str], list[str], list[tuple[str, str]]]] = {
    "ministerium_pressemitteilung.html": (
        [
            "Förderprogramm Pflegedigitalisierung startet",
            "Pflegeeinrichtungen können ab dem 1. April 2024 Zuschüsse für digitale Ausstattung beantragen.",
            "Gefördert werden insbesondere Anwendungen für die Pflegedokumentation",
            "Jede Einrichtung kann einen einmaligen Zuschuss von bis zu 12.000 Euro erhalten.",
            "Wer kann Anträge stellen?",
            "Die Anträge werden bei der zuständigen Pflegekasse gestellt.",
            "Einrichtungen der Tages- und Nachtpflege",
            "sagte der Bundesminister bei der Vorstellung des Programms in Berlin.",
        ],
        [
            "Wir verwenden Cookies",
            "Datenschutzeinstellungen",
            "Alle akzeptieren",
            "Direkt zum Inhalt",
            "Leichte Sprache",
            "Ministerium",
            "Sie sind hier",
            "Seite teilen",
            "Mastodon",
            "Zum Seitenanfang",
            "Häufige Fragen zur Pflegeversicherung",
            "Erklärung zur Barrierefreiheit",
            "© Bundesministerium",
        ],
        [("Pflegedokumentation", "40 Prozent"), ("Schulungen der Beschäftigten", "10 Prozent")],
    ),
    "landesamt_merkblatt.html": (
        [
            "Merkblatt zur Untersuchung von Trinkwasser in Hausinstallationen",
            "Die Untersuchung ist alle drei Jahre vorgeschrieben",
            "Der technische Maßnahmewert für Legionellen liegt bei 100 koloniebildenden Einheiten je 100 Milliliter.",
            "muss der Betreiber unverzüglich das Gesundheitsamt informieren.",
            "Beauftragen Sie eine akkreditierte Untersuchungsstelle.",
            "Das Ergebnis wird Ihnen schriftlich mitgeteilt.",
            "Die Kosten der Untersuchung trägt der Betreiber der Anlage.",
        ],
        [
            "Zum Hauptinhalt springen",
            "Arbeitsschutz",
            "Startseite",
            "War diese Seite hilfreich",
            "Das könnte Sie auch interessieren",
            "technisch notwendige Cookies",
            "Verstanden",
            "Eggenreuther Weg",
            "Impressum",
        ],
        [],
    ),
    "kommune_bekanntmachung.html": (
        [
            "Öffentliche Bekanntmachung der Haushaltssatzung der Stadt Musterstadt für das Haushaltsjahr 2024",
            "hat der Rat der Stadt Musterstadt mit Beschluss vom 12. Dezember 2023 folgende Haushaltssatzung erlassen",
            "Gesamtbetrag der Aufwendungen auf 189.730.000 Euro festgesetzt.",
            "Kredite für Investitionen werden nicht veranschlagt.",
            "Der Haushaltsplan liegt zur Einsichtnahme im Rathaus, Zimmer 214, während der Dienststunden öffentlich aus.",
        ],
        [
            "Bürgerservice",
            "Schnellzugriff",
            "Mängelmelder",
            "Startseite / Rathaus",
            "Seite drucken",
            "nach oben",
            "Sitemap",
            "Alle Rechte vorbehalten",
            "verwenden wir Cookies",
        ],
        [("Grundsteuer B", "495 v. H."), ("Gewerbesteuer", "445 v. H.")],
    ),
}


def rules(html: bytes) -> list[str]:
    with patch("ingest.loaders.html.main_content", lambda blocks, _: blocks):
        return [block.text for block in parse_document(html, "page.html").blocks]


def ingest(html: bytes) -> list[str]:
    return [block.text for block in parse_document(html, "page.html").blocks]


def trafilatura_text(html: bytes, **options) -> list[str]:
    import trafilatura

    text = trafilatura.extract(html.decode("utf-8"), include_tables=True, include_comments=False, **options)
    return (text or "").split("\n")


EXTRACTORS: dict[str, Callable[[bytes], list[str]]] = {
    "rules alone (before)": rules,
    "ingest: rules + trafilatura (now)": ingest,
    "trafilatura": trafilatura_text,
    "trafilatura favor_recall": lambda html: trafilatura_text(html, favor_recall=True),
    "trafilatura favor_precision": lambda html: trafilatura_text(html, favor_precision=True),
}


def score(lines: list[str], expected) -> tuple[int, int, int, list[str], list[str]]:
    content, debris, rows = expected
    text = " ".join(" ".join(lines).split())
    kept = [sentence for sentence in content if sentence in text]
    junk = [line for line in debris if line in text]
    whole = [pair for pair in rows if any(pair[0] in line and pair[1] in line for line in lines)]
    return len(kept), len(junk), len(whole), [s for s in content if s not in kept], junk


def main() -> None:
    print("| page | extractor | content kept | debris kept | table rows whole | ms | missed / debris |")
    print("|---|---|---:|---:|---:|---:|---|")
    totals: dict[str, list[int]] = {}
    for name, expected in EXPECTED.items():
        html = (PAGES / name).read_bytes()
        for label, extract in EXTRACTORS.items():
            started = time.perf_counter()
            try:
                lines = extract(html)
            except ImportError:
                print(f"| {name} | {label} | not installed | | | | |")
                continue
            ms = 1000 * (time.perf_counter() - started)
            kept, junk, whole, missed, debris = score(lines, expected)
            content, junk_all, rows = expected
            print(
                f"| {name} | {label} | {kept}/{len(content)} | {junk}/{len(junk_all)} | {whole}/{len(rows)} | "
                f"{ms:.0f} | {'; '.join(missed + debris)[:160]} |"
            )
            total = totals.setdefault(label, [0, 0, 0, 0, 0, 0])
            for index, value in enumerate((kept, len(content), junk, len(junk_all), whole, len(rows))):
                total[index] += value
    print()
    print("| extractor | content recall | debris kept | table rows whole |")
    print("|---|---:|---:|---:|")
    for label, (kept, content, junk, junk_all, whole, rows) in totals.items():
        print(f"| {label} | {kept}/{content} | {junk}/{junk_all} | {whole}/{rows} |")


if __name__ == "__main__":
    main()
