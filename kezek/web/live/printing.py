"""Printing in the running office: a kiosk's ticket printed after the answer, print agents, printer polling.

The issue answer never waits for paper: the job runs in a background task and ends with
`ticket.printed` to the kiosk. The server drives tcp:// and cups:// printers itself; other
printers are driven by the print agent on the kiosk PC (kezek/printers/agent.py), which
connects over Socket.IO as screen "print-agent". The reprint route is kezek/web/api/printing.py.
See docs/printing.md.
"""
from __future__ import annotations

import threading
import uuid

from flask import current_app, request

from kezek.base import database
from kezek.base.clock import iso, utcnow
from kezek.office import accounts
from kezek.printers import driver, job_messages, routes
from kezek.printing import jobs as print_jobs
from kezek.queue import store as queue_store
from kezek.web.rate_limits import Budget
from kezek.web.context import get_db
from kezek.web.live.broadcast import publish, socketio
from kezek.web.payloads import ticket_url

ACK_TIMEOUT_S = 8  # no acknowledgement from the agent by then: the on-screen ticket stands
JOB_TTL_S = 10  # an agent drops a job older than this: the visitor has left with the on-screen ticket
QUEUE_WAIT_S = 8  # a job waiting this long behind earlier ones for the same printer is dropped
POLL_EVERY_S = 30
REPRINTS_PER_MINUTE = 10
AGENT_STATES = set(driver.STATES) | {"expired"}

_lock = threading.Lock()
_agents: dict[int, list[str]] = {}  # kiosk device id -> its agents' sids, newest last
_agent_of: dict[str, int] = {}  # agent sid -> kiosk device id
_pending: dict[str, dict] = {}  # job id -> {"device_id", "done": Event, "result"}
_printer_locks: dict[int, threading.Lock] = {}
reprints = Budget("reprints", 60, lambda: REPRINTS_PER_MINUTE)   # a kiosk's reprints (the reprint route's budget)


def _clock(app):
    clock = app.config.get("CLOCK")
    return clock() if clock else utcnow()


def _setting(app, name: str, default: float) -> float:
    return float(app.config.get(f"PRINT_{name}", default))


def _printer_lock(device_id: int) -> threading.Lock:
    with _lock:
        return _printer_locks.setdefault(device_id, threading.Lock())


def agent_sid(device_id: int) -> str | None:
    """The sid of the newest print agent connected for a kiosk, or None."""
    with _lock:
        sids = _agents.get(device_id)
        return sids[-1] if sids else None


def start_print(ticket: dict, device: dict, *, reprint: bool = False) -> dict:
    """Decide whether a kiosk's ticket can be printed, start the job in the background; {state}."""
    app = current_app._get_current_object()
    db = get_db()
    device = accounts.get_device(db, device["id"]) or device
    print_state, printer_state, detail = print_jobs.decide(db, device, agent_sid(device["id"]) is not None,
                                                           reprint=reprint)
    if print_state == "pending":
        socketio.start_background_task(_job, app, device["id"], ticket["id"], ticket_url(ticket["token"]), reprint)
    elif print_state == "unavailable":
        socketio.start_background_task(_not_sent, app, device["id"], ticket["id"], printer_state, detail, reprint)
    return {"state": print_state}


def _not_sent(app, device_id: int, ticket_id: int, printer_state: str, detail: str, reprint: bool) -> None:
    """Log a ticket that was not even tried (the kiosk shows it on screen)."""
    db = database.open_db(app.config["DB"])
    try:
        device, ticket = accounts.get_device(db, device_id), queue_store.ticket(db, ticket_id)
        print_jobs.record_print(db, device, ticket, False, printer_state, f"not sent: {detail}", _clock(app),
                                reprint=reprint, notify=False, update_state=False)
    except Exception:  # the log row is lost, never the ticket
        app.logger.exception("could not log an unprinted ticket")
    finally:
        db.close()


def _job(app, device_id: int, ticket_id: int, url: str, reprint: bool) -> None:
    """Print one ticket (here or through the agent), then record and push the result."""
    db = database.open_db(app.config["DB"])
    try:
        device, ticket = accounts.get_device(db, device_id), queue_store.ticket(db, ticket_id)
        try:
            route = print_jobs.server_route(db, device, allow_local=bool(int(app.config["PRINTER_ALLOW_LOCAL"])))
            paper = print_jobs.ticket_print(db, ticket, url, _clock(app))
            if route.route == "server":
                ok, printer_state, detail = _print_here(app, device_id, route.spec, paper)
            else:
                ok, printer_state, detail = _print_by_agent(app, device_id, ticket_id, paper)
        except Exception as exc:  # e.g. a device changed under us: the kiosk still must hear back
            app.logger.exception("print job failed")
            ok, printer_state, detail = False, "unknown", f"print job failed: {type(exc).__name__}"
        publish(print_jobs.record_print(db, device, ticket, ok, printer_state, detail, _clock(app), reprint=reprint))
    except Exception:
        app.logger.exception("could not record a print result")
    finally:
        db.close()


def _print_here(app, device_id: int, spec, paper) -> tuple[bool, str, str]:
    """Print on a printer the server reaches, one job at a time per printer."""
    lock = _printer_lock(device_id)
    if not lock.acquire(timeout=_setting(app, "QUEUE_WAIT_S", QUEUE_WAIT_S)):
        return False, "timeout", "printer busy with earlier tickets: not printed"
    try:
        result = driver.print_ticket(spec, paper)
    finally:
        lock.release()
    return result.ok, result.status.state, result.error or result.status.detail


