"""Report figures from the event log: counts, wait and service times, targets, ratings.

A ticket's figures belong to the office-local day and hour it was issued and to the service
it was issued for. Wait = issue → first call (the first `ticket.called` event); service time =
the last `ticket.started` → `ticket.finished`. Served, no-show, cancelled come from the
ticket's latest event; desk and operator are the ones that last called the ticket. A transfer
counts for the desk and operator that made it (the `ticket.transferred` event); ratings come
from `ticket.rated`; visit outcomes (what a finished visit came to) from kezek/queue/outcomes.py's rows,
by the day the ticket was issued. These per-ticket facts are folded from the log as it is written
(kezek/log/report_facts.py, table report_tickets), so a month's report reads one narrow row per
ticket. Percentiles use the nearest-rank method: the ⌈p·n⌉-th smallest value.
"""
from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta

from kezek.base.clock import iso, local_day, utc_bounds
from kezek.base.errors import Invalid
from kezek.office import store as office_store
from kezek.queue import store as queue_store
from kezek.reports import store

DIMENSIONS = ("day", "hour", "service", "desk", "operator")
COLUMNS = ("issued", "served", "no_show", "cancelled", "transferred",
           "wait_mean_s", "wait_median_s", "wait_p90_s",
           "service_mean_s", "service_median_s", "service_p90_s",
           "within_target", "rated", "rating_mean")
MAX_DAYS = 400


def parse_period(start: str | None, end: str | None, today: str) -> tuple[str, str]:
    """Validate a period of office-local dates (YYYY-MM-DD); defaults: the last seven days."""
    try:
        end_day = date.fromisoformat(end) if end else date.fromisoformat(today)
        start_day = date.fromisoformat(start) if start else end_day - timedelta(days=6)
    except ValueError:
        raise Invalid("Dates are written YYYY-MM-DD.", "bad_date", field="from" if start else "to")
    if start_day > end_day:
        raise Invalid("The period starts after it ends.", "bad_period", field="from")
    if (end_day - start_day).days >= MAX_DAYS:
        raise Invalid(f"A report covers at most {MAX_DAYS} days.", "period_too_long", field="from")
    return start_day.isoformat(), end_day.isoformat()


AT_DESK = ("called", "serving", "done", "no_show")
STATUSES = ("waiting", "called", "serving", "done", "no_show", "cancelled", "expired")


