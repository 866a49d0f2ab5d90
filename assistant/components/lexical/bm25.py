"""Vectorised BM25 (Lucene variant) over a German analyzer.

Storage, all NumPy:

* the corpus as flat forward lists: for document ``d`` the entries ``doc_ptr[d]:doc_ptr[d+1]``
  of ``term_ids``/``tfs`` are its distinct term ids and their counts. ``add`` appends analysed
  documents, ``remove`` drops entries with a boolean mask; existing documents are never
  analysed again.
* derived from them after every change (a few vectorised passes over the non-zeros), an
  inverted index in CSR layout, one row per term: ``post_ptr[t]:post_ptr[t+1]`` of
  ``post_doc``/``post_w`` are the documents holding term ``t`` and their BM25 weights
  ``idf(t) * tf / (tf + k1 * (1 - b + b * dl / avgdl))`` with the Lucene idf
  ``ln(1 + (N - df + 0.5) / (df + 0.5))`` (always positive).

Two fields share the index: words, and character n-grams (terms starting with ``#``, from
``GermanAnalyzer(compounds="ngrams")``). Each field has its own document lengths ``dl`` and
``avgdl``; n-gram weights are multiplied by ``ngram_weight``.

A query gathers the postings of its terms and sums them with one ``np.bincount`` (a term that
occurs twice in the query counts twice); a per-document weight mask multiplies the scores
before the top k are chosen, so a filtered search returns the best k among the documents that
pass the filter. Only documents sharing at least one term with the query (and with a positive
mask weight) are returned; ties keep index order.
"""

from __future__ import annotations

import bisect
import json
import os
import shutil
import tempfile
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from itertools import chain
from pathlib import Path

import numpy as np

from .analyzer import GermanAnalyzer

__all__ = ["DEFAULT_B", "DEFAULT_K1", "DEFAULT_NGRAM_WEIGHT", "LexicalIndex"]

# Chosen on the dev half of GermanQuAD (bench/tune_lexical.py).
DEFAULT_K1 = 0.9
DEFAULT_B = 0.75
DEFAULT_NGRAM_WEIGHT = 0.3

FORMAT_VERSION = 1
_META = "meta.json"
_ARRAYS = "arrays.npz"


@dataclass(frozen=True, slots=True)
class _State:
    """One consistent version of the index; replaced as a whole, never mutated."""

    ids: tuple[str, ...]
    pos: dict[str, int]  # id -> row
    vocab: dict[str, int]  # term -> id; shared and append-only, may hold ids >= n_terms
    terms: list[str]  # id -> term; shared and append-only like vocab
    is_gram: np.ndarray  # bool, n_terms: term belongs to the n-gram field ("#...")
    # forward lists (per document)
    term_ids: np.ndarray  # int32, nnz
    tfs: np.ndarray  # int32, nnz
    doc_ptr: np.ndarray  # int64, n_docs + 1
    # inverted index (per term) with BM25 weights
    post_ptr: np.ndarray  # int64, n_terms + 1
    post_doc: np.ndarray  # int32, nnz
    post_w: np.ndarray  # float32, nnz

    @property
    def n_terms(self) -> int:
        return len(self.is_gram)


def _empty_state() -> _State:
    z32 = np.zeros(0, dtype=np.int32)
    return _State(
        ids=(),
        pos={},
        vocab={},
        terms=[],
        is_gram=np.zeros(0, dtype=bool),
        term_ids=z32,
        tfs=z32,
        doc_ptr=np.zeros(1, dtype=np.int64),
        post_ptr=np.zeros(1, dtype=np.int64),
        post_doc=z32,
        post_w=np.zeros(0, dtype=np.float32),
    )


def _gram_flags(terms: Sequence[str]) -> np.ndarray:
    return np.fromiter((t.startswith("#") for t in terms), dtype=bool, count=len(terms))


