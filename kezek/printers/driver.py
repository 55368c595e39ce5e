"""Ticket printers named by URL: reading their status and printing, within a few seconds.

A printer out of paper keeps what it receives and prints it when paper is loaded —
for someone who has long left. So the status is read before a job is sent and the
job is refused unless the printer says it can print; see docs/printing.md.
"""
from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import dataclass, field
from urllib.parse import parse_qs, unquote, urlsplit

from kezek.printers.drawing import LAYOUTS, TicketPrint, encode_escpos, render_ticket
from kezek.printers.links import open_link

log = logging.getLogger(__name__)

KINDS = ("tcp", "usb", "serial", "file", "cups", "none")
OPTIONS = {"profile", "width", "timeout", "status", "cut", "baudrate", "in_ep", "out_ep"}
STATES = ("ok", "paper_near_end", "paper_out", "cover_open", "offline", "unknown", "none")
# States in which a job would be held by the printer (or lost), so none is sent.
REFUSING = ("paper_out", "cover_open", "offline", "unknown")

# DLE EOT n, real-time status: 1 printer, 2 offline cause, 4 roll paper sensor.
STATUS_QUERY = b"\x10\x04\x01\x10\x04\x02\x10\x04\x04"
# DLE DC4 fn=8: clear receive and print buffers (Epson TM series), so a job stopped by
# a paper end is not finished after the paper is changed.
CLEAR_BUFFERS = b"\x10\x14\x08\x01\x03\x14\x01\x06\x02\x08"
# Printers that scan for real-time commands answer DLE EOT even inside image data.
_DLE_EOT = re.compile(rb"\x10\x04[\x01-\x04]")
STATUS_WAIT_S = 1.5  # a printer that answers at all answers DLE EOT within milliseconds
QUIET_S = 0.2


@dataclass(frozen=True)
class PrinterSpec:
    """A parsed printer URL."""

    url: str
    kind: str  # one of KINDS
    target: str = ""  # host, "VID:PID", device path or CUPS queue name
    port: int = 9100
    profile: str | None = None  # a python-escpos printer profile, e.g. TM-T20II
    paper_width: int = 576  # printable dots across the paper
    timeout: float = 3.0  # seconds for connecting and for sending
    status: bool = True  # read DLE EOT status before and after printing
    cut: str = "full"
    options: dict = field(default_factory=dict, compare=False)
    # Set when the server itself drives the printer: the office's printer ports, checked at every
    # connect with the address (kezek/printers/guard.py). None: the print agent's own printer.
    allowed_ports: tuple[int, ...] | None = None
    allow_local: bool = False

    @property
    def layout_width(self) -> int:
        """The widest ticket layout that fits this paper."""
        return max(w for w in LAYOUTS if w <= self.paper_width)


@dataclass(frozen=True)
class PrinterStatus:
    """What a printer said about itself."""

    state: str  # one of STATES
    detail: str = ""


@dataclass(frozen=True)
class PrintResult:
    """Whether a ticket came out of the printer, and the printer's state."""

    ok: bool
    status: PrinterStatus
    error: str | None = None


def _option(query: dict, name: str, default: str | None = None) -> str | None:
    values = query.get(name)
    return values[-1] if values else default


