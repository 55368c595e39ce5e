"""Notifications' API: a ticket's push, Telegram and SMS; an operator's phone entry; managers' alerts; the bot's webhook."""
from __future__ import annotations

import io
import secrets

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, current_app, g, jsonify, request

from kezek.base.errors import Conflict, NotFound
from kezek.notify import office_settings, push, store, subscribe
from kezek.queue import store as queue_store
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live import notify as live_notify
from kezek.web.payloads import body

bp = Blueprint("api_notify", __name__, url_prefix="/api/v1")


def _services() -> tuple[str, ...]:
    """The push services a subscription may name (KEZEK_PUSH_SERVICES, comma-separated URL prefixes)."""
    configured = current_app.config.get("PUSH_SERVICES") or ""
    return tuple(s.strip() for s in configured.split(",") if s.strip()) or push.DEFAULT_SERVICES


def _notifier():
    notifier = live_notify.current(current_app)
    return notifier


def _ticket(token: str) -> dict:
    auth.spend_lookup()
    ticket = queue_store.ticket_by_token(get_db(), token)
    if ticket is None:
        raise NotFound("Ticket not found.", "ticket_not_found")
    return ticket


def _channels(db, office_id: str) -> dict:
    notifier = _notifier()
    return notifier.senders.channels(office_id) if notifier else {"push": False, "telegram": False, "sms": False}


@bp.get("/tickets/<token>/notify")
@access("public")
def ticket_notify(token):
    """What the ticket page may offer: push (with the server's key), the Telegram link, SMS; and what is on."""
    db = get_db()
    ticket = _ticket(token)
    channels = _channels(db, ticket["office_id"])
    notifier = _notifier()
    settings = store.settings(db, ticket["office_id"])
    bot = settings["telegram_bot"] if channels["telegram"] else None
    return jsonify({
        "push_key": push.public_key(notifier.senders.vapid) if channels["push"] else None,
        "telegram": f"https://t.me/{bot}?start={ticket['token']}" if bot else None,
        "sms": channels["sms"], "ahead_default": settings["ahead_default"],
        "following": subscribe.ticket_channels(db, ticket)})


