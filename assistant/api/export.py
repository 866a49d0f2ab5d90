"""Downloads: an answer as Markdown or DOCX (``POST /ask/export``), and the response helper the
summary and comparison routes use for ``?format=md|docx``."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from assistant.api import deps
from assistant.api.auth import require_reader
from assistant.api.schemas import JSON_BODY_LIMIT, QUESTION_ERRORS, READER_ERRORS, AskRequest
from assistant.services import export
from assistant.services.export import MEDIA_TYPES, Report

Format = Literal["json", "md", "docx"]
FormatQuery = Annotated[
    Format, Query(description="`json` (default), `md` (Markdown) or `docx` (Word), each with numbered sources.")
]
FileFormatQuery = Annotated[
    Literal["md", "docx"], Query(description="`md` (Markdown, default) or `docx` (Word), with numbered sources.")
]


def download_responses(model: Any | None) -> dict[int | str, dict[str, Any]]:
    """The 200 entry of a route that answers JSON (``model``) or a download, as OpenAPI states it."""
    content: dict[str, Any] = {"text/markdown": {"schema": {"type": "string"}}}
    content[MEDIA_TYPES["docx"]] = {"schema": {"type": "string", "format": "binary"}}
    if model is not None:
        content["application/json"] = {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}
    return {200: {"description": "JSON, Markdown oder DOCX (JSON, Markdown or DOCX)", "content": content}}


def download(report: Report, fmt: Literal["md", "docx"]) -> Response:
    filename = f"{report.filename}.{fmt}"
    return Response(
        content=export.render(report, fmt),
        media_type=MEDIA_TYPES[fmt],
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


router = APIRouter(tags=["Export"], dependencies=[Depends(require_reader)], responses=READER_ERRORS)


@router.post(
    "/ask/export",
    response_class=Response,
    responses={**download_responses(None), **QUESTION_ERRORS},
    summary="Antwort als Markdown oder DOCX / answer as a download",
    max_body_size=JSON_BODY_LIMIT,
)
async def ask_export(request: Request, body: AskRequest, format: FileFormatQuery = "md") -> Response:
    """Dieselbe Antwort wie `POST /ask`, als Datei mit nummerierten Quellen (Titel, Abschnitt, Seite, Zitat)."""
    chat = deps.container(request).chat
    answer = await deps.ask_thread(request, chat.ask, body.question, body.history, body.filters, body.top_k)
    report = export.from_answer(answer, body.question.strip(), chat.language_of(body.question))
    return download(report, format)
