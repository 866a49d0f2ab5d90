"""The source viewer page the chat's citations link to: ``/quelle/{document_id}?chunk=…&quote=…``.

A plain HTML page (no script), so that a citation is an ordinary link: it opens in a new tab, works
with the keyboard, and can be bookmarked or sent on. A PDF shows the cited page(s) as images with
the quoted sentences marked (drawn on the server) and, for screen readers and copying, the page text
with the same sentences in ``<mark>``; other formats show the document's text, scrolled to the first
mark by the ``#fundstelle`` anchor. The images are embedded, so the page needs no second request
and no second authorisation.

Access: as the web chat. Without API keys, or with the chat open (``ASSISTANT_WEB_LOGIN=false``),
anyone who can open the chat; otherwise a valid key in the headers or the chat's login session.
"""

from __future__ import annotations

import base64
import html
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse

from assistant.api.auth import Role, key_from_headers
from assistant.components.vector_store import StoreUnavailable
from assistant.services.documents import DocumentNotFound, OriginalMissing
from assistant.services.viewer import ChunkNotFound, SourceView
from ingest.identity import is_valid_document_id
from web.texts import language_of, t

PREFIX = "/quelle"
ANCHOR = "fundstelle"

router = APIRouter(include_in_schema=False)


def source_url(document_id: str, chunk_id: str, quotes: list[str], language: str = "de") -> str:
    """The link a citation opens (relative to the server's root)."""
    from urllib.parse import quote, urlencode

    query = urlencode([("chunk", chunk_id), *[("quote", q) for q in quotes[:20]], ("lang", language)])
    return f"{PREFIX}/{quote(document_id, safe='')}?{query}#{ANCHOR}"


@router.get(PREFIX + "/{document_id}", response_class=HTMLResponse)
def source_page(
    request: Request,
    document_id: str,
    chunk: Annotated[str, Query(max_length=300)] = "",
    quote: Annotated[list[str] | None, Query(max_length=20)] = None,
    lang: str = "de",
) -> HTMLResponse:
    language = language_of(lang)
    if not _allowed(request):
        return _message(t(language, "source_login"), language, 401)
    viewer = request.app.state.container.viewer
    try:
        if not is_valid_document_id(document_id):
            raise DocumentNotFound(document_id)
        view = viewer.view(document_id, chunk, quote or [])
        images = {page: viewer.page_image(document_id, page, chunk, quote or []) for page in _shown_pages(view)}
    except (DocumentNotFound, ChunkNotFound, OriginalMissing):
        return _message(t(language, "source_unavailable"), language, 404)
    except StoreUnavailable:
        return _message(t(language, "store_unavailable"), language, 503)
    return HTMLResponse(render(view, images, language))


@router.get(PREFIX + "/{document_id}/original")
def original(request: Request, document_id: str):
    if not _allowed(request):
        return _message(t("de", "source_login"), "de", 401)
    try:
        if not is_valid_document_id(document_id):
            raise DocumentNotFound(document_id)
        stored = request.app.state.container.documents.original(document_id)
    except (DocumentNotFound, OriginalMissing):
        return _message(t("de", "source_unavailable"), "de", 404)
    return FileResponse(stored.path, media_type=stored.media_type, filename=stored.filename)


def _shown_pages(view: SourceView) -> list[int]:
    if view.kind != "pdf":
        return []
    marked = list(dict.fromkeys(h.page for h in view.highlights if h.page))
    return marked or ([view.page] if view.page else [])