class LexicalIndex:
    """BM25 index of (id, text) pairs.

    Terms that start with ``#`` (character n-grams, see ``GermanAnalyzer.compounds``) form a
    second field: BM25 over them uses their own document lengths, and their weights are
    multiplied by ``ngram_weight``.

    >>> index = LexicalIndex(["a", "b"], ["Das Krankenhaus in Stuttgart", "Ein Schulgebäude"])
    >>> index.search("Krankenhäuser", k=5)[0]
    ['a']
    """

    def __init__(
        self,
        ids: Sequence[str] = (),
        texts: Sequence[str] = (),
        *,
        analyzer: GermanAnalyzer | None = None,
        k1: float = DEFAULT_K1,
        b: float = DEFAULT_B,
        ngram_weight: float = DEFAULT_NGRAM_WEIGHT,
    ) -> None:
        if k1 < 0 or not 0.0 <= b <= 1.0 or ngram_weight < 0:
            raise ValueError("need k1 >= 0, 0 <= b <= 1 and ngram_weight >= 0")
        self.analyzer = analyzer if analyzer is not None else GermanAnalyzer()
        self.k1 = float(k1)
        self.b = float(b)
        self.ngram_weight = float(ngram_weight)
        self._write_lock = threading.Lock()
        self._state = _empty_state()
        if len(ids) or len(texts):
            self.add(ids, texts)

    # -- size and ids ---------------------------------------------------------------------

    def __len__(self) -> int:
        return len(self._state.ids)

    def __contains__(self, doc_id: object) -> bool:
        return doc_id in self._state.pos

    @property
    def ids(self) -> list[str]:
        """Document ids in index order (the order a ``mask`` refers to)."""
        return list(self._state.ids)

    def position(self, doc_id: str) -> int:
        """Row of ``doc_id`` (for building masks); KeyError if absent."""
        return self._state.pos[doc_id]

    @property
    def vocabulary_size(self) -> int:
        """Distinct terms in the indexed documents (n-grams included)."""
        return int(np.count_nonzero(np.diff(self._state.post_ptr)))

    def __repr__(self) -> str:
        return (
            f"LexicalIndex({len(self)} docs, k1={self.k1}, b={self.b}, "
            f"ngram_weight={self.ngram_weight}, {self.analyzer!r})"
        )

    def reweighted(
        self, k1: float | None = None, b: float | None = None, ngram_weight: float | None = None
    ) -> LexicalIndex:
        """The same documents under other BM25 parameters, without analysing them again."""
        other = LexicalIndex(
            analyzer=self.analyzer,
            k1=self.k1 if k1 is None else k1,
            b=self.b if b is None else b,
            ngram_weight=self.ngram_weight if ngram_weight is None else ngram_weight,
        )
        s = self._state
        terms = s.terms[: s.n_terms]
        vocab = {t: i for i, t in enumerate(terms)}
        other._state = other._derive(s.ids, s.pos, vocab, terms, s.is_gram, s.term_ids, s.tfs, s.doc_ptr)
        return other

    # -- changes --------------------------------------------------------------------------

    def add(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Append documents; ValueError if an id is already indexed or repeated."""
        ids = [str(i) for i in ids]
        texts = list(texts)
        if len(ids) != len(texts):
            raise ValueError(f"{len(ids)} ids but {len(texts)} texts")
        if len(set(ids)) != len(ids):
            raise ValueError("duplicate ids in one add() call")
        if not ids:
            return
        # Outside the lock, the slow part: words, their analysis (cached per distinct word) and
        # the count of every distinct word per document.
        word_lists = [self.analyzer.words(t) for t in texts]
        words = list(set().union(*word_lists))
        analysed = self.analyzer.analyze_words(words)
        word_terms = [analysed[w] for w in words]
        n_words = max(len(words), 1)
        word_idx = {w: i for i, w in enumerate(words)}
        n_tok = np.fromiter(map(len, word_lists), dtype=np.int64, count=len(word_lists))
        tok_word = np.fromiter(
            map(word_idx.__getitem__, chain.from_iterable(word_lists)), dtype=np.int64, count=int(n_tok.sum())
        )
        tok_doc = np.repeat(np.arange(len(texts), dtype=np.int64), n_tok)
        pairs, pair_count = np.unique(tok_doc * n_words + tok_word, return_counts=True)
        pair_doc, pair_word = np.divmod(pairs, n_words)
        word_n_terms = np.fromiter(map(len, word_terms), dtype=np.int64, count=len(word_terms))
        word_ptr = np.zeros(len(words) + 1, dtype=np.int64)
        np.cumsum(word_n_terms, out=word_ptr[1:])
        flat_word_terms = list(chain.from_iterable(word_terms))
        with self._write_lock:
            old = self._state
            clash = [i for i in ids if i in old.pos]
            if clash:
                raise ValueError(f"already indexed: {clash[:5]}")
            vocab, terms = old.vocab, old.terms
            if len(terms) > old.n_terms:  # left over from an add that failed: forget them
                del terms[old.n_terms :]
                for t in [t for t, i in vocab.items() if i >= old.n_terms]:
                    del vocab[t]
            new_terms = sorted(set(flat_word_terms).difference(vocab))
            for term in new_terms:
                vocab[term] = len(terms)
                terms.append(term)
            n_terms = len(terms)
            new_is_gram = np.zeros(len(new_terms), dtype=bool)  # "#..." terms are contiguous once sorted
            new_is_gram[bisect.bisect_left(new_terms, "#") : bisect.bisect_left(new_terms, "$")] = True
            is_gram = np.concatenate([old.is_gram, new_is_gram])
            word_term_ids = np.fromiter(
                map(vocab.__getitem__, flat_word_terms), dtype=np.int64, count=len(flat_word_terms)
            )
            # (document, word, count) -> (document, term, count), summed per (document, term)
            reps = word_n_terms[pair_word]
            entry_term = word_term_ids[_ranges(word_ptr[pair_word], reps)]
            entry_doc = np.repeat(pair_doc, reps)
            keys, inverse = np.unique(entry_doc * max(n_terms, 1) + entry_term, return_inverse=True)
            new_tfs = np.bincount(inverse, weights=np.repeat(pair_count, reps)).astype(np.int32)
            key_doc, key_term = np.divmod(keys, max(n_terms, 1))
            new_counts = np.bincount(key_doc, minlength=len(texts))
            term_ids = np.concatenate([old.term_ids, key_term.astype(np.int32)])
            tfs = np.concatenate([old.tfs, new_tfs])
            doc_ptr = np.concatenate([old.doc_ptr, old.doc_ptr[-1] + np.cumsum(new_counts)])
            all_ids = old.ids + tuple(ids)
            pos = dict(old.pos)
            pos.update((d, len(old.ids) + i) for i, d in enumerate(ids))
            self._state = self._derive(all_ids, pos, vocab, terms, is_gram, term_ids, tfs, doc_ptr)

    def upsert(self, ids: Sequence[str], texts: Sequence[str]) -> None:
        """Replace documents whose id is indexed (they move to the end), add the others."""
        self.remove(ids)
        self.add(ids, texts)

    def remove(self, ids: Iterable[str]) -> int:
        """Drop documents by id (unknown ids are ignored); returns how many were removed."""
        with self._write_lock:
            old = self._state
            rows = sorted({old.pos[i] for i in ids if i in old.pos})
            if not rows:
                return 0
            keep = np.ones(len(old.ids), dtype=bool)
            keep[rows] = False
            nnz_per_doc = np.diff(old.doc_ptr)
            entry_keep = np.repeat(keep, nnz_per_doc)
            term_ids = old.term_ids[entry_keep]
            tfs = old.tfs[entry_keep]
            doc_ptr = np.zeros(int(keep.sum()) + 1, dtype=np.int64)
            np.cumsum(nnz_per_doc[keep], out=doc_ptr[1:])
            kept_ids = tuple(d for d, k in zip(old.ids, keep, strict=True) if k)
            pos = {d: i for i, d in enumerate(kept_ids)}
            vocab, terms, is_gram = old.vocab, old.terms, old.is_gram
            df = np.bincount(term_ids, minlength=old.n_terms)
            dead = old.n_terms - int(np.count_nonzero(df))
            if dead > 1000 and dead > old.n_terms // 4:  # compact the vocabulary now and then
                alive = df > 0
                remap = np.cumsum(alive) - 1
                terms = [t for t, a in zip(terms[: old.n_terms], alive, strict=True) if a]
                vocab = {t: i for i, t in enumerate(terms)}
                is_gram = is_gram[alive]
                term_ids = remap[term_ids].astype(np.int32)
            self._state = self._derive(kept_ids, pos, vocab, terms, is_gram, term_ids, tfs, doc_ptr)
            return len(rows)

    def _derive(
        self,
        ids: tuple[str, ...],
        pos: dict[str, int],
        vocab: dict[str, int],
        terms: list[str],
        is_gram: np.ndarray,
        term_ids: np.ndarray,
        tfs: np.ndarray,
        doc_ptr: np.ndarray,
    ) -> _State:
        """Build the inverted BM25 postings from the forward lists (vectorised)."""
        n_docs, n_terms = len(ids), len(is_gram)
        term_ids = term_ids.astype(np.int32, copy=False)
        tfs = tfs.astype(np.int32, copy=False)
        doc_ptr = doc_ptr.astype(np.int64, copy=False)
        doc_of_entry = np.repeat(np.arange(n_docs, dtype=np.int32), np.diff(doc_ptr))
        tf = tfs.astype(np.float64)
        gram_entry = is_gram[term_ids]
        # document length per field: words, n-grams
        lengths = np.zeros((2, n_docs), dtype=np.float64)
        if n_docs:
            lengths[0] = np.bincount(doc_of_entry, weights=np.where(gram_entry, 0.0, tf), minlength=n_docs)
            lengths[1] = np.bincount(doc_of_entry, weights=np.where(gram_entry, tf, 0.0), minlength=n_docs)
        avgdl = lengths.mean(axis=1, keepdims=True) if n_docs else np.ones((2, 1))
        avgdl[avgdl <= 0] = 1.0
        norm = self.k1 * (1.0 - self.b + self.b * lengths / avgdl)  # (2, n_docs)
        df = np.bincount(term_ids, minlength=n_terms)
        idf = np.log1p((n_docs - df + 0.5) / (df + 0.5))
        idf[is_gram] *= self.ngram_weight
        field = gram_entry.astype(np.intp)
        weights = idf[term_ids] * tf / (tf + norm[field, doc_of_entry])
        order = np.argsort(term_ids, kind="stable")  # keeps documents ascending within a term
        post_ptr = np.zeros(n_terms + 1, dtype=np.int64)
        np.cumsum(df, out=post_ptr[1:])
        return _State(
            ids=ids,
            pos=pos,
            vocab=vocab,
            terms=terms,
            is_gram=is_gram,
            term_ids=term_ids,
            tfs=tfs,
            doc_ptr=doc_ptr,
            post_ptr=post_ptr,
            post_doc=doc_of_entry[order],
            post_w=weights[order].astype(np.float32),
        )

    # -- search ---------------------------------------------------------------------------

    def score_all(self, query: str, mask: np.ndarray | None = None) -> np.ndarray:
        """BM25 score of every document (index order) for ``query``, times ``mask``."""
        return self._scores(self._state, self.analyzer.tokenize(query), mask)

    def score_all_tokens(self, tokens: Sequence[str], mask: np.ndarray | None = None) -> np.ndarray:
        """``score_all`` with already analysed terms."""
        return self._scores(self._state, tokens, mask)

    def search(self, query: str, k: int = 10, mask: np.ndarray | None = None) -> tuple[list[str], np.ndarray]:
        """Best ``k`` documents for ``query``: (ids, scores), best first.

        ``mask`` (length ``len(self)``, index order, see ``ids``/``position``) is a boolean filter
        or a non-negative weight per document that multiplies its score; documents with weight
        0 are never returned.
        """
        return self.search_tokens(self.analyzer.tokenize(query), k, mask)

    def search_tokens(
        self, tokens: Sequence[str], k: int = 10, mask: np.ndarray | None = None
    ) -> tuple[list[str], np.ndarray]:
        """``search`` with already analysed terms (``analyzer.tokenize`` output)."""
        state = self._state
        scores = self._scores(state, tokens, mask)
        rows = _top_k(scores, k)
        return [state.ids[r] for r in rows], scores[rows]

    @staticmethod
    def _scores(state: _State, tokens: Sequence[str], mask: np.ndarray | None) -> np.ndarray:
        n_docs = len(state.ids)
        if mask is not None:
            mask = np.asarray(mask)
            if mask.shape != (n_docs,):
                raise ValueError(f"mask has shape {mask.shape}, expected ({n_docs},)")
            if mask.dtype != bool and (mask < 0).any():
                raise ValueError("mask weights must be >= 0")
        qcount: dict[int, int] = {}
        vocab, n_terms = state.vocab, state.n_terms
        for term in tokens:  # query terms only
            tid = vocab.get(term)
            if tid is not None and tid < n_terms:
                qcount[tid] = qcount.get(tid, 0) + 1
        if not qcount or n_docs == 0:
            return np.zeros(n_docs, dtype=np.float64)
        qids = np.fromiter(qcount.keys(), dtype=np.int64, count=len(qcount))
        qtf = np.fromiter(qcount.values(), dtype=np.float64, count=len(qcount))
        starts = state.post_ptr[qids]
        lens = state.post_ptr[qids + 1] - starts
        gather = _ranges(starts, lens)
        weights = state.post_w[gather] * np.repeat(qtf, lens)
        scores = np.bincount(state.post_doc[gather], weights=weights, minlength=n_docs)
        if mask is not None:
            if mask.dtype == bool:
                scores[~mask] = 0.0
            else:
                scores *= mask
        return scores

    # -- persistence ----------------------------------------------------------------------

    def save(self, directory: str | os.PathLike[str]) -> None:
        """Write the index to ``directory`` (replaced as a whole; a crash leaves the old one)."""
        target = Path(directory)
        target.parent.mkdir(parents=True, exist_ok=True)
        state = self._state
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.tmp-", dir=target.parent))
        try:
            meta = {
                "format": FORMAT_VERSION,
                "k1": self.k1,
                "b": self.b,
                "ngram_weight": self.ngram_weight,
                "analyzer": self.analyzer.config(),
                "ids": list(state.ids),
                "terms": state.terms[: state.n_terms],
            }
            with open(tmp / _META, "w", encoding="utf-8") as fh:
                json.dump(meta, fh, ensure_ascii=False)
                fh.flush()
                os.fsync(fh.fileno())
            with open(tmp / _ARRAYS, "wb") as fh:
                np.savez(
                    fh,
                    term_ids=state.term_ids,
                    tfs=state.tfs,
                    doc_ptr=state.doc_ptr,
                )
                fh.flush()
                os.fsync(fh.fileno())
            old = target.with_name(f".{target.name}.old")
            if old.exists():
                shutil.rmtree(old)
            if target.exists():
                os.replace(target, old)
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise

    @classmethod
    def load(cls, directory: str | os.PathLike[str]) -> LexicalIndex:
        """Read an index written by ``save`` (with the analyzer options it was built with)."""
        target = Path(directory)
        if not (target / _META).exists():
            old = target.with_name(f".{target.name}.old")
            if (old / _META).exists():  # interrupted between the two renames of save()
                target = old
            else:
                raise FileNotFoundError(f"no lexical index in {directory}")
        with open(target / _META, encoding="utf-8") as fh:
            meta = json.load(fh)
        if meta.get("format") != FORMAT_VERSION:
            raise ValueError(f"unsupported lexical index format {meta.get('format')!r}")
        with np.load(target / _ARRAYS) as arrays:
            term_ids, tfs, doc_ptr = arrays["term_ids"], arrays["tfs"], arrays["doc_ptr"]
        index = cls(
            analyzer=GermanAnalyzer.from_config(meta["analyzer"]),
            k1=meta["k1"],
            b=meta["b"],
            ngram_weight=meta["ngram_weight"],
        )
        ids = tuple(meta["ids"])
        terms = list(meta["terms"])
        vocab = {t: i for i, t in enumerate(terms)}
        pos = {d: i for i, d in enumerate(ids)}
        index._state = index._derive(ids, pos, vocab, terms, _gram_flags(terms), term_ids, tfs, doc_ptr)
        return index


def _ranges(starts: np.ndarray, lengths: np.ndarray) -> np.ndarray:
    """Concatenation of ``arange(s, s + n)`` for every (s, n), without a Python loop."""
    total = int(lengths.sum())
    offsets = np.cumsum(lengths) - lengths
    return np.arange(total, dtype=np.int64) + np.repeat(starts - offsets, lengths)


def _top_k(scores: np.ndarray, k: int) -> np.ndarray:
    """Rows of the ``k`` highest positive scores, best first, ties in index order."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    cand = np.flatnonzero(scores > 0)
    if len(cand) > k:
        vals = scores[cand]
        kth = np.partition(vals, len(vals) - k)[len(vals) - k]
        cand = cand[vals >= kth]  # may exceed k on ties; cut after sorting
    order = np.lexsort((cand, -scores[cand]))
    return cand[order[:k]]