def parse_printer_url(url: str) -> PrinterSpec:
    """Parse a printer URL (tcp://, usb://, serial://, file://, cups://, none); ValueError if bad."""
    text = (url or "").strip()
    if text in ("", "none", "none:", "none://"):
        return PrinterSpec(url="none", kind="none", status=False)
    parts = urlsplit(text)
    kind = parts.scheme.lower()
    if kind not in KINDS:
        raise ValueError(f"unknown printer kind {kind!r} in {url!r}; use one of {', '.join(KINDS)}")
    query = parse_qs(parts.query, keep_blank_values=True)
    unknown = set(query) - OPTIONS
    if unknown:
        raise ValueError(f"unknown printer option(s) {sorted(unknown)} in {url!r}")
    profile = _option(query, "profile")
    width = _paper_width(_option(query, "width"), profile, url)
    timeout = float(_option(query, "timeout", "3"))
    if not 0.2 <= timeout <= 10:
        raise ValueError(f"timeout must be 0.2 to 10 seconds in {url!r}")
    # Only two-way links can answer status queries; file:// and cups:// print blind.
    status_default = "on" if kind in ("tcp", "usb", "serial") else "off"
    status = _option(query, "status", status_default)
    if status not in ("on", "off"):
        raise ValueError(f"status must be on or off in {url!r}")
    cut = _option(query, "cut", "full")
    if cut not in ("full", "partial", "none"):
        raise ValueError(f"cut must be full, partial or none in {url!r}")
    common = dict(url=text, kind=kind, profile=profile, paper_width=width, timeout=timeout,
                  status=status == "on", cut=cut)
    if kind == "tcp":
        if not parts.hostname:
            raise ValueError(f"no host in {url!r}")
        return PrinterSpec(target=parts.hostname, port=parts.port or 9100, **common)
    if kind == "usb":
        ids = parts.netloc or parts.path.lstrip("/")
        if not re.fullmatch(r"[0-9a-fA-F]{4}:[0-9a-fA-F]{4}", ids):
            raise ValueError(f"usb printers are named usb://VID:PID in hex, e.g. usb://04b8:0e15, not {url!r}")
        extra = {k: int(_option(query, k), 0) for k in ("in_ep", "out_ep") if k in query}
        return PrinterSpec(target=ids.lower(), options=extra, **common)
    if kind in ("serial", "file"):
        path = unquote(parts.path)
        if not path.startswith("/"):
            raise ValueError(f"{kind} printers need an absolute device path, e.g. {kind}:///dev/ttyUSB0")
        extra = {"baudrate": int(_option(query, "baudrate", "9600"))} if kind == "serial" else {}
        return PrinterSpec(target=path, options=extra, **common)
    name = unquote(parts.netloc or parts.path.lstrip("/"))
    if not name:
        raise ValueError(f"no CUPS queue name in {url!r}")
    return PrinterSpec(target=name, **common)


def _paper_width(width: str | None, profile: str | None, url: str) -> int:
    """Dots across the paper: width= if given, else the profile's, else 576 (80 mm, 203 dpi)."""
    if profile:
        from escpos.capabilities import get_profile  # imported late: it reads a large JSON file

        try:
            known = get_profile(profile).profile_data["media"]["width"].get("pixels")
        except Exception as exc:  # python-escpos raises its own NotSupported for unknown names
            raise ValueError(f"unknown printer profile {profile!r} in {url!r}") from exc
        if width is None and str(known).isdigit():
            width = str(known)
    dots = int(width or 576)
    if dots < min(LAYOUTS):
        raise ValueError(f"paper width {dots} dots is narrower than the smallest layout ({min(LAYOUTS)})")
    return dots


def decode_status(printer: int, offline: int, paper: int) -> PrinterStatus:
    """A PrinterStatus from the answers to DLE EOT 1, 2 and 4 (Epson's bit layout)."""
    for byte in (printer, offline, paper):
        # Every real-time status byte has bits 1 and 4 set and bits 0 and 7 clear.
        if byte & 0x93 != 0x12:
            return PrinterStatus("unknown", f"unexpected status bytes {printer:#04x} {offline:#04x} {paper:#04x}")
    if offline & 0x04:
        return PrinterStatus("cover_open", "cover is open")
    if paper & 0x60 or offline & 0x20:
        return PrinterStatus("paper_out", "out of paper")
    if offline & 0x40:
        return PrinterStatus("offline", "printer error (cutter jam or overheating)")
    if printer & 0x08:
        return PrinterStatus("offline", "printer is offline")
    if paper & 0x0C:
        return PrinterStatus("paper_near_end", "paper is running out")
    return PrinterStatus("ok", "")


class _Deadline:
    """Seconds left of one operation's budget."""

    def __init__(self, seconds: float):
        self.end = time.monotonic() + seconds

    def left(self, cap: float | None = None) -> float:
        remaining = max(0.0, self.end - time.monotonic())
        return min(remaining, cap) if cap is not None else remaining


