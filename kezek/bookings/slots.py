"""Booking slots: which times a service offers, in the office's time zone, and how many are free.

A service takes bookings when it has an enabled `booking_rules` row. Its day runs from its
opening to its closing time (the rule's own, else the service's, else the office's hours,
else 09:00–18:00) in steps of `slot_minutes`; a slot must end by closing time and must not
overlap the lunch break. Each slot holds `capacity` bookings (the desks that take booked
visitors). Holidays, weekdays the office does not book, and closed slots (one slot or a
whole day, for one service or all) have no slots. Times are stored in UTC; days and
HH:MM are the office's local ones.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from kezek.base.clock import iso, local_day
from kezek.base.errors import NotFound
from kezek.bookings import store
from kezek.office import hours as office_hours
from kezek.office import store as office_store
from kezek.queue import appointments

DEFAULT_HOURS = ("09:00", "18:00")
RULE_DEFAULTS = {"enabled": 1, "slot_minutes": 15, "capacity": 1, "days_ahead": 14, "opens": None,
                 "closes": None, "lunch_from": None, "lunch_to": None, "early_min": 15, "late_min": 10}
SETTINGS_DEFAULTS = {"appointments_in_row": appointments.APPOINTMENTS_IN_ROW, "phone_daily_limit": 2, "weekdays": "1,2,3,4,5",
                     "same_day_lead_min": 30}


@dataclass
class Slot:
    """One bookable time: its start (UTC ISO), local day and HH:MM, seats and how many are free."""

    at: str
    day: str
    time: str
    capacity: int
    taken: int
    free: int
    open: bool          # in the future and not closed: can be booked now

    def as_dict(self) -> dict:
        """The slot as JSON."""
        return asdict(self)


def settings(db, office_id: str) -> dict:
    """The office's booking settings (defaults when none are stored)."""
    row = store.booking_settings(db, office_id)
    lead = store.lead_time(db, office_id)
    return {**SETTINGS_DEFAULTS, **(row or {}), "office_id": office_id,
            "same_day_lead_min": SETTINGS_DEFAULTS["same_day_lead_min"] if lead is None else lead}


def rule(db, service_id: int) -> dict | None:
    """A service's booking rule with defaults filled in, or None when it takes no bookings."""
    row = store.booking_rule(db, service_id)
    if row is None:
        return None
    return {**RULE_DEFAULTS, **{k: v for k, v in row.items() if v is not None}, "service_id": service_id}


def hours(service: dict, office: dict, booking_rule: dict) -> tuple[str, str]:
    """(opens, closes) as local HH:MM for bookings of a service."""
    for source in (booking_rule, service, office):
        if source.get("opens") and source.get("closes"):
            return source["opens"], source["closes"]
    return DEFAULT_HOURS


def _minutes(hhmm: str) -> int:
    return int(hhmm[:2]) * 60 + int(hhmm[3:5])


def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def day_times(booking_rule: dict, opens: str, closes: str) -> list[str]:
    """The local start times (HH:MM) of a day's slots, before holidays and closures."""
    step = int(booking_rule["slot_minutes"])
    start, end = _minutes(opens), _minutes(closes)
    lunch = None
    if booking_rule.get("lunch_from") and booking_rule.get("lunch_to"):
        lunch = (_minutes(booking_rule["lunch_from"]), _minutes(booking_rule["lunch_to"]))
    out, t = [], start
    while t + step <= end:
        if lunch and t < lunch[1] and t + step > lunch[0]:
            t = lunch[1]          # the grid starts again when lunch ends
            continue
        out.append(_hhmm(t))
        t += step
    return out


def slot_start(day: str, hhmm: str, tz: str) -> datetime:
    """The UTC moment of a local day and time in the office's zone."""
    local = datetime.combine(date.fromisoformat(day), datetime.strptime(hhmm, "%H:%M").time(), ZoneInfo(tz))
    return local.astimezone(timezone.utc)


def closed_day(db, office_id: str, service_id: int, day: str) -> bool:
    """Whether the office takes no bookings of this service on a day (weekday, holiday, closure)."""
    weekdays = {int(d) for d in str(settings(db, office_id)["weekdays"]).split(",") if d.strip()}
    if date.fromisoformat(day).isoweekday() not in weekdays:
        return True
    if store.is_holiday(db, office_id, day):
        return True
    if office_hours.day_hours(db, office_store.office(db, office_id), day) is None:
        return True           # the office's weekly hours close it that weekday
    return store.is_day_closed(db, office_id, service_id, day)


