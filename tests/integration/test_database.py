"""The database component against a real database: SQLite here, the PostgreSQL server in the server
tier of ``make test`` (tests/run_with_chroma.py). Several processes starting at once all migrate."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sqlalchemy as sa

from assistant.components.database import Database
from tests.conftest import PROJECT_DIR, make_settings

pytestmark = pytest.mark.slow

MIGRATE = "import sys; from assistant.components.database import Database; Database(sys.argv[1]).migrate()"


def test_processes_starting_at_once_all_find_the_schema_made_once(tmp_path):
    url = make_settings(tmp_path / "data").database
    processes = [
        subprocess.Popen([sys.executable, "-c", MIGRATE, url], cwd=PROJECT_DIR, stderr=subprocess.PIPE, text=True)
        for _ in range(4)
    ]
    results = [(process.wait(timeout=120), process.stderr.read()) for process in processes]

    assert [code for code, _ in results] == [0, 0, 0, 0], [err for _, err in results]
    database = Database(url)
    with database.begin() as connection:
        assert connection.execute(sa.text("SELECT version_num FROM alembic_version")).scalars().all() == ["0001"]
    assert {"conversations", "answers", "feedback", "audit"} <= set(sa.inspect(database.engine).get_table_names())
    database.dispose()
