"""Rate limits: named budgets of events per key (a kiosk, an address, a name from an address) in a moving window.

Flask-Limiter keeps the counts, with the `limits` library's moving-window strategy (each event
is forgotten exactly `window` seconds after it happened, as the hand-written windows did). The
storage is this process's memory (`memory://`, one server process), or Redis when several
processes serve one database: KEZEK_RATE_LIMIT_STORAGE, else KEZEK_MESSAGE_QUEUE when that is
a `redis://` URL. Then every process spends the same budget: a kiosk gets its 30 tickets a
minute from the region, not 30 from each process behind the load balancer.

While the shared storage does not answer (Redis restarting), each process counts in its own
memory and tries the storage again after a few seconds: a limit is never switched off, and a
ticket is never refused because Redis is away.
"""
from __future__ import annotations

import logging
import math
import threading
import time
from collections.abc import Callable

from flask import current_app
from flask_limiter import Limiter
from limits import RateLimitItemPerSecond
from limits.errors import StorageError
from limits.storage import MemoryStorage
from limits.strategies import MovingWindowRateLimiter

log = logging.getLogger("kezek.rate_limits")
RETRY_STORAGE_S = 5.0     # after a storage error, this process's own counts for this long
MEMORY_KEYS = 10000       # a memory storage with more keys than this forgets the idle ones
STORAGE_TIMEOUT_S = 1.0   # a Redis that does not answer costs a request at most this (then memory)


def storage_uri(config) -> str:
    """Where the counts live: KEZEK_RATE_LIMIT_STORAGE, else a redis:// KEZEK_MESSAGE_QUEUE, else memory://."""
    explicit = str(config.get("RATE_LIMIT_STORAGE") or "").strip()
    if explicit:
        return explicit
    queue = str(config.get("MESSAGE_QUEUE") or "").strip()
    if queue.startswith(("redis://", "rediss://")):
        return queue
    return "memory://"


class Counts:
    """One app's counts: Flask-Limiter's storage, and this process's memory while that storage is away."""

    def __init__(self, app):
        uri = storage_uri(app.config)
        options = {"wrap_exceptions": True}
        if not uri.startswith("memory://"):
            options |= {"socket_timeout": STORAGE_TIMEOUT_S, "socket_connect_timeout": STORAGE_TIMEOUT_S}
        # No route decorators: each budget is spent where its view decides (after the caller's
        # rights and input are checked, failures only for sign-ins, shared with Socket.IO connects).
        self.limiter = Limiter(lambda: "", app=app, storage_uri=uri, storage_options=options,
                               strategy="moving-window")
        _without_request_hooks(app, self.limiter)
        self.uri = uri
        self.fallback = MovingWindowRateLimiter(MemoryStorage())
        self._away_until = 0.0
        self._lock = threading.Lock()

    def run(self, operation: Callable):
        """operation(strategy) on the shared storage, or on this process's memory while it is away."""
        if time.monotonic() >= self._away_until:
            try:
                if isinstance(self.limiter.storage, MemoryStorage):
                    _forget_idle(self.limiter.storage)
                return operation(self.limiter.limiter)
            except StorageError as err:   # limits wraps the storage's own (redis' ConnectionError, timeouts)
                with self._lock:
                    if time.monotonic() >= self._away_until:
                        log.warning("rate limit storage %s unreachable (%s): counting in this process for %.0f s",
                                    _redacted(self.uri), type(err).__name__, RETRY_STORAGE_S)
                    self._away_until = time.monotonic() + RETRY_STORAGE_S
        _forget_idle(self.fallback.storage)
        return operation(self.fallback)


def _forget_idle(storage: MemoryStorage) -> None:
    # limits' memory storage empties an idle key's list of events but keeps the key: months of
    # visitors' addresses would pile up. Past MEMORY_KEYS keys, those whose newest event is over go.
    if len(storage.events) <= MEMORY_KEYS:
        return
    now = time.time()
    for key in [k for k, events in list(storage.events.items()) if not events or events[0].expiry <= now]:
        with storage.locks[key]:
            events = storage.events.get(key)
            if not events or events[0].expiry <= now:
                storage.events.pop(key, None)


def _without_request_hooks(app, limiter: Limiter) -> None:
    # Flask-Limiter's middleware looks for route limits before and after every request; Kezek has
    # none, and the look cost 0.6-1.2 ms a request here (GET /api/v1/services, 2-core machine).
    def ours(hook) -> bool:
        return getattr(hook, "__self__", None) is limiter or limiter in getattr(hook, "args", ())
    for hooks in (app.before_request_funcs, app.after_request_funcs, app.teardown_request_funcs):
        for scope, funcs in hooks.items():
            funcs[:] = [f for f in funcs if not ours(f)]


def _redacted(uri: str) -> str:
    # redis://user:password@host/0: the log is no place for the password.
    scheme, sep, rest = uri.partition("://")
    return f"{scheme}{sep}{rest.rpartition('@')[2]}"


def counts() -> Counts:
    """This app's counts (made by create_app)."""
    return current_app.extensions["kezek_rate_limits"]


class Budget:
    """At most limit() events per key in any `window` seconds; a limit of 0 or less turns it off."""

    def __init__(self, name: str, window_s: int, limit: Callable[[], int]):
        self.name, self.window_s, self.limit = name, int(window_s), limit

    def _item(self) -> RateLimitItemPerSecond | None:
        amount = int(self.limit())
        return RateLimitItemPerSecond(amount, self.window_s) if amount > 0 else None

    def _keys(self, key: str) -> tuple[str, str, str]:
        return "kezek", self.name, key

    def hit(self, key: str) -> bool:
        """Spend one event; False (nothing spent) when the budget is used up."""
        item = self._item()
        return item is None or counts().run(lambda s: s.hit(item, *self._keys(key)))

    def exhausted(self, key: str) -> bool:
        """Whether the budget is used up (spending nothing): sign-ins count their failures only."""
        item = self._item()
        return item is not None and not counts().run(lambda s: s.test(item, *self._keys(key)))

    def clear(self, key: str) -> None:
        """Forget a key's events (a successful sign-in forgets its failures)."""
        item = self._item()
        if item is not None:
            counts().run(lambda s: s.clear(item, *self._keys(key)))

    def retry_after(self, key: str) -> int:
        """Whole seconds until one more event fits (at least 1)."""
        item = self._item()
        if item is None:
            return 1
        reset = counts().run(lambda s: s.get_window_stats(item, *self._keys(key)).reset_time)
        return max(1, math.ceil(reset - time.time()))


def reset_all(app) -> None:
    """Forget every count of this app (tests; a memory storage is the process's own)."""
    counts_ = app.extensions["kezek_rate_limits"]
    counts_.limiter.reset()
    counts_.fallback.storage.reset()