def taken(db, service_id: int, day: str) -> dict[str, int]:
    """slot start (UTC ISO) -> how many active bookings hold it."""
    return store.booked_per_slot(db, service_id, day)


def _context(db, service_id: int) -> tuple[dict, dict, dict]:
    service = office_store.service(db, service_id)
    if service is None:
        raise NotFound("No such service.", "service_not_found")
    booking_rule = rule(db, service_id)
    if booking_rule is None or not booking_rule["enabled"] or not service["active"]:
        raise NotFound("This service takes no bookings.", "booking_not_offered")
    return service, office_store.office(db, service["office_id"]), booking_rule


def bookable_days(db, service_id: int, now: datetime) -> list[str]:
    """Today and the days after it that the rule lets visitors book (closed days included)."""
    service, office, booking_rule = _context(db, service_id)
    today = date.fromisoformat(local_day(now, office["timezone"]))
    return [(today + timedelta(days=n)).isoformat() for n in range(int(booking_rule["days_ahead"]) + 1)]


def day_slots(db, service_id: int, day: str, now: datetime) -> list[Slot]:
    """A day's slots of a service with their free seats; a closed or out-of-range day has none."""
    service, office, booking_rule = _context(db, service_id)
    if day not in bookable_days(db, service_id, now) or closed_day(db, office["id"], service_id, day):
        return []
    opens, closes = hours(service, office, booking_rule)
    today = office_hours.day_hours(db, office, day) or {}
    if not (booking_rule.get("opens") or service.get("opens")) and today.get("opens"):
        opens, closes = today["opens"], today["closes"]     # the weekday's own hours
    if not booking_rule.get("lunch_from") and today.get("lunch_from"):
        booking_rule = {**booking_rule, "lunch_from": today["lunch_from"], "lunch_to": today["lunch_to"]}
    closed = store.closed_times(db, office["id"], service_id, day)
    held = taken(db, service_id, day)
    capacity = int(booking_rule["capacity"])
    now_iso = iso(now)
    out = []
    for hhmm in day_times(booking_rule, opens, closes):
        at = iso(slot_start(day, hhmm, office["timezone"]))
        used = held.get(at, 0)
        free = 0 if hhmm in closed else max(0, capacity - used)
        out.append(Slot(at, day, hhmm, capacity, used, free, free > 0 and at > now_iso))
    return out


def find_slot(db, service_id: int, at: str, now: datetime) -> Slot | None:
    """The slot of a service starting at `at` (UTC ISO), if the rule offers it at all."""
    service, office, _ = _context(db, service_id)
    moment = datetime.fromisoformat(at.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        return None
    day = local_day(moment, office["timezone"])
    wanted = iso(moment)
    return next((s for s in day_slots(db, service_id, day, now) if s.at == wanted), None)


def days_overview(db, service_id: int, now: datetime) -> list[dict]:
    """Each bookable day with how many slots are still free to book, and whether the office is closed that day."""
    days = bookable_days(db, service_id, now)        # NotFound for a service that takes no bookings
    office_id = office_store.service(db, service_id)["office_id"]
    return [{"day": d, "free": sum(1 for s in day_slots(db, service_id, d, now) if s.open),
             "closed": closed_day(db, office_id, service_id, d)} for d in days]


def bookable_services(db, office_id: str) -> list[dict]:
    """The office's active services that take bookings, with their rule."""
    out = []
    for service in office_store.services(db, office_id):
        booking_rule = rule(db, service["id"])
        if booking_rule and booking_rule["enabled"] and service["active"]:
            out.append({**service, "rule": booking_rule})
    return out


def free_today(db, office_id: str, now: datetime) -> list[dict]:
    """For the open board: per bookable service, today's free slots from now and the next free time."""
    office = office_store.office(db, office_id)
    if office is None:
        raise NotFound("No such office.", "office_not_found")
    today = local_day(now, office["timezone"])
    out = []
    for service in bookable_services(db, office_id):
        open_slots = [s for s in day_slots(db, service["id"], today, now) if s.open]
        out.append({"service_id": service["id"], "prefix": service["prefix"],
                    "name_kk": service["name_kk"], "name_ru": service["name_ru"], "name_en": service["name_en"],
                    "free_slots": len(open_slots), "free_seats": sum(s.free for s in open_slots),
                    "next_free": open_slots[0].time if open_slots else None})
    return out