def _query_status(link, deadline: _Deadline, stray_answers: int = 0) -> PrinterStatus:
    """Send DLE EOT 1, 2, 4 and decode the last three bytes that come back."""
    link.write(STATUS_QUERY, deadline.left())
    expected = 3 + stray_answers
    answer = b""
    wait_until = _Deadline(deadline.left(STATUS_WAIT_S))
    while len(answer) < expected and wait_until.left() > 0:
        # Once our three answers may be in, stop after a short silence: a printer that
        # ignores DLE EOT inside image data sends fewer stray answers than counted.
        wait = wait_until.left(QUIET_S) if len(answer) >= 3 else wait_until.left()
        chunk = link.read(wait)
        if not chunk:
            if len(answer) >= 3:
                break
            continue
        answer += chunk
    if len(answer) < 3:
        return PrinterStatus("unknown", "printer did not answer the status query")
    return decode_status(*answer[-3:])


def _fault(exc: BaseException) -> str:
    text = str(exc).strip().replace("\n", " ")
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _in_time(spec: PrinterSpec, work, budget: float):
    """Run work(deadline) in a thread; (result, None) or (None, reason) if it raises or overruns."""
    outcome: dict = {}
    deadline = _Deadline(budget)

    def run():
        try:
            outcome["value"] = work(deadline)
        except Exception as exc:  # a printer fault must never reach the kiosk as an exception
            log.warning("printer %s: %s", spec.url, _fault(exc))
            outcome["error"] = _fault(exc)

    # A blocked USB or device-file write cannot be interrupted; the caller still returns on time.
    worker = threading.Thread(target=run, name=f"printer {spec.url}", daemon=True)
    worker.start()
    worker.join(budget + 0.5)
    if worker.is_alive():
        return None, f"printer did not respond within {budget:.0f} s"
    return outcome.get("value"), outcome.get("error")


def _budget(spec: PrinterSpec) -> float:
    """The most a status read or a print may take: connect, query, send, query."""
    return 2 * spec.timeout


def printer_status(spec: PrinterSpec) -> PrinterStatus:
    """Ask the printer how it is (paper, cover, online) within a few seconds."""
    if spec.kind == "none":
        return PrinterStatus("none", "no printer configured")

    def work(deadline):
        with open_link(spec, deadline) as link:
            if not (spec.status and link.can_read):
                return PrinterStatus("unknown", f"{spec.kind} printers do not report status")
            return _query_status(link, deadline)

    status, error = _in_time(spec, work, _budget(spec))
    return status or PrinterStatus("offline", error or "")


def print_ticket(spec: PrinterSpec, t: TicketPrint) -> PrintResult:
    """Print `t` if the printer says it can; never raises for printer faults."""
    if spec.kind == "none":
        return PrintResult(False, PrinterStatus("none", "no printer configured"), "no printer configured")
    try:
        image = render_ticket(t, spec.layout_width)
    except Exception as exc:  # e.g. the font is missing: the kiosk must still show the ticket
        log.exception("could not draw the ticket for %s", spec.url)
        return PrintResult(False, PrinterStatus("unknown", "ticket not drawn"), _fault(exc))
    return print_image(spec, image)


def print_image(spec: PrinterSpec, image) -> PrintResult:
    """Print a drawn page (a ticket, the day's log checkpoint) if the printer says it can; never raises."""
    if spec.kind == "none":
        return PrintResult(False, PrinterStatus("none", "no printer configured"), "no printer configured")
    try:
        job = encode_escpos(image, spec.profile, cut=spec.cut, paper_width=spec.paper_width)
    except Exception as exc:
        log.exception("could not encode a page for %s", spec.url)
        return PrintResult(False, PrinterStatus("unknown", "page not encoded"), _fault(exc))

    def work(deadline):
        with open_link(spec, deadline) as link:
            checked = spec.status and link.can_read
            if checked:
                before = _query_status(link, deadline)
                if before.state in REFUSING:
                    return PrintResult(False, before, f"not printed: {before.detail}")
            link.write(job, deadline.left())
            if not checked:
                return PrintResult(True, PrinterStatus("unknown", "sent; printer status not checked"))
            after = _query_status(link, deadline, stray_answers=len(_DLE_EOT.findall(job)))
            if after.state in ("paper_out", "cover_open", "offline"):
                # Stopped mid-ticket: drop the rest rather than print it for the next person.
                link.write(CLEAR_BUFFERS, deadline.left())
                return PrintResult(False, after, f"printing stopped: {after.detail}")
            return PrintResult(True, after)

    result, error = _in_time(spec, work, _budget(spec))
    if result is None:
        return PrintResult(False, PrinterStatus("offline", error or ""), error)
    return result

