"""Results of the summary and comparison services, shared by the API, CLI, MCP server and export.

Every statement is a verbatim quote and carries the number of its ``Source``; a source names the
exact chunk the quote comes from, so a reader (or a test) can find it in the document.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

Aspect = Literal["overview", "aims", "measures", "actors", "figures", "deadlines", "context"]
SummaryLength = Literal["short", "long"]


class Source(BaseModel):
    n: int = Field(description="Number used in the [n] markers, starting at 1.")
    document_id: str
    title: str
    section: str | None = None
    page: int | None = None
    chunk_id: str = Field(description="The stored chunk the quote was taken from.")
    quote: str = Field(description="The quoted passage, verbatim from the document.")


class Statement(BaseModel):
    aspect: Aspect
    text: str = Field(description="A verbatim sentence (or enumeration) of the document.")
    n: int = Field(description="Its source's number.")
    section: str | None = None


class DocumentProfile(BaseModel):
    """What the document is, from its metadata and its opening text."""

    document_type: str | None = None
    region: str | None = None
    source: str | None = None
    publisher: str | None = Field(default=None, description="The organisation its opening names, if any.")
    date: str | None = Field(default=None, description="The first date its opening states, if any.")


class Summary(BaseModel):
    document_id: str
    title: str
    version: str = Field(description="The indexed version summarised; a replaced document gets a new summary.")
    length: SummaryLength
    language: Literal["de", "en"]
    profile: DocumentProfile
    statements: list[Statement] = Field(description="Short: by aspect; long: in document order.")
    sections: list[str] = Field(description="The sections the statements come from, in document order.")
    text: str = Field(description="The summary as Markdown with [n] markers.")
    sources: list[Source]


class Cell(BaseModel):
    document_id: str
    stated: bool = Field(description="False when the document says nothing on this aspect of the topic.")
    text: str = Field(description="The quoted sentence, or 'keine Angaben' / 'not stated'.")
    n: int | None = Field(default=None, description="The source number of the quote.")


class Row(BaseModel):
    aspect: Aspect
    label: str
    cells: list[Cell] = Field(description="One per compared document, in request order.")


class ComparedDocument(BaseModel):
    document_id: str
    title: str
    on_topic: bool = Field(description="False when the document does not treat the topic at all.")


class Comparison(BaseModel):
    topic: str
    language: Literal["de", "en"]
    documents: list[ComparedDocument]
    rows: list[Row]
    text: str = Field(description="The comparison as a Markdown table with [n] markers.")
    sources: list[Source]
