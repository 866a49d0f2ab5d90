"""PDF pages as text with character boxes, and as PNG images with highlighted rectangles (pypdfium2).

The text comes from the same engine that draws the page, so an offset in it is a character on the
page: a quote located in the text can be boxed exactly where it is printed. pdfium is not
thread-safe; one lock serialises every call into it.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
from PIL import Image, ImageDraw

_LOCK = threading.Lock()
# Rendered width in pixels: sharp enough to read a footnote, small enough to load at once.
PAGE_WIDTH_PX = 1100
HIGHLIGHT_FILL = (255, 214, 0, 96)  # a calm marker yellow; the text stays readable through it
HIGHLIGHT_EDGE = (191, 120, 0, 255)

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 as fractions of the page, origin top left


@dataclass(frozen=True)
class PageText:
    number: int  # 1-based
    text: str
    boxes: list[Box | None]  # per character of ``text``; None for generated characters (line breaks)


def page_count(path: Path) -> int:
    with _LOCK:
        document = pdfium.PdfDocument(str(path))
        try:
            return len(document)
        finally:
            document.close()


def page_text(path: Path, number: int) -> PageText:
    """The text layer of page ``number`` (1-based) with a box per character."""
    with _LOCK:
        document = pdfium.PdfDocument(str(path))
        try:
            page = document[number - 1]
            width, height = page.get_size()
            left, bottom = page.get_mediabox()[:2]
            textpage = page.get_textpage()
            count = textpage.count_chars()
            text = textpage.get_text_range(0, count) if count else ""
            if len(text) != count:  # characters outside the BMP: read one by one to keep offsets
                text = "".join((textpage.get_text_range(i, 1) or "\ufffd")[:1] for i in range(count))
            boxes: list[Box | None] = []
            for index, char in enumerate(text):
                if char in "\r\n" or char.isspace():
                    boxes.append(None)
                    continue
                x0, y0, x1, y1 = textpage.get_charbox(index)
                if x1 <= x0 or y1 <= y0:
                    boxes.append(None)
                    continue
                boxes.append(((x0 - left) / width, 1 - (y1 - bottom) / height, (x1 - left) / width, 1 - (y0 - bottom) / height))
            return PageText(number, text, boxes)
        finally:
            document.close()


def line_boxes(page: PageText, start: int, end: int) -> list[Box]:
    """The characters ``start:end`` as one rectangle per printed line."""
    lines: list[list[float]] = []
    for box in page.boxes[start:end]:
        if box is None:
            continue
        x0, y0, x1, y1 = box
        if lines:
            current = lines[-1]
            middle = (y0 + y1) / 2
            if current[1] <= middle <= current[3] and x0 >= current[0] - 0.002:
                current[0], current[1] = min(current[0], x0), min(current[1], y0)
                current[2], current[3] = max(current[2], x1), max(current[3], y1)
                continue
        lines.append([x0, y0, x1, y1])
    return [(round(a, 5), round(b, 5), round(c, 5), round(d, 5)) for a, b, c, d in lines]


def render_png(path: Path, number: int, boxes: Sequence[Box] = (), width_px: int = PAGE_WIDTH_PX) -> bytes:
    """Page ``number`` as a PNG, with ``boxes`` drawn as translucent marker over the text."""
    with _LOCK:
        document = pdfium.PdfDocument(str(path))
        try:
            page = document[number - 1]
            scale = width_px / page.get_width()
            image = page.render(scale=scale).to_pil().convert("RGBA")
        finally:
            document.close()
    if boxes:
        overlay = Image.new("RGBA", image.size, (0, 0, 0, 0))
        draw = ImageDraw.Draw(overlay)
        w, h = image.size
        pad = 2
        # A bar in the left margin beside the marked lines, as a reader marks a passage in print.
        margin = max(0.0, min(box[0] for box in boxes) * w - 12)
        for x0, y0, x1, y1 in boxes:
            draw.rectangle((x0 * w - pad, y0 * h - pad, x1 * w + pad, y1 * h + pad), fill=HIGHLIGHT_FILL)
            draw.rectangle((margin, y0 * h - pad, margin + 4, y1 * h + pad), fill=HIGHLIGHT_EDGE)
        image = Image.alpha_composite(image, overlay)
    out = io.BytesIO()
    image.convert("RGB").save(out, format="PNG", optimize=False)
    return out.getvalue()