def print_page(device_id: int, spec, image) -> driver.PrintResult:
    """Print a drawn page (the day's log checkpoint) on a server-driven printer, between tickets, never during one."""
    lock = _printer_lock(device_id)
    if not lock.acquire(timeout=QUEUE_WAIT_S):
        return driver.PrintResult(False, driver.PrinterStatus("timeout", "printer busy with tickets"), "printer busy")
    try:
        return driver.print_image(spec, image)
    finally:
        lock.release()


def _print_by_agent(app, device_id: int, ticket_id: int, paper) -> tuple[bool, str, str]:
    """Send the job to the kiosk's print agent and wait for its acknowledgement."""
    sid = agent_sid(device_id)
    if sid is None:
        return False, "no_agent", print_jobs.AGENT_GONE
    job_id = uuid.uuid4().hex
    waiter = {"device_id": device_id, "done": threading.Event(), "result": None}
    with _lock:
        _pending[job_id] = waiter
    timeout = _setting(app, "ACK_TIMEOUT_S", ACK_TIMEOUT_S)
    try:
        # sent_at is real time (not a test clock): the agent compares it with its own clock.
        payload = job_messages.job_payload(job_id, ticket_id, paper, utcnow(), JOB_TTL_S)
        socketio.emit("print.job", payload, to=sid)
        if not waiter["done"].wait(timeout):
            return False, "timeout", f"the print agent did not answer within {timeout:g} s"
        result = waiter["result"]
        return result["ok"], result["state"], result["detail"]
    finally:
        with _lock:
            _pending.pop(job_id, None)


def _agent_report(data) -> dict | None:
    """An agent's {ok, state, detail} made safe to store, or None if it is not a dict."""
    if not isinstance(data, dict):
        return None
    found = data.get("state")
    return {"ok": data.get("ok") is True, "state": found if found in AGENT_STATES else "unknown",
            "detail": str(data.get("detail") or "")[:300]}


def agent_connected(db, device: dict, sid: str) -> dict:
    """Register a print agent's connection; its snapshot (device, printer, route, server time)."""
    with _lock:
        sids = _agents.setdefault(device["id"], [])
        if sid not in sids:
            sids.append(sid)
        _agent_of[sid] = device["id"]
    route = routes.printer_route(device["printer_url"])
    current = print_jobs.printer_state(db, device)
    if route.route == "agent" and current["detail"] == print_jobs.AGENT_GONE:
        publish(print_jobs.record_state(db, device, "unknown", "print agent connected", _clock(current_app)))
    return {"device": {k: device[k] for k in ("id", "name", "office_id")}, "route": route.route,
            "printer": print_jobs.printer_state(db, device), "server_time": iso(utcnow()), "job_ttl_s": JOB_TTL_S}


def agent_disconnected(sid: str) -> None:
    """Forget an agent's connection; the kiosk's printer is offline when its last agent leaves."""
    with _lock:
        device_id = _agent_of.pop(sid, None)
        if device_id is None:
            return
        sids = _agents.get(device_id, [])
        if sid in sids:
            sids.remove(sid)
        if sids:
            return
        _agents.pop(device_id, None)
    db = database.open_db(current_app.config["DB"])
    try:
        device = accounts.get_device(db, device_id)
        if device and routes.printer_route(device["printer_url"]).route == "agent":
            publish(print_jobs.record_state(db, device, "no_agent", print_jobs.AGENT_GONE, _clock(current_app)))
    finally:
        db.close()


def on_agent_ack(data=None):
    """An agent acknowledges a job: {job_id, ticket_id, ok, state, detail}."""
    device_id = _agent_of.get(request.sid)
    result = _agent_report(data)
    if device_id is None or result is None:
        return
    with _lock:
        waiter = _pending.get(str(data.get("job_id") or ""))
    if waiter and waiter["device_id"] == device_id:
        waiter["result"] = result
        waiter["done"].set()
        return
    # Too late: the kiosk was already told. Keep the log true (it may have printed) without a push.
    ticket_id = data.get("ticket_id")
    db = database.open_db(current_app.config["DB"])
    try:
        ticket = queue_store.ticket(db, ticket_id) if isinstance(ticket_id, int) else None
        if ticket and ticket["device_id"] == device_id:
            device = accounts.get_device(db, device_id)
            publish(print_jobs.record_print(db, device, ticket, result["ok"], result["state"], result["detail"],
                                            _clock(current_app), late=True, notify=False))
    finally:
        db.close()


def on_agent_status(data=None):
    """An agent reports its printer's state: {state, detail}."""
    device_id = _agent_of.get(request.sid)
    result = _agent_report(data)
    if device_id is None or result is None or result["state"] == "expired":
        return
    db = database.open_db(current_app.config["DB"])
    try:
        device = accounts.get_device(db, device_id)
        if device and routes.printer_route(device["printer_url"]).route == "agent":
            publish(print_jobs.record_state(db, device, result["state"], result["detail"], _clock(current_app)))
    finally:
        db.close()


def poll_once(app) -> list:
    """Read the status of every printer the server drives; push printer.changed for changes."""
    pushed = []
    db = database.open_db(app.config["DB"])
    try:
        for device, spec in print_jobs.pollable_kiosks(db, allow_local=bool(int(app.config["PRINTER_ALLOW_LOCAL"]))):
            lock = _printer_lock(device["id"])
            if not lock.acquire(blocking=False):
                continue  # printing now: the job reports the state itself
            try:
                status = driver.printer_status(spec)
            finally:
                lock.release()
            events = print_jobs.record_state(db, device, status.state, status.detail, _clock(app))
            publish(events)
            pushed += events
    finally:
        db.close()
    return pushed
