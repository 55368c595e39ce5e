"""Where the server itself may print: network printers only, never its own machine, only the allowed ports.

An admin names a kiosk's printer by URL, and the server opens what the URL names. Left
unchecked, `tcp://127.0.0.1:5432` or `tcp://10.0.0.9:22` makes the server a probe of its
own machine and network, so a `tcp://` target is checked when the URL is set and again at
every connect (a name may resolve to another address later), and the connect goes to the
address that was checked.
"""
from __future__ import annotations

import ipaddress
import socket

DEFAULT_PORTS = (9100,)
LOCAL_NAMES = ("localhost", "localhost.localdomain", "ip6-localhost", "ip6-loopback")


class Refused(ValueError):
    """A printer address the server will not connect to, and why."""


def _own_address(ip: ipaddress._BaseAddress) -> bool:
    """Whether `ip` belongs to this machine: only a local address can be bound."""
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    probe = socket.socket(family, socket.SOCK_DGRAM)
    try:
        probe.bind((str(ip), 0))
        return True
    except OSError:
        return False
    finally:
        probe.close()


def address_refusal(ip_text: str) -> str | None:
    """Why the server must not print to this IP address, or None."""
    ip = ipaddress.ip_address(ip_text.split("%", 1)[0])
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    if ip.is_loopback or ip.is_unspecified:
        return f"{ip} is the server itself (loopback)"
    if ip.is_multicast or ip == ipaddress.ip_address("255.255.255.255"):
        return f"{ip} is not one printer"
    if _own_address(ip):
        return f"{ip} is one of the server's own addresses"
    return None


def resolve(host: str, port: int) -> list[str]:
    """The addresses `host` names now (IPv4 and IPv6)."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(info[4][0] for info in infos))


def checked_addresses(host: str, port: int, ports, *, allow_local: bool = False,
                      must_resolve: bool = True) -> list[str]:
    """The addresses to connect to for tcp://host:port; Refused when any of them is not allowed.

    `allow_local` is the server owner's setting (KEZEK_PRINTER_ALLOW_LOCAL) for a printer
    simulator on the server itself; no admin can set it.
    """
    allowed_ports = tuple(ports or DEFAULT_PORTS)
    name = host.strip("[]").lower().rstrip(".")
    try:
        addresses = resolve(name, port)
    except (socket.gaierror, UnicodeError) as exc:
        if must_resolve:
            raise Refused(f"printer host {host!r} does not resolve: {exc}") from exc
        addresses = []   # not on the network yet: checked again at every connect
    local = name in LOCAL_NAMES or any(address_refusal(a) for a in addresses)
    if allow_local and local:
        return addresses
    if name in LOCAL_NAMES:
        raise Refused(f"{host} is the server itself (loopback)")
    for address in addresses:
        reason = address_refusal(address)
        if reason:
            raise Refused(f"tcp://{host}: {reason}; the server prints only to network printers")
    if port not in allowed_ports:
        raise Refused(f"port {port} is not a printer port of this office "
                      f"(allowed: {', '.join(str(p) for p in allowed_ports)})")
    return addresses
