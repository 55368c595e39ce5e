"""Read models: what each screen shows (services with counts, the display, the operator desk)."""
from __future__ import annotations

from datetime import datetime

from kezek.base.clock import local_day, local_time, parse, seconds_between
from kezek.base.errors import NotFound
from kezek.base.events import public_ticket, staff_ticket
from kezek.office import hours, zones
from kezek.office import store as office_store
from kezek.queue import appointments, estimates, policy, store, tickets, transfers


def office_or_404(db, office_id: str) -> dict:
    """An office row, or NotFound."""
    office = office_store.office(db, office_id)
    if office is None:
        raise NotFound("No such office.", "office_not_found")
    return office


def office_view(office: dict) -> dict:
    """What screens show of the office."""
    return {k: office[k] for k in ("id", "name_kk", "name_ru", "name_en", "timezone", "default_lang",
                                   "ticker_kk", "ticker_ru", "ticker_en", "target_wait_s")} | {
        "languages": office["languages"].split(",")}


def services_view(db, office_id: str, now: datetime) -> list[dict]:
    """Every service with its waiting count, estimate and whether a ticket can be taken now."""
    office = office_or_404(db, office_id)
    counts = store.waiting_counts(db, office_id)
    official = office_store.official_names_of_office(db, office_id)
    none = {f"official_name_{lang}": "" for lang in ("kk", "ru", "en")}
    # Today's hours by the office's week (None: closed today), for "Closed now · Opening hours: …".
    today = hours.day_hours(db, office, local_day(now, office["timezone"]))
    closed = tickets.office_closed(db, office, now)      # once for the office, not once a service
    services = office_store.services(db, office_id)
    waits = estimates.service_estimates(db, office, [s["id"] for s in services], now)
    out = []
    for s in services:
        waiting = counts.get(s["id"], 0)
        why = tickets.service_availability(db, s, office, now, closed=closed)
        out.append({
            "id": s["id"], "prefix": s["prefix"], "name_kk": s["name_kk"], "name_ru": s["name_ru"],
            "name_en": s["name_en"], "group_kk": s["group_kk"], "group_ru": s["group_ru"],
            "group_en": s["group_en"], "active": bool(s["active"]), "daily_limit": s["daily_limit"],
            "opens": s["opens"], "closes": s["closes"], "sort_order": s["sort_order"],
            "target_wait_s": s["target_wait_s"] or office["target_wait_s"],
            "waiting": waiting, "estimated_wait_s": waits[s["id"]],
            "available": why is None, "unavailable_reason": why,
            "hours_today": {"opens": s["opens"], "closes": s["closes"], "lunch_from": None, "lunch_to": None}
            if s["opens"] and s["closes"] else today,
            "closed_for": ("office" if office["closed_at"] else (closed if closed == "holiday" or not (
                s["opens"] and s["closes"]) else None) or "hours") if why == "closed" else None,
        } | official.get(s["id"], none))
    return out


def ticket_view(db, ticket: dict, now: datetime) -> dict:
    """A ticket as the API returns it (without `url`, which the web layer adds)."""
    ahead, wait = tickets.people_ahead(db, ticket, now)
    return {
        "id": ticket["id"], "token": ticket["token"], "number": ticket["display_number"],
        "office_id": ticket["office_id"], "service_id": ticket["service_id"], "status": ticket["status"],
        "priority": bool(ticket["priority"]), "priority_reason": ticket["priority_reason"],
        "lang": ticket["lang"], "people_ahead": ahead, "estimated_wait_s": wait,
        "desk_id": ticket["desk_id"], "desk": ticket.get("desk"), "issued_at": ticket["issued_at"],
        "called_at": ticket["called_at"], "started_at": ticket["started_at"],
        "finished_at": ticket["finished_at"], "recalls": ticket["recalls"],
        "desks": office_store.desks_serving(db, ticket["service_id"]),   # where the visitor will be called
        # In a big hall, the TVs' zones that show its calls (by the TV's name): where to look and go.
        "zones": zones.zones_showing(db, ticket["office_id"], ticket["service_id"]),
    }


