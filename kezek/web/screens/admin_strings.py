"""The admin screen's words for its report charts, paged monitor, form errors, audit and notifications section."""
from __future__ import annotations

from kezek.base.i18n import N_

STRINGS: list[str] = [
    # The audit (admin_audit.js)
    N_("Raw entry"),
    # Refusals at their field (admin_errors.js)
    N_("The server cannot be reached: try again."), N_("The server refused this (%(status)s)."),
    N_("A printer address: tcp://host:9100, usb://VID:PID, cups://NAME or none."), N_("Choose a role."),
    N_("Choose one of the office's languages."), N_("A whole number from 0 to 20."),
    N_("The token BotFather gave (digits:letters)."), N_("The bot's user name, as in t.me/<name>."),
    N_("The text must contain {text}."),
    # The monitor's ticket list (admin_monitor.js)
    N_("Tickets"), N_("Body"), N_("All bodies"), N_("All services"), N_("No tickets match."), N_("Previous page"),
    N_("Next page"), N_("%(first)s–%(last)s of %(total)s"), N_("desk %(desk)s"),
]
