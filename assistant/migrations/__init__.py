"""Alembic migrations of the assistant's database, applied by ``Database.migrate`` at startup.

A new revision: ``alembic -c <(printf '[alembic]\nscript_location=assistant/migrations\n') revision -m "..."``
or write a file in ``versions/`` by hand, with ``down_revision`` the previous one.
"""
