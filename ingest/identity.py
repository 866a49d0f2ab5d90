"""Stable document ids and content hashes."""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Mapping
from pathlib import PurePath
from typing import Any

_TRANSLITERATE = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "ae", "Ö": "oe", "Ü": "ue"})
_ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")


def slugify(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:120]


def document_id_for(filename: str, metadata: Mapping[str, Any]) -> str:
    """An explicit ``id`` in the metadata wins; otherwise the file name, so that a changed file with
    the same name replaces its earlier version instead of sitting beside it."""
    explicit = metadata.get("id")
    slug = slugify(str(explicit)) if explicit else slugify(PurePath(safe_filename(filename)).stem)
    return slug or "dokument"


def is_valid_document_id(value: str) -> bool:
    return bool(_ID_PATTERN.match(value))


def safe_filename(filename: str) -> str:
    """Only the last path component, without control characters: upload names are untrusted."""
    name = re.split(r"[\\/]", filename)[-1]
    # A tab or line break separated words; dropping it would glue them together.
    name = re.sub(r"[\t\n\r\v\f]+", " ", name)
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    name = re.sub(r" {2,}", " ", name)
    return name[:200] or "upload"


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def index_version(data_hash: str, metadata: Mapping[str, Any], pipeline: Mapping[str, Any]) -> str:
    """Changes when the bytes, the metadata or anything that shapes the chunks changes."""
    payload = json.dumps({"data": data_hash, "meta": metadata, "pipeline": pipeline}, sort_keys=True)
    return hashlib.sha256(payload.encode()).hexdigest()[:16]
