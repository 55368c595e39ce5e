"""The kiosk screen's page and the QR code of a ticket page (drawn as SVG)."""
from __future__ import annotations

import io
import re
import threading
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from flask import Blueprint, Response, abort, current_app, g, jsonify, request
from flask_babel import get_locale

from kezek.base.errors import Invalid
from kezek.base.i18n import N_
from kezek.office import store as office_store
from kezek.queue import store as queue_store
from kezek.voice import guide, speech, words
from kezek.web import auth
from kezek.web.auth import access
from kezek.web.context import data_dir, error_body, get_db
from kezek.web.payloads import ticket_url
from kezek.web.screens.rendering import COMMON_STRINGS, render_screen

bp = Blueprint("screen_kiosk", __name__)

# Every string the kiosk's script shows, in kk/ru via translations/kiosk (msgid = English).
STRINGS: list[str] = [
    N_("Electronic queue"),
    N_("Welcome!"), N_("Choose language"), N_("Select a service"), N_("Back"), N_("Home"),
    N_("Waiting: %(n)s"), N_("≈ %(min)s min"), N_("No queue"),
    N_("Service temporarily unavailable"), N_("Closed now"), N_("Opening hours: %(hours)s"),
    N_("Lunch break: %(hours)s"), N_("Public holiday"),
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
    N_("Lunch break until %(time)s. Tickets are issued again from then."),
    N_("Too many tickets from this kiosk: please wait a minute."),
    N_("Something went wrong. Please try again."),
    N_("OK"), N_("Please wait"),
    # "I have a booking": check-in with the booking code (kezek/bookings/reservations.py)
    N_("I have a booking"), N_("Enter your booking code"), N_("8 digits from your booking, or scan its QR code"),
    N_("Erase"), N_("Check in"), N_("Booking at %(time)s"),
    N_("You booked less than %(n)s minutes ahead: you wait in the common queue."), N_("You are early. Please come back at %(time)s."),
    N_("Booking not found. Please check the code."), N_("This booking was cancelled."),
    N_("This booking has been used already."), N_("The time of your booking has passed."),
    N_("You can take a regular ticket instead."), N_("Get a regular ticket"),
    N_("Too many attempts: please wait a minute."),
    N_("Your booking is on %(date)s at %(time)s. Please come back that day."),
    # The voice guide, the larger modes, more time and the call for help (docs/kiosk.md)
    N_("Voice guide"), N_("Larger text"), N_("High contrast"), N_("I need help"),
    N_("Need more time?"), N_("More time"), N_("Back to the start in %(s)s s"),
    N_("Help is on the way: a staff member has been called."), N_("Someone is coming to you now."),
    N_("Help could not be called. Please ask at the nearest desk."),
    N_("Voice guide on."),
    N_("Keys: 2 next, 8 previous, Enter choose, 5 repeat, dot back, star calls a staff member, 0 this help."),
    N_("Press Enter to choose."), N_("Unavailable"), N_("Choose a service"),
    N_("Your ticket comes out of the slot below the screen."),
    N_("Press Enter for more time."), N_("Ticket"), N_("Service"),
    # A kiosk for a big office: search, A–Z, state bodies, most asked, pages (kiosk_find.js)
    N_("Search"), N_("A–Z"), N_("By state body"), N_("Most asked"), N_("Choose a state body"),
    N_("Choose the first letter"), N_("Services: %(n)s"), N_("Page %(n)s of %(m)s"),
    N_("Previous page"), N_("Next page"), N_("Type a word from the name of the service"),
    N_("Found: %(n)s"), N_("Nothing found. Try another word or choose by state body."),
    N_("Space bar"), N_("Clear"), N_("Keyboard"), N_("Search results"), N_("and more"),
    # The ticket: where it is served, the next one; no printer is a normal ticket; early check-in
    N_("Served at desk: %(desks)s"), N_("Served at desks: %(desks)s"), N_("You are next"),
    N_("Zone: %(zones)s"),     # a big hall: the TV's zone that shows the ticket's calls (kezek/office/zones.py)
    N_("Scan the code: it opens your ticket on your phone."),
]
# The admin screen's card of how visitors find a service on the kiosk (admin/static/admin_kiosk.js).
ADMIN_STRINGS: list[str] = [
    N_("Finding a service on the kiosk"), N_("Search words, one a line (any language)"),
    N_("Also listed under these bodies, one a line: Kazakh | Russian | English"),
    N_("Most asked, shown first on the kiosk: prefixes in order, separated by spaces"),
    N_("Unknown prefixes: %(list)s"),
]
# What the voice guide may speak: the kiosk's own strings; anything else is refused, not synthesised.
SPOKEN = frozenset([*STRINGS, *COMMON_STRINGS, "%(n)s"])   # "%(n)s": a digit of a booking code
STRINGS += [N_("What to bring"), N_("About this service: %(name)s"), N_("Close")]   # kiosk/static/kiosk_info.js
VALUE_NAMES = ("n", "min", "s", "m")
TEXT_VALUES = {"time": re.compile(r"^\d{1,2}:\d{2}$"), "date": re.compile(r"^\d{2}\.\d{2}\.\d{4}$"),
               "hours": re.compile(r"^\d{1,2}:\d{2}–\d{1,2}:\d{2}$"),
               "desks": re.compile(r"^[\w.\- ]{1,20}(, [\w.\- ]{1,20}){0,7}(, …)?$")}
