"""The admin screen's words for its report charts, paged monitor, form errors, audit and notifications section."""
from __future__ import annotations

from kezek.base.i18n import N_

STRINGS: list[str] = [
    # The report charts (admin_charts.js): one unit per chart
    N_("Issued and served per day (tickets)"), N_("Wait per hour of the day (median and 90th percentile, minutes)"),
    N_("Issued and served per service (tickets)"), N_("Wait per service (median and 90th percentile, minutes)"),
    N_("tickets"), N_("Wait per hour of the day"), N_("Issued and served per service"), N_("Wait per service"),
    N_("The %(n)s busiest of %(total)s services; the table below lists all."),
    N_("The %(n)s longest waits of %(total)s services; the table below lists all."),
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
    # The Notifications tab (admin_notify.js)
    N_("Notifications"), N_("Notifications to visitors"), N_("Tell a visitor when this many people are ahead"),
    N_("Telegram bot's user name"), N_("Telegram bot token (from BotFather)"), N_("How the bot gets messages"),
    N_("Long polling (works behind a firewall)"), N_("Webhook (needs the server's public https address)"),
    N_("Remove the saved token"), N_("Send SMS through the server's gateway"),
    N_("This server has no SMS gateway: set KEZEK_SMS_URL (README, Notifications)."),
    N_("SMS text: {text} is the message; empty: the message alone"), N_("Managers' alerts"),
    N_("A manager links Telegram here (or on their own sign-in) and chooses which alerts to get."),
    N_("User"), N_("Channel"), N_("Longest wait over the target"), N_("A kiosk's printer fails"),
    N_("No manager gets alerts yet."), N_("Link my Telegram"),
    N_("A webhook needs the server's public https address (KEZEK_PUBLIC_URL): use long polling."),
    N_("Save the bot's token and user name first."), N_("Browser notifications"),
    N_("Saved: %(masked)s. Type a new token to replace it."), N_("No token saved."),
    N_("The server's setting: %(mode)s"), N_("waiting for /start in Telegram"), N_("Stop"),
    N_("Open this link on your phone and press Start in Telegram"),
    # The Office tab's week with its lunch break and the holidays (admin_hours.js); users' full names
    N_("Opening hours per weekday"),
    N_("A day left unticked is closed. Times as HH:MM, such as 09:00; leave the lunch break empty for none. "
       "In the lunch break the kiosk gives no ticket and nobody can book."),
    N_("Open"), N_("Lunch from"), N_("Every day the office's hours above"),
    N_("Holidays (the office is closed: no tickets, no bookings)"),
    N_("Load Kazakhstan's public holidays (this year and the next two)"),
    N_("Full name"), N_("Full name (surname, given name, patronymic)"), N_("Full name of %(user)s"),
    N_("A time as HH:MM, such as 09:00."), N_("The holidays of these years are not known."),
    N_("Now: every day %(hours)s (the office's hours above), without a lunch break."),
    N_("%(n)s public holidays added; days you had set stay as they were."),
    N_("Every public holiday of these years is already in the list."),
    N_("Now: the office sets no hours: open every day, all day."),
    # The report table's grouped headings (admin.js)
    N_("Wait"), N_("Service time"), N_("mean"), N_("median"), N_("90th percentile"),
]
