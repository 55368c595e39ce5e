"""The manager's live monitor: desks, waiting per service, longest waits, printers."""
from __future__ import annotations

from datetime import datetime

from kezek.base.clock import seconds_between
from kezek.base.errors import Invalid
from kezek.office import accounts
from kezek.office import store as office_store
from kezek.printing import jobs as print_jobs
from kezek.queue import store as queue_store
from kezek.queue import views
from kezek.reports import store


def monitor(db, office_id: str, now: datetime) -> dict:
    """What the office looks like right now, with tickets over their target wait marked."""
    office = views.office_or_404(db, office_id)
    services = office_store.services(db, office_id)
    target = {s["id"]: s["target_wait_s"] or office["target_wait_s"] for s in services}
    waiting = sorted(queue_store.waiting_in(db, [s["id"] for s in services]), key=lambda t: t["issued_at"])
    tickets = [{"id": t["id"], "number": t["display_number"], "service_id": t["service_id"],
                "priority": bool(t["priority"]), "issued_at": t["issued_at"],
                "waited_s": seconds_between(t["issued_at"], now),
                "target_wait_s": target[t["service_id"]]} for t in waiting]
    for t in tickets:
        t["over_target"] = t["waited_s"] > t["target_wait_s"]
    per_service = []
    for s in services:
        mine = [t for t in tickets if t["service_id"] == s["id"]]
        per_service.append({
            "id": s["id"], "prefix": s["prefix"], "name_kk": s["name_kk"], "name_ru": s["name_ru"],
            "name_en": s["name_en"], "group_kk": s["group_kk"], "group_ru": s["group_ru"],
            "group_en": s["group_en"], "active": bool(s["active"]), "waiting": len(mine),
            "longest_wait_s": max((t["waited_s"] for t in mine), default=0),
            "over_target": sum(t["over_target"] for t in mine), "target_wait_s": target[s["id"]]})
    users = {u["id"]: u["name"] for u in store.usernames(db)}   # the full name when set
    desks = []
    for d in office_store.desks(db, office_id):
        current = queue_store.ticket(db, d["current_ticket_id"]) if d["current_ticket_id"] else None
        since = d["changed_at"]
        if current is not None:
            since = current["started_at"] if current["status"] == "serving" else current["called_at"]
        desks.append({
            "id": d["id"], "name": d["name"], "active": bool(d["active"]), "paused": bool(d["paused"]),
            "pause_reason": d["pause_reason"], "service_ids": d["service_ids"],
            "user": users.get(d["user_id"]),
            "current": current["display_number"] if current else None,
            "current_status": current["status"] if current else None,
            "state": ("inactive" if not d["active"] else "paused" if d["paused"]
                      else current["status"] if current else "idle"),
            "current_id": current["id"] if current else None,
            "current_service_id": current["service_id"] if current else None,
            "since": since, "for_s": seconds_between(since, now) if since else None})
    printers = []
    for device in accounts.list_devices(db, office_id):
        if device["kind"] != "kiosk" or device["revoked_at"]:
            continue
        printers.append({"device_id": device["id"], "name": device["name"], "printer_url": device["printer_url"],
                         **print_jobs.printer_state(db, device)})
    return {"office": views.office_view(office), "at": now.isoformat(), "desks": desks, "services": per_service,
            "waiting": tickets, "longest_wait_s": max((t["waited_s"] for t in tickets), default=0),
            "over_target": sum(t["over_target"] for t in tickets), "printers": printers}


STATES = ("waiting", "over_target", "priority", "called", "serving")
PAGE_MAX = 200


def filtered(view: dict, *, service_id: int | None = None, body: str | None = None, state: str = "waiting",
             offset: int = 0, limit: int = 50) -> dict:
    """The monitor with its ticket list filtered (service, body, state) and one page of it: a hall of 1,200 stays readable."""
    if state not in STATES:
        raise Invalid(f"state: one of {', '.join(STATES)}.", "bad_field", field="state", allowed=list(STATES))
    if not 1 <= limit <= PAGE_MAX or offset < 0:
        raise Invalid(f"limit: 1 to {PAGE_MAX}; offset: 0 or more.", "bad_field", field="limit")
    services = {s["id"]: s for s in view["services"]}
    wanted = {sid for sid, s in services.items()
              if (service_id is None or sid == service_id)
              and (not body or body in (s["group_kk"], s["group_ru"], s["group_en"]))}
    if state in ("called", "serving"):
        desks = {d["current_id"]: d for d in view["desks"] if d["current_id"]}
        rows = [{"id": d["current_id"], "number": d["current"], "service_id": d["current_service_id"],
                 "state": d["current_status"], "desk": d["name"], "user": d["user"], "for_s": d["for_s"]}
                for d in desks.values() if d["current_status"] == state]
    else:
        rows = [dict(t, state="waiting") for t in view["waiting"]
                if state == "waiting" or (state == "over_target" and t["over_target"])
                or (state == "priority" and t["priority"])]
    rows = [r for r in rows if r["service_id"] in wanted]
    bodies = sorted({(s["group_kk"], s["group_ru"], s["group_en"]) for s in view["services"] if s["group_kk"]})
    return {**view, "waiting": rows[offset:offset + limit], "matched": len(rows), "offset": offset, "limit": limit,
            "waiting_count": len(view["waiting"]),
            "bodies": [{"group_kk": kk, "group_ru": ru, "group_en": en} for kk, ru, en in bodies]}
