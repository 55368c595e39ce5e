"""The bounded outbox: a few workers send messages, retry with backoff, and report how each one ended.

Nothing here runs in a request or holds the write lock: a full outbox drops a message (counted), a slow
push service only ever holds a worker, for at most its timeout.
"""
from __future__ import annotations

import heapq
import queue
import random
import threading
import time
from collections.abc import Callable

RETRYABLE = "retry"
FINAL = ("sent", "gone", "failed", "dropped")


class Outbox:
    """Messages waiting to be sent, and the workers that send them."""

    def __init__(self, deliver: Callable[[object], str], done: Callable[[object, str], None], *,
                 size: int = 1000, workers: int = 4, attempts: int = 4, backoff_s: float = 1.0,
                 on_error: Callable[[BaseException], None] | None = None):
        self.deliver, self.done = deliver, done
        self.attempts, self.backoff_s = attempts, backoff_s
        self.on_error = on_error or (lambda err: None)
        # One queue per worker, chosen by the message's address: one phone's messages arrive in order.
        self._queues = [queue.Queue(maxsize=max(1, size // workers)) for _ in range(workers)]
        self._later: list[tuple[float, int, int, object]] = []   # (due, order, attempt, message)
        self._later_lock = threading.Lock()
        self._order = 0
        self._busy = 0   # messages a worker holds right now
        self._stopping = threading.Event()
        self._threads = [threading.Thread(target=self._work, args=(q,), name=f"kezek-notify-{n}", daemon=True)
                         for n, q in enumerate(self._queues)]
        self._threads.append(threading.Thread(target=self._retry_loop, name="kezek-notify-retry", daemon=True))

    def start(self) -> Outbox:
        """Start the workers."""
        for thread in self._threads:
            thread.start()
        return self

    def stop(self, timeout: float = 2.0) -> None:
        """Ask the workers to stop and wait a little for them."""
        self._stopping.set()
        for waiting in self._queues:
            try:
                waiting.put_nowait(None)
            except queue.Full:
                pass
        for thread in self._threads:
            thread.join(timeout)

    def put(self, message, attempt: int = 1) -> bool:
        """Queue a message without waiting; False (and counted as dropped) when the outbox is full."""
        waiting = self._queues[hash(getattr(message, "address", "")) % len(self._queues)]
        try:
            waiting.put_nowait((attempt, message))
            return True
        except queue.Full:
            self._finish(message, "dropped")
            return False

    def pending(self) -> int:
        """Messages queued or waiting for a retry."""
        with self._later_lock:
            return sum(q.qsize() for q in self._queues) + len(self._later) + self._busy

    def _finish(self, message, outcome: str) -> None:
        try:
            self.done(message, outcome)
        except Exception as err:   # a failed count must not stop a worker
            self.on_error(err)

    def _work(self, waiting: queue.Queue) -> None:
        while not self._stopping.is_set():
            item = waiting.get()
            if item is None:
                return
            attempt, message = item
            with self._later_lock:
                self._busy += 1
            try:
                self._attempt(attempt, message)
            finally:
                with self._later_lock:
                    self._busy -= 1

    def _attempt(self, attempt: int, message) -> None:
        try:
            outcome = self.deliver(message)
        except Exception as err:   # timeouts, refused connections, a bad answer: try again later
            self.on_error(err)
            outcome = RETRYABLE
        if outcome == RETRYABLE and attempt < self.attempts:
            delay = self.backoff_s * 2 ** (attempt - 1) * (0.75 + random.random() / 2)
            with self._later_lock:
                self._order += 1
                heapq.heappush(self._later, (time.monotonic() + delay, self._order, attempt + 1, message))
            return
        self._finish(message, "failed" if outcome == RETRYABLE else outcome)

    def _retry_loop(self) -> None:
        while not self._stopping.is_set():
            due = []
            with self._later_lock:
                while self._later and self._later[0][0] <= time.monotonic():
                    due.append(heapq.heappop(self._later))
            for _, _, attempt, message in due:
                self.put(message, attempt)
            time.sleep(0.05)
