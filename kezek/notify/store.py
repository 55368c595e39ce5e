"""The SQL of notifications: subscriptions (personal, per ticket), office settings, counts, managers' alerts."""
from __future__ import annotations

from kezek.base import database

ENDED = ("done", "no_show", "cancelled", "expired")


def add_subscription(db, row: dict) -> int:
    """Add (or renew) a subscription; answer its id (call inside a transaction)."""
    db.execute(
        "INSERT INTO notify_subscriptions (office_id, ticket_id, user_id, channel, address, lang, ahead, day,"
        " created_at) VALUES (:office_id, :ticket_id, :user_id, :channel, :address, :lang, :ahead, :day,"
        " :created_at) ON CONFLICT (channel, address, coalesce(ticket_id, 0), coalesce(user_id, 0))"
        " DO UPDATE SET lang = excluded.lang, ahead = excluded.ahead, told_ahead = 0",
        {"user_id": None, "ticket_id": None, **row})
    sub_id = database.scalar(
        db, "SELECT id FROM notify_subscriptions WHERE channel = ? AND address = ?"
            " AND coalesce(ticket_id, 0) = coalesce(?, 0) AND coalesce(user_id, 0) = coalesce(?, 0)",
        (row["channel"], row["address"], row.get("ticket_id"), row.get("user_id")))
    if row.get("ticket_id"):
        db.execute(f"INSERT INTO notify_moves (subscription_id, seen) VALUES (?, ({_MOVES_OF}))"
                   " ON CONFLICT (subscription_id) DO UPDATE SET seen = excluded.seen",
                   (sub_id, row["ticket_id"]))
    return sub_id


_MOVES_OF = "SELECT count(*) FROM events WHERE ticket_id = ? AND name IN ('ticket.transferred', 'ticket.returned')"


def ticket_moves(db, ticket_ids: list[int]) -> dict[int, int]:
    """How many moves (transfers, returns to the queue) the log holds for each ticket."""
    marks = ",".join("?" * len(ticket_ids))
    return {r["ticket_id"]: r["n"] for r in database.rows(
        db, f"SELECT ticket_id, count(*) AS n FROM events WHERE ticket_id IN ({marks})"
            " AND name IN ('ticket.transferred', 'ticket.returned') GROUP BY ticket_id", tuple(ticket_ids))}


def seen_moves(db, subscription_ids: list[int]) -> dict[int, int]:
    """How many of its ticket's moves each subscription has been told of."""
    marks = ",".join("?" * len(subscription_ids))
    return {r["subscription_id"]: r["seen"] for r in database.rows(
        db, f"SELECT subscription_id, seen FROM notify_moves WHERE subscription_id IN ({marks})",
        tuple(subscription_ids))}


def saw_move(db, subscriptions: list[dict]) -> None:
    """One more move of their ticket told to these subscriptions (call inside a transaction)."""
    db.conn.executemany(
        f"INSERT INTO notify_moves (subscription_id, seen) VALUES (?, ({_MOVES_OF}))"
        " ON CONFLICT (subscription_id) DO UPDATE SET seen = notify_moves.seen + 1",
        [(s["id"], s["ticket_id"]) for s in subscriptions])


def subscription(db, subscription_id: int) -> dict | None:
    """One subscription."""
    return database.one(db, "SELECT * FROM notify_subscriptions WHERE id = ?", (subscription_id,))


def for_ticket(db, ticket_id: int) -> list[dict]:
    """A ticket's subscriptions, every channel."""
    return database.rows(db, "SELECT * FROM notify_subscriptions WHERE ticket_id = ? ORDER BY id", (ticket_id,))


def telegram_ticket(db, office_id: str, chat_id: str) -> dict | None:
    """The newest ticket a Telegram chat follows in an office, or None."""
    return database.one(
        db, "SELECT t.* FROM notify_subscriptions s JOIN tickets t ON t.id = s.ticket_id"
            " WHERE s.office_id = ? AND s.channel = 'telegram' AND s.address = ? ORDER BY s.id DESC LIMIT 1",
        (office_id, chat_id))


def waiting_subscribed(db, office_id: str) -> list[dict]:
    """Subscriptions of the office's waiting tickets not yet told that their turn is near."""
    return database.rows(
        db, "SELECT s.* FROM notify_subscriptions s JOIN tickets t ON t.id = s.ticket_id"
            " WHERE s.office_id = ? AND t.status = 'waiting' AND s.told_ahead = 0 ORDER BY s.id", (office_id,))


def closing_subscribed(db, office_id: str) -> list[dict]:
    """Subscriptions of the office's waiting tickets not yet told that the office is closing."""
    return database.rows(
        db, "SELECT s.* FROM notify_subscriptions s JOIN tickets t ON t.id = s.ticket_id"
            " WHERE s.office_id = ? AND t.status = 'waiting' AND s.told_closing = 0 ORDER BY s.id", (office_id,))


