"""The notifier of a running server: published events in, messages out through the bounded outbox, on its own threads.

publish() hands each committed batch to `hand_over` (a put that never waits); a dispatcher thread
turns batches into messages with the engine's rules, the outbox's workers send them, a ticker
tells of closing offices and long waits, purges ended tickets' personal data and writes the
counts; Telegram updates come by long polling here or by the webhook (kezek/web/api/notify.py).
"""
from __future__ import annotations

import queue
import threading
import time
from collections import Counter
from pathlib import Path

from kezek.base import database
from kezek.base.clock import local_day, utcnow
from kezek.notify import push, rules, sms, store, telegram
from kezek.notify.messages import Message
from kezek.notify.outbox import Outbox
from kezek.notify.sending import Senders
from kezek.office import store as office_store
from kezek.web.live import broadcast, leases

_current: Notifier | None = None
GATHER_S = 0.1


class Notifier:
    """The threads, queues and counts of one app's notifications."""

    def __init__(self, app):
        self.app = app
        config = app.config
        self.events: queue.Queue = queue.Queue(maxsize=int(config["NOTIFY_QUEUE"]))
        key_file = config.get("VAPID_KEY_FILE")
        vapid = push.load_key(key_file) if key_file and Path(key_file).exists() else None
        gateway = None
        if config.get("SMS_URL"):
            gateway = sms.Gateway(config["SMS_URL"], config.get("SMS_USER", ""), config.get("SMS_PASSWORD", ""),
                                  config.get("SMS_TOKEN", ""), config.get("SMS_TEMPLATE") or sms.DEFAULT_TEMPLATE)
        self.senders = Senders(vapid=vapid, vapid_subject=config["VAPID_SUBJECT"],
                               timeout_s=float(config["NOTIFY_TIMEOUT_S"]), telegram_api=config["TELEGRAM_API"],
                               telegram_token=self._bot_token, gateway=gateway, sms_options=self._sms_options)
        self.outbox = Outbox(self.senders.deliver, self._done, size=int(config["NOTIFY_QUEUE"]),
                             workers=int(config["NOTIFY_WORKERS"]), attempts=int(config["NOTIFY_ATTEMPTS"]),
                             backoff_s=float(config["NOTIFY_BACKOFF_S"]),
                             on_error=self._not_sent)
        self.counts: Counter = Counter()
        self._counts_lock = threading.Lock()
        self._stop = threading.Event()
        self._tokens: dict[str, str | None] = {}
        self._options: dict[str, dict] = {}
        # The poller runs whatever the server's mode: an office may choose polling on the admin screen.
        self._threads = [threading.Thread(target=self._dispatch, name="kezek-notify-dispatch", daemon=True),
                         threading.Thread(target=self._tick, name="kezek-notify-tick", daemon=True),
                         threading.Thread(target=self._poll, name="kezek-telegram-poll", daemon=True)]

    def _not_sent(self, err: BaseException) -> None:
        # The kind of failure only: a request's error names its URL, which holds a bot token or a
        # browser's push endpoint, and the log is no place for either.
        self.app.logger.info("notification not sent: %s", type(err).__name__)

    def _clock(self):
        clock = self.app.config.get("CLOCK")
        return clock() if clock else utcnow()

    def _db(self):
        return database.open_db(self.app.config["DB"])

    def _bot_token(self, office_id: str) -> str | None:
        if office_id not in self._tokens:
            db = self._db()
            try:
                self._tokens[office_id] = store.settings(db, office_id)["telegram_token"]
            finally:
                db.close()
        return self._tokens[office_id]

    def _sms_options(self, office_id: str) -> dict:
        if office_id not in self._options:
            db = self._db()
            try:
                self._options[office_id] = store.options(db, office_id)
            finally:
                db.close()
        return self._options[office_id]

    def telegram_mode(self, office_id: str) -> str:
        """How an office's bot gets updates: its admin's choice, else KEZEK_TELEGRAM_MODE."""
        return self._sms_options(office_id)["telegram_mode"] or self.app.config["TELEGRAM_MODE"]

    def settings_changed(self) -> None:
        """Forget cached tokens and options (the admin changed them) and tell Telegram the webhooks anew."""
        self._tokens.clear()
        self._options.clear()
        threading.Thread(target=self.register_webhooks, kwargs={"changed": True}, name="kezek-telegram-webhook",
                         daemon=True).start()

    def register_webhooks(self, changed: bool = False) -> None:
        """setWebhook for every webhook-mode office's bot (KEZEK_PUBLIC_URL/api/v1/notify/telegram/<secret>);
        after a change, deleteWebhook for polling ones (Telegram refuses getUpdates while a webhook is set)."""
        base = self.app.config.get("PUBLIC_URL", "").rstrip("/")
        db = self._db()
        try:
            bots = store.telegram_offices(db)
        finally:
            db.close()
        for bot in bots:
            try:
                if self.telegram_mode(bot["office_id"]) == "webhook":
                    telegram.set_webhook(self.senders.telegram_api, bot["telegram_token"],
                                         f"{base}/api/v1/notify/telegram/{bot['telegram_secret']}",
                                         bot["telegram_secret"])
                elif changed:
                    telegram.delete_webhook(self.senders.telegram_api, bot["telegram_token"])
            except Exception as err:   # Telegram unreachable: the next start or change tries again
                self.app.logger.warning("telegram setWebhook failed: %s", type(err).__name__)

    def ticket_url(self, token: str) -> str:
        """The ticket page a tapped notification opens (relative when no public address is set)."""
        return f"{self.app.config.get('PUBLIC_URL', '').rstrip('/')}/t/{token}"

    def hand_over(self, events) -> None:
        """Take a committed batch of events without ever waiting (a full queue drops it, counted)."""
        try:
            self.events.put_nowait(list(events))
        except queue.Full:
            offices = {e.office_id for e in events}
            with self._counts_lock:
                for office_id in offices:
                    self.counts[(office_id, "all", "dropped")] += 1

    def handle(self, events, db=None) -> None:
        """Turn one batch into queued messages (the dispatcher's work; tests may call it directly)."""
        own = db is None
        db = db or self._db()
        try:
            for message in rules.react(db, events, self._clock(), self.ticket_url):
                self.outbox.put(message)
        finally:
            if own:
                db.close()

    def _dispatch(self) -> None:
        # One connection for the dispatcher's life: opening one a batch cost ~1 ms of the server's
        # loop right when the next request (often a kiosk's, just after a call) wanted it.
        db = None
        try:
            while not self._stop.is_set():
                batch = self.events.get()
                if batch is None:
                    return
                taken = 1
                # A rush: wait a moment and take every batch that came meanwhile, so a hall calling at full
                # speed costs one pass of the rules per GATHER_S, not one per call.
                self._stop.wait(GATHER_S)
                while len(batch) < 5000:
                    try:
                        more = self.events.get_nowait()
                    except queue.Empty:
                        break
                    taken += 1
                    if more is None:
                        self._stop.set()
                        break
                    batch += more
                try:
                    db = db or self._db()
                    self.handle(batch, db)
                except Exception:
                    self.app.logger.exception("notifications: a batch failed")
                    if db is not None:   # whatever went wrong, the next batch starts on a fresh connection
                        db.close()
                        db = None
                finally:
                    for _ in range(taken):
                        self.events.task_done()
        finally:
            if db is not None:
                db.close()

    def _done(self, message, outcome: str) -> None:
        with self._counts_lock:
            self.counts[(message.office_id, message.channel, outcome)] += 1
        if outcome == "gone" and message.subscription_id:
            db = self._db()
            try:
                with database.transaction(db, durable=False):
                    store.remove(db, message.subscription_id)
            finally:
                db.close()

    def flush_counts(self) -> None:
        """Add the counts so far to the database (the monitor reads them there)."""
        with self._counts_lock:
            counts, self.counts = self.counts, Counter()
        if not counts:
            return
        db = self._db()
        try:
            zones = {o["id"]: o["timezone"] for o in office_store.offices(db)}
            now = self._clock()
            rows = Counter()
            for (office_id, channel, outcome), n in counts.items():
                rows[(office_id, local_day(now, zones.get(office_id, "Asia/Almaty")), channel, outcome)] += n
            with database.transaction(db, durable=False):
                store.add_counts(db, rows)
        finally:
            db.close()

    def tick(self) -> None:
        """Once a period: closing offices, long waits, personal data of ended tickets (in the one process
        holding the "notices" lease), then this process's own counts."""
        if leases.holds(self.app, "notices"):
            db = self._db()
            try:
                now = self._clock()
                for office in office_store.offices(db):
                    for message in (rules.closing_messages(db, office["id"], now, self.ticket_url)
                                    + rules.wait_alerts(db, office["id"], now)):
                        self.outbox.put(message)
                rules.purge(db, now)
            finally:
                db.close()
        self.flush_counts()

    def _tick(self) -> None:
        every = float(self.app.config["NOTIFY_TICK_S"])
        while not self._stop.wait(every):
            try:
                self.tick()
            except Exception:
                self.app.logger.exception("notifications: the periodic check failed")

    def telegram_update(self, office_id: str, update: dict) -> None:
        """Answer one bot update (webhook or polling); publish what a /cancel changed."""
        db = self._db()
        try:
            reply = telegram.handle_update(db, office_id, update, self._clock())
        finally:
            db.close()
        if reply is None:
            return
        broadcast.publish(reply.events)
        token = self._bot_token(office_id)
        if token:
            self.outbox.put(telegram_reply(office_id, reply))

    def _poll(self) -> None:
        # The offset lives in the database, not here: whichever process of the region holds the lease
        # next goes on after the last update handled, neither answering one twice nor skipping one.
        wait_s = int(self.app.config["TELEGRAM_POLL_S"])
        while not self._stop.is_set():
            if not leases.holds(self.app, "telegram"):   # another process of the region polls the bots
                self._stop.wait(1)
                continue
            db = self._db()
            try:
                bots = [b for b in store.telegram_offices(db) if self.telegram_mode(b["office_id"]) == "polling"]
                offsets = {b["office_id"]: telegram.saved_offset(db, b["office_id"], b["telegram_token"]) for b in bots}
            finally:
                db.close()
            if not bots:
                self._stop.wait(10)
                continue
            for bot in bots:
                try:
                    # One bot: a long poll. Several (a region's offices): short ones, so none waits for another's.
                    updates = telegram.get_updates(self.senders.telegram_api, bot["telegram_token"],
                                                   offsets[bot["office_id"]], wait_s=wait_s if len(bots) == 1 else 1)
                except Exception as err:   # Telegram unreachable: try again shortly
                    self.app.logger.info("telegram polling: %s", type(err).__name__)
                    self._stop.wait(5)
                    continue
                for update in updates:
                    if not leases.holds(self.app, "telegram"):   # lost the lease mid-batch: the next holder goes on
                        break
                    try:
                        self.telegram_update(bot["office_id"], update)
                    except Exception:
                        self.app.logger.exception("telegram update failed")
                    db = self._db()
                    try:
                        telegram.save_offset(db, bot["office_id"], bot["telegram_token"], int(update["update_id"]) + 1)
                    finally:
                        db.close()

    def start(self) -> Notifier:
        """Start the threads and receive every published batch from now on."""
        self.outbox.start()
        for thread in self._threads:
            thread.start()
        broadcast.AFTER_PUBLISH.append(self.hand_over)
        threading.Thread(target=self.register_webhooks, name="kezek-telegram-webhook", daemon=True).start()
        return self

    def stop(self) -> None:
        """Stop receiving and sending (tests; a server just exits)."""
        if self.hand_over in broadcast.AFTER_PUBLISH:
            broadcast.AFTER_PUBLISH.remove(self.hand_over)
        self._stop.set()
        self.events.put(None)
        self.outbox.stop()
        for thread in self._threads[:2]:
            thread.join(2)
        self.senders.close()


