"""SMS through an HTTP gateway: its URL, credentials and body template come from configuration (off by default)."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass

import requests

from kezek.base.errors import Invalid

DEFAULT_TEMPLATE = '{"to": "{phone}", "text": "{text}"}'
PHONE = re.compile(r"^\+?[0-9]{10,15}$")


@dataclass(frozen=True)
class Gateway:
    """Where and how SMS are sent: KEZEK_SMS_URL, KEZEK_SMS_USER/PASSWORD or KEZEK_SMS_TOKEN, KEZEK_SMS_TEMPLATE."""

    url: str
    user: str = ""
    password: str = ""
    token: str = ""
    template: str = DEFAULT_TEMPLATE

    def __post_init__(self):
        body = json.loads(self.template)   # a broken template is refused at start, not at the first call
        if "{text}" not in json.dumps(body) or "{phone}" not in json.dumps(body):
            raise ValueError("KEZEK_SMS_TEMPLATE must contain {phone} and {text}")


def normalised_phone(value) -> str:
    """A phone number as digits with a leading + (Kazakhstan's 8 7xx… becomes +7 7xx…), or 422."""
    if not isinstance(value, str):
        raise Invalid("phone must be a string.", "bad_field", field="phone")
    digits = re.sub(r"[\s()\-]", "", value)
    if digits.startswith("8") and len(digits) == 11:
        digits = "+7" + digits[1:]
    if not PHONE.match(digits):
        raise Invalid("That is not a phone number.", "bad_phone", field="phone")
    return digits if digits.startswith("+") else "+" + digits


def _fill(value, phone: str, text: str):
    if isinstance(value, str):
        return value.replace("{phone}", phone).replace("{text}", text)
    if isinstance(value, dict):
        return {k: _fill(v, phone, text) for k, v in value.items()}
    if isinstance(value, list):
        return [_fill(v, phone, text) for v in value]
    return value


def send(gateway: Gateway, phone: str, text: str, *, timeout: float, session: requests.Session | None = None) -> str:
    """POST one SMS to the gateway; 'sent' on 2xx, 'retry' on 429/5xx, else 'failed'."""
    http = session or requests
    # The template is filled after parsing, so a text with quotes cannot change the body's shape.
    body = _fill(json.loads(gateway.template), phone, text)
    headers = {"Authorization": f"Bearer {gateway.token}"} if gateway.token else {}
    auth = (gateway.user, gateway.password) if gateway.user else None
    response = http.post(gateway.url, json=body, headers=headers, auth=auth, timeout=timeout)
    if 200 <= response.status_code < 300:
        return "sent"
    if response.status_code == 429 or response.status_code >= 500:
        return "retry"
    return "failed"
