"""The audit log in words: each event and its details in the reader's language, times in the office's zone, ids as names."""
from __future__ import annotations

import re
from zoneinfo import ZoneInfo

from kezek.base.clock import parse
from kezek.base.i18n import N_, gettext

# Every event type the engine writes to the log (tests/test_audit_words.py finds them in the code).
EVENTS: dict[str, str] = {
    "ticket.issued": N_("Ticket issued"), "ticket.called": N_("Called"), "ticket.recalled": N_("Called again"),
    "ticket.started": N_("Service started"), "ticket.finished": N_("Service finished"),
    "ticket.no_show": N_("No-show"), "ticket.transferred": N_("Transferred"),
    "ticket.returned": N_("Returned to the queue"), "ticket.cancelled": N_("Cancelled"),
    "ticket.expired": N_("Expired"), "ticket.rated": N_("Rated"), "ticket.printed": N_("Ticket printed"),
    "ticket.print_failed": N_("Ticket not printed"), "desk.paused": N_("Desk paused"),
    "desk.resumed": N_("Desk resumed"), "desk.created": N_("Desk created"), "desk.changed_config": N_("Desk changed"),
    "service.created": N_("Service created"), "service.changed": N_("Service changed"),
    "user.created": N_("User created"), "user.changed": N_("User changed"), "device.created": N_("Device created"),
    "device.changed": N_("Device changed"), "device.revoked": N_("Device revoked"),
    "office.created": N_("Office created"), "office.changed": N_("Office changed"),
    "office.closed": N_("Office closed"), "office.reopened": N_("Office reopened"),
    "office.imported": N_("Office moved in from another server"),
    "printer.changed": N_("Printer state changed"), "help.requested": N_("Help asked for at a kiosk"),
    "help.acknowledged": N_("Help request answered"), "booking.created": N_("Booking made"),
    "booking.cancelled": N_("Booking cancelled"), "booking.moved": N_("Booking moved"),
    "booking.rule_changed": N_("Booking rules of a service changed"),
    "booking.settings_changed": N_("Booking settings changed"), "booking.holiday_added": N_("Holiday added"),
    "booking.holiday_removed": N_("Holiday removed"), "booking.slots_closed": N_("Booking times closed"),
    "booking.slots_reopened": N_("Booking times reopened"), "witness.alarm": N_("Witness alarm"),
    "office.hours_changed": N_("Opening hours changed"), "service.synonyms_set": N_("Search words of a service set"),
    "service.bodies_set": N_("Other bodies of a service set"), "kiosk.most_asked_set": N_("Most asked services set"),
    "media.added": N_("Media file added"), "media.deleted": N_("Media file deleted"),
    "playlist.saved": N_("Playlist saved"), "playlist.deleted": N_("Playlist deleted"),
    "display.layout_set": N_("Hall display layout set"), "notice.saved": N_("Notice saved"),
    "notice.deleted": N_("Notice deleted"), "service.info_set": N_("What to bring for a service set"),
    "booking.holidays_loaded": N_("Public holidays loaded"), "outcome.created": N_("Visit outcome added"),
    "outcome.changed": N_("Visit outcome changed"), "notify.settings_changed": N_("Notification settings changed"),
    "notify.alerts_chosen": N_("A manager's alerts chosen"),
}

