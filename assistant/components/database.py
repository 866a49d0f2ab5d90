"""The assistant's own SQL database (users' conversations, feedback, audit): a SQLAlchemy engine
from ``ASSISTANT_DATABASE_URL``, SQLite in the data directory by default, PostgreSQL when several
``assistant serve`` processes share it.

``migrate`` brings the schema to the newest Alembic revision at startup. Several processes may
start at once: on PostgreSQL an advisory lock lets one migrate while the others wait; on SQLite
(whose DDL Alembic does not run in one transaction) a lock file next to the database does the same.
"""

from __future__ import annotations

import fcntl
import logging
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.exc import IntegrityError, OperationalError, ProgrammingError

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent.parent / "migrations"
# Any constant shared by all processes of this application; the number has no meaning.
_MIGRATION_LOCK = 7_213_013
# Alembic keeps its running migration in module globals: one migration per process at a time.
_IN_PROCESS = threading.Lock()


class Database:
    def __init__(self, url: str) -> None:
        self.url = url
        self.engine: Engine = _engine(url)

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def begin(self) -> Iterator[Connection]:
        """A connection in a transaction, committed when the block ends without an exception."""
        with self.engine.begin() as connection:
            yield connection

    def migrate(self, attempts: int = 3) -> None:
        """Upgrades the schema to the newest revision; safe when several processes start at once."""
        for attempt in range(1, attempts + 1):
            try:
                with _IN_PROCESS, self._file_lock(), self.engine.connect() as connection:
                    if self.dialect == "postgresql":
                        connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": _MIGRATION_LOCK})
                        connection.commit()
                    try:
                        config = alembic_config()
                        config.attributes["connection"] = connection
                        command.upgrade(config, "head")
                        connection.commit()
                    finally:
                        if self.dialect == "postgresql":
                            connection.execute(text("SELECT pg_advisory_unlock(:key)"), {"key": _MIGRATION_LOCK})
                            connection.commit()
                return
            except (OperationalError, IntegrityError, ProgrammingError) as exc:
                # E.g. the database was briefly busy or unreachable: try again before giving up.
                if attempt == attempts:
                    raise
                log.info("Datenbank-Migration wiederholt / migration retried: %s", type(exc).__name__)
                time.sleep(0.5 * attempt)

    def _file_lock(self):
        """For a SQLite file: an exclusive lock on ``<file>.migrate.lock`` (processes on one host)."""
        path = self.engine.url.database if self.dialect == "sqlite" else None
        if not path or path == ":memory:":
            return nullcontext()
        return _flock(Path(path).with_name(Path(path).name + ".migrate.lock"))

    def dispose(self) -> None:
        self.engine.dispose()


@contextmanager
def _flock(path: Path) -> Iterator[None]:
    with open(path, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    return config


def _engine(url: str) -> Engine:
    if not url.startswith("sqlite"):
        return create_engine(url, pool_pre_ping=True)
    path = url.split("///", 1)[1] if "///" in url else ""
    if path and path != ":memory:":
        Path(path).parent.mkdir(parents=True, exist_ok=True)
    # Worker threads share the engine; SQLite waits up to 30 s for another writer instead of failing.
    engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

    @event.listens_for(engine, "connect")
    def _pragmas(dbapi_connection, _record) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")  # ON DELETE CASCADE / SET NULL are off otherwise
        cursor.execute("PRAGMA journal_mode=WAL")  # readers do not wait for a writer
        cursor.close()

    return engine
