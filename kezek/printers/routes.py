"""Who drives a kiosk's printer: the server itself (network printers) or the print agent on the kiosk PC."""
from __future__ import annotations

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kezek.printers.driver import PrinterSpec, parse_printer_url

ROUTES = ("none", "server", "agent")
AGENT_KINDS = ("usb", "serial", "file")  # attached to the kiosk PC: only an agent there reaches them


class Route:
    """How a kiosk's tickets reach paper: route 'none', 'server' (with spec) or 'agent'."""

    def __init__(self, route: str, spec: PrinterSpec | None = None, error: str | None = None):
        self.route = route
        self.spec = spec
        self.error = error  # a printer URL that cannot be used, and why


def split_via(url: str) -> tuple[str, str | None]:
    """(the URL without its `via=` option, the via value or None)."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    via = [value for key, value in query if key == "via"]
    rest = [(key, value) for key, value in query if key != "via"]
    return urlunsplit(parts._replace(query=urlencode(rest))), (via[-1] if via else None)


def printer_route(printer_url: str | None) -> Route:
    """Decide who drives a kiosk's printer, from the URL stored for the kiosk."""
    text = (printer_url or "").strip()
    if text in ("", "none", "none:", "none://"):
        return Route("none")
    if text in ("agent", "agent:", "agent://"):
        return Route("agent")
    url, via = split_via(text)
    if via not in (None, "agent", "server"):
        return Route("server", error=f"via must be agent or server in {text!r}")
    try:
        spec = parse_printer_url(url)
    except ValueError as exc:
        return Route("server", error=f"bad printer URL: {exc}")
    if via == "agent" or (via is None and spec.kind in AGENT_KINDS):
        return Route("agent", spec)
    if spec.kind == "none":
        return Route("none")
    return Route("server", spec)
