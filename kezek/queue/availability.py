"""Whether a service issues tickets now: the office's week, lunch break and holidays, a service's own hours, its daily limit."""
from __future__ import annotations

from datetime import datetime

from kezek.base.clock import local_day, local_time
from kezek.office import hours
from kezek.office import store as office_store
from kezek.queue import store


def office_closed(db, office: dict, now: datetime) -> str | None:
    """Why the whole office issues no ticket now by its week and holidays ('holiday', 'lunch', 'hours'), or None."""
    if office_store.is_public_holiday(db, office["id"], local_day(now, office["timezone"])):
        return "holiday"
    why = hours.closed_now(db, office, now)
    return {"lunch": "lunch", "closed": "hours"}.get(why) if why else None


def service_availability(db, service: dict, office: dict, now: datetime, *,
                         closed: str | None | bool = False) -> str | None:
    """Why a service cannot issue a ticket now ('inactive', 'closed', 'daily_limit'), or None.

    `closed` is office_closed() when the caller already knows it (a list of every service asks once).
    """
    if not service["active"]:
        return "inactive"
    if office.get("closed_at"):
        return "closed"          # closed by the region: kiosks show every service closed
    closed = office_closed(db, office, now) if closed is False else closed
    if service["opens"] and service["closes"]:
        if closed == "holiday" or not (service["opens"] <= local_time(now, office["timezone"]) < service["closes"]):
            return "closed"      # a service's own hours stand in for the office's week, not for its holidays
    elif closed:
        return "closed"          # a holiday, outside the weekday's hours, or in its lunch break
    limit = service["daily_limit"]
    if limit is not None and store.issued_today(db, service["id"], local_day(now, office["timezone"])) >= limit:
        return "daily_limit"
    return None


def lunch_break(db, service: dict, office: dict, now: datetime, why: str | None) -> dict:
    """{closed_for: 'lunch', until: 'HH:MM'} when `why` is 'closed' only because of the office's lunch break, else {}."""
    if why != "closed" or (service["opens"] and service["closes"]) or office_closed(db, office, now) != "lunch":
        return {}
    today = hours.day_hours(db, office, local_day(now, office["timezone"]))
    return {"closed_for": "lunch", "until": today["lunch_to"]}


UNAVAILABLE_MESSAGES = {
    "inactive": "This service is temporarily unavailable.",
    "closed": "This service is closed now.",
    "daily_limit": "Today's tickets for this service have run out.",
}
