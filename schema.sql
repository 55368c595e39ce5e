-- Kezek's schema as it is now: a new database is made from it (idempotent). An older database gets here
-- through the revisions in kezek/base/migrations/versions/: change this file only with a new revision
-- (README, Schema revisions; tests/test_migrations.py fails until the two agree).

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
-- The ticket page's "now serving": the number last called today in a service.
CREATE INDEX IF NOT EXISTS tickets_service_calls ON tickets (service_id, day, called_at);

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

-- How many moves of its ticket (transfers, returns to the queue) each subscription has been told of: the
-- "your turn is near" check waits while the log holds more, so a move's own message always comes first.
CREATE TABLE IF NOT EXISTS notify_moves (
    subscription_id INTEGER PRIMARY KEY REFERENCES notify_subscriptions(id) ON DELETE CASCADE,
    seen INTEGER NOT NULL
);

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
-- Work that runs in one server process at a time (kezek/base/leases.py): printer polling, the day's
-- expiry, checkpoints and witness pushes, notices, Telegram polling. The holder renews its lease while
-- it lives; once `expires_at` has passed, another process takes it over.
CREATE TABLE IF NOT EXISTS leases (
    name TEXT PRIMARY KEY,                     -- the work: expiry, printers, checkpoints, notices, telegram
    holder TEXT NOT NULL,                      -- the process: host:pid:random
    acquired_at TEXT NOT NULL,                 -- UTC ISO: when this holder took it
    expires_at TEXT NOT NULL                   -- UTC ISO: free for another process from then on
);
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
