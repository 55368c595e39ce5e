"""Delivering one message on its channel (push, Telegram, SMS) with the server's keys, tokens and timeouts."""
from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field

import requests

from kezek.notify import push, sms, telegram
from kezek.notify.messages import Message


@dataclass
class Senders:
    """What the channels need: the VAPID key, the Telegram API, the SMS gateway, the timeouts."""

    vapid: object | None = None                 # py_vapid.Vapid02, None: no Web Push
    vapid_subject: str = "mailto:admin@localhost"
    push_ttl_s: int = 3600
    timeout_s: float = 5.0
    telegram_api: str = telegram.DEFAULT_API
    telegram_token: Callable[[str], str | None] = lambda office_id: None   # an office's bot token
    gateway: sms.Gateway | None = None
    # An office's SMS options from the admin screen: {"sms_enabled", "sms_template"} (kezek/notify/office_settings.py)
    sms_options: Callable[[str], dict] = lambda office_id: {"sms_enabled": 1, "sms_template": None}
    _local: threading.local = field(default_factory=threading.local)
    _opened: list = field(default_factory=list)      # every session made, so close() can end their sockets

    def _session(self) -> requests.Session:
        # One keep-alive session per worker thread (requests' sessions are not thread-safe).
        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
            self._opened.append(self._local.session)
        return self._local.session

    def close(self) -> None:
        """Close every worker's keep-alive connections (when the sender stops)."""
        while self._opened:
            self._opened.pop().close()

    def channels(self, office_id: str) -> dict:
        """Which channels this server can use for an office."""
        return {"push": self.vapid is not None, "telegram": bool(self.telegram_token(office_id)),
                "sms": self.gateway is not None and bool(self.sms_options(office_id)["sms_enabled"])}

    def deliver(self, message: Message) -> str:
        """Send one message; answer sent, gone, retry or failed (exceptions mean retry, to the outbox)."""
        if message.channel == "push":
            if self.vapid is None:
                return "failed"
            payload = {"title": message.title, "body": message.body, "tag": message.tag, "url": message.url}
            return push.send(message.address, payload, self.vapid, self.vapid_subject, timeout=self.timeout_s,
                             ttl=self.push_ttl_s, session=self._session())
        if message.channel == "telegram":
            token = self.telegram_token(message.office_id)
            if not token:
                return "failed"
            return telegram.send_message(self.telegram_api, token, message.address, message.text(),
                                         timeout=self.timeout_s, session=self._session())
        if message.channel == "sms":
            options = self.sms_options(message.office_id)
            if self.gateway is None or not options["sms_enabled"]:
                return "failed"
            text = (options["sms_template"] or "{text}").replace("{text}", message.text())
            return sms.send(self.gateway, message.address, text, timeout=self.timeout_s, session=self._session())
        return "failed"
