"""Compares PDF text extractors on the real public-sector PDFs (../shared/realdocs): text fidelity,
table recovery and speed. Prints a Markdown table.

    python bench/pdf_extractors.py [FOLDER]

Extractors: pypdf (what ingestion uses, raw and after the loader's repairs), pypdfium2 (PDFium, Apache-2.0/BSD) and pdfplumber (MIT, on
pdfminer.six). PyMuPDF is left out on purpose: it is AGPL. pypdfium2 and pdfplumber are optional
here (``pip install pypdfium2 pdfplumber``); a missing one is reported, not fatal.

Fidelity has no ground truth, so it is measured against poppler's ``pdftotext`` (independent code)
and by symptoms that hurt retrieval:
- ``agree``: share of pdftotext's distinct words (≥ 4 letters) that the extractor also yields;
- ``fused``: words of 30+ letters per 1000 words (missing spaces, "Gesundheitsdatennutzungund");
- ``bad``: replacement, private-use and control characters per 10 000 characters (broken fonts).
Tables: pdfplumber's ``find_tables`` (at least 2 rows and 2 columns) against the distinct
"Tabelle N" captions in the text; pypdf and pypdfium2 have no table extraction.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
import time
import unicodedata
from collections.abc import Callable
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parent.parent
DEFAULT_FOLDER = PROJECT_DIR.parent / "shared" / "realdocs"
sys.path.insert(0, str(PROJECT_DIR))  # run as a script from anywhere: the project's ingest package
_WORD = re.compile(r"[^\W\d_]{4,}")
_LONG = re.compile(r"[^\W\d_]{30,}")
_CAPTION = re.compile(r"\bTabelle\s+(\d+)\s*:")


def pypdf_pages(path: Path) -> list[str]:
    import pypdf

    return [page.extract_text() or "" for page in pypdf.PdfReader(path).pages]


def pdfium_pages(path: Path) -> list[str]:
    import pypdfium2

    document = pypdfium2.PdfDocument(path)
    try:
        return [document[i].get_textpage().get_text_range() for i in range(len(document))]
    finally:
        document.close()


def plumber_pages(path: Path) -> list[str]:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def plumber_tables(path: Path) -> int:
    import pdfplumber

    found = 0
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows = [row for row in table if any(cell for cell in row)]
                if len(rows) >= 2 and max(len(row) for row in rows) >= 2:
                    found += 1
    return found


def ingest_pages(path: Path) -> list[str]:
    """What ingestion makes of pypdf's text: fragments rejoined, headers dropped (all blocks)."""
    from ingest.loaders import parse_document

    return [block.text for block in parse_document(path.read_bytes(), path.name).blocks]


EXTRACTORS: dict[str, Callable[[Path], list[str]]] = {
    "pypdf": pypdf_pages,
    "ingest (pypdf + loader)": ingest_pages,
    "pypdfium2": pdfium_pages,
    "pdfplumber": plumber_pages,
}


def reference_words(path: Path) -> set[str]:
    if not shutil.which("pdftotext"):
        return set()
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=False).stdout
    return set(_WORD.findall(text))


def bad_characters(text: str) -> int:
    return sum(
        1
        for ch in text
        if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cs") or (unicodedata.category(ch) == "Cc" and ch not in "\n\t\r\f")
    )


def measure(path: Path, name: str, extract: Callable[[Path], list[str]], reference: set[str]) -> dict:
    started = time.perf_counter()
    try:
        pages = extract(path)
    except ImportError:
        return {"name": name, "missing": True}
    seconds = time.perf_counter() - started
    text = "\n".join(pages)
    words = _WORD.findall(text)
    return {
        "name": name,
        "seconds": seconds,
        "chars": len(text),
        "agree": len(reference & set(words)) / len(reference) if reference else float("nan"),
        "fused": 1000 * len(_LONG.findall(text)) / max(1, len(words)),
        "bad": 10000 * bad_characters(text) / max(1, len(text)),
        "captions": len(set(_CAPTION.findall(text))),
    }


def main(folder: Path) -> None:
    files = sorted(p for p in folder.glob("*.pdf") if not p.name.endswith("_scan.pdf"))
    if not files:
        sys.exit(f"no PDFs in {folder}")
    print("| document | extractor | seconds | chars | agree w/ pdftotext | fused/1000 words | bad chars/10k | tables found (captions) |")
    print("|---|---|---:|---:|---:|---:|---:|---:|")
    totals: dict[str, list[float]] = {}
    for path in files:
        reference = reference_words(path)
        for name, extract in EXTRACTORS.items():
            row = measure(path, name, extract, reference)
            if row.get("missing"):
                print(f"| {path.name} | {name} | not installed | | | | | |")
                continue
            tables = "–"
            if name == "pdfplumber":
                tables = f"{plumber_tables(path)} ({row['captions']})"
            print(
                f"| {path.name} | {name} | {row['seconds']:.2f} | {row['chars']} | {row['agree']:.3f} | "
                f"{row['fused']:.1f} | {row['bad']:.1f} | {tables} |"
            )
            totals.setdefault(name, []).extend([row["seconds"], row["agree"]])
    print()
    print("| extractor | total seconds | mean agreement |")
    print("|---|---:|---:|")
    for name, values in totals.items():
        seconds, agree = values[0::2], values[1::2]
        print(f"| {name} | {sum(seconds):.2f} | {sum(agree) / len(agree):.3f} |")


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER)