def mark_told_ahead(db, subscription_ids: list[int], told: bool = True) -> None:
    """Set (or clear, after a transfer) told_ahead on subscriptions (call inside a transaction)."""
    db.conn.executemany("UPDATE notify_subscriptions SET told_ahead = ? WHERE id = ?",
                   [(int(told), i) for i in subscription_ids])


def claim_told_closing(db, subscription_ids: list[int]) -> set[int]:
    """Set told_closing on those subscriptions not told yet; the ids this call set (call inside a transaction)."""
    claimed = set()
    for subscription_id in subscription_ids:
        cursor = db.execute("UPDATE notify_subscriptions SET told_closing = 1 WHERE id = ? AND told_closing = 0",
                            (subscription_id,))
        if cursor.rowcount == 1:
            claimed.add(subscription_id)
    return claimed


def remove(db, subscription_id: int) -> None:
    """Delete one subscription (call inside a transaction)."""
    db.execute("DELETE FROM notify_subscriptions WHERE id = ?", (subscription_id,))


def remove_for_ticket(db, ticket_id: int, channel: str | None = None) -> int:
    """Delete a ticket's subscriptions (of one channel, or all); answer how many (inside a transaction)."""
    if channel:
        cursor = db.execute("DELETE FROM notify_subscriptions WHERE ticket_id = ? AND channel = ?",
                            (ticket_id, channel))
    else:
        cursor = db.execute("DELETE FROM notify_subscriptions WHERE ticket_id = ?", (ticket_id,))
    return cursor.rowcount


def remove_ended(db, today: dict[str, str]) -> int:
    """Delete the subscriptions of ended tickets and of days other than their office's today (in a transaction)."""
    removed = db.execute(
        "DELETE FROM notify_subscriptions WHERE ticket_id IN"
        f" (SELECT id FROM tickets WHERE status IN ({', '.join('?' * len(ENDED))}))", ENDED).rowcount
    for office_id, day in today.items():
        removed += db.execute("DELETE FROM notify_subscriptions WHERE office_id = ? AND ticket_id IS NOT NULL"
                              " AND day <> ?", (office_id, day)).rowcount
    return removed


def personal_count(db) -> int:
    """How many visitors' subscriptions exist (push, chat ids, phone numbers)."""
    return database.scalar(db, "SELECT count(*) FROM notify_subscriptions WHERE ticket_id IS NOT NULL")


def managers(db, office_id: str) -> list[dict]:
    """The managers' subscriptions of an office (those linked: no pending Telegram codes)."""
    return database.rows(db, "SELECT * FROM notify_subscriptions WHERE office_id = ? AND user_id IS NOT NULL"
                             " AND address NOT LIKE 'pending:%' ORDER BY id", (office_id,))


def link_manager_chat(db, code: str, chat_id: str) -> dict | None:
    """Give a pending manager's Telegram link its chat id; answer the row, None for an unknown code."""
    row = database.one(db, "SELECT * FROM notify_subscriptions WHERE channel = 'telegram' AND address = ?",
                       (f"pending:{code}",))
    if row is None:
        return None
    db.execute("DELETE FROM notify_subscriptions WHERE channel = 'telegram' AND address = ? AND user_id = ?",
               (chat_id, row["user_id"]))
    db.execute("UPDATE notify_subscriptions SET address = ? WHERE id = ?", (chat_id, row["id"]))
    return {**row, "address": chat_id}


def remove_manager(db, user_id: int, office_id: str, channel: str) -> int:
    """Delete a manager's subscriptions of one channel in an office (inside a transaction)."""
    return db.execute("DELETE FROM notify_subscriptions WHERE user_id = ? AND office_id = ? AND channel = ?",
                      (user_id, office_id, channel)).rowcount


def settings(db, office_id: str) -> dict:
    """An office's notification settings (defaults when none are stored)."""
    row = database.one(db, "SELECT * FROM notify_settings WHERE office_id = ?", (office_id,))
    return row or {"office_id": office_id, "ahead_default": 3, "telegram_token": None, "telegram_bot": None,
                   "telegram_secret": None}


def save_settings(db, row: dict) -> None:
    """Store an office's notification settings (inside a transaction)."""
    db.execute(
        "INSERT INTO notify_settings (office_id, ahead_default, telegram_token, telegram_bot, telegram_secret)"
        " VALUES (:office_id, :ahead_default, :telegram_token, :telegram_bot, :telegram_secret)"
        " ON CONFLICT (office_id) DO UPDATE SET ahead_default = excluded.ahead_default,"
        " telegram_token = excluded.telegram_token, telegram_bot = excluded.telegram_bot,"
        " telegram_secret = excluded.telegram_secret", row)


def office_by_telegram_secret(db, secret: str) -> dict | None:
    """The office whose Telegram webhook has this secret."""
    return database.one(db, "SELECT * FROM notify_settings WHERE telegram_secret = ? AND telegram_token IS NOT NULL",
                        (secret,))


