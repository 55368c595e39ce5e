"""After the second release: transfers with targets, visit outcomes, hall media, the kiosk's catalogue, hours.

The lines schema.sql gained after stop 21, up to the first revisions (the now-serving index, notification
options, transfer targets and notes, visit outcomes and services, media files, playlists, notices, what to
bring, synonyms, other bodies, most asked, official names, weekly hours, users' full names). Only new
tables and indexes, created when missing, as schema.sql did.
"""
from __future__ import annotations

from kezek.base.migrations import operations

revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

SCHEMA = """
-- The ticket page's "now serving": the number last called today in a service.
CREATE INDEX IF NOT EXISTS tickets_service_calls ON tickets (service_id, day, called_at);
-- How many moves of its ticket (transfers, returns to the queue) each subscription has been told of: the
-- "your turn is near" check waits while the log holds more, so a move's own message always comes first.
CREATE TABLE IF NOT EXISTS notify_moves (
    subscription_id INTEGER PRIMARY KEY REFERENCES notify_subscriptions(id) ON DELETE CASCADE,
    seen INTEGER NOT NULL
);

-- Per office, set on the admin screen (kezek/notify/office_settings.py): how its Telegram bot gets
-- updates (NULL: the server's KEZEK_TELEGRAM_MODE), whether the server's SMS gateway may text its
-- visitors, and the SMS text around the message ({text}; NULL: the message alone).
CREATE TABLE IF NOT EXISTS notify_office_options (
    office_id TEXT PRIMARY KEY REFERENCES offices(id),
    telegram_mode TEXT CHECK (telegram_mode IN ('polling', 'webhook')),
    sms_enabled INTEGER NOT NULL DEFAULT 1,
    sms_template TEXT
);

-- Which alerts a manager's subscription (notify_subscriptions with user_id) gets; no row: all of them.
CREATE TABLE IF NOT EXISTS notify_alert_choices (
    subscription_id INTEGER PRIMARY KEY REFERENCES notify_subscriptions(id) ON DELETE CASCADE,
    wait_over_target INTEGER NOT NULL DEFAULT 1,
    printer_failure INTEGER NOT NULL DEFAULT 1
);


-- A transfer's target and note (kezek/queue/tickets.py transfer): the latest transfer of a
-- ticket; a desk-targeted ticket is called only at that desk, a specialist-targeted one only
-- by that user (kezek/queue/policy.py). The note is staff-only: never on a public surface.
CREATE TABLE IF NOT EXISTS ticket_targets (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    desk_id INTEGER REFERENCES desks(id),
    user_id INTEGER REFERENCES users(id),
    from_desk_id INTEGER REFERENCES desks(id),
    note TEXT,
    note_salt TEXT,                            -- the log keeps sha256(salt + note), never the note
    at TEXT NOT NULL
);
-- A visit's outcome (kezek/queue/outcomes.py): the office's list the admin edits, and what the
-- specialist recorded when finishing, with the services served in that visit.
CREATE TABLE IF NOT EXISTS outcome_kinds (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    code TEXT NOT NULL,
    name_kk TEXT NOT NULL,
    name_ru TEXT NOT NULL,
    name_en TEXT NOT NULL,
    active INTEGER NOT NULL DEFAULT 1,
    sort_order INTEGER NOT NULL DEFAULT 0,
    UNIQUE (office_id, code)
);
CREATE TABLE IF NOT EXISTS visit_outcomes (
    ticket_id INTEGER PRIMARY KEY REFERENCES tickets(id),
    outcome_id INTEGER NOT NULL REFERENCES outcome_kinds(id),
    note TEXT,
    note_salt TEXT,                            -- as ticket_targets: the log keeps only the note's salted hash
    at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS visit_services (
    ticket_id INTEGER NOT NULL REFERENCES tickets(id),
    service_id INTEGER NOT NULL REFERENCES services(id),
    PRIMARY KEY (ticket_id, service_id)
);

-- The hall display's media, notices and each service's "what to bring" (kezek/content).
-- A media file lives on disk beside the database (<db dir>/media/<sha256>.<ext>), never in it.
CREATE TABLE IF NOT EXISTS media_files (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    sha256 TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('video', 'image')),
    mime TEXT NOT NULL,
    ext TEXT NOT NULL,
    bytes INTEGER NOT NULL,
    width INTEGER NOT NULL,
    height INTEGER NOT NULL,
    duration_s REAL,
    title TEXT NOT NULL,
    created_at TEXT NOT NULL,
    UNIQUE (office_id, sha256)
);
CREATE TABLE IF NOT EXISTS playlists (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    name TEXT NOT NULL,
    UNIQUE (office_id, name)
);
CREATE TABLE IF NOT EXISTS playlist_items (
    playlist_id INTEGER NOT NULL REFERENCES playlists(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    media_id INTEGER REFERENCES media_files(id),
    service_id INTEGER REFERENCES services(id),
    seconds INTEGER NOT NULL,
    PRIMARY KEY (playlist_id, position),
    CHECK ((media_id IS NULL) <> (service_id IS NULL))
);
CREATE TABLE IF NOT EXISTS display_media (
    device_id INTEGER PRIMARY KEY REFERENCES devices(id),
    layout TEXT NOT NULL CHECK (layout IN ('queue', 'beside', 'full')),
    playlist_id INTEGER REFERENCES playlists(id) ON DELETE SET NULL,
    call_s INTEGER NOT NULL DEFAULT 10
);
CREATE TABLE IF NOT EXISTS notices (
    id INTEGER PRIMARY KEY,
    office_id TEXT NOT NULL REFERENCES offices(id),
    text_kk TEXT NOT NULL,
    text_ru TEXT NOT NULL,
    text_en TEXT NOT NULL,
    starts_at TEXT NOT NULL,
    ends_at TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS service_info (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    description_kk TEXT NOT NULL DEFAULT '',
    description_ru TEXT NOT NULL DEFAULT '',
    description_en TEXT NOT NULL DEFAULT '',
    documents TEXT NOT NULL DEFAULT '[]',   -- a JSON list of {"kk", "ru", "en"}
    updated_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS ticket_targets_desk ON ticket_targets (desk_id) WHERE desk_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS ticket_targets_user ON ticket_targets (user_id) WHERE user_id IS NOT NULL;

-- The kiosk's catalogue (docs/kiosk.md): words a visitor may search a service by, other bodies a
-- service is also listed under (its main body stays services.group_*), and the "most asked" first screen.
CREATE TABLE IF NOT EXISTS service_synonyms (
    service_id INTEGER NOT NULL REFERENCES services(id),
    word TEXT NOT NULL,                        -- as the admin wrote it: "паспорт", "жеке куәлік"
    PRIMARY KEY (service_id, word)
);
CREATE TABLE IF NOT EXISTS service_bodies (
    service_id INTEGER NOT NULL REFERENCES services(id),
    position INTEGER NOT NULL,
    group_kk TEXT NOT NULL,
    group_ru TEXT NOT NULL,
    group_en TEXT NOT NULL,
    PRIMARY KEY (service_id, position)
);
CREATE TABLE IF NOT EXISTS kiosk_most_asked (
    office_id TEXT NOT NULL REFERENCES offices(id),
    position INTEGER NOT NULL,
    service_id INTEGER NOT NULL REFERENCES services(id),
    PRIMARY KEY (office_id, position),
    UNIQUE (office_id, service_id)
);

-- A service's official name (a register's wording, any length) beside its short kiosk name
-- (services.name_*): kezek/office/config.py. Payloads carry both, official_name_kk/ru/en.
CREATE TABLE IF NOT EXISTS service_official_names (
    service_id INTEGER PRIMARY KEY REFERENCES services(id),
    name_kk TEXT NOT NULL DEFAULT '',
    name_ru TEXT NOT NULL DEFAULT '',
    name_en TEXT NOT NULL DEFAULT ''
);
-- Opening hours per ISO weekday (1 Monday … 7 Sunday) with an optional lunch break
-- (kezek/office/hours.py). An office with no rows keeps offices.opens/closes; with rows, a
-- weekday without one is closed.
CREATE TABLE IF NOT EXISTS office_hours (
    office_id TEXT NOT NULL REFERENCES offices(id),
    weekday INTEGER NOT NULL CHECK (weekday BETWEEN 1 AND 7),
    opens TEXT NOT NULL,                       -- local HH:MM
    closes TEXT NOT NULL,
    lunch_from TEXT,                           -- NULL: no lunch break
    lunch_to TEXT,
    PRIMARY KEY (office_id, weekday)
);
-- A user's full name, shown in reports and the audit instead of the login (kezek/office/accounts.py).
CREATE TABLE IF NOT EXISTS user_names (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    full_name TEXT NOT NULL
);
"""


def upgrade() -> None:
    """Create what is missing of these tables, indexes and triggers."""
    operations.run(SCHEMA)


def downgrade() -> None:
    """Kezek does not go back: restore the backup taken before the upgrade."""
    raise NotImplementedError("restore the backup taken before the upgrade")
