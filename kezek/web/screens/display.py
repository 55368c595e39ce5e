"""The hall display: its page, the audio it plays (chime, spoken calls) and the voice status for admins."""
from __future__ import annotations

import re
import threading
from datetime import timedelta
from functools import lru_cache
from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import get_locale

from kezek.base.clock import iso
from kezek.base.errors import Invalid
from kezek.base.i18n import N_
from kezek.office import store as office_store
from kezek.queue import store as queue_store
from kezek.voice import speech, words
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import data_dir, error_body, get_db, now
from kezek.web.rate_limits import Budget
from kezek.web.screens import display_media
from kezek.web.screens.rendering import render_screen

bp = Blueprint("screen_display", __name__)

# Browser strings of display.js (kk, ru, en); the wording follows shared/GLOSSARY.md.
STRINGS: list[str] = [
    N_("Electronic queue"), N_("Ticket"), N_("Desk"), N_("Called"), N_("Waiting"),
    N_("Recent calls"), N_("No calls yet"), N_("Please go to desk %(desk)s"), N_("Please go to %(desk)s"),
    N_("Sound on"), N_("Sound off"), N_("Tap to enable sound"), N_("Test call"),
    N_("Voice unavailable: chime only"), N_("Display is not paired: token refused"),
    N_("Take a ticket at the kiosk and watch for your number here"), N_("Display settings"), N_("Close"),
    N_("Zone: %(zones)s"),      # a zoned TV's name, as the tickets of its services name it
    N_("Shows %(cells)s queues at a time, %(pages)s page(s) now; capitals of %(mm)s mm for %(metres)s m."),
]
STRINGS += display_media.STRINGS   # display/static/media.js

# The admin screen's zones card (admin/static/admin_zones.js), listed in the admin screen's strings.
ZONE_STRINGS: list[str] = [
    N_("Hall displays' zones"), N_("Hall display"), N_("Screen, inches"), N_("Viewing distance, m"), N_("Orientation"),
    N_("Landscape"), N_("Portrait"), N_("Propose zones by body"), N_("Apply to this display"),
    N_("A %(inches)s\" TV read from %(metres)s m shows %(cells)s queues at a time, %(most)s in three pages."),
    N_("The zone fits: %(services)s services, %(pages)s page(s)."),
    N_("Too many for a cell each: %(services)s services; the TV shows the totals of %(bodies)s bodies instead."),
    N_("The zone does not fit: %(services)s services of %(bodies)s bodies. Choose a smaller zone."),
    N_("No desk of the zone serves %(count)s of its services: their calls would not show."),
    N_("TV %(n)s: %(bodies)s — %(services)s services, %(desks)s desks"),
]

# A ticket number as printed: one to three letters, then digits (А017, ӘА1234, A5).
NUMBER_RE = re.compile(r"^[^\W\d_]{1,3}\d{1,5}$")
MAX_DESK_CHARS = 20
# espeak-ng is a subprocess per new text: a few at a time, so a burst cannot starve the server.
_synthesis_slots = threading.BoundedSemaphore(2)
# New syntheses per address a minute (cached and recorded calls are free): the route is public.
syntheses_per_address = Budget("voice_syntheses", 60, lambda: current_app.config["VOICE_SYNTHESES_PER_MINUTE"])


@bp.get("/display/")
@access("public")
def page():
    return render_screen("display", "index.html", STRINGS, lang=str(get_locale()), office=None)


@lru_cache(maxsize=1)
def _chime() -> bytes:
    return speech.chime_wav()


def _wav(audio: bytes) -> Response:
    response = Response(audio, mimetype="audio/wav")
    # The same call always sounds the same: let the TV's browser keep it for a day.
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/audio/chime.wav")
@access("public")
def chime():
    """The chime played before every call."""
    return _wav(_chime())


def voice_dirs() -> tuple[Path, Path]:
    """(cache dir, recorded clips dir): VOICE_CACHE_DIR / VOICE_CLIPS_DIR, else beside the database."""
    base = data_dir()
    cache = current_app.config.get("VOICE_CACHE_DIR") or base / "voice-cache"
    clips = current_app.config.get("VOICE_CLIPS_DIR") or base / "voice-clips"
    return Path(cache), Path(clips)


