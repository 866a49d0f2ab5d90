"""The audit trail: who added, replaced or removed which document, and when. It listens to the
document service's changes (``DocumentService.listeners``), so every adapter (API, web, CLI) is covered."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select

from assistant.components.database import Database
from assistant.components.db_tables import audit
from assistant.services.conversations import utcnow
from assistant.services.documents import DocumentChange


class AuditService:
    def __init__(self, db: Database) -> None:
        self.db = db

    def record(self, change: DocumentChange) -> None:
        with self.db.begin() as connection:
            connection.execute(
                insert(audit).values(
                    at=utcnow(),
                    actor=change.actor,
                    action=change.action,
                    document_id=change.document_id,
                    filename=change.filename,
                    content_hash=change.content_hash or None,
                )
            )

    def entries(
        self, since: datetime | None = None, until: datetime | None = None, limit: int = 1000
    ) -> list[dict[str, Any]]:
        """Newest first."""
        query = select(audit).order_by(audit.c.at.desc(), audit.c.id.desc()).limit(limit)
        if since is not None:
            query = query.where(audit.c.at >= since)
        if until is not None:
            query = query.where(audit.c.at < until)
        with self.db.begin() as connection:
            rows = connection.execute(query).mappings().all()
        return [
            {
                "at": row["at"].isoformat() + "Z",
                "actor": row["actor"],
                "action": row["action"],
                "document_id": row["document_id"],
                "filename": row["filename"],
                "content_hash": row["content_hash"],
            }
            for row in rows
        ]