# The letters of the on-screen keyboard and the A–Z index: one is spoken as itself.
LETTERS = frozenset("абвгғдеёжзийкқлмнңоөпрстуұүфхһцчшщъыіьэюяәabcdefghijklmnopqrstuvwxyz")
NUMBER_RE = re.compile(r"^[^\W\d_]{1,3}\d{1,5}$")
# espeak-ng is a subprocess per new phrase: a few at a time, so a burst cannot starve the server.
_synthesis_slots = threading.BoundedSemaphore(2)


@bp.get("/kiosk/")
@access("public")
def page():
    # The kiosk's own language choice starts from kk; the idle time goes in the page.
    return render_screen("kiosk", "index.html", STRINGS, lang=str(get_locale()), office=None,
                         idle_s=int(current_app.config.get("KIOSK_IDLE_S") or 20))


def _values(args) -> dict:
    values = {}
    for name in VALUE_NAMES:
        if name in args:
            raw = args[name]
            if not raw.isdigit() or int(raw) > guide.MAX_NUMBER:
                raise Invalid(f"{name}: a whole number 0–{guide.MAX_NUMBER}.", "bad_field", field=name)
            values[name] = int(raw)
    return values


def _phrase_text(db, device: dict, lang: str) -> str:
    """The text of the phrase the kiosk asks for: a known msgid, a service's name or a ticket number."""
    args = request.args
    services = office_store.services(db, device["office_id"])
    if "service" in args:
        service = next((s for s in services if str(s["id"]) == args["service"]), None)
        if service is None:
            raise Invalid("service: one of this kiosk's office's services.", "bad_field", field="service")
        return service[f"name_{lang}"] or service["name_kk"]
    if "body" in args:
        # A state body's name as the kiosk shows it: a main body (services.group_*) or another one a service is under.
        names = {s[f"group_{lang}"] for s in services} | {
            b[f"group_{lang}"] for b in office_store.extra_bodies(db, device["office_id"])}
        if not args["body"] or args["body"] not in names:
            raise Invalid("body: the name of one of this office's state bodies.", "bad_field", field="body")
        return args["body"]
    if "letter" in args:
        if len(args["letter"]) != 1 or args["letter"].lower() not in LETTERS:
            raise Invalid("letter: one letter of the kiosk's keyboard.", "bad_field", field="letter")
        return args["letter"].upper()
    if "number" in args:
        number = args["number"]
        prefixes = {s["prefix"].upper() for s in services}
        letters = re.match(r"^\D*", number).group().upper()
        if not NUMBER_RE.match(number) or letters not in prefixes:
            raise Invalid("number: a ticket number of this office, such as А017.", "bad_field", field="number")
        return guide.ticket_number_text(number, lang)
    phrase = args.get("phrase", "")
    if phrase not in SPOKEN:
        raise Invalid("phrase: one of the kiosk's own strings.", "unknown_phrase")
    text = guide.phrase_text(phrase, lang, _values(args))
    if "%(zones)s" in text:
        # The names of this office's hall TVs only, as the ticket lists them: no other text is spoken.
        names = {d["name"] for d in office_store.devices_of_office(db, device["office_id"])
                 if d["kind"] == "display" and not d["revoked_at"]}
        given = args.get("zones", "").removesuffix(", …").split(", ")
        if not 1 <= len(given) <= 3 or not set(given) <= names:
            raise Invalid("zones: the names of this office's hall displays.", "bad_field", field="zones")
        text = text.replace("%(zones)s", args["zones"])
    for name, pattern in TEXT_VALUES.items():
        if f"%({name})s" in text:
            if not pattern.match(args.get(name, "")):
                raise Invalid(f"{name}: not in the expected form.", "bad_field", field=name)
            text = text.replace(f"%({name})s", args[name])
    if "%(" in text:
        raise Invalid("The phrase needs values that were not given.", "missing_field")
    return text


@bp.get("/audio/kiosk.wav")
@access("kiosk")
def kiosk_audio():
    """A phrase of the kiosk's voice guide as WAV (?lang=&phrase=&n=…, or &service=, or &number=); 503 without speech."""
    lang = request.args.get("lang", "")
    if lang not in words.LANGS:
        raise Invalid("lang: kk, ru or en.", "bad_field", field="lang", allowed=list(words.LANGS))
    text = _phrase_text(get_db(), g.device, lang)
    base = data_dir()
    cache_dir = current_app.config.get("VOICE_CACHE_DIR") or base / "voice-cache"
    clips_dir = current_app.config.get("VOICE_CLIPS_DIR") or base / "voice-clips"
    try:
        with _synthesis_slots:
            audio = guide.audio(text, lang, cache_dir, clips_dir)
    except speech.SpeechUnavailable as exc:
        current_app.logger.warning("speech unavailable: %s", exc)
        response = jsonify(error_body("speech_unavailable", "Speech is unavailable (is espeak-ng installed?)."))
        response.status_code = 503
        return response
    response = Response(audio, mimetype="audio/wav")
    response.headers["Cache-Control"] = "private, max-age=86400"
    response.headers["X-Kezek-Spoken"] = quote(text)   # what was said, for the page's own record
    return response


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
    auth.spend_lookup()
    ticket = queue_store.ticket_by_token(get_db(), token)
    if ticket is None:
        abort(404)
    response = Response(qr_svg(ticket_url(ticket["token"])), mimetype="image/svg+xml")
    # The token never changes its page; the image may be kept by the browser that asked.
    response.headers["Cache-Control"] = "private, max-age=86400"
    return response
