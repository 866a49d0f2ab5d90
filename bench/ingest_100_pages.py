"""Seconds until a ~100-page PDF is searchable, with the encoder's share reported apart.

The PDF is built from real documents (../shared/realdocs: the CoronaImpfV, the ministerial draft and
the gematik specification, 101 pages) with pypdf. Each run ingests it into a fresh store (embedded
Chroma in a temporary directory) and ends when a query for a sentence from its last part finds the
document; the model is loaded once before the runs and not counted. The target is under 60 s on
two cores.

    python bench/ingest_100_pages.py [RUNS]
"""

from __future__ import annotations

import io
import statistics
import sys
import tempfile
import time
from pathlib import Path

from pypdf import PdfReader, PdfWriter

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from assistant.components.embedding.component import load_encoder  # noqa: E402
from assistant.container import Container  # noqa: E402
from assistant.settings import Settings  # noqa: E402

REALDOCS = PROJECT_DIR.parent / "shared" / "realdocs"
PARTS = (
    "banz_coronaimpfv_2021-04-01.pdf",
    "bmg_coronaimpfv_referentenentwurf_2021-04-01.pdf",
    "gematik_gemspec_vzd_fhir_directory_v1.0.0.pdf",
)
QUERY = "Der PASSporT-Service stellt Personal Assertion Token aus"  # printed on page 9 of the last part
TARGET_SECONDS = 60.0


def build_pdf() -> tuple[bytes, int]:
    writer = PdfWriter()
    for name in PARTS:
        writer.append(PdfReader(REALDOCS / name))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(writer.pages)


class _TimedEncoder:
    """The encoder with the seconds spent embedding passages added up."""

    def __init__(self, encoder) -> None:
        self._encoder = encoder
        self.seconds = 0.0

    def encode_passages(self, texts, **kwargs):
        started = time.perf_counter()
        try:
            return self._encoder.encode_passages(texts, **kwargs)
        finally:
            self.seconds += time.perf_counter() - started

    def __getattr__(self, name):
        return getattr(self._encoder, name)


def run_once(data: bytes, encoder, pages: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory(prefix="ingest100-") as directory:
        settings = Settings(_env_file=None, data_dir=Path(directory), model_cache_dir=PROJECT_DIR / "data" / "models")
        timed = _TimedEncoder(encoder)
        container = Container(settings, encoder=timed)
        page_times: dict[str, float] = {}
        started = time.perf_counter()

        def page_progress(stage: str, page: int, total: int) -> None:
            if page == total:
                page_times.setdefault(stage, time.perf_counter() - started)

        result = container.documents.ingest_bytes("hundert_seiten.pdf", data, {}, pages=page_progress)
        found = container.retrieval.retrieve(QUERY, 5).passages
        searchable = time.perf_counter() - started
        assert result.status == "added", result
        assert any(p.metadata.get("document_id") == result.document_id for p in found), "not searchable"
        return {
            "searchable": searchable,
            "encoder": timed.seconds,
            "read": page_times.get("reading", 0.0),
            "chunks": float(result.chunks),
            "pages": float(pages),
        }


def main(runs: int) -> None:
    data, pages = build_pdf()
    started = time.perf_counter()
    encoder = load_encoder(Settings(_env_file=None, model_cache_dir=PROJECT_DIR / "data" / "models"))
    load = time.perf_counter() - started
    print(f"PDF: {pages} pages, {len(data) / 1e6:.1f} MB from {', '.join(PARTS)}")
    print(f"model load (not counted): {load:.1f} s")
    print("| run | until searchable (s) | encoder (s) | rest (s) | pages read after (s) | chunks |")
    print("|---:|---:|---:|---:|---:|---:|")
    results = []
    for number in range(1, runs + 1):
        figures = run_once(data, encoder, pages)
        results.append(figures)
        print(
            f"| {number} | {figures['searchable']:.1f} | {figures['encoder']:.1f} | "
            f"{figures['searchable'] - figures['encoder']:.1f} | {figures['read']:.1f} | {figures['chunks']:.0f} |"
        )
    median = statistics.median(r["searchable"] for r in results)
    encoder_median = statistics.median(r["encoder"] for r in results)
    verdict = "met" if median < TARGET_SECONDS else "MISSED"
    print(
        f"median of {runs}: {median:.1f} s until searchable, of which encoder {encoder_median:.1f} s; "
        f"target < {TARGET_SECONDS:.0f} s {verdict}"
    )


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 3)
