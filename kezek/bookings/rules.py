"""Booking configuration (admin): a service's booking rule, the office's settings, holidays, closed slots."""
from __future__ import annotations

from datetime import date, datetime

from kezek.base import database
from kezek.base.errors import Invalid, NotFound
from kezek.bookings import slots, store
from kezek.log import chain
from kezek.office import store as office_store
from kezek.office.config import HHMM

RULE_LIMITS = {"slot_minutes": (5, 240), "capacity": (1, 50), "days_ahead": (0, 90), "early_min": (0, 240),
               "late_min": (0, 240)}
SETTING_LIMITS = {"appointments_in_row": (0, 50), "phone_daily_limit": (0, 20), "same_day_lead_min": (0, 240)}


def _int(values: dict, key: str, low: int, high: int) -> None:
    value = values.get(key)
    if key in values and (isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high):
        raise Invalid(f"{key}: a whole number from {low} to {high} is needed.", "bad_field", field=key)


def _time(values: dict, key: str) -> None:
    if values.get(key) is not None and not (isinstance(values[key], str) and HHMM.match(values[key])):
        raise Invalid(f"{key}: a time as HH:MM is needed.", "bad_field", field=key)


def _day(text) -> str:
    try:
        return date.fromisoformat(text).isoformat()
    except (TypeError, ValueError):
        raise Invalid("day: a date as YYYY-MM-DD is needed.", "bad_field", field="day")


def set_rule(db, service_id: int, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Create or change a service's booking rule (unknown fields are refused)."""
    unknown = set(values) - set(slots.RULE_DEFAULTS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    values = dict(values)
    for key, (low, high) in RULE_LIMITS.items():
        _int(values, key, low, high)
    for key in ("opens", "closes", "lunch_from", "lunch_to"):
        _time(values, key)
    if "enabled" in values:
        if not isinstance(values["enabled"], bool):
            raise Invalid("enabled: true or false.", "bad_field", field="enabled")
        values["enabled"] = int(values["enabled"])
    with database.transaction(db):
        service = office_store.service(db, service_id)
        if service is None:
            raise NotFound("No such service.", "service_not_found")
        merged = {**(slots.rule(db, service_id) or slots.RULE_DEFAULTS), **values}
        for first, second in (("opens", "closes"), ("lunch_from", "lunch_to")):
            if bool(merged.get(first)) != bool(merged.get(second)):
                raise Invalid(f"Give both {first} and {second}, or neither.", "bad_field", field=first)
            if merged.get(first) and merged[first] >= merged[second]:
                raise Invalid(f"{first} must be before {second}.", "bad_field", field=first)
        store.save_rule(db, service_id, {c: merged[c] for c in slots.RULE_DEFAULTS})
        chain.append(db, now, service["office_id"], "booking.rule_changed", service_id=service_id,
                     user_id=by_user_id, details=values)
    return slots.rule(db, service_id)


def set_settings(db, office_id: str, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Change the office's booking settings: walk-ins' fair share, phone limit, weekdays, same-day lead time."""
    unknown = set(values) - set(slots.SETTINGS_DEFAULTS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    values = dict(values)
    for key, (low, high) in SETTING_LIMITS.items():
        _int(values, key, low, high)
    if "weekdays" in values:
        days = values["weekdays"]
        if not isinstance(days, list) or not all(isinstance(d, int) and 1 <= d <= 7 for d in days):
            raise Invalid("weekdays: a list of ISO weekdays, 1 (Monday) to 7.", "bad_field", field="weekdays")
        values["weekdays"] = ",".join(str(d) for d in sorted(set(days)))
    with database.transaction(db):
        if not office_store.office(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        merged = {**slots.settings(db, office_id), **values}
        store.save_settings(db, office_id, {c: merged[c] for c in store.SETTINGS_COLUMNS})
        store.save_lead_time(db, office_id, merged["same_day_lead_min"])
        chain.append(db, now, office_id, "booking.settings_changed", user_id=by_user_id, details=values)
    return slots.settings(db, office_id)


def add_holiday(db, office_id: str, day: str, name: str, now: datetime, *, by_user_id=None) -> dict:
    """A day without bookings (existing bookings stay: staff contact those visitors)."""
    day = _day(day)
    if not isinstance(name, str) or len(name) > 120:
        raise Invalid("name: text of at most 120 characters.", "bad_field", field="name")
    with database.transaction(db):
        store.save_holiday(db, office_id, day, name)
        chain.append(db, now, office_id, "booking.holiday_added", user_id=by_user_id, details={"day": day})
    return {"day": day, "name": name}


def remove_holiday(db, office_id: str, day: str, now: datetime, *, by_user_id=None) -> None:
    """Take a holiday back."""
    day = _day(day)
    with database.transaction(db):
        if not store.delete_holiday(db, office_id, day):
            raise NotFound("No such holiday.", "holiday_not_found")
        chain.append(db, now, office_id, "booking.holiday_removed", user_id=by_user_id, details={"day": day})


def close(db, office_id: str, day: str, now: datetime, *, service_id: int | None = None,
          slot_time: str | None = None, reason: str = "", by_user_id=None) -> dict:
    """Close one slot (local HH:MM) or a whole day, for one service or all."""
    values = {"slot_time": slot_time}
    _time(values, "slot_time")
    day = _day(day)
    if service_id is not None:
        service = office_store.service(db, service_id)
        if service is None or service["office_id"] != office_id:
            raise NotFound("No such service.", "service_not_found")
    with database.transaction(db):
        closed_id = store.insert_closure(db, office_id, service_id, day, slot_time, reason or "")
        chain.append(db, now, office_id, "booking.slots_closed", service_id=service_id, user_id=by_user_id,
                     details={"day": day, "slot_time": slot_time})
    return {"id": closed_id, "service_id": service_id, "day": day, "slot_time": slot_time, "reason": reason or ""}


def reopen(db, office_id: str, closed_id: int, now: datetime, *, by_user_id=None) -> None:
    """Remove a closure."""
    with database.transaction(db):
        if not store.delete_closure(db, office_id, closed_id):
            raise NotFound("No such closure.", "closure_not_found")
        chain.append(db, now, office_id, "booking.slots_reopened", user_id=by_user_id, details={"id": closed_id})


def overview(db, office_id: str) -> dict:
    """Everything about bookings an admin sets, for the admin screen."""
    return {"settings": {**slots.settings(db, office_id),
                         "weekdays": [int(d) for d in str(slots.settings(db, office_id)["weekdays"]).split(",") if d]},
            "rules": {str(s["id"]): slots.rule(db, s["id"]) for s in office_store.services(db, office_id)
                      if slots.rule(db, s["id"])},
            "holidays": store.holidays(db, office_id),
            "closed": store.closures(db, office_id)}
