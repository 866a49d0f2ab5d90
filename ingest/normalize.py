"""Turn raw bytes into clean, comparable Unicode text.

Everything a loader extracts passes through :func:`normalize_text`, so that the chunker, the
embedding model and the sentence highlighter all see the same characters.
"""

from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from ingest.model import LoaderError

# UTF-32 BOMs must be checked before UTF-16: FF FE 00 00 starts with the UTF-16 LE BOM.
_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Non-ASCII characters a German (or English/French) text in cp1252 plausibly contains. cp1252 decodes
# almost any byte sequence, so only this plausibility check tells it apart from, say, cp1250 or cp1251.
_PLAUSIBLE_WESTERN = frozenset("äöüßÄÖÜéèêëàâáçñíìîïóòôúùûÉÈÀÇ€„“”‚‘’–—…•·°§²³½¼¾©®™«»×µ\u00a0\u00ad")

# Text is treated as binary when more than this share of its characters are control characters.
_MAX_CONTROL_RATIO = 0.05
# C0/C1 control characters except tab, line feed, vertical tab, form feed and carriage return.
_CONTROL_CHARS = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f]")
# Browsers read these labels as windows-1252, and real pages rely on it (0x80-0x9F quotes, €).
_WINDOWS_1252_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin-1", "latin1", "us-ascii", "ascii"})


def decode_text(data: bytes, declared_encoding: str | None = None) -> str:
    """Decode file bytes to ``str``; raise ``LoaderError`` for binary or empty content.

    ``declared_encoding`` (e.g. an HTML meta charset) is tried only after a BOM and strict UTF-8:
    pages declaring iso-8859-1 while being UTF-8 are common, the reverse hardly ever decodes.
    """
    text = _decode(data, declared_encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    _reject_binary_text(text)
    if not text.strip():
        raise LoaderError("empty", "Die Datei enthält keinen Text (empty file).")
    return text


def _decode(data: bytes, declared_encoding: str | None) -> str:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as exc:
                raise _binary_error() from exc
    if b"\x00" in data:
        utf16 = _bomless_utf16(data)
        if utf16 is None:
            raise _binary_error()
        return utf16
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if declared_encoding:
        encoding = declared_encoding.strip().lower()
        encoding = "cp1252" if encoding in _WINDOWS_1252_ALIASES else encoding
        try:
            return data.decode(encoding)
        except (LookupError, UnicodeDecodeError):
            pass  # unknown or wrong label: fall through to detection
    return _decode_legacy(data)


def _bomless_utf16(data: bytes) -> str | None:
    """UTF-16 without BOM shows up as NUL in every other byte of mostly-ASCII text."""
    if len(data) < 4 or len(data) % 2:
        return None
    even_nuls = data[0::2].count(0) / (len(data) / 2)
    odd_nuls = data[1::2].count(0) / (len(data) / 2)
    if odd_nuls > 0.4 and even_nuls < 0.05:
        encoding = "utf-16-le"
    elif even_nuls > 0.4 and odd_nuls < 0.05:
        encoding = "utf-16-be"
    else:
        return None
    try:
        return data.decode(encoding)
    except UnicodeDecodeError:
        return None


def _decode_legacy(data: bytes) -> str:
    # charset-normalizer alone often mistakes short German texts for cp1250 or mac_roman, so the
    # common German code page wins whenever its result looks like Western European text.
    try:
        candidate = data.decode("cp1252")
    except UnicodeDecodeError:
        candidate = None
    if candidate is not None and _looks_western(candidate):
        return candidate
    best = from_bytes(data).best()
    if best is not None:
        return str(best)
    return candidate if candidate is not None else data.decode("latin-1")


def _looks_western(text: str) -> bool:
    return all(ch.isascii() or ch in _PLAUSIBLE_WESTERN for ch in text)


def _reject_binary_text(text: str) -> None:
    if not text:
        return
    if "\x00" in text:
        raise _binary_error()
    if len(_CONTROL_CHARS.findall(text)) / len(text) > _MAX_CONTROL_RATIO:
        raise _binary_error()


def _binary_error() -> LoaderError:
    return LoaderError(
        "binary",
        "Die Datei enthält Binärdaten und keinen lesbaren Text (binary content).",
    )


# Invisible characters that only break words apart for search: soft hyphen, zero-width space,
# zero-width (non-)joiner, word joiner, BOM used as zero-width no-break space.
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")


def without_invisible(text: str) -> str:
    """``text`` without soft hyphens and zero-width characters: documents, questions ("In welchem
    \u200b\u200bJahr …", pasted from the web) and search tokens all lose them the same way."""
    return _INVISIBLE.sub("", text)

# NBSP, narrow NBSP, en/em/thin spaces, ideographic space, tab and friends.
_SPACES = re.compile("[\t\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]")
_LINE_BREAKS = re.compile("\r\n|\r|\v|\u2028|\x85")
_PARAGRAPH_BREAKS = re.compile("\f|\u2029")
# "Forschungs-\nund" is an elided compound ("Forschungs- und Entwicklung"), not a broken word.
_CONJUNCTIONS = r"(?:und|oder|bzw\.|sowie|als|bis|wie|noch|and|or|to)\b"
# "so-\nwie" is the word "sowie" broken, not an elided compound before "wie".
_HYPHEN_CONJUNCTION = re.compile(rf"(?<=\w)(?<!\bso)-[ ]*\n[ ]*(?={_CONJUNCTIONS})")
# InDesign justification can set a space before the line-end hyphen ("tatsäch -\nliche").
_HYPHEN_LOWER = re.compile(r"(?<=[^\W\d_]{2}) ?-[ ]*\n[ ]*(?=[a-zäöüßàâçéèêëîïôûùüÿñæœ])|(?<=\w)-[ ]*\n[ ]*(?=[a-zäöüßàâçéèêëîïôûùüÿñæœ])")
# Before an uppercase letter or digit the hyphen is part of the word ("Baden-Württemberg").
_HYPHEN_UPPER = re.compile(r"(?<=\w)-[ ]*\n[ ]*(?=[A-ZÄÖÜ0-9])")
_INNER_SPACES = re.compile(r"(?<=\S) {2,}")
_TRAILING_SPACES = re.compile(r" +$", re.MULTILINE)
_EXTRA_BLANK_LINES = re.compile(r"\n{3,}")


def normalize_text(text: str) -> str:
    """Canonical form of extracted text; keeps blank lines, line breaks and leading indentation.

    Leading indentation survives because Markdown nesting and bullet detection read it.
    """
    text = unicodedata.normalize("NFC", text)
    text = without_invisible(text)
    text = _SPACES.sub(" ", text)
    text = _LINE_BREAKS.sub("\n", text)
    text = _PARAGRAPH_BREAKS.sub("\n\n", text)
    text = _TRAILING_SPACES.sub("", text)
    text = _HYPHEN_CONJUNCTION.sub("- ", text)
    text = _HYPHEN_LOWER.sub("", text)
    text = _HYPHEN_UPPER.sub("-", text)
    text = _INNER_SPACES.sub(" ", text)
    text = _EXTRA_BLANK_LINES.sub("\n\n", text)
    return text.strip("\n")
