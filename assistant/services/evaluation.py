"""``assistant eval``: how well the assistant does on a user's own questions.

The question file is JSON Lines, one object per line (blank lines are skipped)::

    {"question": "Wie viel Geld erhalten Pflegeschulen?", "document_id": "bericht", "expected": ["12 Millionen"]}
    {"question": "Welche Kliniken gehören zum Verbund?", "document_id": "kompetenzverbund-bw"}
    {"question": "Wann startet das Programm?", "expected": ["2025", "im Jahr 2025"]}

* ``question`` (required): the question, as a user would type it.
* ``document_id`` (optional): the id of the document that answers it (``assistant documents
  list`` shows the ids). The question counts as a *hit* when a passage of that document is among
  the ``k`` passages retrieved for it; its rank is the position of that document among the
  distinct documents of those passages (1 = the best passage comes from it), and MRR is the mean
  of 1/rank (0 for a miss).
* ``expected`` (optional): phrases a correct answer contains; a string is taken as a one-phrase
  list. They are alternatives: the answer counts as correct when it contains at least one of them
  (ignoring case, spacing and soft hyphens). So that a miss can be told apart, the report also
  says whether a phrase occurs in the retrieved passages at all.

A question *fails* when its document is missed or its answer contains none of the phrases.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from assistant.filters import Filters
from assistant.services.chat import ChatService, QuestionError
from ingest.normalize import without_invisible

_SPACES = re.compile(r"\s+")
_KNOWN_KEYS = frozenset({"question", "document_id", "expected"})


class EvalFileError(ValueError):
    """The question file cannot be used; the message names the line."""


@dataclass(frozen=True)
class EvalCase:
    line: int
    question: str
    document_id: str | None = None
    expected: tuple[str, ...] = ()


@dataclass
class CaseResult:
    line: int
    question: str
    document_id: str | None
    expected: list[str]
    rank: int | None  # of the expected document among the retrieved documents; None = missed
    documents: list[str]  # retrieved documents, best first
    answer: str | None  # only computed when phrases are expected
    answer_hit: bool | None  # None when no phrase is expected
    passage_hit: bool | None  # a phrase occurs in the retrieved passages
    reasons: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.reasons)


@dataclass
class EvalReport:
    k: int
    results: list[CaseResult]
    unknown_documents: list[str] = field(default_factory=list)

    @property
    def with_document(self) -> list[CaseResult]:
        return [r for r in self.results if r.document_id]

    @property
    def with_expected(self) -> list[CaseResult]:
        return [r for r in self.results if r.expected]

    @property
    def hit_rate(self) -> float | None:
        cases = self.with_document
        return _share(r.rank is not None for r in cases) if cases else None

    @property
    def mrr(self) -> float | None:
        cases = self.with_document
        return sum(1.0 / r.rank for r in cases if r.rank) / len(cases) if cases else None

    @property
    def answer_hit_rate(self) -> float | None:
        cases = self.with_expected
        return _share(bool(r.answer_hit) for r in cases) if cases else None

    @property
    def passage_phrase_hit_rate(self) -> float | None:
        cases = self.with_expected
        return _share(bool(r.passage_hit) for r in cases) if cases else None

    @property
    def failures(self) -> list[CaseResult]:
        return [r for r in self.results if r.failed]

    def to_dict(self) -> dict[str, Any]:
        def rate(value: float | None) -> float | None:
            return None if value is None else round(value, 4)

        return {
            "k": self.k,
            "questions": len(self.results),
            "with_document": len(self.with_document),
            "with_expected": len(self.with_expected),
            "hit_rate": rate(self.hit_rate),
            "mrr": rate(self.mrr),
            "answer_hit_rate": rate(self.answer_hit_rate),
            "passage_phrase_hit_rate": rate(self.passage_phrase_hit_rate),
            "unknown_documents": self.unknown_documents,
            "failures": [asdict(r) for r in self.failures],
            "results": [asdict(r) for r in self.results],
        }


def _share(flags: Iterable[bool]) -> float:
    values = list(flags)
    return sum(values) / len(values)


# --------------------------------------------------------------------------- the file


def load_cases(path: Path) -> list[EvalCase]:
    """Reads and checks a question file; EvalFileError names the first bad line."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise EvalFileError(f"Fragedatei nicht lesbar (cannot read question file) {path}: {exc}") from exc
    return parse_cases(text.splitlines())