# Detail keys, as a reader names them. Keys in HIDDEN are technical: they stay in the raw form only.
DETAILS: dict[str, str] = {
    "reason": N_("Reason"), "priority": N_("Priority ticket"), "priority_reason": N_("Priority because of"),
    "lang": N_("Language"), "out_of_order": N_("Out of order"), "put_first": N_("Put first in line"),
    "first": N_("Put first in line"), "skipped": N_("Passed over (waiting)"), "automatic": N_("Automatically"),
    "recalls": N_("Calls so far"), "from_service_id": N_("From service"), "service_id": N_("Service"),
    "service_ids": N_("Services"), "desk": N_("Desk"), "desk_id": N_("Desk"), "to_desk_id": N_("To desk"),
    "user_id": N_("User"), "to_user_id": N_("To specialist"), "paused_for": N_("Paused for"),
    "stars": N_("Stars"), "comment": N_("Comment"), "state": N_("State"), "was": N_("Was"),
    "detail": N_("Detail"), "reprint": N_("Printed again"), "late": N_("Late"), "kiosk": N_("Kiosk"),
    "call": N_("Help request"), "booking_id": N_("Booking"), "slot_at": N_("Booked time"),
    "appointment_at": N_("Booked time"), "walk_in": N_("Queued as a walk-in"), "by_staff": N_("Booked by staff"),
    "day": N_("Day"), "slot_time": N_("Time"), "id": N_("Entry"), "username": N_("User name"), "role": N_("Role"),
    "active": N_("Active"), "password": N_("Password"), "name": N_("Name"), "kind": N_("Kind"),
    "printer_url": N_("Printer"), "printer_ports": N_("Printer ports"), "prefix": N_("Prefix"),
    "name_kk": N_("Name (Kazakh)"), "name_ru": N_("Name (Russian)"), "name_en": N_("Name (English)"),
    "group_kk": N_("Group (Kazakh)"), "group_ru": N_("Group (Russian)"), "group_en": N_("Group (English)"),
    "ticker_kk": N_("Ticker text (Kazakh)"), "ticker_ru": N_("Ticker text (Russian)"),
    "ticker_en": N_("Ticker text (English)"), "timezone": N_("Time zone"), "languages": N_("Languages"),
    "default_lang": N_("Default language"), "target_wait_s": N_("Target wait"),
    "priority_wait_limit_s": N_("Longest wait caused by priority tickets"), "opens": N_("Opens at"),
    "closes": N_("Closes at"), "daily_limit": N_("Daily limit"), "sort_order": N_("Order on screens"),
    "enabled": N_("Takes bookings"), "slot_minutes": N_("Slot, minutes"), "capacity": N_("Visitors per slot"),
    "days_ahead": N_("Days ahead"), "lunch_from": N_("Lunch from"), "lunch_to": N_("Lunch until"),
    "early_min": N_("Check-in from, minutes before the slot"), "late_min": N_("Check-in until, minutes after the slot"),
    "appointments_in_row": N_("Booked visitors called in a row before a walk-in (0: no limit)"),
    "phone_daily_limit": N_("Bookings per phone number and day"),
    "same_day_lead_min": N_("Same-day lead time, minutes (a booking made later queues as a walk-in)"),
    "weekdays": N_("Days that take bookings"), "lead_min": N_("Same-day lead time, minutes"),
    "origin": N_("Log"), "size": N_("Entries"), "known_size": N_("Entries cosigned before"),
    "settings": N_("Settings"), "office": N_("Office"), "days": N_("Days"), "synonyms": N_("Search words"),
    "bodies": N_("Bodies"), "media_id": N_("Media file"), "playlist_id": N_("Playlist"), "bytes": N_("Size, bytes"),
    "title": N_("Title"), "items": N_("Items"), "layout": N_("Layout"), "call_s": N_("Call shown for"),
    "duration_s": N_("Duration"), "notice_id": N_("Notice"), "documents": N_("Documents"), "years": N_("Years"),
    "added": N_("Added"), "to": N_("Transferred to"), "outcome_id": N_("Visit outcome"), "code": N_("Code"),
    "outcome": N_("Visit outcome"), "ahead_default": N_("Tell a visitor when this many people are ahead"),
    "telegram_bot": N_("Telegram bot's user name"), "telegram_token": N_("Telegram bot token (from BotFather)"),
    "telegram_mode": N_("How the bot gets messages"), "sms_enabled": N_("Send SMS through the server's gateway"),
    "sms_template": N_("SMS text"), "for_user_id": N_("For the manager"), "channel": N_("Channel"),
    "wait_over_target": N_("Longest wait over the target"), "printer_failure": N_("A kiosk's printer fails"),
}
HIDDEN = frozenset({"number", "seq", "token_sha256", "sha256", "note_sha256", "digest", "note", "hash"})
BOOLEANS = frozenset({"sms_enabled", "wait_over_target", "printer_failure", "active", "enabled", "priority", "first", "put_first", "reprint", "late", "walk_in", "by_staff",
                      "automatic", "out_of_order"})
