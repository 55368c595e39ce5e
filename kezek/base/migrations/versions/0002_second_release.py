"""The second release's additions: stop 21, commit b135b46 of 1 December 2026.

The transparency log (log_trees, log_nodes, log_leaves, checkpoints), the witness and its clients' tables,
notifications, sign-in sessions on the server, booking lead times, kiosk help calls: the lines schema.sql
gained between the two releases, as written there. Only new tables and indexes; nothing existing changes.
"""
from __future__ import annotations

from kezek.base.migrations import operations

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

SCHEMA = """
-- A visitor at a kiosk asked for help ("I need help"); a staff member acknowledges it.
CREATE TABLE IF NOT EXISTS help_calls (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    device_id INTEGER NOT NULL REFERENCES devices(id),
    lang TEXT NOT NULL DEFAULT 'kk',
    requested_at TEXT NOT NULL,
    acknowledged_at TEXT,
    acknowledged_by TEXT
);
-- At most one unanswered call per kiosk: a second press is the same call.
CREATE UNIQUE INDEX IF NOT EXISTS help_calls_open ON help_calls (device_id) WHERE acknowledged_at IS NULL;

-- The transparency log (kezek/log/tree.py): leaf i of an office's tree is the office's i-th
-- event (by id). Every complete aligned subtree (level l, index i: leaves i*2^l .. (i+1)*2^l-1)
-- is kept, so a root or a proof is O(log n) reads. Made outside the hot path (the checkpoint
-- job, or just before a proof); log_trees.size leaves of each office are in it.
CREATE TABLE IF NOT EXISTS log_trees (
    office_id TEXT PRIMARY KEY,
    size INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS log_nodes (
    office_id TEXT NOT NULL,
    level INTEGER NOT NULL,
    idx INTEGER NOT NULL,
    hash BLOB NOT NULL,
    PRIMARY KEY (office_id, level, idx)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS log_leaves (
    event_id INTEGER PRIMARY KEY,              -- events.id
    office_id TEXT NOT NULL,
    idx INTEGER NOT NULL,                      -- its leaf index in the office's tree
    UNIQUE (office_id, idx)
);
-- Signed checkpoints (C2SP tlog-checkpoint) of each office's tree: one every minute while
-- events are written, and one at the close of each office day (day = that office-local date).
CREATE TABLE IF NOT EXISTS checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    office_id TEXT NOT NULL,
    size INTEGER NOT NULL,
    root TEXT NOT NULL,                        -- hex
    note TEXT NOT NULL,                        -- the signed note, as published
    made_at TEXT NOT NULL,
    day TEXT                                   -- the office day it closes (NULL: a minute's checkpoint)
);
CREATE INDEX IF NOT EXISTS checkpoints_office ON checkpoints (office_id, id);
CREATE UNIQUE INDEX IF NOT EXISTS checkpoints_office_day ON checkpoints (office_id, day) WHERE day IS NOT NULL;


-- Same-day lead time (kezek/bookings/reservations.py): a booking made or moved less than the
-- office's lead time before its slot still gets a ticket at check-in, but queues as a walk-in.
CREATE TABLE IF NOT EXISTS booking_lead_times (
    office_id TEXT PRIMARY KEY REFERENCES offices(id),
    same_day_lead_min INTEGER NOT NULL DEFAULT 30
);
CREATE TABLE IF NOT EXISTS late_bookings (
    booking_id INTEGER PRIMARY KEY REFERENCES bookings(id),
    lead_min INTEGER NOT NULL                          -- the lead time it fell short of
);

-- Notifications (kezek/notify). A visitor's subscription is personal data: it belongs to its
-- ticket and is deleted when the ticket ends or its day is over (docs/guarantees.md). A
-- manager's (ticket_id NULL, user_id set) lasts until removed or the push service drops it.
CREATE TABLE IF NOT EXISTS notify_subscriptions (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    ticket_id INTEGER REFERENCES tickets(id) ON DELETE CASCADE,
    user_id INTEGER REFERENCES users(id) ON DELETE CASCADE,
    channel TEXT NOT NULL CHECK (channel IN ('push', 'telegram', 'sms')),
    address TEXT NOT NULL,                     -- push: subscription JSON; telegram: chat id; sms: phone
    lang TEXT NOT NULL DEFAULT 'kk',
    ahead INTEGER NOT NULL DEFAULT 3,          -- tell when this many people or fewer are ahead
    told_ahead INTEGER NOT NULL DEFAULT 0,
    told_closing INTEGER NOT NULL DEFAULT 0,
    day TEXT NOT NULL,                         -- the ticket's office day ('' for a manager's)
    created_at TEXT NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS notify_subscription_once
    ON notify_subscriptions (channel, address, coalesce(ticket_id, 0), coalesce(user_id, 0));
CREATE INDEX IF NOT EXISTS notify_subscriptions_ticket ON notify_subscriptions (ticket_id);
CREATE INDEX IF NOT EXISTS notify_subscriptions_office ON notify_subscriptions (office_id, day);

-- Per office: the default "people ahead" and the Telegram bot (its token is a secret: never answered).
CREATE TABLE IF NOT EXISTS notify_settings (
    office_id TEXT PRIMARY KEY REFERENCES offices(id),
    ahead_default INTEGER NOT NULL DEFAULT 3,
    telegram_token TEXT,
    telegram_bot TEXT,                         -- the bot's user name, for t.me/<bot> links
    telegram_secret TEXT                       -- the webhook's secret path part and header
);

-- Notifications counted per office, day, channel and outcome (sent, failed, gone, dropped): the monitor's.
CREATE TABLE IF NOT EXISTS notify_counts (
    office_id TEXT NOT NULL,
    day TEXT NOT NULL,
    channel TEXT NOT NULL,
    outcome TEXT NOT NULL,
    n INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (office_id, day, channel, outcome)
);

-- Managers' alerts already sent today (a wait over target is told once per service a day).
CREATE TABLE IF NOT EXISTS notify_alerts (
    office_id TEXT NOT NULL,
    day TEXT NOT NULL,
    alert TEXT NOT NULL,                       -- 'wait:<service id>' or 'printer:<device id>:<state>'
    at TEXT NOT NULL,
    PRIMARY KEY (office_id, day, alert)
);

-- A witness (kezek/log/witness.py, C2SP tlog-witness): every checkpoint of another log it
-- accepted and cosigned (the newest per origin is what the next one must extend), and its alarms:
-- a signed checkpoint that does not extend what it cosigned (a fork, a rollback, a bad proof).
CREATE TABLE IF NOT EXISTS witness_checkpoints (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    origin TEXT NOT NULL,                      -- the log's origin line
    size INTEGER NOT NULL,
    root TEXT NOT NULL,                        -- base64, as in the checkpoint
    note TEXT NOT NULL,                        -- the checkpoint as submitted, with the log's signature
    cosignature TEXT NOT NULL,                 -- this witness's cosignature line
    accepted_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS witness_checkpoints_origin ON witness_checkpoints (origin, id);
CREATE INDEX IF NOT EXISTS witness_checkpoints_size ON witness_checkpoints (origin, size);
CREATE TABLE IF NOT EXISTS witness_alarms (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    origin TEXT NOT NULL,
    kind TEXT NOT NULL,                        -- fork | inconsistent | rollback
    known_size INTEGER NOT NULL,               -- what this witness had cosigned
    known_root TEXT,
    size INTEGER NOT NULL,                     -- what it was offered, validly signed by the log
    root TEXT NOT NULL,
    old_size INTEGER NOT NULL,
    note TEXT NOT NULL,                        -- the evidence: the offered signed checkpoint
    proof TEXT NOT NULL DEFAULT '',            -- and the proof lines that came with it
    resolved_at TEXT                           -- 'inconsistent' only: the same checkpoint later proven
);
-- A log's side (kezek/log/witness_client.py): the size each witness holds for each origin, and
-- the cosignatures witnesses returned, served appended to the checkpoint.
CREATE TABLE IF NOT EXISTS witness_sizes (
    witness TEXT NOT NULL,                     -- the witness's key name
    origin TEXT NOT NULL,
    size INTEGER NOT NULL,
    at TEXT NOT NULL,
    PRIMARY KEY (witness, origin)
);
CREATE TABLE IF NOT EXISTS checkpoint_cosignatures (
    origin TEXT NOT NULL,
    size INTEGER NOT NULL,
    root TEXT NOT NULL,                        -- base64
    witness TEXT NOT NULL,                     -- the witness's key name
    line TEXT NOT NULL,                        -- its cosignature line
    at TEXT NOT NULL,
    PRIMARY KEY (origin, size, root, witness)
);
-- Signed-in people (kezek/office/sessions.py): the cookie carries only the session's id; its
-- sha256 is kept here, so a copied database opens no session. Logout, disabling a user and a
-- new password set ended_at at once.
CREATE TABLE IF NOT EXISTS user_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf TEXT NOT NULL,
    created_at TEXT NOT NULL,
    seen_at TEXT NOT NULL,
    ended_at TEXT
);
CREATE INDEX IF NOT EXISTS user_sessions_open ON user_sessions (user_id) WHERE ended_at IS NULL;
"""


def upgrade() -> None:
    """Create what is missing of these tables, indexes and triggers."""
    operations.run(SCHEMA)


def downgrade() -> None:
    """Kezek does not go back: restore the backup taken before the upgrade."""
    raise NotImplementedError("restore the backup taken before the upgrade")
