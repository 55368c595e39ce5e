"""The hall display's media side: its service worker (scope /display/) and the strings of media.js."""
from __future__ import annotations

from flask import Blueprint, Response

from kezek.base.i18n import N_
from kezek.web.auth import access
from kezek.web.context import ROOT

bp = Blueprint("screen_display_media", __name__)

# Browser strings of display/static/media.js (kk, ru, en).
STRINGS: list[str] = [N_("What to bring")]
# Browser strings of the admin's Hall media tab (admin/static/admin_media.js).
ADMIN_STRINGS: list[str] = [
    N_("1–300 characters."),
    N_("1–80 characters."),
    N_("A date and time."),
    N_("A whole number of seconds from 3 to 120."),
    N_("Add a service's what to bring"),
    N_("Add a video or picture"),
    N_("Add notice"),
    N_("After the start, within a year."),
    N_("At most 100 items, each 3 to 600 seconds."),
    N_("Choose a video (MP4, WebM) or a picture (PNG, JPEG, WebP)."),
    N_("Delete"),
    N_("Delete playlist"),
    N_("Description (English)"),
    N_("Description (Kazakh)"),
    N_("Description (Russian)"),
    N_("Documents (English), one a line"),
    N_("Documents (Kazakh), one a line"),
    N_("Documents (Russian), one a line"),
    N_("Down"),
    N_("File"),
    N_("From"),
    N_("From (office time)"),
    N_("Hall display"),
    N_("Kind"),
    N_("Layout"),
    N_("Length, s"),
    N_("MB"),
    N_("MP4 or WebM videos, PNG, JPEG or WebP pictures. Each file is checked by its content, not by its name."),
    N_("Media full screen, the call taking over"),
    N_("Name"),
    N_("New playlist"),
    N_("None"),
    N_("Notice"),
    N_("Notices in the ticker"),
    N_("Playlist"),
    N_("Playlists"),
    N_("Queue beside media"),
    N_("Queue only"),
    N_("Remove"),
    N_("Save"),
    N_("Save playlist"),
    N_("Saved."),
    N_("Seconds a call is shown large"),
    N_("Seconds on screen (pictures and slides)"),
    N_("Service"),
    N_("Size"),
    N_("Text (English)"),
    N_("Text (Kazakh)"),
    N_("Text (Russian)"),
    N_("The file is too large for a display."),
    N_("The same documents in each language, one a line."),
    N_("Title"),
    N_("Until"),
    N_("Until (office time)"),
    N_("Up"),
    N_("Upload"),
    N_("Videos and pictures"),
    N_("What each hall display shows"),
    N_("What to bring"),
    N_("Video"),
    N_("Picture"),
    N_("Hall media"),
]


@bp.get("/display/sw.js")
@access("public")
def service_worker():
    """display-sw.js at /display/, so that it may control the display's page; never cached stale."""
    # Read whole (2 kB), not streamed: nothing is left open whatever the client does.
    response = Response((ROOT / "display" / "static" / "display-sw.js").read_bytes(), mimetype="text/javascript")
    response.headers["Cache-Control"] = "no-cache"
    response.headers["Service-Worker-Allowed"] = "/display/"
    return response
