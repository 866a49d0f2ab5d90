"""Lexical retrieval: German analysis (stop words, folding, Snowball stemming) and BM25."""

from .analyzer import STOPWORDS_DE_CORE, STOPWORDS_DE_EXTENDED, GermanAnalyzer
from .bm25 import DEFAULT_B, DEFAULT_K1, LexicalIndex

__all__ = [
    "DEFAULT_B",
    "DEFAULT_K1",
    "STOPWORDS_DE_CORE",
    "STOPWORDS_DE_EXTENDED",
    "GermanAnalyzer",
    "LexicalIndex",
]
