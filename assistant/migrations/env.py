"""Alembic's entry point: runs the migrations on the connection ``Database.migrate`` passes in."""

from alembic import context

from assistant.components.db_tables import metadata

connection = context.config.attributes.get("connection")
if connection is None:  # called from the alembic command line: connect to ASSISTANT_DATABASE_URL
    from assistant.components.database import Database
    from assistant.settings import Settings

    connection = Database(Settings().database).engine.connect()

# SQLite cannot ALTER most things in place: batch mode copies the table instead.
context.configure(
    connection=connection,
    target_metadata=metadata,
    render_as_batch=connection.dialect.name == "sqlite",
)
with context.begin_transaction():
    context.run_migrations()
