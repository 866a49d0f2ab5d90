"""What ingestion makes of each real PDF (../shared/realdocs): pages, chunks, table rows, OCR'd
pages, notes and seconds (parsing, OCR and chunking with the model's tokenizer; no embedding).

    python bench/realdocs_ingest.py [FOLDER]
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import pypdf

PROJECT_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(PROJECT_DIR))

from assistant.components.embedding.component import load_encoder  # noqa: E402
from assistant.services.document_input import chunk_document, ocr_options  # noqa: E402
from assistant.settings import Settings  # noqa: E402
from ingest.chunking import embedding_text  # noqa: E402
from ingest.loaders import parse_document  # noqa: E402
from ingest.model import LoaderError  # noqa: E402

DEFAULT_FOLDER = PROJECT_DIR.parent / "shared" / "realdocs"


def main(folder: Path) -> None:
    settings = Settings()
    encoder = load_encoder(settings)
    print("| document | pages | chunks | longest chunk (tokens, of 512) | table rows | OCR pages | seconds | notes |")
    print("|---|---:|---:|---:|---:|---:|---:|---|")
    for path in sorted(folder.glob("*.pdf")):
        data = path.read_bytes()
        pages = len(pypdf.PdfReader(path).pages)
        started = time.perf_counter()
        try:
            parsed = parse_document(data, path.name, ocr=ocr_options(settings))
            title, chunks = chunk_document(parsed, path.name, {}, encoder=encoder, settings=settings)
        except LoaderError as exc:
            print(f"| {path.name} | {pages} | – | – | – | – | {time.perf_counter() - started:.1f} | {exc.message} |")
            continue
        seconds = time.perf_counter() - started
        embedded = [encoder.passage_prefix + embedding_text(title, c.section, c.text) for c in chunks]
        longest = max(len(ids) for ids in encoder.tokenizer(embedded, verbose=False)["input_ids"])
        rows = sum(block.kind == "row" for block in parsed.blocks)
        print(
            f"| {path.name} | {pages} | {len(chunks)} | {longest} | {rows} | {len(parsed.ocr_pages)} | "
            f"{seconds:.1f} | {'; '.join(parsed.notes)} |"
        )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT_FOLDER)
