"""What the estimates cost: the kiosk's service list, queue.changed and one ticket's figures,
with 50, 300 and 1000 tickets waiting in the demo office (engine only, no server).

queue.changed is built inside every write transaction, so its time is added to each write.
Usage: python bench/bench_estimates.py
"""
from __future__ import annotations

import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from kezek import demo
from kezek.base import database
from kezek.office import store as office_store
from kezek.queue import store as queue_store
from kezek.queue import tickets, views


def timed_ms(fn, repeat: int = 30) -> float:
    """Median milliseconds of `fn(now)` with the clock moving a second each time (no reuse)."""
    times = []
    for i in range(repeat):
        moment = NOW[0] + timedelta(seconds=i + 1)
        start = time.perf_counter()
        fn(moment)
        times.append((time.perf_counter() - start) * 1000)
    NOW[0] += timedelta(seconds=repeat + 1)
    return statistics.median(times)


NOW = [datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)]


def main() -> None:
    random.seed(7)
    with tempfile.TemporaryDirectory() as tmp:
        db = database.init_db(Path(tmp) / "bench.db")
        demo.load_demo(db, NOW[0], password="bench-pass-123")
        for _ in range(60):                                   # some history: typical visit times
            t = tickets.issue(db, random.randint(1, 7), NOW[0]).ticket
            desk = next(d for d in office_store.desks(db, "demo") if t["service_id"] in d["service_ids"])
            tickets.call_ticket(db, desk["id"], t["id"], "bench", NOW[0])
            NOW[0] += timedelta(seconds=random.randint(120, 600))
            tickets.finish(db, tickets.start(db, t["id"], NOW[0]).ticket["id"], NOW[0])
        for target in (50, 300, 1000):
            waiting = len(queue_store.waiting_in(db, list(range(1, 8))))
            for _ in range(target - waiting):
                tickets.issue(db, random.randint(1, 7), NOW[0])
                NOW[0] += timedelta(seconds=2)
            last = queue_store.ticket(db, database.scalar(db, "SELECT MAX(id) FROM tickets"))
            print(f"{target:5d} waiting: services list {timed_ms(lambda n: views.services_view(db, 'demo', n)):6.1f} ms"
                  f" · queue.changed {timed_ms(lambda n: tickets.queue_event(db, 'demo', n)):6.1f} ms"
                  f" · last ticket's figures {timed_ms(lambda n: views.ticket_view(db, last, n)):6.1f} ms")
        db.close()


if __name__ == "__main__":
    main()
