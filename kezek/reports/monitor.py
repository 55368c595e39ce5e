"""The manager's live monitor: desks, waiting per service, longest waits, printers."""
from __future__ import annotations

from datetime import datetime

from kezek.base.clock import seconds_between
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
            "name_en": s["name_en"], "active": bool(s["active"]), "waiting": len(mine),
            "longest_wait_s": max((t["waited_s"] for t in mine), default=0),
            "over_target": sum(t["over_target"] for t in mine), "target_wait_s": target[s["id"]]})
    users = {u["id"]: u["username"] for u in store.usernames(db)}
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
