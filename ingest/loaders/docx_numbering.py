"""The numbers Word shows in front of numbered paragraphs ("1.", "a)", "(2)", "iv.").

Word does not store them in the text: a paragraph refers (directly or through its style) to a
numbering instance and a level, and the level defines format, template ("%1.", "(%1)", "%1.%2")
and start value. python-docx exposes these definitions only as XML, so they are read here, and the
counters are advanced in document order the way Word counts.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from docx.document import Document as DocxDocument
from docx.oxml.exceptions import InvalidXmlError
from docx.oxml.ns import qn
from docx.text.paragraph import Paragraph
from lxml import etree

from ingest.loaders.common import roman_numeral

_LEVEL_REFERENCE = tuple((f"%{level + 1}", level) for level in range(9))


@dataclass(frozen=True)
class _Level:
    number_format: str  # "decimal", "lowerLetter", "upperRoman", "bullet", "none", ...
    template: str  # "%1.", "(%1)", "%1.%2."
    start: int


@dataclass(frozen=True)
class _Instance:
    counter: str  # instances of one definition share Word's count unless they restart it
    levels: dict[int, _Level]


class DocxNumbering:
    """Looks up and counts the numbering of list paragraphs; unknown definitions give ``None``."""

    def __init__(self, document: DocxDocument) -> None:
        self._instances = _read_instances(document)
        self._counts: dict[str, dict[int, int]] = {}

    def marker(self, paragraph: Paragraph) -> str | None:
        """The label of ``paragraph``: "1.", "" for a bullet or unnumbered level, ``None`` when the
        paragraph has no numbering or its definition is missing."""
        try:
            reference = _numbering_reference(paragraph)
        except (ValueError, InvalidXmlError):
            return None  # a malformed numbering reference costs the number, not the document
        if reference is None:
            return None
        instance = self._instances.get(reference[0])
        level = instance.levels.get(reference[1]) if instance else None
        if instance is None or level is None:
            return None
        counts = self._counts.setdefault(instance.counter, {})
        for deeper in [depth for depth in counts if depth > reference[1]]:
            del counts[deeper]  # a new item on a level restarts the levels below it
        counts[reference[1]] = counts.get(reference[1], level.start - 1) + 1
        if level.number_format in ("bullet", "none"):
            return ""
        label = level.template
        for placeholder, depth in reversed(_LEVEL_REFERENCE):  # "%10" does not exist; "%1" last
            if placeholder in label:
                shown = instance.levels.get(depth, level)
                value = counts.get(depth, shown.start)
                label = label.replace(placeholder, _format_number(value, shown.number_format))
        return label.strip()


def _read_instances(document: DocxDocument) -> dict[str, _Instance]:
    try:
        root = document.part.numbering_part.element
    except (KeyError, NotImplementedError):
        return {}  # no numbering part: the document has no numbered paragraphs Word could show
    definitions = {
        abstract.get(qn("w:abstractNumId")): {
            _int(level.get(qn("w:ilvl")), 0): _read_level(level) for level in abstract.iter(qn("w:lvl"))
        }
        for abstract in root.iter(qn("w:abstractNum"))
    }
    instances: dict[str, _Instance] = {}
    for num in root.iter(qn("w:num")):
        num_id, abstract_ref = num.get(qn("w:numId")), num.find(qn("w:abstractNumId"))
        if num_id is None or abstract_ref is None:
            continue
        abstract_id = abstract_ref.get(qn("w:val"))
        levels = dict(definitions.get(abstract_id, {}))
        restarts = False
        for override in num.iter(qn("w:lvlOverride")):
            depth = _int(override.get(qn("w:ilvl")), 0)
            redefined, start = override.find(qn("w:lvl")), override.find(qn("w:startOverride"))
            if redefined is not None:
                levels[depth] = _read_level(redefined)
            if start is not None and depth in levels:
                levels[depth] = replace(levels[depth], start=_int(start.get(qn("w:val")), 1))
                restarts = True
        instances[num_id] = _Instance(f"num:{num_id}" if restarts else f"abstract:{abstract_id}", levels)
    return instances


def _read_level(level: etree._Element) -> _Level:
    def value(tag: str) -> str | None:
        element = level.find(qn(tag))
        return element.get(qn("w:val")) if element is not None else None

    depth = _int(level.get(qn("w:ilvl")), 0)
    template = value("w:lvlText")
    return _Level(
        number_format=value("w:numFmt") or "decimal",
        template=template if template is not None else f"%{depth + 1}.",
        start=_int(value("w:start"), 1),
    )


def _numbering_reference(paragraph: Paragraph) -> tuple[str, int] | None:
    """(numId, level) from the paragraph, else from its style chain; numId "0" switches numbering off."""
    num_id: str | None = None
    depth: int | None = None
    sources = [paragraph._p.pPr]
    style = paragraph.style
    while style is not None and len(sources) < 16:  # a style cycle in a broken file must not hang
        sources.append(style.element.pPr)
        style = style.base_style
    for properties in sources:
        numbering = properties.numPr if properties is not None else None
        if numbering is None:
            continue
        if num_id is None and numbering.numId is not None:
            num_id = str(numbering.numId.val)
        if depth is None and numbering.ilvl is not None:
            depth = int(numbering.ilvl.val)
    if num_id is None or num_id == "0":
        return None
    return num_id, depth or 0


def _format_number(value: int, number_format: str) -> str:
    if number_format in ("lowerLetter", "upperLetter") and value > 0:
        # Word doubles the letter after "z": 27 is "aa", 28 "bb".
        letter = chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)
        return letter.upper() if number_format == "upperLetter" else letter
    if number_format in ("lowerRoman", "upperRoman") and 0 < value < 4000:
        roman = roman_numeral(value)
        return roman.upper() if number_format == "upperRoman" else roman
    if number_format == "decimalZero":
        return f"{value:02d}"
    return str(value)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text is not None else default
    except ValueError:
        return default