def telegram_offices(db) -> list[dict]:
    """The settings of every office with a Telegram bot."""
    return database.rows(db, "SELECT * FROM notify_settings WHERE telegram_token IS NOT NULL ORDER BY office_id")


def add_counts(db, counts: dict[tuple[str, str, str, str], int]) -> None:
    """Add to the counts: {(office, day, channel, outcome): n} (inside a transaction)."""
    db.conn.executemany(
        "INSERT INTO notify_counts (office_id, day, channel, outcome, n) VALUES (?, ?, ?, ?, ?)"
        " ON CONFLICT (office_id, day, channel, outcome) DO UPDATE SET n = notify_counts.n + excluded.n",
        [(*key, n) for key, n in counts.items()])


def counts(db, office_id: str, day: str) -> list[dict]:
    """A day's counts of an office: channel, outcome, n."""
    return database.rows(db, "SELECT channel, outcome, n FROM notify_counts WHERE office_id = ? AND day = ?"
                             " ORDER BY channel, outcome", (office_id, day))


def claim_alert(db, office_id: str, day: str, alert: str, at: str) -> bool:
    """Record a manager's alert once a day; False when it was sent already (inside a transaction)."""
    return db.execute("INSERT INTO notify_alerts (office_id, day, alert, at) VALUES (?, ?, ?, ?)"
                      " ON CONFLICT DO NOTHING", (office_id, day, alert, at)).rowcount == 1


# The admin screen's per-office options and managers' alert choices (kezek/notify/office_settings.py)

ALERTS = {"wait": "wait_over_target", "printer": "printer_failure"}


def options(db, office_id: str) -> dict:
    """An office's Telegram mode (None: the server's), SMS on/off and SMS text template."""
    row = database.one(db, "SELECT * FROM notify_office_options WHERE office_id = ?", (office_id,))
    return row or {"office_id": office_id, "telegram_mode": None, "sms_enabled": 1, "sms_template": None}


def save_options(db, row: dict) -> None:
    """Store an office's options (inside a transaction)."""
    db.execute(
        "INSERT INTO notify_office_options (office_id, telegram_mode, sms_enabled, sms_template)"
        " VALUES (:office_id, :telegram_mode, :sms_enabled, :sms_template) ON CONFLICT (office_id) DO UPDATE SET"
        " telegram_mode = excluded.telegram_mode, sms_enabled = excluded.sms_enabled,"
        " sms_template = excluded.sms_template", row)


def manager_subscriptions(db, office_id: str, user_id: int | None = None) -> list[dict]:
    """Managers' alert subscriptions of an office (one user's, or all) with user names and choices; no addresses."""
    sql = ("SELECT s.id, s.user_id, u.username, s.channel, s.lang, s.created_at,"
           " s.address LIKE 'pending:%' AS pending, coalesce(c.wait_over_target, 1) AS wait_over_target,"
           " coalesce(c.printer_failure, 1) AS printer_failure FROM notify_subscriptions s"
           " JOIN users u ON u.id = s.user_id LEFT JOIN notify_alert_choices c ON c.subscription_id = s.id"
           " WHERE s.office_id = ? AND s.user_id IS NOT NULL")
    params: list = [office_id]
    if user_id is not None:
        sql += " AND s.user_id = ?"
        params.append(user_id)
    return database.rows(db, sql + " ORDER BY u.username, s.channel, s.id", params)


def set_alert_choices(db, subscription_id: int, wait_over_target: bool, printer_failure: bool) -> None:
    """Which alerts a manager's subscription gets (inside a transaction)."""
    db.execute("INSERT INTO notify_alert_choices (subscription_id, wait_over_target, printer_failure) VALUES (?, ?, ?)"
               " ON CONFLICT (subscription_id) DO UPDATE SET wait_over_target = excluded.wait_over_target,"
               " printer_failure = excluded.printer_failure",
               (subscription_id, int(wait_over_target), int(printer_failure)))


def remove_manager_subscription(db, subscription_id: int) -> None:
    """Delete a manager's subscription and its choices (inside a transaction)."""
    db.execute("DELETE FROM notify_alert_choices WHERE subscription_id = ?", (subscription_id,))
    db.execute("DELETE FROM notify_subscriptions WHERE id = ? AND user_id IS NOT NULL", (subscription_id,))


def managers_for(db, office_id: str, alert: str) -> list[dict]:
    """The linked managers' subscriptions of an office that chose an alert ('wait' or 'printer')."""
    column = ALERTS[alert]   # one of two fixed column names, never input
    return database.rows(db, "SELECT s.* FROM notify_subscriptions s LEFT JOIN notify_alert_choices c"
                             " ON c.subscription_id = s.id WHERE s.office_id = ? AND s.user_id IS NOT NULL"
                             f" AND s.address NOT LIKE 'pending:%' AND coalesce(c.{column}, 1) = 1 ORDER BY s.id",
                         (office_id,))
