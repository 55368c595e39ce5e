"""Which process of a region runs the work that must run once: the leases this server holds, renewed while it lives.

Every process keeps trying to take each lease (kezek/base/leases.py) every third of
KEZEK_LEASE_TTL_S; the one that has it runs that work, the others wait. When the holder dies,
another takes the lease once it has expired and runs the work at once. A holder stopped cleanly
(SIGTERM: a deploy, a restart) gives its leases up, and a process lacking some lease looks every
FREE_CHECK_S (one read) for a lease free to take: the work moves on at once, not after the TTL. A server alone takes
every lease at start and behaves as it always did. Without a keeper (tests that drive the
work directly) `holds` is always true.
"""
from __future__ import annotations

import threading
import time
from collections.abc import Callable
from datetime import timedelta

from kezek.base import database, leases
from kezek.base.clock import utcnow

NAMES = ("expiry", "printers", "checkpoints", "notices", "telegram")
MARGIN_S = 2.0   # the holder stops before its lease ends: the hosts' clocks may differ a little
FREE_CHECK_S = 1.0   # how often a process lacking some lease looks whether it was given up


class Keeper:
    """One process's leases: taken and renewed by `renew`, asked by the work loops through `holds`."""

    def __init__(self, app, names=NAMES):
        self.app, self.names = app, tuple(names)
        self.holder = leases.new_holder()
        self.ttl_s = float(app.config.get("LEASE_TTL_S") or 15)
        self._until: dict[str, float] = {}          # name -> monotonic time this process's hold ends
        self._taken: dict[str, threading.Event] = {name: threading.Event() for name in self.names}
        self._on_taken: dict[str, list[Callable[[], None]]] = {name: [] for name in self.names}
        self._stop = threading.Event()
        self._round = threading.Lock()   # a round and give_up never interleave: nothing is taken back after

    def holds(self, name: str) -> bool:
        """Whether this process holds the lease `name` now."""
        return self._until.get(name, 0.0) > time.monotonic()

    def when_taken(self, name: str, hook: Callable[[], None]) -> None:
        """Call hook() each time this process takes the lease `name` (not at renewals)."""
        self._on_taken[name].append(hook)

    def renew(self) -> list[str]:
        """One round: take or renew every lease; the names newly taken (none once given up)."""
        with self._round:
            if self._stop.is_set():
                return []
            taken = self._take_all()
        for name in taken:
            self.app.logger.info("lease %s taken by %s", name, self.holder)
            for hook in self._on_taken[name]:
                try:
                    hook()
                except Exception:
                    self.app.logger.exception("lease %s: a hook failed", name)
            self._taken[name].set()
        return taken

    def _take_all(self) -> list[str]:
        started = time.monotonic()
        ttl = timedelta(seconds=self.ttl_s)
        taken = []
        db = database.open_db(self.app.config["DB"])
        try:
            for name in self.names:
                had = self.holds(name)
                try:
                    # Real time, not a test's clock: other processes compare it with theirs.
                    ours = leases.take(db, name, self.holder, utcnow(), ttl)
                except Exception:   # the database away: hold nothing we cannot renew
                    self.app.logger.exception("lease %s: could not renew", name)
                    ours = False
                if ours:
                    self._until[name] = started + self.ttl_s - MARGIN_S
                    if not had:
                        taken.append(name)
                else:
                    self._until.pop(name, None)
        finally:
            db.close()
        return taken

    def _any_free(self) -> bool:
        """Whether a lease this process lacks could be taken now (one read; False when the database is away)."""
        try:
            db = database.open_db(self.app.config["DB"])
            try:
                return bool(leases.takeable(db, [n for n in self.names if not self.holds(n)], self.holder, utcnow()))
            finally:
                db.close()
        except Exception:
            return False

    def wait(self, name: str, seconds: float) -> None:
        """Sleep up to `seconds`, less if this process takes the lease `name` meanwhile (its work starts at once)."""
        self._taken[name].wait(seconds)
        self._taken[name].clear()

    def run(self) -> None:
        """Renew every third of the lease's time for as long as the server runs; lacking some, look every FREE_CHECK_S."""
        period = self.ttl_s / 3
        next_round = 0.0
        while not self._stop.is_set():
            if time.monotonic() >= next_round or self._any_free():
                try:
                    self.renew()
                except Exception:
                    self.app.logger.exception("leases: a round failed")
                next_round = time.monotonic() + period
            lacking = not all(self.holds(name) for name in self.names)
            self._stop.wait(max(0.0, min(next_round - time.monotonic(), FREE_CHECK_S if lacking else period)))

    def give_up(self) -> None:
        """Stop renewing and release every lease held (a clean stop: the others take over at once)."""
        self._stop.set()
        with self._round:   # a round under way ends first; none starts after
            held = [name for name in self.names if self._until.pop(name, None) is not None]
            if not held:
                return
            try:
                db = database.open_db(self.app.config["DB"])
                try:
                    for name in held:
                        leases.give_up(db, name, self.holder)
                finally:
                    db.close()
            except Exception:   # the database away: the leases end by themselves after their time
                self.app.logger.exception("leases: could not give them up")
                return
        self.app.logger.info("leases %s given up by %s", ", ".join(held), self.holder)


def install(app) -> Keeper:
    """The app's keeper, made on first use (a running server's; hooks may be added before it starts)."""
    return app.extensions.setdefault("kezek_leases", Keeper(app))


def keeper(app) -> Keeper | None:
    """The app's keeper (a running server's; None in tests that drive the work directly)."""
    return app.extensions.get("kezek_leases")


def holds(app, name: str) -> bool:
    """Whether this process runs the work `name` now (always, without a keeper)."""
    k = keeper(app)
    return k is None or k.holds(name)


def wait(app, name: str, seconds: float) -> None:
    """Sleep until the work's next round: `seconds`, or less when this process has just taken it over."""
    k = keeper(app)
    if k is None:
        time.sleep(seconds)
    else:
        k.wait(name, seconds)