def telegram_reply(office_id: str, reply) -> Message:
    """The bot's answer as a message for the outbox."""
    return Message(office_id, "telegram", reply.chat_id, reply.text, "", None, tag="kezek-reply")


def start(app) -> Notifier:
    """Start this app's notifier (the server's background start; tests start their own)."""
    global _current
    _current = Notifier(app).start()
    app.extensions["kezek_notifier"] = _current
    return _current


def current(app) -> Notifier | None:
    """The app's running notifier, if any."""
    return app.extensions.get("kezek_notifier")


def today_counts(notifier: Notifier | None, db, office_id: str, now) -> dict:
    """Today's notifications of an office for the monitor: {sent, gone, failed, dropped, channels: {…}}."""
    if notifier is not None:
        notifier.flush_counts()
    rows = store.counts(db, office_id, local_day(now, office_store.office(db, office_id)["timezone"]))
    total = {outcome: sum(r["n"] for r in rows if r["outcome"] == outcome)
             for outcome in ("sent", "gone", "failed", "dropped")}
    channels: dict[str, dict] = {}
    for r in rows:
        channels.setdefault(r["channel"], {})[r["outcome"]] = r["n"]
    return {**total, "channels": channels}


def wait_idle(notifier: Notifier, timeout: float = 10.0) -> bool:
    """Wait until nothing is queued or being retried (tests, the bench)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if notifier.events.unfinished_tasks == 0 and notifier.outbox.pending() == 0:
            return True
        time.sleep(0.02)
    return False
