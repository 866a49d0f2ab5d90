"""The tables of the assistant's own database (SQLAlchemy Core). Alembic migrations in
``assistant/migrations`` create and change them; this module is what the services query.

Times are naive UTC: SQLite keeps no time zone, and one convention for both databases keeps
comparisons ("older than 90 days") the same everywhere.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, MetaData, String, Table, Text

metadata = MetaData()

conversations = Table(
    "conversations",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("user_id", String(200), nullable=False, index=True),
    Column("title", String(200), nullable=False),
    Column("created_at", DateTime, nullable=False),
    Column("updated_at", DateTime, nullable=False, index=True),
)

# Every answer given through /api/v1/ask (and the web chat): a turn of a conversation, or on its own
# (conversation_id NULL) so that feedback and the gap report also cover answers outside one.
answers = Table(
    "answers",
    metadata,
    Column("id", String(36), primary_key=True),
    Column("conversation_id", String(36), ForeignKey("conversations.id", ondelete="CASCADE"), index=True),
    Column("user_id", String(200), nullable=False, index=True),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("citations", JSON, nullable=False),
    # {document_id: content_hash} of the documents cited or found closest, as they were at the time.
    Column("documents", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False, index=True),
)

# A copy of question, answer and passages: feedback outlives a conversation its author deletes
# (answer_id then becomes NULL) until the retention period or the author's "delete my data".
feedback = Table(
    "feedback",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("answer_id", String(36), ForeignKey("answers.id", ondelete="SET NULL"), index=True),
    Column("user_id", String(200), nullable=False, index=True),
    Column("vote", String(8), nullable=False),
    Column("comment", Text),
    Column("question", Text, nullable=False),
    Column("answer", Text, nullable=False),
    Column("answered", Boolean, nullable=False),
    Column("citations", JSON, nullable=False),
    Column("documents", JSON, nullable=False),
    Column("created_at", DateTime, nullable=False, index=True),
)

audit = Table(
    "audit",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime, nullable=False, index=True),
    Column("actor", String(200), nullable=False),
    Column("action", String(16), nullable=False),  # added | replaced | removed
    Column("document_id", String(200), nullable=False, index=True),
    Column("filename", String(500)),
    Column("content_hash", String(128)),
)
