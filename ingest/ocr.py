"""Text for PDF pages without a text layer: each page rendered by poppler's ``pdftoppm`` and read by
the ``tesseract`` binary (Debian packages poppler-utils, tesseract-ocr, tesseract-ocr-deu/-eng).

Binaries rather than Python bindings: both come from the distribution (``make ocr``), need no
compiler, and a process can be given a timeout, so one pathological page cannot hang ingestion.
Without them a scanned page is reported, never silently indexed as nothing.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class OcrOptions:
    enabled: bool = True
    languages: str = "deu+eng"
    dpi: int = 200
    max_pages: int = 50  # per document: bounds the time one upload can take
    page_timeout: float = 120.0  # seconds for rendering plus recognising one page


class OcrProblem(RuntimeError):
    """Why pages were not read, in German and English."""

    def __init__(self, german: str, english: str) -> None:
        super().__init__(f"{german} ({english})")
        self.german = german
        self.english = english


class OcrUnavailable(OcrProblem):
    """OCR is switched off, or a binary or language pack is missing."""


class OcrFailed(OcrProblem):
    """Rendering or recognising a page failed."""


def check_available(options: OcrOptions) -> None:
    if not options.enabled:
        raise OcrUnavailable("OCR ausgeschaltet", "OCR switched off")
    for binary in ("pdftoppm", "tesseract"):
        if shutil.which(binary) is None:
            raise OcrUnavailable(f"OCR nicht installiert ({binary} fehlt)", f"OCR not installed ({binary} missing)")
    installed = _installed_languages()
    missing = "+".join(lang for lang in options.languages.split("+") if lang not in installed)
    if missing:
        raise OcrUnavailable(f"OCR-Sprachdaten fehlen ({missing})", f"OCR language data missing ({missing})")


def ocr_pages(data: bytes, pages: list[int], options: OcrOptions) -> dict[int, str]:
    """The recognised text of the given 1-based ``pages``; raises OcrUnavailable when OCR cannot run."""
    check_available(options)
    texts: dict[int, str] = {}
    with tempfile.TemporaryDirectory(prefix="ocr-") as folder:
        source = Path(folder) / "input.pdf"
        source.write_bytes(data)
        for page in pages[: options.max_pages]:
            texts[page] = _ocr_page(source, page, options, Path(folder))
    return texts


def _ocr_page(source: Path, page: int, options: OcrOptions, folder: Path) -> str:
    stem = folder / f"page-{page}"
    _run(
        ["pdftoppm", "-r", str(options.dpi), "-gray", "-png", "-singlefile", "-f", str(page), "-l", str(page),
         str(source), str(stem)],
        options.page_timeout,
    )
    # One thread per tesseract: the machine's cores are shared with the embedding model and other
    # requests, and tesseract's own threading gains little on a single page.
    result = _run(
        ["tesseract", f"{stem}.png", "stdout", "-l", options.languages, "--psm", "3"],
        options.page_timeout,
        env={**os.environ, "OMP_THREAD_LIMIT": "1"},
    )
    return result.stdout


def _run(command: list[str], timeout: float, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
    try:
        return subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=True, env=env)
    except subprocess.TimeoutExpired as exc:
        raise OcrFailed(
            f"Texterkennung nach {timeout:g} s abgebrochen ({command[0]})", f"OCR timed out after {timeout:g} s"
        ) from exc
    except subprocess.CalledProcessError as exc:
        detail = exc.stderr.strip()[:200]
        raise OcrFailed(f"Texterkennung fehlgeschlagen: {detail}", f"OCR failed: {detail}") from exc


def _installed_languages() -> set[str]:
    try:
        listing = subprocess.run(
            ["tesseract", "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.TimeoutExpired):
        return set()
    return {line.strip() for line in listing.splitlines()[1:] if line.strip()}
