"""Who drives a kiosk's printer: the server itself (network printers) or the print agent on the kiosk PC."""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from kezek.printers import guard
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
    if via == "server" and spec.kind in AGENT_KINDS:
        # The server writing to a device path would write to any file it can open (its own database).
        return Route("server", error=f"{spec.kind}:// printers are attached to the kiosk PC and only the print "
                                     f"agent there drives them: via=server is refused")
    if via == "agent" or (via is None and spec.kind in AGENT_KINDS):
        return Route("agent", spec)
    if spec.kind == "none":
        return Route("none")
    return Route("server", spec)


def server_target_error(route: Route, ports, *, allow_local: bool = False) -> str | None:
    """Why the server must not drive this route's printer (its own machine, a port not allowed), or None."""
    if route.route != "server" or route.spec is None or route.spec.kind != "tcp":
        return None
    try:
        guard.checked_addresses(route.spec.target, route.spec.port, ports, allow_local=allow_local,
                                must_resolve=False)
    except guard.Refused as exc:
        return str(exc)
    return None


def guarded(route: Route, ports, *, allow_local: bool = False) -> Route:
    """The route with its spec checked again at every connect against the office's printer ports."""
    if route.spec is None or route.route != "server":
        return route
    spec = replace(route.spec, allowed_ports=tuple(ports or guard.DEFAULT_PORTS), allow_local=allow_local)
    return Route(route.route, spec, route.error)
