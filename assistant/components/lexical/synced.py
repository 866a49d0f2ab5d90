"""Keeps a lexical index equal to the live chunks in Chroma, across restarts and processes.

Chroma is the store of record. Every change to it bumps a revision token (``ChunkStore.bump_revision``);
before searching, this class compares the token with the one its index was built at and, when they
differ, applies the difference (chunks added or removed, by id) instead of re-analysing everything.
The index is saved under the data directory together with its revision, so a restart loads it
instead of re-tokenising the corpus. Several server processes sharing one Chroma server each keep
their own copy and notice each other's changes through the same token.
"""

from __future__ import annotations

import json
import logging
import threading
import time
from pathlib import Path

import numpy as np

from assistant.components.lexical.bm25 import LexicalIndex
from assistant.components.vector_store import ChunkStore, Metadata
from assistant.filters import FILTER_KEYS, Filters
from ingest.chunking import embedding_text
from ingest.legal import parse_label

log = logging.getLogger(__name__)

_REVISION_FILE = "revision.json"


def _same_scoring(a: LexicalIndex, b: LexicalIndex) -> bool:
    return (a.analyzer.config(), a.k1, a.b, a.ngram_weight) == (b.analyzer.config(), b.k1, b.b, b.ngram_weight)


def indexed_text(text: str, metadata: Metadata) -> str:
    """The same text the dense side embeds: title and section carry meaning for short chunks."""
    return embedding_text(str(metadata.get("title", "")), metadata.get("section"), text)


# The section of a law a chunk starts in ("§ 10" of "§ 10 Abs. 3 Nr. 2"), as a filterable column.
_LAW_SECTION = "law_section"


def _law_section(label: object) -> str:
    position = parse_label(label if isinstance(label, str) else None)
    return position.section if position else ""


class SyncedLexicalIndex:
    def __init__(self, store: ChunkStore, directory: Path, check_interval_s: float = 1.0) -> None:
        self.store = store
        self.directory = directory
        self.check_interval_s = check_interval_s
        self._lock = threading.Lock()
        self._index = LexicalIndex()
        self._metadata: dict[str, Metadata] = {}
        self._columns: dict[str, np.ndarray] = {}
        self._revision: str | None = None
        self._checked_at = 0.0

    @property
    def index(self) -> LexicalIndex:
        self.refresh()
        return self._index

    def refresh(self, force: bool = False) -> None:
        now = time.monotonic()
        own_write = self.store.local_revision is not None and self.store.local_revision != self._revision
        if not (force or own_write) and now - self._checked_at < self.check_interval_s and self._revision is not None:
            return
        with self._lock:
            self._checked_at = now
            revision = self.store.revision()
            if revision == self._revision:
                return
            if self._revision is None and self._load(revision):
                return
            self._apply_difference()
            self._revision = revision
            self._save(revision)

    def mask(self, filters: Filters) -> np.ndarray | None:
        """Boolean row mask for metadata filters, in index order; None when nothing is filtered."""
        if not filters:
            return None
        mask = np.ones(len(self._index), dtype=bool)
        for key, values in filters.items():
            mask &= np.isin(self._columns[key], values)
        return mask

    def at_law_sections(self, sections: list[str], filters: Filters) -> list[str]:
        """Ids of the chunks that stand in one of ``sections`` of a law ("§ 10"), within ``filters``."""
        self.refresh()
        if not sections or not len(self._index):
            return []
        rows = np.isin(self._columns[_LAW_SECTION], sections)
        mask = self.mask(filters)
        if mask is not None:
            rows &= mask
        ids = self._index.ids
        return [ids[r] for r in np.flatnonzero(rows)]

    def metadata(self, chunk_id: str) -> Metadata:
        return self._metadata[chunk_id]

    def _apply_difference(self) -> None:
        # Ids first (cheap), texts only for chunks this index has not seen.
        live_ids = set(self.store.chunk_ids({"live": True}))
        known = set(self._metadata)
        stale = known - live_ids
        fresh = sorted(live_ids - known)
        if stale:
            self._index.remove(stale)
            for chunk_id in stale:
                del self._metadata[chunk_id]
        for start in range(0, len(fresh), 1000):
            chunks = self.store.get_chunks(fresh[start : start + 1000])
            self._index.add([c.id for c in chunks], [indexed_text(c.text, c.metadata) for c in chunks])
            self._metadata.update({c.id: c.metadata for c in chunks})
        self._rebuild_columns()
        log.info("lexical index: +%d -%d chunks, %d in total", len(fresh), len(stale), len(self._index))

    def _rebuild_columns(self) -> None:
        ids = self._index.ids
        self._columns = {
            key: np.array([str(self._metadata[i].get(key)) for i in ids], dtype=object) for key in FILTER_KEYS
        }
        self._columns[_LAW_SECTION] = np.array([_law_section(self._metadata[i].get("legal")) for i in ids], dtype=object)

    def _save(self, revision: str) -> None:
        try:
            self._index.save(self.directory / "index")
            payload = {"revision": revision, "metadata": self._metadata}
            tmp = self.directory / (_REVISION_FILE + ".tmp")
            tmp.write_text(json.dumps(payload, ensure_ascii=False), encoding="utf-8")
            tmp.replace(self.directory / _REVISION_FILE)
        except OSError as exc:  # a read-only data dir costs a rebuild at the next start, nothing more
            log.warning("could not save the lexical index: %s", exc)

    def _load(self, revision: str) -> bool:
        try:
            saved = json.loads((self.directory / _REVISION_FILE).read_text(encoding="utf-8"))
            if saved.get("revision") != revision:
                return False
            metadata = dict(saved["metadata"])
            index = LexicalIndex.load(self.directory / "index")
        except FileNotFoundError:
            return False
        except Exception as exc:  # the saved copy is only a cache: whatever is wrong with it, rebuild
            log.warning("saved lexical index not usable (%s); rebuilding it", exc)
            return False
        if set(index.ids) != set(metadata) or not _same_scoring(index, LexicalIndex()):
            return False  # saved under other analysis or BM25 settings: rebuild with today's
        self._index, self._metadata, self._revision = index, metadata, revision
        self._rebuild_columns()
        return True