def render(view: SourceView, images: dict[int, bytes], language: str) -> str:
    title = t(language, "source_page_title", title=view.title)
    parts = [f"<h1>{_e(title)}</h1>"]
    if view.has_original:
        name = view.filename or view.document_id
        parts.append(
            f'<p class="download"><a href="{PREFIX}/{_e(view.document_id)}/original" download>'
            f"{_e(t(language, 'source_download', name=name))}</a></p>"
        )
    quotes = "".join(f"<li>{_e(q)}</li>" for q in view.quotes)
    parts.append(f'<section class="quotes"><h2>{_e(t(language, "source_quote"))}</h2><ul>{quotes}</ul></section>')
    if not view.located:
        parts.append(f'<p class="notice" role="status">{_e(t(language, "source_not_located"))}</p>')
    if view.kind == "pdf":
        for number, png in images.items():
            anchor = f' id="{ANCHOR}"' if number == view.page else ""
            alt = t(language, "source_page_alt", page=number, title=view.title)
            data = base64.b64encode(png).decode("ascii")
            parts.append(
                f'<figure{anchor}><img src="data:image/png;base64,{data}" alt="{_e(alt)}">'
                f"<figcaption>{_e(t(language, 'source_page_caption', page=number))}</figcaption></figure>"
            )
        parts.append(
            f"<details><summary>{_e(t(language, 'source_page_text'))}</summary>"
            f'<div class="text">{marked(view, anchor=False)}</div></details>'
        )
    else:
        parts.append(f'<div class="text">{marked(view, anchor=True)}</div>')
    return _page(title, "".join(parts), language)


def marked(view: SourceView, anchor: bool) -> str:
    """The view's text, escaped, with every highlight in ``<mark>``; the first one is the anchor."""
    out, position = [], 0
    for index, h in enumerate(sorted(view.highlights, key=lambda h: h.start)):
        if h.start < position:
            continue
        ident = f' id="{ANCHOR}"' if anchor and index == 0 else ""
        out.append(_e(view.text[position : h.start]))
        out.append(f"<mark{ident}>{_e(view.text[h.start : h.end])}</mark>")
        position = h.end
    out.append(_e(view.text[position:]))
    return "".join(out).replace("\r", "").replace("\ufffe", "").replace("\n", "<br>")


def _allowed(request: Request) -> bool:
    options = request.app.state.options
    keys = request.app.state.api_keys
    if not keys.enabled or not options.web_login:
        return True
    if keys.allows(key_from_headers(request.headers), Role.reader):
        return True
    return _chat_session(request)


def _chat_session(request: Request) -> bool:
    """A browser signed in to the chat (Gradio's login cookie for the app mounted at /)."""
    for route in request.app.routes:
        gradio_app = getattr(route, "app", None)
        tokens, cookie = getattr(gradio_app, "tokens", None), getattr(gradio_app, "cookie_id", None)
        if isinstance(tokens, dict) and cookie:
            token = request.cookies.get(f"access-token-{cookie}") or request.cookies.get(f"access-token-unsecure-{cookie}")
            if token and token in tokens:
                return True
    return False


def _message(message: str, language: str, status: int) -> HTMLResponse:
    return HTMLResponse(_page(message, f'<p class="notice">{_e(message)}</p>', language), status_code=status)


_STYLE = """
body{margin:0;background:#f6f7f9;color:#1f2933;font:16px/1.6 system-ui,-apple-system,"Segoe UI",sans-serif}
main{max-width:960px;margin:0 auto;padding:24px 20px 48px}
h1{font-size:1.35rem;margin:0 0 8px;color:#12355b}
h2{font-size:1rem;margin:0 0 4px;color:#3e4c59}
a{color:#0b5cad}a:focus-visible,summary:focus-visible{outline:3px solid #f0b400;outline-offset:2px}
.download{margin:0 0 16px}
.quotes{background:#fff;border-left:4px solid #bf7800;padding:10px 16px;margin:0 0 16px;border-radius:4px}
.quotes ul{margin:0;padding-left:18px}
.notice{background:#fff4e5;border:1px solid #f0b400;padding:8px 12px;border-radius:4px}
figure{margin:0 0 20px;background:#fff;border:1px solid #d9dee3;border-radius:6px;padding:8px}
figure img{display:block;width:100%;height:auto}
figcaption{color:#52606d;font-size:.9rem;padding-top:6px;text-align:center}
.text{background:#fff;border:1px solid #d9dee3;border-radius:6px;padding:16px 20px;white-space:normal}
mark{background:#ffe680;color:inherit;padding:1px 0;scroll-margin-top:40vh}
details{margin-top:8px}summary{cursor:pointer;color:#0b5cad}
"""


def _page(title: str, body: str, language: str) -> str:
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        f'<meta name="viewport" content="width=device-width, initial-scale=1"><title>{_e(title)}</title>'
        f"<style>{_STYLE}</style></head><body><main>{body}</main></body></html>"
    )


def _e(value: object) -> str:
    return html.escape(str(value), quote=True)
