"""The region: region admins and closed offices; offices moved in with import-office (their entries, ids, checkpoints).

Only new tables, created when missing, as schema.sql makes them (docs/region.md).
"""
from __future__ import annotations

from kezek.base.migrations import ddl

revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

SCHEMA = """
-- The region (kezek/region/store.py): a region admin works in every office and creates, renames,
-- closes and reopens offices (users.role stays 'admin'; this row makes them the region's). A closed
-- office's kiosks and booking pages issue nothing; its history stays readable.
CREATE TABLE IF NOT EXISTS region_admins (
    user_id INTEGER PRIMARY KEY REFERENCES users(id)
);
CREATE TABLE IF NOT EXISTS office_closures (
    office_id TEXT PRIMARY KEY REFERENCES offices(id),
    closed_at TEXT NOT NULL
);
-- Offices moved in with import-office (kezek/moving, docs/region.md). An office's events are
-- appended to this database's chain with new ids; each keeps, as its leaf of the office's
-- transparency log, the entry it had where it was written (imported_entries), so the office's
-- earlier checkpoints (imported_checkpoints, signed by the key of the server that made them)
-- still verify. imported_ids maps the ids those entries name to this database's: verify-log
-- checks every imported row against its entry through it.
CREATE TABLE IF NOT EXISTS office_imports (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    origin TEXT NOT NULL,                      -- the log's origin where these entries were written
    verifier TEXT NOT NULL,                    -- that log's public key (note verifier form)
    imported_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS imported_ids (
    import_id INTEGER NOT NULL REFERENCES office_imports(id),
    kind TEXT NOT NULL,                        -- services, desks, users, devices, tickets, bookings, …
    old_id INTEGER NOT NULL,
    new_id INTEGER NOT NULL,
    PRIMARY KEY (import_id, kind, old_id)
);
CREATE TABLE IF NOT EXISTS imported_entries (
    event_id INTEGER PRIMARY KEY,              -- events.id here
    import_id INTEGER NOT NULL REFERENCES office_imports(id),
    entry TEXT NOT NULL                        -- the leaf entry as first written (chain.canonical, UTF-8)
);
CREATE TABLE IF NOT EXISTS imported_checkpoints (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES office_imports(id),
    office_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    root TEXT NOT NULL,                        -- hex
    note TEXT NOT NULL,
    made_at TEXT NOT NULL,
    day TEXT
);
"""


def upgrade() -> None:
    """Create what is missing of these tables."""
    ddl.run(SCHEMA)


def downgrade() -> None:
    """Kezek does not go back: restore the backup taken before the upgrade."""
    raise NotImplementedError("restore the backup taken before the upgrade")