def _known(db, number: str, desk: str) -> bool:
    """Whether the number's letters are some service's prefix and the desk is some desk's name.

    The route is public and each new text costs an espeak-ng run and a cache file: only calls
    that can really happen are synthesised.
    """
    letters = re.match(r"^\D+", number).group().upper()
    prefixes, names = set(), set()
    for office in office_store.offices(db):
        prefixes |= {s["prefix"].upper() for s in office_store.services(db, office["id"])}
        names |= {str(d["name"]).strip() for d in office_store.desks(db, office["id"])}
    return letters in prefixes and desk in names


def _call_input() -> tuple[str, str, str]:
    number = (request.args.get("number") or "").strip()
    desk = (request.args.get("desk") or "").strip()
    lang = (request.args.get("lang") or "").strip()
    if not NUMBER_RE.match(number):
        raise Invalid("number: a ticket number such as А017.", "bad_field", field="number")
    if not desk or len(desk) > MAX_DESK_CHARS:
        raise Invalid(f"desk: 1 to {MAX_DESK_CHARS} characters.", "bad_field", field="desk")
    if lang not in words.LANGS:
        raise Invalid("lang: kk, ru or en.", "bad_field", field="lang", allowed=list(words.LANGS))
    try:
        words.spoken(number, desk, lang)
    except ValueError as exc:
        raise Invalid(f"This call cannot be spoken: {exc}", "bad_field", field="number") from exc
    if not _known(get_db(), number, desk):
        raise Invalid("No service has this prefix, or no desk has this name.", "unknown_call")
    return number, desk, lang


@bp.get("/audio/call.wav")
@access("public")
def call_audio():
    """The spoken call (?number=А017&desk=5&lang=kk) as WAV; 503 when speech is unavailable."""
    number, desk, lang = _call_input()
    cache_dir, clips_dir = voice_dirs()
    # Free: a call already cached, or one that really happened today (a display announcing it); the rest
    # (anyone making up numbers) is limited per address, so the route cannot fill the disk.
    real = queue_store.was_called(get_db(), number, desk, iso(now() - timedelta(days=1)))
    if not real and not speech.call_is_ready(number, desk, lang, cache_dir, clips_dir) \
            and not syntheses_per_address.hit(f"ip:{auth.client_ip()}"):
        raise auth.TooMany("Too many new calls to speak from this address: try again in a minute.",
                           "voice_rate_limited", retry_after=syntheses_per_address.retry_after(f"ip:{auth.client_ip()}"))
    try:
        with _synthesis_slots:
            audio = speech.audio_for_call(number, desk, lang, cache_dir, clips_dir,
                                          cache_max_bytes=int(current_app.config["VOICE_CACHE_MB"]) * 1024 * 1024)
    except speech.SpeechUnavailable as exc:
        current_app.logger.warning("speech unavailable: %s", exc)
        response = jsonify(error_body("speech_unavailable", "Speech is unavailable (is espeak-ng installed?)."))
        response.status_code = 503
        response.headers["Cache-Control"] = "no-store"
        return response
    return _wav(audio)


@bp.get("/api/v1/voice/status")
@access("manager", "admin")
def voice_status():
    """Whether the server can speak: espeak-ng installed, and which languages have recorded clips."""
    _, clips_dir = voice_dirs()
    clips = {lang: sorted(p.stem for p in (clips_dir / lang).glob("*.wav")) if (clips_dir / lang).is_dir() else []
             for lang in words.LANGS}
    return jsonify({"espeak": speech.espeak_available(), "clips": {k: len(v) for k, v in clips.items()},
                    "clips_dir": str(clips_dir)})


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    return {"/api/v1/voice/status": {"get": {
        "summary": "Voice status for admins: is espeak-ng installed (else displays play the chime alone)",
        "x-access": "manager, admin",
        "security": [{"session": []}],
        "responses": openapi._answers({"type": "object", "required": ["espeak"], "properties": {
            "espeak": {"type": "boolean"},
            "clips": {"type": "object", "additionalProperties": {"type": "integer"}},
            "clips_dir": {"type": "string"}}})}}}

