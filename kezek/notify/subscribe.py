"""Who asked to be told: a ticket's push subscription or phone, a manager's alerts, an office's settings."""
from __future__ import annotations

import secrets
from datetime import datetime

from kezek.base import database
from kezek.base.clock import local_day
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.base.i18n import normalise_lang
from kezek.notify import push, sms, store, telegram
from kezek.office import store as office_store
from kezek.queue import store as queue_store

LIVE = ("waiting", "called", "serving")
MAX_AHEAD = 20
MAX_PER_TICKET = 3   # browsers (or Telegram chats) following one ticket: the visitor's and a companion's


def _ahead(db, office_id: str, value) -> int:
    if value is None:
        return store.settings(db, office_id)["ahead_default"]
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= MAX_AHEAD:
        raise Invalid(f"ahead: a whole number from 0 to {MAX_AHEAD}.", "bad_field", field="ahead")
    return value


def _lang(value, default: str = "kk") -> str:
    """A language from a request body: anything but a known code's string is the default."""
    return normalise_lang(value if isinstance(value, str) else None, normalise_lang(default))


def _live(db, ticket: dict | None) -> dict:
    if ticket is None:
        raise NotFound("Ticket not found.", "ticket_not_found")
    if ticket["status"] not in LIVE:
        raise Conflict("The ticket has ended.", "ticket_ended")
    return ticket


def _add(db, ticket: dict, channel: str, address: str, ahead, lang, now: datetime) -> dict:
    office = office_store.office(db, ticket["office_id"])
    with database.transaction(db):
        if channel == "sms":
            # One phone a ticket: whoever holds a ticket's token cannot make the server text a list of numbers.
            store.remove_for_ticket(db, ticket["id"], "sms")
        elif sum(s["channel"] == channel for s in store.for_ticket(db, ticket["id"])) >= MAX_PER_TICKET:
            raise Conflict("This ticket is followed on enough devices already.", "too_many_followers")
        row = {"office_id": ticket["office_id"], "ticket_id": ticket["id"], "channel": channel, "address": address,
               "lang": _lang(lang, ticket["lang"]), "ahead": _ahead(db, ticket["office_id"], ahead),
               "day": ticket["day"] if ticket.get("day") else local_day(now, office["timezone"]),
               "created_at": now.isoformat()}
        row["id"] = store.add_subscription(db, row)
    return row


def subscribe_push(db, token: str, subscription, now: datetime, *, services: tuple[str, ...], ahead=None,
                   lang=None) -> dict:
    """Keep a browser's push subscription for a live ticket (by its token)."""
    ticket = _live(db, queue_store.ticket_by_token(db, token))
    return _add(db, ticket, "push", push.checked_subscription(subscription, services), ahead, lang, now)


def subscribe_phone(db, ticket: dict | None, phone, now: datetime, *, ahead=None, lang=None) -> dict:
    """Keep a phone number for a live ticket's SMS (from the ticket page or an operator)."""
    ticket = _live(db, ticket)
    return _add(db, ticket, "sms", sms.normalised_phone(phone), ahead, lang, now)


def unsubscribe(db, token: str, channel: str | None) -> int:
    """Forget a ticket's subscriptions (one channel or all), at the visitor's wish."""
    ticket = queue_store.ticket_by_token(db, token)
    if ticket is None:
        raise NotFound("Ticket not found.", "ticket_not_found")
    with database.transaction(db):
        return store.remove_for_ticket(db, ticket["id"], channel)


def ticket_channels(db, ticket: dict) -> dict:
    """Which channels a ticket is followed on (never the addresses themselves)."""
    subs = store.for_ticket(db, ticket["id"])
    return {c: any(s["channel"] == c for s in subs) for c in ("push", "telegram", "sms")}


def subscribe_manager_push(db, user_id: int, office_id: str, subscription, now: datetime, *,
                           services: tuple[str, ...], lang=None) -> dict:
    """Keep a manager's push subscription for the office's alerts."""
    row = {"office_id": office_id, "user_id": user_id, "channel": "push", "lang": _lang(lang),
           "address": push.checked_subscription(subscription, services), "ahead": 0, "day": "",
           "created_at": now.isoformat()}
    with database.transaction(db):
        row["id"] = store.add_subscription(db, row)
    return row


def manager_telegram_link(db, user_id: int, office_id: str, now: datetime, lang=None) -> str | None:
    """A one-use t.me link that gives the manager's chat the office's alerts; None without a bot."""
    bot = store.settings(db, office_id)["telegram_bot"]
    if not bot:
        return None
    code = secrets.token_urlsafe(18)
    with database.transaction(db):
        store.remove_manager(db, user_id, office_id, "telegram")
        store.add_subscription(db, {"office_id": office_id, "user_id": user_id, "channel": "telegram",
                                    "address": f"pending:{code}", "lang": _lang(lang), "ahead": 0,
                                    "day": "", "created_at": now.isoformat()})
    return f"https://t.me/{bot}?start=m_{code}"


def unsubscribe_manager(db, user_id: int, office_id: str) -> int:
    """Forget a manager's alert subscriptions in an office."""
    with database.transaction(db):
        return sum(store.remove_manager(db, user_id, office_id, c) for c in ("push", "telegram"))


def public_settings(db, office_id: str) -> dict:
    """An office's settings as the admin sees them: never the bot's token."""
    row = store.settings(db, office_id)
    return {"ahead_default": row["ahead_default"], "telegram_bot": row["telegram_bot"],
            "telegram_token_set": bool(row["telegram_token"])}


def save_settings(db, office_id: str, values: dict) -> dict:
    """Change the default "people ahead" and the Telegram bot (token and user name; null removes it)."""
    row = dict(store.settings(db, office_id))
    if "ahead_default" in values:
        row["ahead_default"] = _ahead(db, office_id, values["ahead_default"])
    if "telegram_token" in values:
        token = values["telegram_token"]
        if token is not None and (not isinstance(token, str) or not telegram.TOKEN_SHAPE.match(token)):
            raise Invalid("telegram_token: the token BotFather gave (digits:letters).", "bad_field",
                          field="telegram_token")
        row["telegram_token"] = token
        row["telegram_secret"] = secrets.token_urlsafe(24) if token else None
    if "telegram_bot" in values:
        bot = values["telegram_bot"]
        if bot is not None and (not isinstance(bot, str) or not telegram.BOT_SHAPE.match(bot.lstrip("@"))):
            raise Invalid("telegram_bot: the bot's user name.", "bad_field", field="telegram_bot")
        row["telegram_bot"] = bot.lstrip("@") if bot else None
    with database.transaction(db):
        store.save_settings(db, row)
    return public_settings(db, office_id)