def _spread(values: list[float]) -> tuple:
    """(mean, median, p90) of some seconds, each rounded to 0.1 s; Nones when there are none."""
    if not values:
        return None, None, None
    values.sort()
    n = len(values)
    middle = values[n // 2] if n % 2 else (values[n // 2 - 1] + values[n // 2]) / 2
    return (round(math.fsum(values) / n, 1), round(middle, 1), round(values[max(0, math.ceil(0.9 * n) - 1)], 1))


def _figures(counts: Counter, key, waits: list, services: list, ratings: list, transferred: int) -> dict:
    ok, late = counts.get((key, "ok"), 0), counts.get((key, "late"), 0)
    wait, service = _spread(waits), _spread(services)
    return {
        "issued": counts.get((key, "issued"), 0), "served": counts.get((key, "done"), 0),
        "no_show": counts.get((key, "no_show"), 0), "cancelled": counts.get((key, "cancelled"), 0),
        "transferred": transferred,
        "wait_mean_s": wait[0], "wait_median_s": wait[1], "wait_p90_s": wait[2],
        "service_mean_s": service[0], "service_median_s": service[1], "service_p90_s": service[2],
        "within_target": round(ok / (ok + late), 4) if ok + late else None,
        "rated": len(ratings), "rating_mean": round(statistics.fmean(ratings), 2) if ratings else None,
    }


def _grouped(keys: list, values: list) -> dict:
    groups: dict = defaultdict(list)
    for k, v in zip(keys, values):
        if v is not None:
            groups[k].append(v)
    return groups


def _aggregate(keys: list, status: list, waits: list, services: list, ratings: list, flags: list,
               transfers: Counter) -> dict:
    """key -> figures for one dimension; None keys (no desk, no operator) are left out."""
    # Counter counts in C: two passes give every count a row needs.
    counts: Counter = Counter(zip(keys, status))
    counts.update(zip(keys, flags))
    for (k, st), n in list(counts.items()):
        if st in STATUSES:
            counts[(k, "issued")] += n
    wait_lists, service_lists = _grouped(keys, waits), _grouped(keys, services)
    rating_lists = _grouped([k for k, r in zip(keys, ratings) if r is not None], [r for r in ratings if r is not None])
    return {k: _figures(counts, k, wait_lists.get(k, []), service_lists.get(k, []), rating_lists.get(k, []),
                        transfers.get(k, 0))
            for k in {k for k, _ in counts} | set(transfers) if k is not None}


def _totals(status: list, waits: list, services: list, ratings: list, flags: list, moved: int) -> dict:
    counts = Counter((0, st) for st in status)
    counts.update((0, f) for f in flags)
    counts[(0, "issued")] = len(status)
    return _figures(counts, 0, [w for w in waits if w is not None], [s for s in services if s is not None],
                    [r for r in ratings if r is not None], moved)


def report(db, office_id: str, start: str, end: str) -> dict:
    """Figures for the office-local dates start..end, in total and per day, hour, service, desk, operator."""
    office = office_store.office(db, office_id)
    if office is None:
        raise Invalid("No such office.", "office_not_found")
    services = {s["id"]: s for s in office_store.services(db, office_id)}
    desks = {d["id"]: d for d in office_store.desks(db, office_id)}
    targets = {sid: s["target_wait_s"] or office["target_wait_s"] for sid, s in services.items()}
    # One narrow summary row per ticket issued in the period (kept by kezek/log/report_facts.py).
    facts = store.ticket_facts(db, office_id, start, end)
    (days, hours, service_ids, desk_ids, user_ids, status, waits, service_s, ratings,
     ticket_ids) = (facts[c] for c in ("day", "hour", "service_id", "desk_id", "user_id", "status", "wait_s",
                                       "service_s", "rating", "ticket_id"))
    service_s = [s if st == "done" else None for s, st in zip(service_s, status)]
    at_desk = [d if st in AT_DESK else None for d, st in zip(desk_ids, status)]
    by_user = [u if d is not None else None for u, d in zip(user_ids, at_desk)]
    # Served tickets with a known wait, and whether that wait met the service's target.
    office_target = office["target_wait_s"]
    flags = [None if st != "done" or w is None else ("ok" if w <= targets.get(sid, office_target) else "late")
             for st, w, sid in zip(status, waits, service_ids)]

    since, until = utc_bounds(start, end, office["timezone"])
    # Transfers can happen a little after the period's last day ends (expiry runs next day).
    place = {tid: i for i, tid in enumerate(ticket_ids)}
    moved = {dim: Counter() for dim in ("total", *DIMENSIONS)}
    later = iso(datetime.fromisoformat(until.replace("Z", "+00:00")) + timedelta(days=1))
    for e in store.transfers(db, office_id, since, later):
        i = place.get(e["ticket_id"])
        if i is None:
            continue
        moved["total"][0] += 1
        moved["day"][days[i]] += 1
        moved["hour"][hours[i]] += 1
        moved["service"][service_ids[i]] += 1
        if e["desk_id"] is not None:
            moved["desk"][e["desk_id"]] += 1
            if e["user_id"] is not None:
                moved["operator"][e["user_id"]] += 1

    columns = {"day": days, "hour": hours, "service": service_ids, "desk": at_desk, "operator": by_user}
    groups = {}
    for dim, keys in columns.items():
        groups[dim] = _aggregate(keys, status, waits, service_s, ratings, flags, moved[dim])
    total = _totals(status, waits, service_s, ratings, flags, moved["total"][0])

    users = _usernames(db, {k for k in groups["operator"]})
    labels = {
        "day": lambda k: k,
        "hour": lambda k: f"{k:02d}:00",
        "service": lambda k: f"{services[k]['prefix']} — {services[k]['name_en']}" if k in services else str(k),
        "desk": lambda k: desks[k]["name"] if k in desks else str(k),
        "operator": lambda k: users.get(k, str(k)),
    }
    empty = _figures(Counter(), None, [], [], [], 0)
    out = {"office": office_id, "from": start, "to": end, "timezone": office["timezone"],
           "columns": list(COLUMNS), "totals": total}
    for dim in DIMENSIONS:
        keys = sorted(groups[dim])
        if dim == "hour" and keys:
            keys = list(range(min(keys), max(keys) + 1))
        out[f"by_{dim}"] = [{"key": k, "label": labels[dim](k), **groups[dim].get(k, empty)} for k in keys]
    out["outcomes"] = outcome_figures(db, office_id, start, end)
    for row in out["by_service"]:
        s = services.get(row["key"])
        if s:
            row.update(prefix=s["prefix"], name_kk=s["name_kk"], name_ru=s["name_ru"], name_en=s["name_en"],
                       target_wait_s=targets[s["id"]])
    return out


def outcome_figures(db, office_id: str, start: str, end: str) -> list[dict]:
    """Each of the office's visit outcomes with how many visits came to it and how many services they served."""
    counts = {r["outcome_id"]: r for r in queue_store.outcome_counts(db, office_id, start, end)}
    out = []
    for kind in queue_store.outcome_kinds(db, office_id):
        row = counts.get(kind["id"], {})
        if not kind["active"] and not row:
            continue
        out.append({k: kind[k] for k in ("id", "code", "name_kk", "name_ru", "name_en")} | {
            "visits": row.get("visits", 0), "services": row.get("services") or 0})
    return out


def _usernames(db, user_ids: set[int]) -> dict[int, str]:
    if not user_ids:
        return {}
    return {r["id"]: r["name"] for r in store.usernames_of(db, sorted(user_ids))}   # the full name when set


def today_board(db, office_id: str, now: datetime) -> dict:
    """The open board: per service, waiting now, today's mean wait and served count (numbers only)."""
    office = office_store.office(db, office_id)
    if office is None:
        raise Invalid("No such office.", "office_not_found")
    day = local_day(now, office["timezone"])
    figures = {row["key"]: row for row in report(db, office_id, day, day)["by_service"]}
    counts = queue_store.waiting_counts(db, office_id)
    services = []
    for s in office_store.services(db, office_id):
        if not s["active"] and not counts.get(s["id"]):
            continue
        row = figures.get(s["id"], {})
        services.append({"id": s["id"], "prefix": s["prefix"], "name_kk": s["name_kk"], "name_ru": s["name_ru"],
                         "name_en": s["name_en"], "group_kk": s["group_kk"], "group_ru": s["group_ru"],
                         "group_en": s["group_en"], "waiting": counts.get(s["id"], 0),
                         "wait_mean_s": row.get("wait_mean_s"), "served": row.get("served", 0)})
    return {"office": {"id": office_id, "name_kk": office["name_kk"], "name_ru": office["name_ru"],
                       "name_en": office["name_en"], "timezone": office["timezone"]},
            "day": day, "services": services}


def combined_totals(db, office_ids: list[str], start: str, end: str) -> dict:
    """Totals of several offices' office-local dates start..end, as one office's: the region's line of a report."""
    status, waits, service_s, ratings, flags, moved = [], [], [], [], [], 0
    for office_id in office_ids:
        office = office_store.office(db, office_id)
        targets = {s["id"]: s["target_wait_s"] or office["target_wait_s"] for s in office_store.services(db, office_id)}
        facts = store.ticket_facts(db, office_id, start, end)
        for st, w, sid, s, r in zip(facts["status"], facts["wait_s"], facts["service_id"], facts["service_s"],
                                    facts["rating"]):
            status.append(st)
            waits.append(w)
            service_s.append(s if st == "done" else None)
            ratings.append(r)
            flags.append(None if st != "done" or w is None
                         else "ok" if w <= targets.get(sid, office["target_wait_s"]) else "late")
        since, until = utc_bounds(start, end, office["timezone"])
        later = iso(datetime.fromisoformat(until.replace("Z", "+00:00")) + timedelta(days=1))
        issued = set(facts["ticket_id"])
        moved += sum(1 for e in store.transfers(db, office_id, since, later) if e["ticket_id"] in issued)
    return _totals(status, waits, service_s, ratings, flags, moved)