# Values that are words: the key's known values, as a reader says them.
VALUES: dict[str, dict[str, str]] = {
    "reason": {"break": N_("Break"), "lunch": N_("Lunch"), "technical": N_("Technical break"),
               "back_office": N_("Back-office work")},
    "paused_for": {"break": N_("Break"), "lunch": N_("Lunch"), "technical": N_("Technical break"),
                   "back_office": N_("Back-office work")},
    "priority_reason": {"disability": N_("disability"), "elderly": N_("elderly"), "pregnant": N_("pregnancy"),
                        "veteran": N_("veteran"), "other": N_("other")},
    "role": {"operator": N_("Operator"), "manager": N_("Manager"), "admin": N_("Administrator"),
             "region_admin": N_("Region administrator")},
    "kind": {"kiosk": N_("Kiosk"), "display": N_("Hall display"), "fork": N_("another history of the same size"),
             "inconsistent": N_("a checkpoint that does not extend the cosigned one"),
             "rollback": N_("a checkpoint smaller than the cosigned one")},
    "lang": {"kk": "Қазақша", "ru": "Русский", "en": "English"},
    "default_lang": {"kk": "Қазақша", "ru": "Русский", "en": "English"},
    "state": {"none": N_("No printer"), "unknown": N_("Not reported yet"), "ok": N_("Working"),
              "ready": N_("Working"), "error": N_("Error"), "offline": N_("Offline"),
              "paper_out": N_("Out of paper"), "paper_low": N_("Paper low"), "cover_open": N_("Cover open")},
}
VALUES["was"] = VALUES["state"]
VALUES["telegram_mode"] = {"polling": N_("Long polling (works behind a firewall)"),
                           "webhook": N_("Webhook (needs the server's public https address)")}
VALUES["to"] = {"service": N_("a service"), "desk": N_("a desk"), "user": N_("a specialist")}
WEEKDAYS = (N_("Monday"), N_("Tuesday"), N_("Wednesday"), N_("Thursday"), N_("Friday"), N_("Saturday"),
            N_("Sunday"))
ISO_TIME = re.compile(r"^\d{4}-\d\d-\d\dT\d\d:\d\d")
SECRET_KEYS = frozenset({"password", "telegram_token"})   # never in the log; shown as "changed" if they were
ENDONYMS = ("lang", "default_lang")   # language names are written in their own language
STRINGS = [*EVENTS.values(), *DETAILS.values(), *(w for k, v in VALUES.items() if k not in ENDONYMS for w in v.values()),
           *WEEKDAYS,
           N_("yes"), N_("no"), N_("changed"), N_("%(n)s min"), N_("%(n)s s"), N_("Booking %(id)s"),
           N_("Entry %(id)s"), N_("Help request %(id)s"), N_("Device %(id)s"), N_("Desk %(id)s"),
           N_("Service %(id)s"), N_("User %(id)s"), N_("priority"), N_("out of order"), N_("automatically"),
           N_("To service")]


def local(at: str | None, timezone: str) -> str:
    """An ISO UTC time as the office reads it: 01.12.2026 17:30:05 in its zone."""
    moment = parse(at) if at else None
    if moment is None:
        return ""
    return moment.astimezone(ZoneInfo(timezone)).strftime("%d.%m.%Y %H:%M:%S")


def _duration(lang: str, seconds) -> str:
    if not isinstance(seconds, (int, float)):
        return str(seconds)
    if seconds < 60:
        return gettext(lang, "%(n)s s", n=int(seconds))
    minutes = round(seconds / 60, 1)
    text = str(int(minutes)) if minutes == int(minutes) else str(minutes)
    return gettext(lang, "%(n)s min", n=text if lang == "en" else text.replace(".", ","))


def _named(lang: str, table: dict, value, fallback: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool) and value in table:
        return table[value]
    return gettext(lang, fallback, id=value)