def public_ticket_view(db, view: dict, now: datetime | None = None) -> dict:
    """The ticket page's view: no database id, nor the priority group; the number served now, the issue time, and
    (given `now`, for a waiting ticket) `lunch_until` while its service is in the office's lunch break."""
    office = office_or_404(db, view["office_id"])
    issued = parse(view["issued_at"])
    public = {k: v for k, v in view.items() if k not in ("id", "priority_reason")}
    public["now_serving"] = store.latest_called_number(db, view["service_id"], local_day(issued, office["timezone"]))
    public["issued_time"] = local_time(issued, office["timezone"])
    service = office_store.service(db, view["service_id"]) if now and view["status"] == "waiting" else None
    public["lunch_until"] = tickets.lunch_break(db, service, office, now, "closed").get("until") if service else None
    return public


PUBLIC_DESK = ("id", "name", "paused", "service_ids", "current", "current_status")


def display_snapshot(db, office_id: str, now: datetime, recent: int = 8) -> dict:
    """The hall display's state: numbers, desks and counts only (no tokens)."""
    office = office_or_404(db, office_id)
    day = local_day(now, office["timezone"])
    calls = [public_ticket(t) for t in store.recent_calls(db, office_id, day, recent)]
    # A pause's reason is the clerk's own (a doctor's visit, a dispute): the hall sees only that the desk is paused.
    desks = [{k: v for k, v in tickets.desk_view(db, d["id"]).items() if k in PUBLIC_DESK}
             for d in office_store.desks(db, office_id) if d["active"]]
    return {"office": office_view(office), "services": services_view(db, office_id, now),
            "desks": desks, "calls": calls}


def operator_snapshot(db, office_id: str, now: datetime, desk_id: int | None = None) -> dict:
    """The operator screen's state: services, the waiting list in call order, the desk."""
    office = office_or_404(db, office_id)
    day = local_day(now, office["timezone"])
    services = services_view(db, office_id, now)
    waiting = store.waiting_in(db, [s["id"] for s in services])
    # The same order call_next would use: booked visitors' slots, and at a desk its fair share.
    if desk_id is not None:
        fair = appointments.fair_share(db, office, desk_id, waiting, now)
    else:
        appointments.mark(db, waiting)
        fair = {}
    ordered = policy.call_order(waiting, now, office["priority_wait_limit_s"], **fair)
    queue = [{"id": t["id"], "number": t["display_number"], "service_id": t["service_id"],
              "priority": bool(t["priority"]), "first_in_line": bool(t["first_in_line"]),
              "appointment_at": t.get("appointment_at"),
              # A transfer to one desk or one specialist: only they call it (kezek/queue/policy.py may_call).
              "target_desk_id": t.get("target_desk_id"), "target_user_id": t.get("target_user_id"),
              "issued_at": t["issued_at"], "waited_s": seconds_between(t["issued_at"], now)}
             for t in ordered]
    snapshot = {"office": office_view(office), "services": services, "queue": queue,
                "desks": [tickets.desk_view(db, d["id"]) for d in office_store.desks(db, office_id)],
                "desk": None, "current": None, "served_today": None}
    if desk_id is not None:
        desk = office_store.desk(db, desk_id)
        if desk is None or desk["office_id"] != office_id:
            raise NotFound("No such desk.", "desk_not_found")
        snapshot["desk"] = tickets.desk_view(db, desk_id)
        if desk["current_ticket_id"]:
            current = store.ticket(db, desk["current_ticket_id"])
            appointments.mark(db, [current])         # a booked visitor's slot time, if any
            snapshot["current"] = staff_ticket(current)
            # "Transferred from desk 3: <note>" for the receiving desk (staff only).
            snapshot["current"]["transfer"] = transfers.received(db, current["id"])
        snapshot["served_today"] = store.served_today(db, desk_id, day)
    return snapshot


