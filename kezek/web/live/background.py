"""Background work of a running server: expiring yesterday's tickets, polling the printers the server drives,
checkpoints; each in the one process of a region that holds its lease (kezek/web/live/leases.py)."""
from __future__ import annotations

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.office import store as office_store
from kezek.queue import tickets
from kezek.web.live import checkpointing, leases, printing
from kezek.web.live import notify as live_notify
from kezek.web.live.broadcast import publish, socketio

EXPIRY_EVERY_S = 60
DRAIN_S = 5.0   # a clean stop waits at most this for the notifications already queued to go out


def expire_once(app) -> None:
    """Expire what the day left behind in every office, and push it."""
    db = database.open_db(app.config["DB"])
    try:
        for office in office_store.offices(db):
            publish(tickets.expire_stale(db, office["id"], utcnow()).events)
    finally:
        db.close()


def _every(app) -> dict:
    # The lease's name -> (one round, seconds between rounds).
    return {"expiry": (expire_once, EXPIRY_EVERY_S),
            "printers": (printing.poll_once, printing.POLL_EVERY_S),
            "checkpoints": (checkpointing.checkpoint_once,
                            float(app.config.get("CHECKPOINT_EVERY_S") or checkpointing.EVERY_S))}


def run_while_held(app, name: str, round_, every_s: float) -> None:
    """Run round_(app) every `every_s` seconds while this process holds the lease `name`, for as long as it runs."""
    while True:
        if leases.holds(app, name):
            try:
                round_(app)
            except Exception:  # a bad round must not stop the work for the day
                app.logger.exception("%s failed", name)
        leases.wait(app, name, every_s)


def start(app, pusher=None) -> leases.Keeper:
    """Take the leases, then start the background loops (only in a real server, not in tests).

    `pusher` (kezek/log/witness_client.py) catches up each time this process takes the checkpoints:
    what a holder that died had made and not yet pushed reaches the witnesses from its successor.
    """
    keeper = leases.install(app)
    if pusher is not None:
        keeper.when_taken("checkpoints", pusher.catch_up)
    keeper.renew()   # a server alone holds every lease from its first moment, as before leases
    socketio.start_background_task(keeper.run)
    live_notify.start(app)   # its own threads (greenlets under gevent): dispatcher, senders, ticker
    for name, (round_, every_s) in _every(app).items():
        socketio.start_background_task(run_while_held, app, name, round_, every_s)
    return keeper


def stop(app, keeper: leases.Keeper) -> None:
    """A clean stop (SIGTERM, Ctrl-C): give the leases up, so that the region's other processes take the work at
    once, then let the messages already queued (a Telegram answer, an SMS) go out, for at most DRAIN_S."""
    keeper.give_up()
    notifier = live_notify.current(app)
    if notifier is not None and not live_notify.wait_idle(notifier, DRAIN_S):
        app.logger.warning("stopping with %s message(s) not sent", notifier.outbox.pending())
