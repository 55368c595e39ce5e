"""Leases: work that must run in one server process at a time, taken over when its holder dies.

A lease is a row (name, holder, expires_at). Its holder renews it well before it expires; any
other process may take it once `expires_at` has passed, so a holder that died (SIGKILL, power,
a lost host) is replaced within the lease's time plus one renewal period. A process on the same
host may take at once a lease whose holder's pid no longer runs (a restarted single server does
not wait out its dead predecessor). Times are the hosts' own clocks (UTC): the region's hosts
keep them within a second or two of each other (NTP), and the holder stops treating the lease as
its own a margin before it expires.
"""
from __future__ import annotations

import os
import secrets
import socket
from datetime import datetime, timedelta

from kezek.base import database, store
from kezek.base.clock import iso


def new_holder() -> str:
    """This process's name as a lease holder: host:pid:random (a restarted pid is another holder)."""
    return f"{socket.gethostname()}:{os.getpid()}:{secrets.token_hex(4)}"


def _dead_here(holder: str) -> bool:
    """Whether `holder` was a process on this host whose pid no longer runs."""
    host, _, rest = holder.partition(":")
    pid = rest.partition(":")[0]
    if host != socket.gethostname() or not pid.isdigit():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:   # alive, another user's
        return False
    return False


def take(db, name: str, holder: str, now: datetime, ttl: timedelta) -> bool:
    """Take or renew the lease `name` for `holder` until now + ttl; False while another live holder has it."""
    with database.transaction(db, durable=False):
        current = store.lease(db, name)
        dead = current["holder"] if current and current["holder"] != holder and _dead_here(current["holder"]) else ""
        store.take_lease(db, name, holder, iso(now), iso(now + ttl), dead)
        return store.lease(db, name)["holder"] == holder


def give_up(db, name: str, holder: str) -> None:
    """Release the lease (a process stopping cleanly): another takes it at its next try."""
    with database.transaction(db, durable=False):
        store.drop_lease(db, name, holder)


def takeable(db, names, holder: str, now: datetime) -> list[str]:
    """Of `names`, those not held by `holder` that it could take now: never taken, given up, expired or a dead pid's.

    One read, no write: a process that lacks some lease asks this often (a holder that stops
    cleanly gives its leases up, and the others should not wait a renewal round to take them).
    """
    rows = {row["name"]: row for row in store.leases(db)}
    at = iso(now)
    return [name for name in names
            if name not in rows or (rows[name]["holder"] != holder
                                    and (rows[name]["expires_at"] <= at or _dead_here(rows[name]["holder"])))]


def holder(db, name: str) -> dict | None:
    """Who holds the lease `name` and until when (None when nobody ever took it)."""
    return store.lease(db, name)