@bp.get("/tickets/<token>/telegram.svg")
@access("public")
def telegram_qr(token):
    """The QR code of the ticket's "Follow in Telegram" link; 404 when the office has no bot."""
    db = get_db()
    ticket = _ticket(token)
    bot = store.settings(db, ticket["office_id"])["telegram_bot"]
    if not bot or not _channels(db, ticket["office_id"])["telegram"]:
        raise NotFound("This office has no Telegram bot.", "telegram_off")
    image = qrcode.make(f"https://t.me/{bot}?start={ticket['token']}", image_factory=qrcode.image.svg.SvgPathFillImage,
                        border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out)
    response = Response(out.getvalue(), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=3600"
    return response


def _answer(db, ticket: dict, status: int = 201):
    return jsonify({"following": subscribe.ticket_channels(db, ticket)}), status


@bp.post("/tickets/<token>/push")
@access("public")
def ticket_push(token):
    """Subscribe a ticket's browser: {subscription, ahead?, lang?} -> 201."""
    data = body()
    db = get_db()
    ticket = _ticket(token)
    if not _channels(db, ticket["office_id"])["push"]:
        raise Conflict("Web Push is not set up on this server.", "push_off")
    subscribe.subscribe_push(db, token, data.get("subscription"), now(), services=_services(),
                             ahead=data.get("ahead"), lang=data.get("lang"))
    return _answer(db, ticket)


@bp.post("/tickets/<token>/sms")
@access("public")
def ticket_sms(token):
    """Give a phone number for SMS: {phone, ahead?, lang?} -> 201 (409 when no gateway is set up)."""
    data = body()
    db = get_db()
    ticket = _ticket(token)
    if not _channels(db, ticket["office_id"])["sms"]:
        raise Conflict("SMS is not set up on this server.", "sms_off")
    subscribe.subscribe_phone(db, ticket, data.get("phone"), now(), ahead=data.get("ahead"), lang=data.get("lang"))
    return _answer(db, ticket)


@bp.delete("/tickets/<token>/push", defaults={"channel": "push"})
@bp.delete("/tickets/<token>/sms", defaults={"channel": "sms"})
@bp.delete("/tickets/<token>/telegram", defaults={"channel": "telegram"})
@bp.delete("/tickets/<token>/notify", defaults={"channel": "notify"})
@access("public")
def ticket_unsubscribe(token, channel):
    """Stop one channel's notifications (notify: all of them); the address is deleted at once."""
    db = get_db()
    ticket = _ticket(token)
    subscribe.unsubscribe(db, token, None if channel == "notify" else channel)
    return _answer(db, ticket, 200)


def _staff_ticket(db, ticket_id: int) -> dict:
    ticket = queue_store.ticket(db, ticket_id)
    if ticket is None or ticket["office_id"] not in g.user["offices"]:
        raise NotFound("Ticket not found.", "ticket_not_found")
    return ticket


@bp.get("/tickets/<int:ticket_id>/phone")
@access("operator")
def operator_phone_state(ticket_id):
    """For the desk: whether the office can text, and the ticket's phone as its last two digits only."""
    db = get_db()
    ticket = _staff_ticket(db, ticket_id)
    phones = [s["address"] for s in store.for_ticket(db, ticket["id"]) if s["channel"] == "sms"]
    return jsonify({"sms": _channels(db, ticket["office_id"])["sms"],
                    "phone_ends": phones[-1][-2:] if phones else None})


@bp.post("/tickets/<int:ticket_id>/phone")
@access("operator")
def operator_phone(ticket_id):
    """An operator types a caller's phone for SMS: {phone, ahead?} -> 201."""
    data = body()
    db = get_db()
    ticket = queue_store.ticket(db, ticket_id)
    if ticket is None or ticket["office_id"] not in g.user["offices"]:
        raise NotFound("Ticket not found.", "ticket_not_found")
    if not _channels(db, ticket["office_id"])["sms"]:
        raise Conflict("SMS is not set up on this server.", "sms_off")
    subscribe.subscribe_phone(db, ticket, data.get("phone"), now(), ahead=data.get("ahead"))
    return _answer(db, ticket)


@bp.post("/notify/telegram/<secret>")
@access("public")
def telegram_webhook(secret):
    """Telegram's webhook: the secret is in the path and in X-Telegram-Bot-Api-Secret-Token."""
    db = get_db()
    settings = store.office_by_telegram_secret(db, secret)
    header = request.headers.get("X-Telegram-Bot-Api-Secret-Token", "")
    if settings is None or not secrets.compare_digest(header, settings["telegram_secret"]):
        raise NotFound("Not found.", "not_found")
    notifier = _notifier()
    if notifier is not None:
        notifier.telegram_update(settings["office_id"], body())
    return jsonify({"ok": True})


def _settings_view(db, office_id: str) -> dict:
    return office_settings.view(db, office_id, gateway=bool(current_app.config.get("SMS_URL")),
                                default_mode=current_app.config["TELEGRAM_MODE"])


@bp.get("/notify/settings")
@access("admin")
def get_settings():
    """The office's notifications: the bot (its token masked, never answered), Telegram mode, SMS, N ahead."""
    db = get_db()
    return jsonify(_settings_view(db, auth.office_id(db)))


@bp.patch("/notify/settings")
@access("admin")
def patch_settings():
    """{ahead_default?, telegram_token?, telegram_bot?, telegram_mode?, sms_enabled?, sms_template?}."""
    data = body()
    db = get_db()
    office_id = auth.office_id(db)
    office_settings.save(db, office_id, data, now(), public_url=current_app.config.get("PUBLIC_URL") or "",
                         by_user_id=g.user["id"])
    notifier = _notifier()
    if notifier is not None:
        notifier.settings_changed()
    return jsonify(_settings_view(db, office_id))


@bp.get("/notify/managers")
@access("admin")
def managers_list():
    """Every manager's alert subscription in the office: who, channel, which alerts (never an address)."""
    db = get_db()
    return jsonify({"subscriptions": office_settings.managers(db, auth.office_id(db))})


def _mine() -> int | None:
    # An admin changes anyone's subscription in the office; a manager only their own.
    return None if g.user["role"] == "admin" else g.user["id"]


@bp.get("/notify/manager")
@access("manager")
def manager_own():
    """The signed-in manager's own alert subscriptions."""
    db = get_db()
    return jsonify({"subscriptions": office_settings.managers(db, auth.office_id(db), g.user["id"])})


@bp.patch("/notify/managers/<int:subscription_id>")
@access("manager")
def manager_choose(subscription_id):
    """{wait_over_target?, printer_failure?}: which alerts a subscription gets."""
    db = get_db()
    return jsonify(office_settings.choose(db, auth.office_id(db), subscription_id, body(), now(), _mine(),
                                          by_user_id=g.user["id"]))


@bp.delete("/notify/managers/<int:subscription_id>")
@access("manager")
def manager_remove(subscription_id):
    db = get_db()
    office_settings.remove(db, auth.office_id(db), subscription_id, _mine())
    return jsonify({"removed": True})


@bp.post("/notify/manager/push")
@access("manager")
def manager_push():
    """A manager's browser gets the office's alerts: {subscription, lang?} -> 201."""
    data = body()
    db = get_db()
    office_id = auth.office_id(db)
    subscribe.subscribe_manager_push(db, g.user["id"], office_id, data.get("subscription"), now(),
                                     services=_services(), lang=data.get("lang"))
    return jsonify({"push": True}), 201


@bp.post("/notify/manager/telegram")
@access("manager")
def manager_telegram():
    """A one-use t.me link for the manager's Telegram chat -> 201 {link}; 409 without a bot."""
    db = get_db()
    link = subscribe.manager_telegram_link(db, g.user["id"], auth.office_id(db), now(), body().get("lang"))
    if link is None:
        raise Conflict("This office has no Telegram bot.", "telegram_off")
    return jsonify({"link": link}), 201


@bp.delete("/notify/manager")
@access("manager")
def manager_stop():
    db = get_db()
    removed = subscribe.unsubscribe_manager(db, g.user["id"], auth.office_id(db))
    return jsonify({"removed": removed})


@bp.get("/notify/counts")
@access("manager")
def counts():
    """Today's notifications of the office: sent, gone, failed, dropped, and per channel."""
    db = get_db()
    return jsonify(live_notify.today_counts(_notifier(), db, auth.office_id(db), now()))


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    token = openapi._path_param("token", "string")
    ticket_id = openapi._path_param("ticket_id", "integer")
    sub = {"type": "object", "required": ["subscription"], "properties": {
        "subscription": {"type": "object"}, "ahead": {"type": "integer", "minimum": 0, "maximum": 20},
        "lang": {"type": "string"}}}
    phone = {"type": "object", "required": ["phone"], "properties": {
        "phone": {"type": "string"}, "ahead": {"type": "integer", "minimum": 0, "maximum": 20}}}
    obj = {"type": "object"}
    settings = {"type": "object", "properties": {
        "ahead_default": {"type": "integer", "minimum": 0, "maximum": 20},
        "telegram_token": {"type": ["string", "null"]}, "telegram_bot": {"type": ["string", "null"]},
        "telegram_mode": {"type": ["string", "null"], "enum": ["polling", "webhook", None]},
        "sms_enabled": {"type": "boolean"}, "sms_template": {"type": ["string", "null"], "maxLength": 300}}}
    choice = {"type": "object", "properties": {"wait_over_target": {"type": "boolean"},
                                               "printer_failure": {"type": "boolean"}}}
    sub_id = openapi._path_param("subscription_id", "integer")
    op = openapi._op
    return {
        "/api/v1/tickets/{token}/notify": {
            "get": op("What the ticket page may offer for notifications", "public", obj, params=[token]),
            "delete": op("Stop every channel's notifications of a ticket", "public", obj, params=[token])},
        "/api/v1/tickets/{token}/telegram": {"delete": op("Stop a ticket's Telegram messages", "public", obj,
                                                          params=[token])},
        "/api/v1/tickets/{token}/telegram.svg": {"get": op("The QR code of the ticket's Telegram link", "public",
                                                           obj, params=[token])},
        "/api/v1/tickets/{token}/push": {
            "post": op("Web Push for a ticket (public)", "public", obj, "201", body=sub, params=[token]),
            "delete": op("Stop a ticket's push", "public", obj, params=[token])},
        "/api/v1/tickets/{token}/sms": {
            "post": op("SMS for a ticket (public; 409 with no gateway)", "public", obj, "201", body=phone,
                       params=[token]),
            "delete": op("Stop a ticket's SMS; the phone is deleted", "public", obj, params=[token])},
        "/api/v1/tickets/{ticket_id}/phone": {
            "get": op("For the desk: whether the office can text, the phone's last two digits", "operator", obj,
                      params=[ticket_id]),
            "post": op("An operator gives a caller's phone for SMS", "operator",
                                                         obj, "201", body=phone, params=[ticket_id])},
        "/api/v1/notify/telegram/{secret}": {"post": op(
            "Telegram's webhook (404 without the secret header)", "public", obj, body=obj,
            params=[openapi._path_param("secret", "string")])},
        "/api/v1/notify/settings": {"get": op("The office's notification settings", "admin", settings),
                                    "patch": op("Change them (the bot token is never answered)", "admin",
                                                settings, body=settings)},
        "/api/v1/notify/manager/push": {"post": op("A manager's push alerts", "manager", obj, "201", body=sub)},
        "/api/v1/notify/manager/telegram": {"post": op("A manager's Telegram link", "manager", obj, "201")},
        "/api/v1/notify/manager": {"get": op("The signed-in manager's alert subscriptions", "manager", obj),
                                   "delete": op("Stop a manager's alerts", "manager", obj)},
        "/api/v1/notify/managers": {"get": op("Every manager's alert subscription in the office", "admin", obj)},
        "/api/v1/notify/managers/{subscription_id}": {
            "patch": op("Which alerts a subscription gets (a manager: their own)", "manager", obj, body=choice,
                        params=[sub_id]),
            "delete": op("Stop one alert subscription (a manager: their own)", "manager", obj, params=[sub_id])},
        "/api/v1/notify/counts": {"get": op("Today's notifications, counted", "manager", obj)},
    }
