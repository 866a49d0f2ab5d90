"""„Was fehlt in den Dokumenten?“ – the gap report for editors: questions the documents could not
answer (declined) or whose answer was voted down, similar ones grouped by the app's own embedding
model, with how often they were asked, examples, when last, and which documents came closest.
Sorted by count: the first rows say which document to write or add next.
"""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import numpy as np
from sqlalchemy import select

from assistant.components.database import Database
from assistant.components.db_tables import answers, feedback
from assistant.components.embedding.encoder import SentenceEncoder

# Cosine similarity (normalised query vectors) from which a question joins a group. With
# multilingual-e5-small rephrasings of one question score 0.95-0.99, different questions about the
# same subject up to ~0.93 ("Wer leitet den Kompetenzverbund?" vs. its budget: 0.91-0.94), unrelated
# ones below 0.82. e5 scores everything high, hence the high bar.
SIMILAR = 0.94
EXAMPLES = 3


@dataclass
class Gap:
    questions: list[str] = field(default_factory=list)
    last_asked: datetime | None = None
    declined: int = 0
    voted_down: int = 0
    comments: list[str] = field(default_factory=list)
    documents: Counter = field(default_factory=Counter)
    titles: dict[str, str] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        examples = list(dict.fromkeys(reversed(self.questions)))[:EXAMPLES]  # newest first, no repeats
        return {
            "count": len(self.questions),
            "examples": examples,
            "last_asked": self.last_asked.isoformat() + "Z" if self.last_asked else None,
            "declined": self.declined,
            "voted_down": self.voted_down,
            "comments": self.comments[-EXAMPLES:],
            "closest_documents": [
                {"document_id": doc, "title": self.titles.get(doc, doc), "count": n}
                for doc, n in self.documents.most_common(EXAMPLES)
            ],
        }


class ReportService:
    def __init__(self, db: Database, encoder: Callable[[], SentenceEncoder]) -> None:
        """``encoder`` is a provider, so that building the service does not load the model."""
        self.db = db
        self._encoder = encoder

    def gaps(self, since: datetime | None = None, until: datetime | None = None) -> list[dict[str, Any]]:
        items = self._items(since, until)
        if not items:
            return []
        vectors = self._encoder().encode_queries([item["question"] for item in items])
        groups: list[Gap] = []
        sums: list[np.ndarray] = []
        for item, vector in zip(items, vectors, strict=True):
            best, score = -1, -1.0
            if sums:
                centroids = np.stack([s / np.linalg.norm(s) for s in sums])
                similarities = centroids @ vector
                best, score = int(similarities.argmax()), float(similarities.max())
            if score < SIMILAR:
                groups.append(Gap())
                sums.append(np.zeros_like(vector))
                best = len(groups) - 1
            sums[best] = sums[best] + vector
            _add(groups[best], item)
        report = [g.as_dict() for g in groups]
        return sorted(report, key=lambda g: (g["count"], g["last_asked"] or ""), reverse=True)

    def gaps_csv(self, since: datetime | None = None, until: datetime | None = None) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(
            ["Anzahl/count", "Zuletzt/last asked", "Beispiele/examples", "Abgelehnt/declined",
             "Negativ bewertet/voted down", "Kommentare/comments", "Nächste Dokumente/closest documents"]
        )
        for gap in self.gaps(since, until):
            writer.writerow(
                [
                    gap["count"],
                    gap["last_asked"],
                    " | ".join(gap["examples"]),
                    gap["declined"],
                    gap["voted_down"],
                    " | ".join(gap["comments"]),
                    " | ".join(f"{d['title']} ({d['document_id']})" for d in gap["closest_documents"]),
                ]
            )
        return out.getvalue()

    def _items(self, since: datetime | None, until: datetime | None) -> list[dict[str, Any]]:
        """Declined answers and down-voted ones, oldest first; an answer both declined and voted
        down counts once."""
        declined = _period(select(answers).where(answers.c.answered.is_(False)), answers.c.created_at, since, until)
        down = _period(select(feedback).where(feedback.c.vote == "down"), feedback.c.created_at, since, until)
        with self.db.begin() as connection:
            items = {row["id"]: {**row, "declined": True, "down": False, "comment": None}
                     for row in connection.execute(declined).mappings()}
            for row in connection.execute(down).mappings():
                key = row["answer_id"] or f"feedback-{row['id']}"
                previous = items.get(key, {"declined": False})
                items[key] = {**row, "declined": previous["declined"], "down": True, "comment": row["comment"]}
        return sorted(items.values(), key=lambda item: item["created_at"])


def _period(query, column, since: datetime | None, until: datetime | None):
    if since is not None:
        query = query.where(column >= since)
    if until is not None:
        query = query.where(column < until)
    return query


def _add(gap: Gap, item: dict[str, Any]) -> None:
    gap.questions.append(item["question"])
    gap.last_asked = max(filter(None, (gap.last_asked, item["created_at"])))
    gap.declined += bool(item["declined"])
    gap.voted_down += bool(item["down"])
    if item["comment"]:
        gap.comments.append(item["comment"])
    gap.documents.update((item["documents"] or {}).keys())
    for citation in item["citations"] or []:
        gap.titles.setdefault(citation["document_id"], citation.get("title") or citation["document_id"])
