"""The print agent: prints a kiosk's tickets on a printer attached to the kiosk PC.

    python server.py print-agent --server URL --token KIOSK_TOKEN --printer usb://04b8:0e15

It connects to the server over Socket.IO (WebSocket) as screen "print-agent" with the
kiosk's token, receives `print.job` messages for that kiosk, draws and prints each ticket
with kezek.printers, answers `print.ack`, reports `printer.status` every 30 s, and
reconnects by itself forever. A job older than its `ttl_s` when its turn comes is dropped:
the visitor has left with the ticket shown on the kiosk's screen.
"""
from __future__ import annotations

import logging
import queue
import signal
import sys
import threading
import time

import socketio

from kezek.base.clock import parse, utcnow
from kezek.printers import job_messages
from kezek.printers.driver import parse_printer_url, print_ticket, printer_status

log = logging.getLogger("kezek.print_agent")

STATUS_EVERY_S = 30
RECONNECT_MAX_S = 10
DEFAULT_TTL_S = 10


class Agent:
    """One kiosk's print agent: a Socket.IO client, a print worker and a status reporter."""

    def __init__(self, server: str, token: str, printer_url: str, *, status_every_s: float = STATUS_EVERY_S):
        self.server = server.rstrip("/")
        self.token = token
        self.spec = parse_printer_url(printer_url)  # ValueError for a bad URL: refuse to start
        if self.spec.kind == "none":
            raise ValueError("the print agent needs a printer URL, not 'none'")
        self.status_every_s = status_every_s
        self.jobs: queue.Queue = queue.Queue()
        self.stop = threading.Event()
        self.report_now = threading.Event()
        self.printer_lock = threading.Lock()  # one conversation with the printer at a time
        self.offset_s = 0.0  # the server's clock minus ours, learnt from each snapshot
        self.client = socketio.Client(reconnection=False)  # we reconnect ourselves, forever
        self.client.on("connect", self._on_connect)
        self.client.on("disconnect", self._on_disconnect)
        self.client.on("snapshot", self._on_snapshot)
        self.client.on("print.job", self._on_job)

    # Socket.IO handlers: quick, the printer is talked to in the worker threads.
    def _on_connect(self):
        log.info("connected to %s", self.server)

    def _on_disconnect(self, reason=None):
        log.warning("disconnected from the server (%s)", reason)

    def _on_snapshot(self, data):
        server_time = parse((data or {}).get("server_time"))
        if server_time:
            self.offset_s = (server_time - utcnow()).total_seconds()
        if (data or {}).get("route") != "agent":
            log.warning("the server does not send this kiosk's tickets to an agent: set the kiosk's printer to"
                        " agent, a usb/serial/file URL, or add ?via=agent")
        self.report_now.set()

    def _on_job(self, data):
        received = time.monotonic()
        if not isinstance(data, dict):
            return
        ttl = float(data.get("ttl_s") or DEFAULT_TTL_S)
        sent = parse(data.get("sent_at")) if isinstance(data.get("sent_at"), str) else None
        age = max(0.0, (utcnow() - sent).total_seconds() + self.offset_s) if sent else 0.0
        self.jobs.put((received, ttl, age, data))

    def _emit(self, name: str, payload: dict) -> None:
        try:
            self.client.emit(name, payload)
        except Exception as exc:  # not connected: the server times the job out by itself
            log.warning("could not send %s: %s", name, exc)

    def handle(self, received: float, ttl: float, age: float, data: dict) -> dict:
        """Print one job unless it is older than `ttl` (its `age` on arrival plus time queued here)."""
        ack = {"job_id": data.get("job_id"), "ticket_id": data.get("ticket_id")}
        try:
            ticket = job_messages.ticket_from_payload(data.get("ticket") or {})
        except ValueError as exc:
            return ack | {"ok": False, "state": "unknown", "detail": str(exc)}
        with self.printer_lock:
            age_now = age + time.monotonic() - received
            if age_now > ttl:
                log.warning("dropped %s: the job was %.0f s old", ticket.number, age_now)
                return ack | {"ok": False, "state": "expired",
                              "detail": "job too old when it reached the printer: not printed"}
            result = print_ticket(self.spec, ticket)
        detail = result.error or result.status.detail
        log.info("%s %s: %s %s", "printed" if result.ok else "NOT printed", ticket.number, result.status.state, detail)
        return ack | {"ok": result.ok, "state": result.status.state, "detail": detail}

    def _print_worker(self) -> None:
        while not self.stop.is_set():
            try:
                received, ttl, age, data = self.jobs.get(timeout=0.5)
            except queue.Empty:
                continue
            try:
                ack = self.handle(received, ttl, age, data)
            except Exception as exc:  # never let one job stop the agent
                log.exception("print job failed")
                ack = {"job_id": data.get("job_id"), "ticket_id": data.get("ticket_id"), "ok": False,
                       "state": "unknown", "detail": f"print agent error: {type(exc).__name__}"}
            self._emit("print.ack", ack)
            self.report_now.set()

    def _status_worker(self) -> None:
        while not self.stop.is_set():
            self.report_now.wait(self.status_every_s)
            self.report_now.clear()
            if self.stop.is_set():
                continue
            # Not gated on client.connected: python-socketio sets it only after the snapshot
            # has arrived; an emit while disconnected just fails and the next report follows.
            with self.printer_lock:
                status = printer_status(self.spec)
            self._emit("printer.status", {"state": status.state, "detail": status.detail})

    def run_forever(self) -> None:
        """Connect, and keep connecting after every drop, until stop is set."""
        workers = [threading.Thread(target=self._print_worker, name="print worker", daemon=True),
                   threading.Thread(target=self._status_worker, name="status reporter", daemon=True)]
        for worker in workers:
            worker.start()
        backoff = 1.0
        while not self.stop.is_set():
            if not self.client.connected:
                try:
                    self.client.connect(self.server, auth={"screen": "print-agent", "token": self.token},
                                        transports=["websocket"], wait_timeout=5)
                    backoff = 1.0
                except Exception as exc:  # refused, unreachable, bad token: try again, forever
                    log.warning("cannot connect to %s (%s); trying again in %.0f s", self.server, exc, backoff)
                    self.stop.wait(backoff)
                    backoff = min(backoff * 2, RECONNECT_MAX_S)
                    continue
            self.stop.wait(0.5)
        self.report_now.set()
        if self.client.connected:
            self.client.disconnect()


def run(server: str, token: str, printer: str) -> int:
    """`server.py print-agent`: run until SIGTERM or Ctrl-C; 2 for a bad printer URL."""
    logging.basicConfig(level=logging.INFO, format="%(asctime)s print-agent %(levelname)s %(message)s", force=True)
    try:
        agent = Agent(server, token, printer)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: agent.stop.set())
    log.info("printing the tickets of this kiosk on %s", agent.spec.url)
    agent.run_forever()
    return 0
