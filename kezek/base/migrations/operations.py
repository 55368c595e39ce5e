"""What a revision runs: a schema script in schema.sql's words, inside the migration's one transaction."""
from __future__ import annotations

from alembic import op

from kezek.base.migrations import ddl


def run(script: str) -> None:
    """Run a revision's schema script (schema.sql's words) inside the migration's transaction: statement by
    statement on SQLite; on PostgreSQL as one script in its words (the translation runner.upgrade was given)."""
    context = op.get_context()
    connection = context.bind
    if connection.dialect.name == "postgresql":
        connection.exec_driver_sql(context.opts["kezek_translate"](script))
        return
    for statement in ddl.statements(script):
        connection.exec_driver_sql(statement)
