"""The ticket page on the visitor's phone, at the ticket's url /t/<token>, and its rating API."""
from __future__ import annotations

import json

from flask import Blueprint, jsonify, make_response
from flask_babel import force_locale
from markupsafe import Markup

from kezek.base.i18n import LANGS, N_
from kezek.office import store as office_store
from kezek.queue import ratings
from kezek.queue import store as queue_store
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access, lookup_allowed
from kezek.web.context import get_db, now
from kezek.web.payloads import body, ticket_json
from kezek.web.screens.rendering import render_screen, visitor_lang

bp = Blueprint("screen_ticket", __name__)

# Every string the ticket page's script shows (kk/ru in translations/ticket; msgid = English).
STRINGS: list[str] = [
    N_("Ticket"), N_("Your ticket number"), N_("Service"),
    N_("People ahead of you: %(count)s"), N_("Estimated wait: %(minutes)s min"),
    N_("Estimated wait: less than a minute"), N_("You are next"),
    N_("Please wait to be called"), N_("Watch the screen and listen for your number"),
    N_("It's your turn"), N_("Please go to desk %(desk)s"), N_("Ticket %(number)s"),
    N_("You are being served at desk %(desk)s"),
    N_("You have been sent to another service"),
    N_("Lunch break until %(time)s: calls go on after it."),
    N_("Thank you!"), N_("How was your visit?"), N_("%(stars)s of 5"),
    N_("Comment (optional)"), N_("Thank you for your rating!"), N_("Send the rating"),
    # What each number of stars says, beside the choice (the rating is sent only with the button).
    N_("Very bad"), N_("Bad"), N_("Okay"), N_("Good"), N_("Excellent"),
    N_("Issued at %(time)s"), N_("Now serving: %(number)s"),
    N_("Please choose from 1 to 5 stars."),
    N_("You did not come when called"), N_("Please take a new ticket at the kiosk."),
    N_("Your ticket has been cancelled"), N_("This ticket has expired"), N_("Valid today only"),
    N_("Notify me when I am called"), N_("Notifications are on"),
    N_("Cancel ticket"), N_("Cancel your ticket? Your place in line will be lost."),
    N_("Yes, cancel"), N_("No, keep my ticket"),
    N_("Ticket not found"),
    N_("Check the address, or scan the QR code on your ticket again."),
    N_("Too many requests. Please wait a minute."),
    N_("Proof that your ticket is in the office's log"),
    # "Notify me" (ticket/static/ticket-notify.js; translations/notify)
    N_("Notify me"), N_("Tell me when this many people are ahead of me:"), N_("Turn notifications off"),
    N_("Notifications with the page closed need a secure (https) connection. Use Telegram or SMS instead, "
       "or keep this page open."),
    N_("This browser cannot notify you with the page closed. Use Telegram or SMS instead, or keep this page open."),
    N_("Notifications are blocked in this browser's settings."), N_("Follow in Telegram"),
    N_("Or scan this code with a phone that has Telegram"), N_("SMS to my phone"), N_("Send me SMS"),
    N_("You will get SMS. The number is deleted when your ticket ends."), N_("That is not a phone number."),
    N_("Push notifications are not set up on this server."),
]
STRINGS += [N_("What to bring")]   # kezek/web/static/kezek_service_info.js


def _json(data) -> Markup:
    """Data for <script type=application/json>, safe against a closing tag."""
    return Markup(json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e"))


def _page(template: str, lang: str, status: int, **context):
    with force_locale(lang):
        html = render_screen("ticket", template, STRINGS, lang=lang, **context)
    response = make_response(html, status)
    # The page is the visitor's own: never cached by a shared cache, never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/t/<token>")
@access("public")
def page(token):
    """The ticket page; 404 'ticket not found' for an unknown token, 429 over the lookup limit."""
    if not lookup_allowed():
        busy = _page("gone.html", visitor_lang(), 429, reason="busy")
        busy.headers["Retry-After"] = str(auth.token_lookups.retry_after(auth.lookup_key()))
        return busy
    db = get_db()
    ticket = queue_store.ticket_by_token(db, token)
    if ticket is None:
        return _page("gone.html", visitor_lang(), 404, reason="not_found")
    view = ticket_json(ticket, public=True)
    services = {s["id"]: {lang: s[f"name_{lang}"] for lang in LANGS}
                for s in office_store.services(db, ticket["office_id"])}
    office = office_store.office(db, ticket["office_id"])
    boot = {"ticket": {k: view[k] for k in ("token", "number", "service_id", "status", "people_ahead",
                                            "estimated_wait_s", "desk_id", "desk", "called_at", "recalls",
                                            "now_serving", "issued_time", "lunch_until")},
            "services": services, "rated": ratings.rated(ticket),
            "office": {lang: office[f"name_{lang}"] for lang in LANGS}}
    return _page("index.html", visitor_lang(ticket["lang"]), 200, boot=_json(boot), ticket=boot["ticket"],
                 service=services.get(ticket["service_id"], {}), office=boot["office"],
                 rated=boot["rated"])


@bp.post("/api/v1/tickets/<token>/rating")
@access("public")
def rate(token):
    """Rate a finished visit: {stars 1–5, comment?} -> 201; 409 when rated already or not done."""
    data = body()
    auth.spend_lookup()
    rating = ratings.rate(get_db(), token, data.get("stars"), data.get("comment"), now())
    return jsonify({"stars": rating.stars, "comment": rating.comment}), 201


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    token = openapi._path_param("token", "string")
    schema = {"type": "object", "required": ["stars"], "properties": {
        "stars": {"type": "integer", "minimum": 1, "maximum": 5},
        "comment": {"type": ["string", "null"], "maxLength": ratings.MAX_COMMENT}}}
    return {"/api/v1/tickets/{token}/rating": {"post": openapi._op(
        "Rate a finished visit once (public; 409 when rated already or not finished)", "public",
        schema, "201", body=schema, params=[token])}}

