"""The public booking page on a phone: /book/ to book, /book/<code> to see, move or cancel; the booking's QR."""
from __future__ import annotations

from flask import Blueprint, Response, abort, make_response, send_from_directory

from kezek.base.i18n import LANGS, N_
from kezek.bookings import reservations
from kezek.office import store as office_store
from kezek.web import auth
from kezek.web.auth import access, lookups_per_ip
from kezek.web.context import ROOT, get_db
from kezek.web.payloads import booking_url
from kezek.web.screens.kiosk import qr_svg
from kezek.web.screens.rendering import render_screen, visitor_lang

bp = Blueprint("screen_book", __name__)
STATIC = ROOT / "book" / "static"

# Every string the booking page's script shows (kk/ru in translations/book; msgid = English).
STRINGS: list[str] = [
    N_("Electronic queue"), N_("Choose language"), N_("Book a visit"), N_("Choose a service"), N_("Choose a day"), N_("Choose a time"),
    N_("Back"), N_("Today"), N_("Tomorrow"), N_("No free times"), N_("Free times: %(n)s"),
    N_("No free times on this day. Please choose another day."),
    N_("No service takes bookings at the moment."),
    N_("Check your booking"), N_("Service"), N_("Date"), N_("Time"),
    N_("Phone number (optional)"),
    N_("Only to limit bookings per phone number. We will not call you or pass it on."),
    N_("Book"), N_("Move to this time"),
    N_("Your booking"), N_("Booking code"), N_("QR code of your booking"),
    N_("On the day, at the kiosk: press “I have a booking” and enter the code or scan the QR code."),
    N_("Check in between %(from)s and %(until)s."),
    N_("This time is very soon: at check-in you get a ticket, but you wait in the common queue with the visitors"
       " who came without booking."),
    N_("Save this page or take a photo of the code."),
    N_("Change the time"), N_("Cancel the booking"),
    N_("Cancel this booking? The time will be given to someone else."), N_("Yes, cancel"), N_("No, keep it"),
    N_("The booking has been cancelled."), N_("You have checked in. Your ticket: %(number)s"),
    N_("The time of this booking has passed."), N_("Booked"), N_("Make another booking"),
    N_("Booking not found"), N_("Check the code, or scan the QR code of your booking again."),
    N_("This time has just been taken. Please choose another one."),
    N_("This phone number already has as many bookings for that day as allowed."),
    N_("Please check the phone number."),
    N_("This booking can no longer be changed."),
    N_("Too many requests. Please wait a few minutes and try again."),
    N_("No connection. Please try again."),
    N_("Something went wrong. Please try again."),
]
STRINGS += [N_("What to bring")]   # kezek/web/static/kezek_service_info.js


def _page(code: str | None):
    db = get_db()
    office = office_store.office(db, auth.office_id(db))
    html = render_screen("book", "index.html", STRINGS, lang=visitor_lang(), code=code or "",
                         office={lang: office[f"name_{lang}"] for lang in LANGS}, office_id=office["id"],
                         csrf=auth.csrf_token())   # staff signed in here write with it; visitors get ''
    response = make_response(html)
    # A booking's page is the visitor's own: never kept by a shared cache, never indexed.
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


@bp.get("/book/")
@access("public")
def page():
    return _page(None)


@bp.get("/book/<code>")
@access("public")
def booking_page(code):
    """The booking's own page; the script loads it (an unknown code shows 'not found')."""
    normal = reservations.normalise_code(code)
    if normal is None:
        abort(404)
    return _page(normal)


@bp.get("/book/static/<path:filename>")
@access("public")
def static_file(filename):
    return send_from_directory(STATIC, filename, max_age=300)


@bp.get("/qr/booking/<code>.svg")
@access("public")
def booking_qr(code):
    """The QR code of a booking's page (the kiosk's scanner reads the code from it); 404 when unknown."""
    auth.spend(lookups_per_ip, f"ip:{auth.client_ip()}", "Too many requests: wait a few minutes.",
               "booking_rate_limited")
    normal = reservations.normalise_code(code)
    booking = reservations.get(get_db(), normal) if normal else None
    if booking is None:
        abort(404)
    response = Response(qr_svg(booking_url(booking["code"])), mimetype="image/svg+xml")
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
