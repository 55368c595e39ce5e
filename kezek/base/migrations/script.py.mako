"""${message}.

Revision ${up_revision}, after ${down_revision | comma,n} (${create_date}). Write what changes schema.sql
made, for SQLite and PostgreSQL: op.add_column, op.create_index, op.create_table; on SQLite anything more than
adding goes through `with op.batch_alter_table(...)` (README, Storage, says what to mind: triggers, the log).
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = ${repr(up_revision)}
down_revision = ${repr(down_revision)}
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Take the schema from ${down_revision | comma,n} to ${up_revision}."""
    ${upgrades if upgrades else "pass"}


def downgrade() -> None:
    """Kezek does not go back: restore the backup taken before the upgrade."""
    raise NotImplementedError("restore the backup taken before the upgrade")
