"""Does a sentence contain a question's word, or its translation or close variant?

Two kinds of evidence, both between 0 and 1:

* **exact**: the same stem (German Snowball), or a shared prefix covering most of the shorter word
  ("koordiniert" / "Koordinator"), as a reader would see it;
* **soft**: the embedding model's similarity of the two words, each encoded alone as
  ``query: <word>``. multilingual-e5 puts translations next to each other ("hospital" /
  "Krankenhaus" 0.93, "budget" / "Haushalt" 0.90), which gives English questions over German text
  a lexical signal. A raw cosine means little on its own (every pair of words scores 0.8 or more),
  so it is read against the question word's own similarities to all words of the candidate
  sentences: a match must stand out from that crowd.

Word vectors are cached by word (an LRU), and filled for the whole corpus at server start when it
is small, like the sentence vectors.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from assistant.components.answerer.question import WORD, is_stopword
from assistant.components.embedding.encoder import SentenceEncoder
from assistant.components.lexical.analyzer import GermanAnalyzer

# A soft match counts fully when the pair's cosine stands this far above the question word's 90th
# percentile against the candidate words; the logistic width keeps the step smooth, so a tiny
# change of a vector (another CPU, another backend) moves the evidence a little, never flips it.
SOFT_OFFSET = 0.03
SOFT_WIDTH = 0.02
_BASELINE_QUANTILE = 0.9


@dataclass(frozen=True)
class Matches:
    """Per question word (rows) and unit (columns): exact and combined match strengths."""

    exact: np.ndarray
    soft: np.ndarray  # max(exact, soft similarity evidence)


def unit_words(text: str) -> list[str]:
    """Distinct words of a sentence that can match a question word (no function words)."""
    return list(dict.fromkeys(w for w in WORD.findall(text) if not is_stopword(w) and (len(w) > 1 or w.isdigit())))


class TermMatcher:
    def __init__(self, encoder: SentenceEncoder, analyzer: GermanAnalyzer, cache_size: int = 200_000) -> None:
        self.encoder = encoder
        self.analyzer = analyzer
        self.cache_size = cache_size
        self._vectors: OrderedDict[str, np.ndarray] = OrderedDict()
        self._lock = threading.Lock()
        self._stems: dict[str, frozenset[str]] = {}

    # -- word vectors ---------------------------------------------------------------------

    def vectors(self, words: Sequence[str]) -> np.ndarray:
        with self._lock:
            known = {w: self._vectors[w] for w in words if w in self._vectors}
        missing = [w for w in dict.fromkeys(words) if w not in known]
        if missing:  # encoded outside the lock: it is the slow part
            known.update(zip(missing, self.encoder.encode_queries(missing).astype(np.float16), strict=True))
        with self._lock:
            for word in dict.fromkeys(words):
                self._vectors[word] = known[word]
                self._vectors.move_to_end(word)
            while len(self._vectors) > self.cache_size:
                self._vectors.popitem(last=False)
        if not words:
            return np.zeros((0, self.encoder.dimension), dtype=np.float32)
        return np.stack([known[w] for w in words]).astype(np.float32)

    def warm(self, texts: Sequence[str]) -> None:
        words = list(dict.fromkeys(w for t in texts for w in unit_words(t)))
        if words:
            self.vectors(words[: self.cache_size])

    # -- matching -------------------------------------------------------------------------

    def stems(self, word: str) -> frozenset[str]:
        stems = self._stems.get(word)
        if stems is None:
            stems = frozenset(self.analyzer.content_terms(word)) or frozenset({word.lower()})
            if len(self._stems) < 500_000:
                self._stems[word] = stems
        return stems

    def match(self, question_words: Sequence[str], unit_texts: Sequence[str]) -> Matches:
        n_q, n_u = len(question_words), len(unit_texts)
        if not n_q or not n_u:
            zeros = np.zeros((n_q, n_u))
            return Matches(exact=zeros, soft=zeros)
        words_per_unit = [unit_words(t) for t in unit_texts]
        vocabulary = list(dict.fromkeys(w for ws in words_per_unit for w in ws))
        exact = np.zeros((n_q, n_u))
        unit_stems = [set().union(*(self.stems(w) for w in ws)) if ws else set() for ws in words_per_unit]
        folded_units = [[_fold(w) for w in ws] for ws in words_per_unit]
        for i, word in enumerate(question_words):
            wanted = self.stems(word)
            folded = _fold(word)
            for j, stems in enumerate(unit_stems):
                if all(_stem_matches(s, stems) for s in wanted) or any(_shares_core(folded, u) for u in folded_units[j]):
                    exact[i, j] = 1.0
        if not vocabulary:
            return Matches(exact=exact, soft=exact)
        similarity = self.vectors(list(question_words)) @ self.vectors(vocabulary).T  # (q, vocabulary)
        baseline = np.quantile(similarity, _BASELINE_QUANTILE, axis=1, keepdims=True)
        column = {w: k for k, w in enumerate(vocabulary)}
        membership = np.zeros((n_u, len(vocabulary)), dtype=bool)
        for j, ws in enumerate(words_per_unit):
            membership[j, [column[w] for w in ws]] = True
        best = np.where(membership[None, :, :], similarity[:, None, :], -1.0).max(axis=2)  # (q, units)
        soft = 1.0 / (1.0 + np.exp(-np.clip((best - baseline - SOFT_OFFSET) / SOFT_WIDTH, -50.0, 50.0)))
        numeric = np.array([any(ch.isdigit() for ch in w) for w in question_words])
        soft[numeric] = 0.0  # "1756", "3rd-and-9": numbers match literally or not at all
        return Matches(exact=exact, soft=np.maximum(exact, soft))


    def match_specific(self, question_words: Sequence[str], unit_texts: Sequence[str]) -> Matches:
        """Like ``match``, but only words that name the same thing match: a compound question word
        is not matched by its bare head (a sentence about "Fälle" does not name the "Todesfälle"
        asked about) or its first part ("Datei" for "Dateigröße"), nor by a sibling compound that
        shares only its first or last part ("Impfzentren" for "Impfdosen", "Erkrankungsfälle" for
        "Todesfälle"). Word vectors put such siblings close together, and read against a
        sentence's other words they look like a match; what is counted differs.
        "Universitätskliniken" still names "Kliniken"."""
        rows = []
        for word in question_words:
            texts = [_only_same_thing(word, text, self.stems) for text in unit_texts]
            rows.append(self.match([word], texts))
        if not rows:
            return self.match([], unit_texts)
        return Matches(exact=np.vstack([r.exact for r in rows]), soft=np.vstack([r.soft for r in rows]))


    def compound_parts(self, question_words: Sequence[str], unit_texts: Sequence[str]) -> np.ndarray:
        """(2 × words, units): 1 where a text names the first part of a compound question word
        (row 2i: "Zulassung" of "Zulassungsquote") or its last part (row 2i + 1: "Quote"). A
        passage that says "Die Zulassung …. … die niedrigste Quote" names the compound in two
        sentences."""
        parts = np.zeros((2 * len(question_words), len(unit_texts)))
        for i, word in enumerate(question_words):
            word_stems = [_fold(s) for s in self.stems(word)] or [_fold(word)]
            for j, text in enumerate(unit_texts):
                for other in set(WORD.findall(text)):
                    if not other[:1].isupper():  # nouns only: "große" is no "Größe"
                        continue
                    for os_ in [_fold(s) for s in self.stems(other)] or [_fold(other)]:
                        if len(os_) < _SIBLING_REST or any(os_ == ws for ws in word_stems):
                            continue
                        if any(ws.startswith(os_) and len(os_) >= _SIBLING_SHARED and len(ws) - len(os_) >= _SIBLING_REST for ws in word_stems):
                            parts[2 * i, j] = 1.0
                        if any(ws.endswith(os_) for ws in word_stems):
                            parts[2 * i + 1, j] = 1.0
        return parts


def _only_same_thing(word: str, text: str, stems) -> str:
    """``text`` without the words that are only the last or the first part of the compound
    ``word``, or its siblings (see ``_siblings``)."""
    folded = _fold(word)
    word_stems = [_fold(s) for s in stems(word)] or [folded]

    def other_thing(other: str) -> bool:
        o = _fold(other)
        if len(o) < len(folded) and folded.endswith(o):
            return True
        other_stems = [_fold(s) for s in stems(other)] or [o]
        if any(ws.endswith(os_) and len(os_) < len(ws) for ws in word_stems for os_ in other_stems):
            return True
        # its first part alone: "Datei" does not name the "Dateigröße" asked about
        if any(ws.startswith(os_) and len(os_) >= _SIBLING_SHARED and len(ws) - len(os_) >= _SIBLING_REST for ws in word_stems for os_ in other_stems):
            return True
        return any(_siblings(ws, os_) for ws in word_stems for os_ in other_stems)

    return WORD.sub(lambda m: " " if other_thing(m.group(0)) else m.group(0), text)


_SIBLING_SHARED = 4  # letters the two stems share at one end ("impf", "sfall")
_SIBLING_REST = 3  # letters each has of its own at the other end ("dos" / "zentr")


def _siblings(a: str, b: str) -> bool:
    """Two stems that share a first or last part but differ in the rest: "impfdos" /
    "impfzentr", "todesfall" / "erkrankungsfall". A stem that contains the other
    ("universitatsklinik" / "klinik") or differs only by an ending is not a sibling."""
    if a == b or a.startswith(b) or b.startswith(a) or a.endswith(b) or b.endswith(a):
        return False
    prefix = len(os.path.commonprefix((a, b)))
    suffix = len(os.path.commonprefix((a[::-1], b[::-1])))
    for shared in (prefix, suffix):
        if shared >= _SIBLING_SHARED and min(len(a), len(b)) - shared >= _SIBLING_REST:
            return True
    return False


_FOLD = str.maketrans({"ä": "a", "ö": "o", "ü": "u", "ß": "ss"})
_CORE_MIN = 5
_CORE_SHARE = 0.7


def _fold(word: str) -> str:
    return word.lower().translate(_FOLD)


def _shares_core(a: str, b: str) -> bool:
    """One word contains most of the other: a compound part ("Finanzierung" in
    "Krankenhausfinanzierung") or a cognate across languages ("competence" / "Kompetenzverbund",
    "coordinates" / "Koordinator"): a common run of at least 70 % of the shorter word, 5 letters
    or more."""
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) < _CORE_MIN:
        return False
    size = max(_CORE_MIN, -(-len(short) * 7 // 10))
    return any(short[i : i + size] in long_ for i in range(len(short) - size + 1))


# Derivational endings the Snowball stemmer keeps: "koordiniert" / "Koordinator" / "Koordination"
# share the root "koordin", "finanziert" / "Finanzierung" the root "finanz".
_DERIVATIONS = ("ierungen", "ierung", "ieren", "iert", "ierte", "atoren", "ator", "ationen", "ation", "ungen", "ung")


def root(stem: str) -> str:
    for ending in _DERIVATIONS:
        if stem.endswith(ending) and len(stem) - len(ending) >= 4:
            return stem[: -len(ending)]
    return stem


def _stem_matches(term: str, unit_terms: set[str]) -> bool:
    """Exact stem, the same root, or a shared prefix covering most of the shorter word: the
    stemmer leaves "koordiniert" and "Koordinator" apart, a reader does not."""
    if term in unit_terms:
        return True
    if len(term) < 5:
        return False
    term_root = root(term)
    for other in unit_terms:
        shortest = min(len(term), len(other))
        if shortest < 5 or term[:4] != other[:4]:
            continue
        if root(other) == term_root or len(os.path.commonprefix((term, other))) >= 0.8 * shortest:
            return True
    return False
