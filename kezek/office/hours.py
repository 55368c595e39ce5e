"""An office's opening hours per weekday, with a lunch break: when it issues tickets and takes bookings."""
from __future__ import annotations

import re
from datetime import date, datetime

from kezek.base import database
from kezek.base.clock import local_day, local_time
from kezek.base.errors import Invalid, NotFound
from kezek.log import chain
from kezek.office import store

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
WEEKDAYS = range(1, 8)          # ISO: 1 Monday … 7 Sunday
DAY_FIELDS = ("weekday", "opens", "closes", "lunch_from", "lunch_to")


def _time(day: dict, key: str, required: bool) -> None:
    value = day.get(key)
    if value is None and not required:
        day[key] = None
        return
    if not isinstance(value, str) or not HHMM.match(value):
        raise Invalid(f"{key}: a time as HH:MM is needed.", "bad_field", field=key, weekday=day["weekday"])


def check_day(day) -> dict:
    """One weekday's hours, checked: opens < lunch_from < lunch_to < closes (lunch optional).

    A refusal names the field and the weekday (and, for hours that do not fit together, the `problem`), so that a
    screen shows it at that day's input.
    """
    if not isinstance(day, dict):
        raise Invalid("Each day is {weekday, opens, closes, lunch_from?, lunch_to?}.", "bad_field", field="days")
    unknown = set(day) - set(DAY_FIELDS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    day = dict(day)
    weekday = day.get("weekday")
    if isinstance(weekday, bool) or weekday not in WEEKDAYS:
        raise Invalid("weekday: 1 (Monday) to 7 (Sunday).", "bad_field", field="weekday")
    _time(day, "opens", True)
    _time(day, "closes", True)
    _time(day, "lunch_from", False)
    _time(day, "lunch_to", False)
    if not day["opens"] < day["closes"]:
        raise Invalid("The office must open before it closes.", "bad_hours", field="closes", weekday=weekday,
                      problem="closes")
    if (day["lunch_from"] is None) != (day["lunch_to"] is None):
        missing = "lunch_to" if day["lunch_to"] is None else "lunch_from"
        raise Invalid("Give both ends of the lunch break, or neither.", "bad_hours", field=missing, weekday=weekday,
                      problem="lunch_pair")
    if day["lunch_from"] and not day["opens"] < day["lunch_from"] < day["lunch_to"] < day["closes"]:
        raise Invalid("The lunch break must lie within the opening hours.", "bad_hours", field="lunch_from",
                      weekday=weekday, problem="lunch_within")
    return {k: day[k] for k in DAY_FIELDS}


def weekly(db, office_id: str) -> list[dict]:
    """The office's hours, one row per open weekday ([] when it keeps the office's all-week hours)."""
    return store.office_hours(db, office_id)


def set_weekly(db, office_id: str, days: list, now: datetime, *, by_user_id=None) -> list[dict]:
    """Replace the office's weekly hours; a weekday left out is closed ([] returns to the all-week hours)."""
    if not isinstance(days, list):
        raise Invalid("days: a list of {weekday, opens, closes, lunch_from?, lunch_to?}.", "bad_field", field="days")
    checked = [check_day(d) for d in days]
    if len({d["weekday"] for d in checked}) != len(checked):
        raise Invalid("Each weekday at most once.", "bad_hours", field="weekday", problem="weekday")
    with database.transaction(db):
        if not store.office(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        store.replace_office_hours(db, office_id, sorted(checked, key=lambda d: d["weekday"]))
        chain.append(db, now, office_id, "office.hours_changed", user_id=by_user_id, details={"days": checked})
    return weekly(db, office_id)


def day_hours(db, office: dict, day: str) -> dict | None:
    """A local day's hours {opens, closes, lunch_from, lunch_to}; None when the office is closed that weekday."""
    rows = weekly(db, office["id"])
    if not rows:
        if office["opens"] and office["closes"]:
            return {"opens": office["opens"], "closes": office["closes"], "lunch_from": None, "lunch_to": None}
        return {"opens": None, "closes": None, "lunch_from": None, "lunch_to": None}    # open all day
    weekday = date.fromisoformat(day).isoweekday()
    for row in rows:
        if row["weekday"] == weekday:
            return {k: row[k] for k in ("opens", "closes", "lunch_from", "lunch_to")}
    return None


def closed_now(db, office: dict, now: datetime) -> str | None:
    """Why the office issues no ticket at `now` by its weekly hours ('closed', 'lunch'), or None."""
    hours = day_hours(db, office, local_day(now, office["timezone"]))
    if hours is None:
        return "closed"
    local = local_time(now, office["timezone"])
    if hours["opens"] and not hours["opens"] <= local < hours["closes"]:
        return "closed"
    if hours["lunch_from"] and hours["lunch_from"] <= local < hours["lunch_to"]:
        return "lunch"
    return None