def value_words(lang: str, key: str, value, names: dict, timezone: str) -> str:
    """One detail's value in words: yes/no, local times, minutes, names for ids, known values translated."""
    if key in SECRET_KEYS:
        return gettext(lang, "changed")
    if key in BOOLEANS and value in (0, 1):
        value = bool(value)
    if isinstance(value, bool):
        return gettext(lang, "yes" if value else "no")
    if value is None or value == "":
        return "—"
    if key in ("service_id", "from_service_id"):
        return _named(lang, names["services"], value, "Service %(id)s")
    if key == "service_ids" and isinstance(value, list):
        return ", ".join(_named(lang, names["services"], v, "Service %(id)s") for v in value) or "—"
    if key in ("desk_id", "to_desk_id"):
        return _named(lang, names["desks"], value, "Desk %(id)s")
    if key in ("user_id", "to_user_id", "for_user_id"):
        return _named(lang, names["users"], value, "User %(id)s")
    if key == "booking_id":
        return gettext(lang, "Booking %(id)s", id=value)
    if key == "day" and isinstance(value, str) and re.match(r"^\d{4}-\d\d-\d\d$", value):
        return ".".join(reversed(value.split("-")))
    if key in ("media_id", "playlist_id", "notice_id", "outcome_id"):
        return f"№{value}"
    if key == "call":
        return gettext(lang, "Help request %(id)s", id=value)
    if key == "id":
        return gettext(lang, "Entry %(id)s", id=value)
    if key.endswith("_s"):
        return _duration(lang, value)
    if key == "weekdays" and isinstance(value, (list, str)):
        days = value.split(",") if isinstance(value, str) else value
        return ", ".join(gettext(lang, WEEKDAYS[int(d)]) if str(d).isdigit() and int(d) < 7 else str(d) for d in days)
    if key in VALUES and isinstance(value, str):
        known = VALUES[key].get(value)
        return gettext(lang, known) if known else value
    if key == "languages" and isinstance(value, str):
        return ", ".join(VALUES["lang"].get(v, v) for v in value.split(","))
    if isinstance(value, str) and ISO_TIME.match(value):
        return local(value, timezone)
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, dict):
        return ", ".join(f"{gettext(lang, DETAILS[k]) if k in DETAILS else k}: {v}" for k, v in value.items())
    if isinstance(value, float):
        return str(value) if lang == "en" else str(value).replace(".", ",")
    return str(value)


def words(event: dict, lang: str, names: dict, timezone: str) -> dict:
    """An audit row in words: {at, what, details: [[label, value], …]} in `lang`."""
    details = event.get("details") or {}
    what = gettext(lang, EVENTS[event["name"]]) if event["name"] in EVENTS else event["name"]
    flags = [("out_of_order", "out of order"), ("priority", "priority"), ("automatic", "automatically")]
    what += "".join(" · " + gettext(lang, text) for key, text in flags
                    if details.get(key) is True and not (key == "priority" and event["name"] != "ticket.issued"))
    shown = []
    if event.get("service_id") and event["name"] != "ticket.transferred" and "service_id" not in details:
        shown.append([gettext(lang, "Service"), value_words(lang, "service_id", event["service_id"], names, timezone)])
    if event["name"] == "ticket.transferred" and event.get("service_id"):
        shown.append([gettext(lang, "To service"), value_words(lang, "service_id", event["service_id"], names,
                                                                timezone)])
    for key, value in details.items():
        if key in HIDDEN or (key in ("out_of_order", "automatic") and value is True):
            continue
        if key == "priority" and event["name"] == "ticket.issued":
            continue
        if key == "desk" and value == event.get("desk"):
            continue   # the row's Desk column says it already
        if value is None or not value and key in ("first", "put_first", "reprint", "late", "walk_in"):
            continue
        label = gettext(lang, DETAILS[key]) if key in DETAILS else key
        shown.append([label, value_words(lang, key, value, names, timezone)])
    return {"at": local(event.get("at"), timezone), "what": what, "details": shown}

