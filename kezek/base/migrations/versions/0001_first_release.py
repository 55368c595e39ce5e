"""The first release's schema: stop 11, commit 1b3aaa8 of 22 November 2026, the first whose CI passed.

Its schema.sql as it was, word for word (CREATE … IF NOT EXISTS, as every Kezek before revisions applied it
on each start). A database made by that Kezek, or by any until revisions came, has no alembic_version:
init-db takes it as this revision when it holds these tables, and upgrades it.
"""
from __future__ import annotations

from kezek.base.migrations import operations

revision = '0001'
down_revision = None
branch_labels = None
depends_on = None

SCHEMA = """
-- Kezek schema: idempotent (safe to apply on every start).

CREATE TABLE IF NOT EXISTS settings (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS offices (
    id TEXT PRIMARY KEY,                       -- slug used in addresses: /board/<office>
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    timezone TEXT NOT NULL DEFAULT 'Asia/Almaty',
    languages TEXT NOT NULL DEFAULT 'kk,ru,en',
    default_lang TEXT NOT NULL DEFAULT 'kk',
    ticker_kk TEXT NOT NULL DEFAULT '',
    ticker_ru TEXT NOT NULL DEFAULT '',
    ticker_en TEXT NOT NULL DEFAULT '',
    target_wait_s INTEGER NOT NULL DEFAULT 900,
    priority_wait_limit_s INTEGER NOT NULL DEFAULT 1200,
    opens TEXT,                                -- NULL: open all day
    closes TEXT
);

CREATE TABLE IF NOT EXISTS services (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    prefix TEXT NOT NULL,
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    group_kk TEXT NOT NULL DEFAULT '',
    group_ru TEXT NOT NULL DEFAULT '',
    group_en TEXT NOT NULL DEFAULT '',
    active INTEGER NOT NULL DEFAULT 1,
    daily_limit INTEGER,                       -- NULL: no limit
    opens TEXT,                                -- NULL: the office's hours
    closes TEXT,
    target_wait_s INTEGER,                     -- NULL: the office's target
    sort_order INTEGER NOT NULL DEFAULT 0,
    UNIQUE (office_id, prefix)
);

CREATE TABLE IF NOT EXISTS desks (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    name TEXT NOT NULL,                        -- as shown and spoken: "5"
    active INTEGER NOT NULL DEFAULT 1,
    paused INTEGER NOT NULL DEFAULT 0,
    pause_reason TEXT,
    current_ticket_id INTEGER REFERENCES tickets(id),
    user_id INTEGER REFERENCES users(id),
    changed_at TEXT,
    UNIQUE (office_id, name)
);
-- Two desks can never hold the same ticket.
CREATE UNIQUE INDEX IF NOT EXISTS desks_current_ticket
    ON desks (current_ticket_id) WHERE current_ticket_id IS NOT NULL;

CREATE TABLE IF NOT EXISTS desk_services (
    desk_id INTEGER NOT NULL REFERENCES desks(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    PRIMARY KEY (desk_id, service_id)
);

CREATE TABLE IF NOT EXISTS users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('operator', 'manager', 'admin')),
    active INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL
);

CREATE TABLE IF NOT EXISTS user_offices (
    user_id INTEGER NOT NULL REFERENCES users(id),
    office_id TEXT NOT NULL REFERENCES offices(id),
    PRIMARY KEY (user_id, office_id)
);

CREATE TABLE IF NOT EXISTS devices (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    kind TEXT NOT NULL CHECK (kind IN ('kiosk', 'display')),
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,           -- sha256 of the token; the token is shown once
    printer_url TEXT NOT NULL DEFAULT 'none',
    settings TEXT NOT NULL DEFAULT '{}',       -- JSON: lang, services/desks shown, voice order
    created_at TEXT NOT NULL,
    revoked_at TEXT
);

CREATE TABLE IF NOT EXISTS counters (
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,                         -- the office's local date
    last_number INTEGER NOT NULL,
    PRIMARY KEY (service_id, day)
);

CREATE TABLE IF NOT EXISTS tickets (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    token TEXT NOT NULL UNIQUE,                -- unguessable, for the ticket page
    issued_service_id INTEGER NOT NULL REFERENCES services(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    day TEXT NOT NULL,
    number INTEGER NOT NULL,
    display_number TEXT NOT NULL,              -- as printed: А017
    status TEXT NOT NULL CHECK (status IN
        ('waiting', 'called', 'serving', 'done', 'no_show', 'cancelled', 'expired')),
    priority INTEGER NOT NULL DEFAULT 0,
    priority_reason TEXT,
    first_in_line INTEGER NOT NULL DEFAULT 0,
    lang TEXT NOT NULL DEFAULT 'kk',
    issued_at TEXT NOT NULL,                   -- UTC ISO 8601
    queued_at TEXT NOT NULL,                   -- the age the call order uses
    called_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    desk_id INTEGER REFERENCES desks(id),
    user_id INTEGER REFERENCES users(id),
    device_id INTEGER REFERENCES devices(id),
    recalls INTEGER NOT NULL DEFAULT 0,
    rating INTEGER,
    UNIQUE (issued_service_id, day, number)
);
CREATE INDEX IF NOT EXISTS tickets_waiting ON tickets (service_id, status, queued_at);
CREATE INDEX IF NOT EXISTS tickets_office_day ON tickets (office_id, day, status);

CREATE TABLE IF NOT EXISTS events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,                          -- UTC ISO 8601
    office_id TEXT NOT NULL,
    name TEXT NOT NULL,
    ticket_id INTEGER,
    service_id INTEGER,
    desk_id INTEGER,
    user_id INTEGER,
    device_id INTEGER,
    details TEXT NOT NULL DEFAULT '{}',        -- JSON
    prev_hash TEXT NOT NULL,
    hash TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS events_office_at ON events (office_id, at);
CREATE INDEX IF NOT EXISTS events_ticket ON events (ticket_id);
-- Audit filters and report transfer counts read one event name over a period.
CREATE INDEX IF NOT EXISTS events_office_name_at ON events (office_id, name, at);

-- Reports: one narrow row per ticket, folded from each event as it is logged, in the same
-- transaction (kezek/report_facts.py). Wait = issue -> first call; service = start -> finish.
CREATE TABLE IF NOT EXISTS report_tickets (
    ticket_id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL,
    day TEXT NOT NULL,                         -- the office's local date of issue
    hour INTEGER NOT NULL,                     -- the office's local hour of issue
    issued_at TEXT NOT NULL,
    service_id INTEGER NOT NULL,               -- the service it was issued for
    status TEXT NOT NULL,
    desk_id INTEGER,                           -- the desk and operator that last called it
    user_id INTEGER,
    first_called_at TEXT,
    started_at TEXT,
    finished_at TEXT,
    wait_s REAL,
    service_s REAL,
    transfers INTEGER NOT NULL DEFAULT 0,
    rating INTEGER
);
CREATE INDEX IF NOT EXISTS report_tickets_office_day ON report_tickets (office_id, day);

-- The log is append-only: an edit has to drop these first, and the hash chain shows it.
CREATE TRIGGER IF NOT EXISTS events_no_update BEFORE UPDATE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;
CREATE TRIGGER IF NOT EXISTS events_no_delete BEFORE DELETE ON events
BEGIN SELECT RAISE(ABORT, 'events are append-only'); END;

CREATE TABLE IF NOT EXISTS idempotency (
    scope TEXT NOT NULL,                       -- who: device:<id> or user:<id>
    key TEXT NOT NULL,
    request TEXT NOT NULL,                     -- method and path
    status INTEGER NOT NULL,                   -- 0: claimed by the operation, answer not stored (yet)
    body TEXT NOT NULL,
    created_at TEXT NOT NULL,
    PRIMARY KEY (scope, key)
);
CREATE INDEX IF NOT EXISTS idempotency_created ON idempotency (created_at);   -- the daily purge

CREATE TABLE IF NOT EXISTS printer_state (
    device_id INTEGER PRIMARY KEY REFERENCES devices(id),
    state TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    changed_at TEXT NOT NULL
);

-- Appointments (kezek/slots.py, kezek/bookings.py): what each service offers for booking,
-- the office's days off and closed slots, the bookings, and the tickets issued at check-in.
CREATE TABLE IF NOT EXISTS booking_settings (
    office_id TEXT PRIMARY KEY REFERENCES offices(id),
    appointments_in_row INTEGER NOT NULL DEFAULT 3,   -- then one walk-in goes first, if one waits
    phone_daily_limit INTEGER NOT NULL DEFAULT 2,     -- active bookings per phone number and day
    weekdays TEXT NOT NULL DEFAULT '1,2,3,4,5'        -- ISO weekdays that take bookings (Mon = 1)
);

CREATE TABLE IF NOT EXISTS booking_rules (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    enabled INTEGER NOT NULL DEFAULT 1,
    slot_minutes INTEGER NOT NULL DEFAULT 15,
    capacity INTEGER NOT NULL DEFAULT 1,               -- desks taking bookings: bookings per slot
    days_ahead INTEGER NOT NULL DEFAULT 14,            -- today and this many days after it
    opens TEXT,                                        -- NULL: the service's, else the office's hours
    closes TEXT,
    lunch_from TEXT,                                   -- no slot overlaps the lunch break
    lunch_to TEXT,
    early_min INTEGER NOT NULL DEFAULT 15,             -- check-in window around the slot's start
    late_min INTEGER NOT NULL DEFAULT 10
);

CREATE TABLE IF NOT EXISTS holidays (
    office_id TEXT NOT NULL REFERENCES offices(id),
    day TEXT NOT NULL,                                 -- the office's local date
    name TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (office_id, day)
);

CREATE TABLE IF NOT EXISTS closed_slots (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    service_id INTEGER REFERENCES services(id),        -- NULL: every service
    day TEXT NOT NULL,
    slot_time TEXT,                                    -- local HH:MM of one slot; NULL: the whole day
    reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX IF NOT EXISTS closed_slots_day ON closed_slots (office_id, day);

CREATE TABLE IF NOT EXISTS bookings (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    code TEXT NOT NULL UNIQUE,                         -- random digits: the visitor's key, never sequential
    day TEXT NOT NULL,                                 -- the office's local date of the slot
    slot_at TEXT NOT NULL,                             -- the slot's start, UTC ISO 8601
    seat INTEGER NOT NULL,                             -- 1..capacity within the slot
    status TEXT NOT NULL CHECK (status IN ('booked', 'cancelled')),
    phone TEXT,                                        -- optional, normalised digits; only for limits
    lang TEXT NOT NULL DEFAULT 'kk',
    created_at TEXT NOT NULL,
    user_id INTEGER REFERENCES users(id),              -- staff who booked for a caller
    cancelled_at TEXT
);
-- Two people can never hold the same seat of a slot: the last seat goes to one of them.
CREATE UNIQUE INDEX IF NOT EXISTS bookings_seat ON bookings (service_id, slot_at, seat) WHERE status = 'booked';
CREATE INDEX IF NOT EXISTS bookings_office_day ON bookings (office_id, day);
CREATE INDEX IF NOT EXISTS bookings_phone_day ON bookings (phone, day);

-- A ticket issued at a booking's check-in; UNIQUE booking_id: one ticket per booking.
CREATE TABLE IF NOT EXISTS ticket_appointments (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    booking_id INTEGER NOT NULL UNIQUE REFERENCES bookings(id),
    slot_at TEXT NOT NULL
);
"""


def upgrade() -> None:
    """Create what is missing of these tables, indexes and triggers."""
    operations.run(SCHEMA)


def downgrade() -> None:
    """Kezek does not go back: restore the backup taken before the upgrade."""
    raise NotImplementedError("restore the backup taken before the upgrade")
