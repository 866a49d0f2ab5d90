"""What ingestion starts from: files found on disk, their sidecar metadata, size checks, and the
chunks a parsed document becomes."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from assistant.components.embedding.encoder import SentenceEncoder
from assistant.settings import Settings
from ingest.chunking import Chunk, chunk_blocks
from ingest.cleanup import clean_blocks
from ingest.model import LoaderError, ParsedDocument
from ingest.ocr import OcrOptions

METADATA_SUFFIX = ".meta.json"


def ocr_options(settings: Settings) -> OcrOptions:
    return OcrOptions(
        enabled=settings.ocr_enabled,
        languages=settings.ocr_languages,
        dpi=settings.ocr_dpi,
        max_pages=settings.ocr_max_pages,
        page_timeout=settings.ocr_page_timeout,
    )


def chunk_document(
    parsed: ParsedDocument, filename: str, metadata: Mapping[str, Any], *, encoder: SentenceEncoder, settings: Settings
) -> tuple[str, list[Chunk]]:
    """The document's title and its chunks, each fitting the encoder's window with its header."""
    blocks = clean_blocks(parsed.blocks)
    title = str(metadata.get("title") or parsed.metadata.get("title") or parsed.title or _title_from(filename))
    chunks = chunk_blocks(
        blocks,
        title=title,
        count_tokens=encoder.count_tokens,
        target_tokens=settings.chunk_tokens,
        max_tokens=encoder.max_passage_tokens,
        overlap_sentences=settings.chunk_overlap_sentences,
    )
    return title, chunks


def discover_files(paths: Iterable[Path]) -> list[Path]:
    """Files named directly are taken as they are (so an unsupported one is reported); folders are
    walked for documents, skipping hidden files and metadata sidecars."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and _is_candidate(child, path):
                    found.append(child)
        else:
            found.append(path)
    unique: dict[Path, None] = dict.fromkeys(found)
    return list(unique)


def _is_candidate(child: Path, root: Path) -> bool:
    relative = child.relative_to(root)
    if any(part.startswith(".") for part in relative.parts) or child.name.endswith(METADATA_SUFFIX):
        return False
    return True


def read_sidecar(path: Path) -> dict[str, Any]:
    """Metadata from ``<name>.meta.json`` next to the file, if there is one."""
    for candidate in (path.with_name(path.stem + METADATA_SUFFIX), path.with_name(path.name + METADATA_SUFFIX)):
        if candidate.is_file():
            try:
                data = json.loads(candidate.read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise LoaderError(
                    "bad_metadata", f"Metadatendatei {candidate.name} ist kein gültiges JSON (invalid JSON): {exc}"
                ) from exc
            if not isinstance(data, dict):
                raise LoaderError("bad_metadata", f"{candidate.name} muss ein JSON-Objekt sein (must be an object).")
            return data
    return {}


def read_file(path: Path, max_mb: float) -> bytes:
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise LoaderError("not_found", f"Datei nicht gefunden (file not found): {path}") from exc
    if not path.is_file():
        raise LoaderError("not_a_file", f"Keine Datei (not a file): {path}")
    if size > max_mb * 1024 * 1024:
        raise _too_large(size, max_mb)
    try:
        return path.read_bytes()
    except OSError as exc:
        raise LoaderError("unreadable", f"Datei nicht lesbar (cannot read file): {exc}") from exc


def check_size(data: bytes, max_mb: float) -> None:
    if len(data) > max_mb * 1024 * 1024:
        raise _too_large(len(data), max_mb)
    if not data.strip():
        raise LoaderError("empty", "Die Datei ist leer (empty file).")


def _too_large(size: int, max_mb: float) -> LoaderError:
    return LoaderError(
        "too_large",
        f"Die Datei ist mit {size / 1048576:.1f} MB größer als erlaubt ({max_mb:g} MB) (file too large).",
    )


def _title_from(filename: str) -> str:
    stem = Path(filename).stem.replace("_", " ").replace("-", " ").strip()
    return stem[:1].upper() + stem[1:] if stem else "Dokument"
