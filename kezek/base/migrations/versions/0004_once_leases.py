"""The leases of the run-once work (kezek/base/leases.py): which server process of a region runs it.

Revision 0004, after 0003: one new table, as schema.sql has it.
"""
from __future__ import annotations

from kezek.base.migrations import operations

revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None

SCHEMA = """
-- Work that runs in one server process at a time (kezek/base/leases.py): printer polling, the day's
-- expiry, checkpoints and witness pushes, notices, Telegram polling. The holder renews its lease while
-- it lives; once `expires_at` has passed, another process takes it over.
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,                     -- the work: expiry, printers, checkpoints, notices, telegram
    holder TEXT NOT NULL,                      -- the process: host:pid:random
    acquired_at TEXT NOT NULL,                 -- UTC ISO: when this holder took it
    expires_at TEXT NOT NULL                   -- UTC ISO: free for another process from then on
);
"""


def upgrade() -> None:
    """Create the leases table."""
    operations.run(SCHEMA)


def downgrade() -> None:
    """Kezek does not go back: restore the backup taken before the upgrade."""
    raise NotImplementedError("restore the backup taken before the upgrade")
