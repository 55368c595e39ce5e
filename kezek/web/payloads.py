"""JSON in and out of the handlers: the request body and its typed fields, tickets as answered, page addresses."""
from __future__ import annotations

from flask import current_app, request

from kezek.base.errors import Invalid, KezekError
from kezek.queue import views
from kezek.web.context import get_db, now


def body() -> dict:
    """The request's JSON object, or a 400 JSON error."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:   # e.g. 40 KB of '[': nested deeper than the parser's stack, not a 500
        raise KezekError("The body is nested too deeply.", "invalid_json") from None   # 400
    if request.content_length and data is None:
        raise Invalid("The body is not valid JSON.", "invalid_json")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise Invalid("The body must be a JSON object.", "invalid_json")
    _refuse_nul(data, "")
    return data


def _refuse_nul(value, where: str) -> None:
    """No text holds U+0000: PostgreSQL's text refuses it (a 500 there), SQLite would keep it hidden in a name."""
    if isinstance(value, str):
        if "\x00" in value:
            raise Invalid(f"{where or 'the body'} holds the NUL character (U+0000).", "bad_field", field=where)
    elif isinstance(value, dict):
        for key, item in value.items():
            _refuse_nul(key, where)
            _refuse_nul(item, f"{where}.{key}" if where else str(key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            _refuse_nul(item, f"{where}[{index}]")


def field(data: dict, name: str, kind, *, required: bool = False, default=None):
    """One typed field of a JSON body (bool is not an int here)."""
    if name not in data or data[name] is None:
        if required:
            raise Invalid(f"{name} is required.", "missing_field", field=name)
        return default
    value = data[name]
    if (kind is int and isinstance(value, bool)) or not isinstance(value, kind):
        raise Invalid(f"{name} has the wrong type.", "bad_field", field=name)
    if kind is int and not -2**63 <= value < 2**63:   # SQLite's INTEGER: larger would be a 500
        raise Invalid(f"{name} is out of range.", "bad_field", field=name)
    return value


def ticket_url(token: str) -> str:
    """The absolute address of a ticket's page."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return f"{base.rstrip('/')}/t/{token}"


def ticket_json(ticket: dict, public: bool = False) -> dict:
    """A ticket as the API answers it."""
    view = views.ticket_view(get_db(), ticket, now())
    view["url"] = ticket_url(ticket["token"])
    return views.public_ticket_view(get_db(), view, now()) if public else view


def booking_url(code: str) -> str:
    """The absolute address of a booking's own page."""
    base = current_app.config.get("PUBLIC_URL") or request.host_url
    return f"{base.rstrip('/')}/book/{code}"
