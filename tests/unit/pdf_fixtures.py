"""Hand-written minimal PDFs for loader tests, so no PDF-writing package is needed.

Each page is a list of lines; a line is either a string (body size) or ``(text, font_size)``.
Text is encoded in WinAnsi (cp1252), which covers German umlauts with the standard Helvetica font.
"""

from __future__ import annotations

from pathlib import Path

PageLines = list[str | tuple[str, float]]

_BODY_SIZE = 11.0
_TOP = 800.0
_LEFT = 56.0
# Average Helvetica glyph width in em, to place the runs of a line one after the other.
_HELVETICA_EM = 0.5


def build_pdf(
    pages: list[PageLines],
    *,
    title: str | None = None,
    encrypted: bool = False,
    run_length: int | None = None,
) -> bytes:
    """A valid PDF 1.4 file with one content stream per page and a correct xref table.

    ``encrypted`` adds an /Encrypt dictionary with an unknown user password, which is enough for
    a reader to report the file as encrypted and fail to open it with an empty password.
    ``run_length`` sets every line in runs of that many characters, each re-anchored with "Tm" to
    the origin and "Td" to its place, as Arbortext writes the Bundesanzeiger.
    """
    objects: list[bytes] = []  # objects[i] is object number i + 1

    def add(body: bytes) -> int:
        objects.append(body)
        return len(objects)

    catalog = add(b"")  # filled in once the page tree number is known
    pages_obj = add(b"")
    font = add(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>")
    page_numbers = []
    for lines in pages:
        stream = _content_stream(lines) if run_length is None else _run_stream(lines, run_length)
        content = add(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
        page_numbers.append(
            add(
                b"<< /Type /Page /Parent %d 0 R /MediaBox [0 0 595 842] "
                b"/Resources << /Font << /F1 %d 0 R >> >> /Contents %d 0 R >>" % (pages_obj, font, content)
            )
        )
    kids = b" ".join(b"%d 0 R" % number for number in page_numbers)
    objects[pages_obj - 1] = b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(page_numbers))
    objects[catalog - 1] = b"<< /Type /Catalog /Pages %d 0 R >>" % pages_obj
    info = add(b"<< /Title (%s) >>" % _pdf_string(title)) if title else None
    encrypt = add(_encrypt_dictionary()) if encrypted else None
    return _serialize(objects, root=catalog, info=info, encrypt=encrypt)


def write_pdf(
    path: Path, pages: list[PageLines], *, title: str | None = None, encrypted: bool = False
) -> Path:
    path.write_bytes(build_pdf(pages, title=title, encrypted=encrypted))
    return path


def _content_stream(lines: PageLines) -> bytes:
    parts = [b"BT"]
    y = _TOP
    for line in lines:
        text, size = (line, _BODY_SIZE) if isinstance(line, str) else line
        y -= size * 1.4
        parts.append(b"/F1 %.1f Tf 1 0 0 1 %.1f %.1f Tm (%s) Tj" % (size, _LEFT, y, _pdf_string(text)))
    parts.append(b"ET")
    return b"\n".join(parts)


def _run_stream(lines: PageLines, run_length: int) -> bytes:
    parts = [b"BT /F1 1 Tf"]
    y = _TOP
    for line in lines:
        text, size = (line, _BODY_SIZE) if isinstance(line, str) else line
        y -= size * 1.4
        x = _LEFT
        for start in range(0, len(text), run_length):
            run = text[start : start + run_length]
            parts.append(
                b"%.1f 0 0 %.1f 0 0 Tm %.3f %.3f Td (%s) Tj"
                % (size, size, x / size, y / size, _pdf_string(run))
            )
            x += _HELVETICA_EM * size * len(run)
    parts.append(b"ET")
    return b"\n".join(parts)


def _pdf_string(text: str) -> bytes:
    raw = text.encode("cp1252")
    return raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")


def _encrypt_dictionary() -> bytes:
    # Standard security handler, RC4 40-bit; O and U are arbitrary, so no password opens it.
    filler = b"<" + b"ab" * 32 + b">"
    return b"<< /Filter /Standard /V 1 /R 2 /O %s /U %s /P -44 >>" % (filler, filler)


def _serialize(objects: list[bytes], *, root: int, info: int | None, encrypt: int | None) -> bytes:
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_offset = len(out)
    out += b"xref\n0 %d\n" % (len(objects) + 1)
    out += b"0000000000 65535 f \n"
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root %d 0 R" % (len(objects) + 1, root)
    if info:
        trailer += b" /Info %d 0 R" % info
    if encrypt:
        trailer += b" /Encrypt %d 0 R /ID [<%s> <%s>]" % (encrypt, b"00" * 16, b"00" * 16)
    out += b"trailer\n" + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)
