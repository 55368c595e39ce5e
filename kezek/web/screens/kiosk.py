"""The kiosk screen's page and the QR code of a ticket page (drawn as SVG)."""
from __future__ import annotations

import io

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, abort, current_app
from flask_babel import get_locale

from kezek.base.i18n import N_
from kezek.queue import store as queue_store
from kezek.web import auth
from kezek.web.auth import access
from kezek.web.context import get_db
from kezek.web.payloads import ticket_url
from kezek.web.screens.rendering import render_screen

bp = Blueprint("screen_kiosk", __name__)

# Every string the kiosk's script shows, in kk/ru via translations/kiosk (msgid = English).
STRINGS: list[str] = [
    N_("Electronic queue"),
    N_("Welcome!"), N_("Choose language"), N_("Select a service"), N_("Back"), N_("Home"),
    N_("Waiting: %(n)s"), N_("≈ %(min)s min"), N_("No queue"),
    N_("Service temporarily unavailable"), N_("Closed now"), N_("Opening hours: %(hours)s"),
    N_("No tickets left today"),
    N_("Get a ticket"), N_("Regular queue"), N_("Priority service"),
    N_("For people with disabilities, elderly people, pregnant women and veterans."),
    N_("Person with a disability"), N_("Elderly person"), N_("Pregnant woman"), N_("Veteran"),
    N_("Your ticket number"), N_("People ahead of you: %(n)s"), N_("Estimated wait: %(min)s min"),
    N_("Please wait to be called"), N_("Watch the screen and listen for your number"),
    N_("Printing your ticket…"), N_("Please take your ticket"), N_("Thank you!"),
    N_("Photograph this code"),
    N_("The ticket was not printed. Scan or photograph the code: it opens your ticket on your phone."),
    N_("Scan the code to follow your place in the queue on your phone."),
    N_("Print again"), N_("QR code of your ticket page"),
    N_("Printing is unavailable: you will get your ticket on screen."),
    N_("This kiosk is not paired"),
    N_("An administrator must open the pairing link on this kiosk once."),
    N_("Kiosk temporarily unavailable"), N_("Please wait: it will work again shortly."),
    N_("No connection to the server: the ticket was not issued. Please try again."),
    N_("This service is not available now. Please choose another one."),
    N_("Too many tickets from this kiosk: please wait a minute."),
    N_("Something went wrong. Please try again."),
    N_("OK"), N_("Please wait"),
    # "I have a booking": check-in with the booking code (kezek/bookings/reservations.py)
    N_("I have a booking"), N_("Enter your booking code"), N_("8 digits from your booking, or scan its QR code"),
    N_("Erase"), N_("Check in"), N_("Booking at %(time)s"), N_("You are early. Please come back at %(time)s."),
    N_("Booking not found. Please check the code."), N_("This booking was cancelled."),
    N_("This booking has been used already."), N_("The time of your booking has passed."),
    N_("You can take a regular ticket instead."), N_("Get a regular ticket"),
    N_("Too many attempts: please wait a minute."),
    N_("Your booking is on %(date)s at %(time)s. Please come back that day."),
]


@bp.get("/kiosk/")
@access("public")
def page():
    # The kiosk's own language choice starts from kk; the idle time goes in the page.
    return render_screen("kiosk", "index.html", STRINGS, lang=str(get_locale()), office=None,
                         idle_s=int(current_app.config.get("KIOSK_IDLE_S") or 20))


def qr_svg(text: str) -> bytes:
    """A QR code of `text` as an SVG document with a white background."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathFillImage, border=2,
                        error_correction=qrcode.constants.ERROR_CORRECT_M)
    out = io.BytesIO()
    image.save(out)
    return out.getvalue()


@bp.get("/qr/<token>.svg")
@access("public")
def ticket_qr(token):
    """The QR code of a ticket's page; 404 for an unknown token."""
    # The same per-address limit as the ticket API: a 404 must not become a token oracle.
    if not auth.lookup_allowed():
        abort(429)
    ticket = queue_store.ticket_by_token(get_db(), token)
    if ticket is None:
        abort(404)
    response = Response(qr_svg(ticket_url(ticket["token"])), mimetype="image/svg+xml")
    # The token never changes its page; the image may be kept by the browser that asked.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
