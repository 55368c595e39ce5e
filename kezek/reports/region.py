"""The region's figures: every office's state now (the regional monitor), its open board, reports across offices."""
from __future__ import annotations

from datetime import datetime

from kezek.base.clock import local_day
from kezek.office import store as office_store
from kezek.queue import store as queue_store
from kezek.reports import figures, monitor, store

NORM_S = 15 * 60     # the front offices' norm: a resident is called within 15 minutes


def _names(office: dict) -> dict:
    return {"id": office["id"], "name_kk": office["name_kk"], "name_ru": office["name_ru"],
            "name_en": office["name_en"], "timezone": office["timezone"], "closed": bool(office["closed_at"])}


def _within_norm(db, office_id: str, day: str) -> tuple[int, int]:
    """(called within the norm, called at all) among tickets issued on the office day."""
    waits = [w for w in store.ticket_facts(db, office_id, day, day)["wait_s"] if w is not None]
    return sum(1 for w in waits if w <= NORM_S), len(waits)


def office_now(db, office: dict, now: datetime) -> dict:
    """One office's line on the regional monitor."""
    view = monitor.monitor(db, office["id"], now)
    day = local_day(now, office["timezone"])
    served = figures.report(db, office["id"], day, day)["totals"]["served"]
    within, called = _within_norm(db, office["id"], day)
    kiosks = view["printers"]      # every active kiosk, with its printer's last state
    return {**_names(office), "day": day, "waiting": len(view["waiting"]), "longest_wait_s": view["longest_wait_s"],
            "over_target": view["over_target"],
            "open_desks": sum(1 for d in view["desks"] if d["active"] and not d["paused"]),
            "desks": sum(1 for d in view["desks"] if d["active"]),
            "served_today": served, "called_today": called,
            "within_norm": round(within / called, 4) if called else None,
            "kiosks": len(kiosks),
            "printers_ok": sum(1 for k in kiosks if k["state"] == "ok"),
            "printers_trouble": [{"device_id": k["device_id"], "name": k["name"], "state": k["state"],
                                  "detail": k["detail"]} for k in kiosks
                                 if k["state"] not in ("ok", "none", "unknown")]}


def region_monitor(db, office_ids: list[str], now: datetime) -> dict:
    """Every office's waiting, longest wait, open desks, served today, share within the norm, printers."""
    rows = [office_now(db, o, now) for o in office_store.offices(db) if o["id"] in office_ids]
    called = sum(r["called_today"] for r in rows)
    within = sum(round((r["within_norm"] or 0) * r["called_today"]) for r in rows)
    return {"at": now.isoformat(), "norm_s": NORM_S, "offices": rows, "totals": {
        "waiting": sum(r["waiting"] for r in rows), "longest_wait_s": max((r["longest_wait_s"] for r in rows), default=0),
        "open_desks": sum(r["open_desks"] for r in rows), "served_today": sum(r["served_today"] for r in rows),
        "within_norm": round(within / called, 4) if called else None,
        "printers_trouble": sum(len(r["printers_trouble"]) for r in rows)}}


def region_board(db, now: datetime) -> dict:
    """The regional open board: each office with its waiting count, today's mean wait and served (numbers only)."""
    rows = []
    for office in office_store.offices(db):
        day = local_day(now, office["timezone"])
        totals = figures.report(db, office["id"], day, day)["totals"]
        rows.append({**_names(office), "waiting": sum(queue_store.waiting_counts(db, office["id"]).values()),
                     "wait_mean_s": totals["wait_mean_s"], "served": totals["served"]})
    return {"at": now.isoformat(), "offices": rows}


def region_report(db, office_ids: list[str], start: str, end: str) -> dict:
    """Report totals for office-local dates start..end: the region's and each office's."""
    per_office = []
    for office in office_store.offices(db):
        if office["id"] not in office_ids:
            continue
        report = figures.report(db, office["id"], start, end)
        per_office.append({**_names(office), **report["totals"]})
    return {"from": start, "to": end, "columns": list(figures.COLUMNS),
            "totals": figures.combined_totals(db, [o["id"] for o in per_office], start, end),
            "by_office": per_office}
