"""One open connection to a ticket printer, over python-escpos, with a timeout on every step."""
from __future__ import annotations

import contextlib
import socket

from kezek.printers import guard


class Link:
    """A connection that writes bytes and, when the printer talks back, reads them."""

    can_read = False

    def __init__(self, printer):
        self.printer = printer  # a python-escpos printer object

    def write(self, data: bytes, timeout: float) -> None:
        """Send `data`, giving up after `timeout` seconds."""
        if timeout <= 0:
            raise TimeoutError("no time left to send to the printer")
        self.printer._raw(data)

    def read(self, timeout: float) -> bytes:
        """Bytes the printer sent, or b"" if none came within `timeout` seconds."""
        return b""

    def close(self) -> None:
        self.printer.close()


class NetworkLink(Link):
    """tcp://host:9100 — a raw socket, the usual port of network receipt printers."""

    can_read = True

    @staticmethod
    def connect(printer, timeout: float) -> None:
        """Connect with our timeout (python-escpos's own open() leaks the socket when refused)."""
        try:
            printer.device = socket.create_connection((printer.host, printer.port), timeout=timeout)
        except OSError as exc:
            raise ConnectionError(f"cannot connect to {printer.host}:{printer.port}: {exc.strerror or exc}") from exc

    def write(self, data: bytes, timeout: float) -> None:
        if timeout <= 0:
            raise TimeoutError("no time left to send to the printer")
        self.printer.device.settimeout(timeout)
        self.printer._raw(data)

    def read(self, timeout: float) -> bytes:
        if timeout <= 0:
            return b""
        self.printer.device.settimeout(timeout)
        try:
            chunk = self.printer.device.recv(64)
        except (TimeoutError, socket.timeout):
            return b""
        if not chunk:
            raise ConnectionError("printer closed the connection")
        return chunk


class UsbLink(Link):
    """usb://VID:PID — pyusb, bulk endpoints; pyusb counts timeouts in milliseconds."""

    can_read = True

    def write(self, data: bytes, timeout: float) -> None:
        if timeout <= 0:
            raise TimeoutError("no time left to send to the printer")
        self.printer.timeout = max(1, int(timeout * 1000))
        self.printer._raw(data)

    def read(self, timeout: float) -> bytes:
        import usb.core

        if timeout <= 0:
            return b""
        try:
            return bytes(self.printer.device.read(self.printer.in_ep, 64, max(1, int(timeout * 1000))))
        except usb.core.USBTimeoutError:
            return b""


class SerialLink(Link):
    """serial:///dev/ttyUSB0 — pyserial with read and write timeouts."""

    can_read = True

    def write(self, data: bytes, timeout: float) -> None:
        if timeout <= 0:
            raise TimeoutError("no time left to send to the printer")
        self.printer.device.write_timeout = timeout
        self.printer._raw(data)

    def read(self, timeout: float) -> bytes:
        if timeout <= 0:
            return b""
        self.printer.device.timeout = timeout
        return self.printer.device.read(64)


def _make(spec, deadline):
    """The python-escpos printer object and its Link class for `spec`."""
    from escpos import printer as escpos_printer

    profile = spec.profile
    if spec.kind == "tcp":
        connect = min(spec.timeout, deadline.left())
        return escpos_printer.Network(spec.target, spec.port, timeout=connect, profile=profile), NetworkLink
    if spec.kind == "usb":
        vid, pid = (int(part, 16) for part in spec.target.split(":"))
        ms = max(1, int(spec.timeout * 1000))
        return escpos_printer.Usb(vid, pid, timeout=ms, profile=profile, **spec.options), UsbLink
    if spec.kind == "serial":
        return escpos_printer.Serial(spec.target, timeout=spec.timeout, profile=profile,
                                     **spec.options), SerialLink
    if spec.kind == "file":
        return escpos_printer.File(spec.target, profile=profile), Link
    if spec.kind == "cups":
        return escpos_printer.CupsPrinter(spec.target, profile=profile), Link
    raise ValueError(f"no link for printer kind {spec.kind!r}")


@contextlib.contextmanager
def open_link(spec, deadline):
    """An open Link to the printer of `spec`, closed (and, for CUPS, submitted) on exit."""
    printer, link_class = _make(spec, deadline)
    if link_class is NetworkLink:
        if spec.allowed_ports is not None:
            # The server's own print: to the address checked now, not to whatever the name resolves to next.
            printer.host = guard.checked_addresses(spec.target, spec.port, spec.allowed_ports,
                                                   allow_local=spec.allow_local)[0]
        NetworkLink.connect(printer, min(spec.timeout, deadline.left()))
    else:
        printer.open()  # raises DeviceNotFoundError (or RuntimeError: driver missing) on failure
    link = link_class(printer)
    try:
        yield link
    finally:
        with contextlib.suppress(Exception):
            link.close()
