"""A PDF page's text layer as lines: pypdf's text fragments with their font sizes and positions,
runs on one baseline joined, so that the structure detection sees lines as a reader does."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from pypdf import PageObject

from ingest.loaders.common import single_line
from ingest.loaders.pdf_tables import PdfTable


@dataclass(frozen=True)
class Fragment:
    """A piece of page text as pypdf's visitor reports it."""

    text: str
    size: float
    origin: tuple[float, float] | None  # start on the page; None for rotated or skewed text


@dataclass(frozen=True)
class PdfLine:
    text: str
    size: float | None  # dominant font size of the line, when the extractor reported it
    origin: tuple[float, float] | None = None  # where the line starts on the page, when known
    table: PdfTable | None = None  # set on the empty line that stands where a table was read



def read_page_lines(page: PageObject) -> list[PdfLine] | None:
    """Lines of one page with their font sizes, or ``None`` if the page cannot be read.

    Sizes come from pypdf's text visitor and are used only when the visited fragments reproduce
    extract_text's result exactly, so font sizes never come at the price of different text.
    """
    fragments: list[Fragment] = []

    def visit(text: str, cm: Sequence[float], tm: Sequence[float], font: object, size: float) -> None:
        scale = abs(tm[3] * cm[3]) if tm[3] and cm[3] else 1.0
        upright = not (tm[1] or tm[2] or cm[1] or cm[2])
        x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
        y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        fragments.append(Fragment(text, size * scale, (x, y) if upright else None))

    try:
        text = page.extract_text(visitor_text=visit)
    except Exception:
        return None  # one unreadable page should not cost the rest of the document
    if "".join(fragment.text for fragment in fragments) != text:
        fragments = [Fragment(text, 0.0, None)]  # no trustworthy sizes: every line gets the same one
    return _lines_with_sizes(_rejoin_runs(fragments))


def _rejoin_runs(fragments: Sequence[Fragment]) -> list[Fragment]:
    """Undo line breaks pypdf puts between runs of one baseline.

    Some generators (Arbortext, used for the Bundesanzeiger) re-anchor the text matrix every few
    glyphs: "Tm" to the origin, then "Td" to the glyph. pypdf takes the jump for a new line and cuts
    "Personen" into "Person\nen", so no line of the page would be whole. A run ending in such a break
    is glued to the next run when that one continues the same baseline further right: without a
    separator, as these runs carry their spaces themselves, unless a gap wider than two characters
    between them shows that a space was set by position.
    """
    kept = [fragment for fragment in fragments if fragment.text]
    rejoined: list[Fragment] = []
    for index, fragment in enumerate(kept):
        following = kept[index + 1] if index + 1 < len(kept) else None
        text = fragment.text
        if following is not None and _continues_baseline(fragment, following):
            run = text[:-1]
            spaced = run[-1:].isspace() or following.text[:1].isspace()
            text = run + (" " if not spaced and _gap(fragment, following) > 2 * fragment.size else "")
        rejoined.append(replace(fragment, text=text))
    return rejoined


def _continues_baseline(run: Fragment, following: Fragment) -> bool:
    if run.origin is None or following.origin is None or not run.text.endswith("\n"):
        return False
    if "\n" in run.text[:-1]:
        return False  # the run's origin is that of its first line, not of the one that breaks
    (x, y), (next_x, next_y) = run.origin, following.origin
    return abs(next_y - y) <= 0.2 * max(run.size, 1.0) and next_x > x


def _gap(run: Fragment, following: Fragment) -> float:
    """Horizontal space between two runs of a baseline (both have an origin)."""
    if run.origin is None or following.origin is None:
        return 0.0
    # The visitor reports where a run starts, not where it ends: half an em per character
    # estimates the width of proportional text.
    return following.origin[0] - (run.origin[0] + 0.5 * run.size * len(run.text.rstrip("\n")))


def _lines_with_sizes(fragments: Iterable[Fragment]) -> list[PdfLine]:
    lines: list[PdfLine] = []
    current: list[str] = []
    sizes: Counter[float] = Counter()
    origin: tuple[float, float] | None = None
    for fragment in fragments:
        size = fragment.size
        for position, piece in enumerate(fragment.text.split("\n")):
            if position > 0:
                lines.append(_finish_pdf_line(current, sizes, origin))
                current, sizes, origin = [], Counter(), None
            if piece.strip() and not any(part.strip() for part in current):
                # Only a fragment's first piece is where the visitor says; later ones are below it.
                origin = fragment.origin if position == 0 else None
            current.append(piece)
            if piece.strip():
                sizes[round(size, 1)] += len(piece.strip())
    lines.append(_finish_pdf_line(current, sizes, origin))
    return lines


def _finish_pdf_line(parts: list[str], sizes: Counter[float], origin: tuple[float, float] | None) -> PdfLine:
    size = sizes.most_common(1)[0][0] if sizes else None
    return PdfLine(single_line("".join(parts)), size or None, origin)
