"""Alembic's environment: the revisions run on the connection runner.py hands over, inside its one transaction
(no alembic.ini, no offline --sql mode)."""
from __future__ import annotations

from alembic import context

connection = context.config.attributes["connection"]
# kezek_translate: schema.sql's words in PostgreSQL's (kezek/base/postgres/__init__.py), for ddl.run.
context.configure(connection=connection, transactional_ddl=True, transaction_per_migration=False,
                  kezek_translate=context.config.attributes.get("translate"))
with context.begin_transaction():
    context.run_migrations()
