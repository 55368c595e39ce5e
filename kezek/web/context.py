"""What every handler shares, importing nothing of kezek.web: settings, the request's database and clock, errors."""
from __future__ import annotations

import os
from pathlib import Path

from flask import current_app, g

from kezek.base import database
from kezek.base.clock import utcnow

ROOT = Path(__file__).resolve().parents[2]   # the repository: schema, screen folders, node_modules

DEFAULTS = {
    "DB": "kezek.db",        # a SQLite file, or a PostgreSQL database: postgresql://user@host:port/name
    "DATA_DIR": "",          # files kept beside the database (log key, media, voice); default: the
                             # SQLite file's folder, or ./var with PostgreSQL
    "PUBLIC_URL": "",
    "ISSUE_RATE_LIMIT": 30,
    "ASYNC_MODE": "threading",
    "SESSION_HOURS": 12,
    "LOGIN_ATTEMPTS": 5,
    "TICKET_LOOKUPS_PER_MINUTE": 120,
    "KIOSK_IDLE_S": 20,
    "PROXY_HOPS": 0,
    "MESSAGE_QUEUE": "",   # redis://… : several processes on one database share Socket.IO's messages and rate limits
    "QUEUE_PUSH_DELAY_S": 0.25,
    "DESK_PUSH_DELAY_S": 0.1,     # scoped desk screens' desk.queue: changes within it make one push
    "REGION_PUSH_DELAY_S": 1.0,   # region monitors' region.monitor: changes in any office within it make one push
    "PRINTER_ALLOW_LOCAL": 0,     # the server owner's: a printer simulator on the server itself (tests, demos)
    "SESSION_IDLE_MINUTES": 60,   # a session unused this long ends (KEZEK_SESSION_HOURS: from sign-in)
    "VOICE_CACHE_MB": 64,         # the spoken calls' disk cache, least recently used evicted first
    "VOICE_SYNTHESES_PER_MINUTE": 30,   # new spoken calls per address a minute (cached ones are free)
    "MEDIA_DIR": "",         # the hall display's media files (default: <db dir>/media)
    "MEDIA_MAX_MB": 200,     # one uploaded media file at most
    "MEDIA_TOTAL_MB": 4000,  # every media file together at most
    "LOG_KEY": "",      # the log's signing key file (default: beside the database, kezek/log/keyfile.py)
    "LOG_NAME": "",     # the log's name in each office's origin, used when the key is made
    "WITNESS_LOGS": "",      # a witness: the file of "origin verifier-key" lines of the logs it serves
    "WITNESS_KEY": "",       # a witness: its cosignature key file (python server.py witness-key)
    "WITNESS_OFFICE": "",    # a witness: the office whose event log records its alarms (default: the first)
    "WITNESSES": "",         # a log: the witnesses it pushes checkpoints to ("URL verifier-key", ';' between)
    "CHECKPOINT_EVERY_S": 60,    # how often the checkpoint job runs (at least once a minute; tests run it faster)
    "LEASE_TTL_S": 15,           # run-once work: a dead process's is taken over within this plus a third
    "RATE_LIMIT_STORAGE": "",    # the rate limits' storage (Flask-Limiter URI), when not KEZEK_MESSAGE_QUEUE
    # Notifications (kezek/notify, README "Notifications"): off until a key, a bot or a gateway is set.
    "VAPID_KEY_FILE": "",    # Web Push's private key (python server.py vapid-keys)
    "VAPID_SUBJECT": "mailto:admin@localhost",
    "PUSH_SERVICES": "",     # URL prefixes a subscription may name (default: the browsers' push services)
    "NOTIFY_QUEUE": 1000,
    "NOTIFY_WORKERS": 4,
    "NOTIFY_ATTEMPTS": 4,
    "NOTIFY_BACKOFF_S": "1",
    "NOTIFY_TIMEOUT_S": "5",
    "NOTIFY_TICK_S": "30",
    "TELEGRAM_API": "https://api.telegram.org",
    "TELEGRAM_MODE": "polling",   # or webhook (needs KEZEK_PUBLIC_URL over https)
    "TELEGRAM_POLL_S": 25,
    "SMS_URL": "",
    "SMS_USER": "",
    "SMS_PASSWORD": "",
    "SMS_TOKEN": "",
    "SMS_TEMPLATE": "",
}


def data_dir() -> Path:
    """Where this server's files beside the database go (kezek/base/database.py files_dir)."""
    return database.files_dir(current_app.config["DB"], current_app.config.get("DATA_DIR"))


def settings_from_env(config: dict | None) -> dict:
    """Settings: the given config, then KEZEK_* environment variables, then defaults."""
    merged = dict(DEFAULTS)
    for key in DEFAULTS:
        env = os.environ.get(f"KEZEK_{key}")
        if env is not None:
            merged[key] = type(DEFAULTS[key])(env) if isinstance(DEFAULTS[key], int) else env
    merged.update(config or {})
    return merged


def get_db():
    """This request's database connection (from the pool on first use, back at teardown)."""
    if "db" not in g:
        g.db = current_app.extensions["kezek_pool"].get()
    return g.db


def now():
    """The current time (tests may replace app.config['CLOCK'])."""
    clock = current_app.config.get("CLOCK")
    return clock() if clock else utcnow()


def error_body(code: str, message: str, **details) -> dict:
    """The JSON shape of every error answer."""
    body = {"error": {"code": code, "message": message}}
    if details:
        body["error"]["details"] = details
    return body
