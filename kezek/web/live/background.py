"""Background work of a running server: expiring yesterday's tickets, polling the printers the server drives."""
from __future__ import annotations

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.office import store as office_store
from kezek.queue import tickets
from kezek.web.live import checkpointing, printing
from kezek.web.live import notify as live_notify
from kezek.web.live.broadcast import publish, socketio

EXPIRY_EVERY_S = 60
TASKS = (printing.poll_loop, checkpointing.checkpoint_loop)   # run beside the expiry loop, each function(app)


def _expiry_loop(app) -> None:
    while True:
        try:
            db = database.open_db(app.config["DB"])
            try:
                for office in office_store.offices(db):
                    publish(tickets.expire_stale(db, office["id"], utcnow()).events)
            finally:
                db.close()
        except Exception:  # a bad minute must not stop the loop for the day
            app.logger.exception("expiry failed")
        socketio.sleep(EXPIRY_EVERY_S)


def start(app) -> None:
    """Start the background loops (only in a real server, not in tests)."""
    socketio.start_background_task(_expiry_loop, app)
    live_notify.start(app)   # its own threads (greenlets under gevent): dispatcher, senders, ticker
    for task in TASKS:
        socketio.start_background_task(task, app)
