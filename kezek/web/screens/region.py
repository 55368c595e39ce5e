"""The region's own pages: its open board listing the offices (public) and its monitor with reports (region admins)."""
from __future__ import annotations

from flask import Blueprint

from kezek.base.i18n import N_
from kezek.web.auth import access
from kezek.web.screens.rendering import render_screen, visitor_lang

bp = Blueprint("screen_region", __name__)
STRINGS: list[str] = [
    N_("Electronic queue"), N_("Offices of the region"), N_("Office"), N_("Waiting now"), N_("Average wait today"),
    N_("Served today"), N_("%(n)s min"), N_("Updated at %(time)s"), N_("Choose language"), N_("Closed"),
    N_("Total"), N_("Open board"),
    # The regional monitor (GET /api/v1/region/monitor) and its reports across offices (GET /api/v1/region/stats).
    N_("Regional monitor"), N_("Longest wait"), N_("Open desks"), N_("Called within 15 minutes"),
    N_("Kiosks"), N_("Printers needing attention"), N_("none"), N_("Monitor"), N_("Reports"),
    N_("Reports across offices"), N_("From"), N_("To"), N_("Show"), N_("Issued"), N_("Served"), N_("No-show"),
    N_("Mean wait"), N_("Sign in on the admin screen as a region administrator, then come back."),
    N_("Sign in"), N_("Your role does not allow this."), N_("Administration"),
    # A kiosk printer's state on the monitor (as the admin screen words them).
    N_("Out of paper"), N_("Paper low"), N_("Cover open"), N_("Offline"), N_("Error"),
]


@bp.get("/region/")
@access("public")
def board_page():
    return render_screen("region", "index.html", STRINGS, lang=visitor_lang())


@bp.get("/region/monitor")
@access("public")     # the page is a shell: its figures come from the region admin's API (GET /api/v1/region/monitor)
def monitor_page():
    return render_screen("region", "monitor.html", STRINGS, lang=visitor_lang())