def parse_cases(lines: Iterable[str]) -> list[EvalCase]:
    cases: list[EvalCase] = []
    for number, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            item = json.loads(raw)
        except ValueError as exc:
            raise EvalFileError(f"Zeile {number}: kein gültiges JSON (line {number}: invalid JSON): {exc}") from exc
        cases.append(_case(number, item))
    if not cases:
        raise EvalFileError("Die Fragedatei enthält keine Frage (the question file holds no question).")
    return cases


def _case(number: int, item: Any) -> EvalCase:
    def bad(message_de: str, message_en: str) -> EvalFileError:
        return EvalFileError(f"Zeile {number}: {message_de} (line {number}: {message_en})")

    if not isinstance(item, dict):
        raise bad("ein JSON-Objekt erwartet", "a JSON object is expected")
    unknown = sorted(set(item) - _KNOWN_KEYS)
    if unknown:
        raise bad(f"unbekannte Felder {unknown}", f"unknown fields {unknown}")
    question = item.get("question")
    if not isinstance(question, str) or not question.strip():
        raise bad("'question' fehlt oder ist leer", "'question' is missing or empty")
    document_id = item.get("document_id")
    if document_id is not None and (not isinstance(document_id, str) or not document_id.strip()):
        raise bad("'document_id' muss ein nicht leerer Text sein", "'document_id' must be a non-empty string")
    expected = item.get("expected", [])
    if isinstance(expected, str):
        expected = [expected]
    if not isinstance(expected, list) or not all(isinstance(p, str) and p.strip() for p in expected):
        raise bad("'expected' muss eine Liste nicht leerer Texte sein", "'expected' must be a list of non-empty strings")
    return EvalCase(
        line=number,
        question=question.strip(),
        document_id=document_id.strip() if document_id else None,
        expected=tuple(p.strip() for p in expected),
    )


def normalize_phrase(text: str) -> str:
    text = unicodedata.normalize("NFKC", without_invisible(text))
    return _SPACES.sub(" ", text).strip().casefold()


def contains_any(text: str, phrases: Sequence[str]) -> bool:
    haystack = normalize_phrase(text)
    return any(normalize_phrase(p) in haystack for p in phrases)


# --------------------------------------------------------------------------- the run


class EvaluationService:
    def __init__(self, chat: ChatService, known_documents: Callable[[], Iterable[str]] | None = None) -> None:
        """``known_documents`` lists the stored document ids, to point out typos in the file."""
        self.chat = chat
        self.known_documents = known_documents

    def run(
        self,
        cases: Sequence[EvalCase],
        k: int,
        filters: Filters | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> EvalReport:
        results: list[CaseResult] = []
        for done, case in enumerate(cases):
            if progress:
                progress(done, len(cases))
            results.append(self._one(case, k, filters))
        if progress:
            progress(len(cases), len(cases))
        unknown: list[str] = []
        if self.known_documents is not None:
            known = set(self.known_documents())
            unknown = sorted({c.document_id for c in cases if c.document_id and c.document_id not in known})
            for result in results:
                if result.document_id in unknown:
                    result.reasons.append("document_unknown")
        return EvalReport(k=k, results=results, unknown_documents=unknown)

    def _one(self, case: EvalCase, k: int, filters: Filters | None) -> CaseResult:
        try:
            # One retrieval, the one ChatService.ask answers from: ranks describe those passages.
            question, language, retrieval = self.chat.prepare(case.question, None, filters, k)
        except QuestionError as exc:
            return CaseResult(
                line=case.line, question=case.question, document_id=case.document_id,
                expected=list(case.expected), rank=None, documents=[], answer=None,
                answer_hit=False if case.expected else None, passage_hit=False if case.expected else None,
                reasons=[f"invalid_question: {exc}"],
            )  # fmt: skip
        documents: list[str] = []
        for passage in retrieval.passages:
            doc = str(passage.metadata.get("document_id"))
            if doc not in documents:
                documents.append(doc)
        rank = documents.index(case.document_id) + 1 if case.document_id in documents else None
        answer = answer_hit = passage_hit = None
        if case.expected:
            answer = self.chat.answerer.answer(question, language, retrieval).answer
            answer_hit = contains_any(answer, case.expected)
            passage_hit = any(contains_any(p.text, case.expected) for p in retrieval.passages)
        reasons: list[str] = []
        if case.document_id and rank is None:
            reasons.append("document_not_retrieved")
        if case.expected and not answer_hit:
            reasons.append("phrase_not_in_answer" if passage_hit else "phrase_not_in_passages")
        return CaseResult(
            line=case.line,
            question=case.question,
            document_id=case.document_id,
            expected=list(case.expected),
            rank=rank,
            documents=documents,
            answer=answer,
            answer_hit=answer_hit,
            passage_hit=passage_hit,
            reasons=reasons,
        )
