"""Telegram: the Bot API over plain HTTPS (sendMessage, getUpdates, setWebhook) and the bot's commands.

Plain requests rather than a bot framework: Kezek needs three methods, and the frameworks
(python-telegram-bot, aiogram) run their own asyncio loop, which would sit beside gevent's.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime

import requests

from kezek.base import database
from kezek.base import store as base_store
from kezek.base.errors import Conflict, NotFound
from kezek.base.clock import local_day
from kezek.base.i18n import gettext, normalise_lang
from kezek.notify import messages, store
from kezek.office import store as office_store
from kezek.queue import store as queue_store
from kezek.queue import tickets

DEFAULT_API = "https://api.telegram.org"
TOKEN_SHAPE = re.compile(r"^\d{3,20}:[A-Za-z0-9_-]{20,100}$")
BOT_SHAPE = re.compile(r"^[A-Za-z][A-Za-z0-9_]{3,40}$")
LIVE = ("waiting", "called", "serving")
MAX_FOLLOWERS = 3   # chats following one ticket


@dataclass
class Reply:
    """What the bot answers one update with, and the live events a /cancel produced."""

    chat_id: str
    text: str
    events: list = field(default_factory=list)


def send_message(api: str, token: str, chat_id: str, text: str, *, timeout: float,
                 session: requests.Session | None = None) -> str:
    """sendMessage; answer 'sent', 'gone' (blocked or no such chat), 'retry' (429/5xx) or 'failed'."""
    http = session or requests
    response = http.post(f"{api}/bot{token}/sendMessage", json={"chat_id": chat_id, "text": text},
                         timeout=timeout)
    if response.status_code == 200:
        return "sent"
    if response.status_code in (400, 403):
        return "gone"   # "chat not found", "bot was blocked by the user": the chat id is no use any more
    if response.status_code == 429 or response.status_code >= 500:
        return "retry"
    return "failed"


def get_updates(api: str, token: str, offset: int, *, wait_s: int, session: requests.Session | None = None) -> list:
    """getUpdates (long polling): the messages sent to the bot since `offset`."""
    http = session or requests
    response = http.post(f"{api}/bot{token}/getUpdates", json={"offset": offset, "timeout": wait_s,
                                                                "allowed_updates": ["message"]},
                         timeout=wait_s + 10)
    response.raise_for_status()
    return response.json().get("result", [])


def _offset_key(office_id: str, token: str) -> str:
    # Per bot: a new token is another bot, whose update ids start elsewhere (an old offset would skip them).
    return f"telegram_offset:{office_id}:{hashlib.sha256(token.encode()).hexdigest()[:16]}"


def saved_offset(db, office_id: str, token: str) -> int:
    """The getUpdates offset to go on from: one past the last update of this bot handled by any process."""
    value = base_store.get_setting(db, _offset_key(office_id, token))
    return int(value) if value else 0


def save_offset(db, office_id: str, token: str, offset: int) -> None:
    """Remember that every update of this bot before `offset` is handled (never moves back)."""
    with database.transaction(db):
        if offset > saved_offset(db, office_id, token):
            base_store.set_setting(db, _offset_key(office_id, token), str(offset))


def set_webhook(api: str, token: str, url: str, secret: str, *, timeout: float = 10) -> bool:
    """setWebhook: Telegram posts updates to `url` with the secret in X-Telegram-Bot-Api-Secret-Token."""
    response = requests.post(f"{api}/bot{token}/setWebhook", timeout=timeout,
                             json={"url": url, "secret_token": secret, "allowed_updates": ["message"]})
    return response.status_code == 200


def delete_webhook(api: str, token: str, *, timeout: float = 10) -> bool:
    """deleteWebhook: the bot's updates are fetched by long polling again."""
    response = requests.post(f"{api}/bot{token}/deleteWebhook", timeout=timeout, json={})
    return response.status_code == 200


def _live_ticket(db, office_id: str, token: str) -> dict | None:
    ticket = queue_store.ticket_by_token(db, token) if token else None
    if ticket is None or ticket["office_id"] != office_id or ticket["status"] not in LIVE:
        return None
    return ticket


def _start(db, office_id: str, chat_id: str, argument: str, lang: str, now: datetime) -> str:
    if argument.startswith("m_"):
        with database.transaction(db):
            linked = store.link_manager_chat(db, argument[2:], chat_id)
        return gettext(lang, "You will get this office's alerts here." if linked else
                       "This ticket was not found or has ended.")
    ticket = _live_ticket(db, office_id, argument)
    if ticket is None:
        return gettext(lang, "This ticket was not found or has ended.")
    lang = normalise_lang(ticket["lang"])
    office = office_store.office(db, office_id)
    ahead = store.settings(db, office_id)["ahead_default"]
    with database.transaction(db):
        followers = [s for s in store.for_ticket(db, ticket["id"]) if s["channel"] == "telegram"]
        if len(followers) >= MAX_FOLLOWERS and chat_id not in {s["address"] for s in followers}:
            return gettext(lang, "This ticket was not found or has ended.")
        store.add_subscription(db, {"office_id": office_id, "ticket_id": ticket["id"], "channel": "telegram",
                                    "address": chat_id, "lang": lang, "ahead": ahead,
                                    "day": local_day(now, office["timezone"]), "created_at": now.isoformat()})
    return "\n".join([gettext(lang, "Ticket %(number)s", number=ticket["display_number"]), gettext(
        lang, "You will get messages about this ticket here. /status: your place in line. /cancel: cancel the ticket.")])


def handle_update(db, office_id: str, update: dict, now: datetime) -> Reply | None:
    """Answer one message to an office's bot: /start <ticket token>, /status, /cancel; None for anything else."""
    message = update.get("message") if isinstance(update, dict) else None
    if not isinstance(message, dict) or not isinstance(message.get("text"), str):
        return None
    chat = message.get("chat") or {}
    if not isinstance(chat.get("id"), int):
        return None
    chat_id = str(chat["id"])
    lang = normalise_lang((message.get("from") or {}).get("language_code"))
    words = message["text"].strip().split()
    command = words[0].split("@")[0].lower() if words else ""
    if command == "/start":
        return Reply(chat_id, _start(db, office_id, chat_id, words[1] if len(words) > 1 else "", lang, now))
    ticket = store.telegram_ticket(db, office_id, chat_id)
    if ticket is not None:
        lang = normalise_lang(ticket["lang"])
    if command == "/status":
        if ticket is None or ticket["status"] not in LIVE:
            return Reply(chat_id, messages.status_text(lang, None))
        ahead, wait_s = tickets.people_ahead(db, ticket, now) if ticket["status"] == "waiting" else (0, 0)
        return Reply(chat_id, messages.status_text(lang, ticket, ahead, wait_s, ticket.get("desk") or ""))
    if command == "/cancel":
        if ticket is None:
            return Reply(chat_id, messages.status_text(lang, None))
        try:
            outcome = tickets.cancel(db, ticket["token"], now)
        except (Conflict, NotFound):
            return Reply(chat_id, gettext(lang, "The ticket can no longer be cancelled."))
        title, body = messages.ticket_text("cancelled", lang, outcome.ticket)
        return Reply(chat_id, f"{title}\n{body}", outcome.events)
    return Reply(chat_id, gettext(lang, "Send /status for your place in line, /cancel to cancel the ticket."))
