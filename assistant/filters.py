"""Metadata filters as users write them (``region=NRW``) and as Chroma wants them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

# Keys a filter may name; anything else is a user error, not an empty result.
FILTER_KEYS: tuple[str, ...] = ("region", "document_type", "document_id", "language")

Filters = dict[str, list[str]]


class FilterError(ValueError):
    pass


def parse_filter_args(args: Iterable[str]) -> Filters:
    """``["region=NRW", "region=BW", "document_type=strategy_paper"]`` -> key -> allowed values."""
    filters: Filters = {}
    for arg in args:
        key, sep, value = arg.partition("=")
        if not sep or not key.strip() or not value.strip():
            raise FilterError(f"Filter '{arg}' hat nicht die Form schlüssel=wert (expected key=value).")
        filters.setdefault(key.strip(), []).append(value.strip())
    return normalize_filters(filters)


def normalize_filters(filters: Mapping[str, Any] | None) -> Filters:
    if not filters:
        return {}
    normalized: Filters = {}
    for key, value in filters.items():
        if key not in FILTER_KEYS:
            raise FilterError(
                f"Unbekannter Filter '{key}' (unknown filter); erlaubt sind: {', '.join(FILTER_KEYS)}."
            )
        values = value if isinstance(value, list | tuple | set) else [value]
        cleaned = [str(v) for v in values if v is not None and str(v) != ""]
        if cleaned:
            normalized[key] = sorted(set(cleaned))
    return normalized


def to_chroma_where(filters: Filters) -> dict[str, Any] | None:
    clauses = [{key: {"$in": values}} for key, values in filters.items()]
    if not clauses:
        return None
    return clauses[0] if len(clauses) == 1 else {"$and": clauses}


def matches(metadata: Mapping[str, Any], filters: Filters) -> bool:
    return all(str(metadata.get(key)) in values for key, values in filters.items())
