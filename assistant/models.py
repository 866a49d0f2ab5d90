"""Typed results shared by the CLI, the HTTP API and the UI."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class TableCell(BaseModel):
    header: str = Field(description="The column's header; empty where the table has none.")
    value: str


class TableRow(BaseModel):
    caption: str | None = Field(default=None, description="The table's caption or heading.")
    cells: list[TableCell]


class Citation(BaseModel):
    n: int = Field(description="Number used in the answer's [n] markers, starting at 1.")
    document_id: str
    title: str
    section: str | None = None
    page: int | None = None
    page_end: int | None = Field(
        default=None, description="Last page of the passage when it runs over a page break, else absent."
    )
    legal: str | None = Field(
        default=None, description='Position in a law of the quoted text, e.g. "§ 19 Abs. 1 Nr. 3".'
    )
    text: str = Field(description="The cited passage (the whole retrieved chunk).")
    chunk_id: str | None = Field(
        default=None,
        description="The stored chunk of the passage: `GET /api/v1/documents/{document_id}/view?chunk=…` opens it.",
    )
    score: float = Field(description="Retrieval relevance in [0, 1]; higher is better.")
    highlights: list[str] = Field(
        default_factory=list, description="Sentences of `text` that the answer quotes."
    )
    table_rows: list[TableRow] = Field(
        default_factory=list,
        description="The table rows among the passage's paragraphs (PDF, DOCX, HTML, Markdown tables), "
        "each with its column headers and caption, so that a client can show them as a table.",
    )


class Answer(BaseModel):
    answer: str
    citations: list[Citation]
    answered: bool = Field(
        description="False when the documents do not hold the asked fact (then `citations` is empty)."
    )
    highlights: list[str] = Field(
        default_factory=list,
        description="Answer-bearing phrases inside `answer` (a number, a date, a name), where they can be located.",
    )
    searched_in: list[str] = Field(
        default_factory=list,
        description="Titles of the documents the question named and the search was restricted to (\"Gesucht in: …\"); "
        "empty when all documents were searched.",
    )
    related: list[Citation] = Field(
        default_factory=list,
        description=(
            "When `answered` is false but the documents touch the topic: passages that are related but do not "
            "answer the question, numbered as in the answer text's 'Verwandte Fundstellen' block."
        ),
    )


class Turn(BaseModel):
    role: Literal["user", "assistant"]
    content: str


class DocumentInfo(BaseModel):
    id: str
    title: str
    region: str | None = None
    document_type: str | None = None
    language: str | None = None
    source: str | None = None
    filename: str | None = None
    content_hash: str
    chunks: int
    added_at: str = Field(description="ISO 8601 time of the last change, UTC.")


FileStatus = Literal["added", "updated", "unchanged", "failed"]


class FileResult(BaseModel):
    filename: str
    status: FileStatus
    document_id: str | None = None
    chunks: int = 0
    reason: str | None = Field(default=None, description="Why the file failed, for people.")
    code: str | None = Field(default=None, description="Stable error code when the file failed.")
    notes: list[str] = Field(
        default_factory=list,
        description="What an ingested file is missing, for people (e.g. scanned pages left unread without OCR).",
    )


class IngestReport(BaseModel):
    results: list[FileResult] = Field(default_factory=list)

    def count(self, status: FileStatus) -> int:
        return sum(1 for r in self.results if r.status == status)

    @property
    def failed(self) -> list[FileResult]:
        return [r for r in self.results if r.status == "failed"]
