"""Booking reports: how many bookings were kept, missed or cancelled, how punctually booked
visitors were called, and what share of the office's visits were booked.

Punctuality = the appointment ticket's first call (the first `ticket.called` event) minus the
slot's start: negative when called early. "On time" means called no later than
ON_TIME_S after the slot began. A booking is missed (a no-show) when its check-in window
closed without a check-in. Percentiles use the nearest rank: the ⌈p·n⌉-th smallest value.
"""
from __future__ import annotations

import math
import statistics
from datetime import date, datetime, timedelta

from kezek.base.clock import parse
from kezek.base.errors import Invalid, NotFound
from kezek.bookings import reservations, store
from kezek.office import store as office_store

ON_TIME_S = 300
MAX_DAYS = 400


def period(start: str | None, end: str | None, today: str) -> tuple[str, str]:
    """A period of office-local dates; defaults: the last seven days."""
    try:
        end_day = date.fromisoformat(end) if end else date.fromisoformat(today)
        start_day = date.fromisoformat(start) if start else end_day - timedelta(days=6)
    except ValueError:
        raise Invalid("Dates are written YYYY-MM-DD.", "bad_date", field="from" if start else "to")
    if start_day > end_day or (end_day - start_day).days >= MAX_DAYS:
        raise Invalid(f"A period of 1 to {MAX_DAYS} days, from before to.", "bad_period", field="from")
    return start_day.isoformat(), end_day.isoformat()


def _rank(values: list[float], share: float) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def _punctuality(delays: list[float]) -> dict:
    return {"called": len(delays),
            "delay_mean_s": round(statistics.fmean(delays), 1) if delays else None,
            "delay_median_s": _rank(delays, 0.5), "delay_p90_s": _rank(delays, 0.9),
            "on_time": sum(1 for d in delays if d <= ON_TIME_S),
            "on_time_share": round(sum(1 for d in delays if d <= ON_TIME_S) / len(delays), 3) if delays else None,
            "called_early": sum(1 for d in delays if d < 0)}


def report(db, office_id: str, start: str, end: str, now: datetime) -> dict:
    """The bookings report of an office for the local days [start, end], in total and per service."""
    if office_store.office(db, office_id) is None:
        raise NotFound("No such office.", "office_not_found")
    rows = store.bookings_with_visits(db, office_id, start, end)
    issued = store.issued_per_service(db, office_id, start, end)
    groups: dict = {None: []}
    for r in rows:
        groups[None].append(r)
        groups.setdefault(r["service_id"], []).append(r)

    def figures(members: list[dict], service_id) -> dict:
        states = [reservations.status(db, r, now) for r in members]
        kept, missed = states.count("checked_in"), states.count("missed")
        delays = [(parse(r["first_called_at"]) - parse(r["slot_at"])).total_seconds()
                  for r in members if r["first_called_at"]]
        arrivals = [(parse(r["issued_at"]) - parse(r["slot_at"])).total_seconds() for r in members if r["issued_at"]]
        visits = sum(issued.values()) if service_id is None else issued.get(service_id, 0)
        return {"bookings": len(members), "checked_in": kept, "missed": missed,
                "cancelled": states.count("cancelled"), "upcoming": states.count("booked"),
                "no_show_share": round(missed / (kept + missed), 3) if kept + missed else None,
                "visits": visits, "booked_visits": kept,
                "booked_share": round(kept / visits, 3) if visits else None,
                "arrival_median_s": _rank(arrivals, 0.5), "punctuality": _punctuality(delays)}

    services = sorted(set(issued) | {k for k in groups if k is not None})
    return {"office": office_id, "from": start, "to": end, "on_time_s": ON_TIME_S,
            "total": figures(groups[None], None),
            "services": [{"service_id": s, **figures(groups.get(s, []), s)} for s in services]}
