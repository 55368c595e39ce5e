"""Time of `verify-log` over a year of one office: the hash chain, then every ticket, desk and booking replayed.

Run: .venv/bin/python bench/bench_verify.py [--tickets 150000] [--runs 3] [--db PATH]
Target: a year of one busy office (≈150,000 tickets) verifies in well under a minute (median).
Prints one JSON line. The history is made by the engine itself (every operation a real
transaction, with its events: calls, recalls, starts, finishes, no-shows, returns, transfers,
some put first, cancels, ratings, pauses, same-day bookings checked in, expiry), with the
disk's fsync turned off while it is made. It takes a few minutes; with --db PATH it is kept,
and a later run on the same PATH measures at once.
"""
from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kezek import demo, verification
from kezek.base import database
from kezek.base.errors import KezekError
from kezek.bookings import reservations, slots
from kezek.log import chain
from kezek.queue import desks, projection, ratings, tickets, transfers

TARGET_S = 60.0
OFFICE = "demo"
FIRST_DAY = datetime(2025, 12, 1, 4, 0, tzinfo=timezone.utc)     # 09:00 in Almaty
DAY_S = 9 * 3600


def _desk_step(db, rnd, desk_id: int, held: dict, now: datetime) -> None:
    """One move of a desk: call, or move its visitor on (most are served; a few are not)."""
    ticket = held.get(desk_id)
    roll = rnd.random()
    if ticket is None:
        if rnd.random() < 0.01:
            desks.pause(db, desk_id, "break", now)
            desks.resume(db, desk_id, now + timedelta(minutes=10))
            return
        called = tickets.call_next(db, desk_id, now).ticket
        if called:
            held[desk_id] = called
        return
    if ticket["status"] == "called":
        if roll < 0.04:
            tickets.no_show(db, ticket["id"], now)
        elif roll < 0.07:
            tickets.return_to_queue(db, ticket["id"], now)
        else:
            if roll < 0.12:
                tickets.recall(db, ticket["id"], now)
            held[desk_id] = tickets.start(db, ticket["id"], now).ticket
            return
        held.pop(desk_id)
        return
    if roll < 0.05:
        other = rnd.choice([s for s in range(1, 8) if s != ticket["service_id"]])
        first = roll < 0.01
        transfers.transfer(db, ticket["id"], other, now, first=first, reason="sent on" if first else None)
    else:
        done = tickets.finish(db, ticket["id"], now).ticket
        if roll > 0.9:
            ratings.rate(db, done["token"], rnd.randint(1, 5), None, now)
    held.pop(desk_id)


def generate(db, total: int, per_day: int, seed: int = 7) -> int:
    """Run `total` tickets through the engine, `per_day` an office day; returns the events written."""
    rnd = random.Random(seed)
    desk_ids = [d["id"] for d in db.query("SELECT id FROM desks WHERE office_id = ?", (OFFICE,))]
    issued, day = 0, 0
    while issued < total:
        start = FIRST_DAY + timedelta(days=day)
        tickets.expire_stale(db, OFFICE, start)
        held: dict = {}
        waiting_tokens: list[str] = []
        check_ins: list[tuple[datetime, str]] = []
        local_day = (start + timedelta(hours=5)).date().isoformat()
        free = [s.at for s in slots.day_slots(db, 1, local_day, start) if s.open][::3][:8]
        for at in free:   # same-day bookings, a few made too late to go ahead
            code = reservations.book(db, 1, at, start)["code"]
            check_ins.append((datetime.fromisoformat(at.replace("Z", "+00:00")) - timedelta(minutes=5), code))
        count = min(per_day, total - issued)
        for i in range(count):
            now = start + timedelta(seconds=DAY_S * i // count)
            while check_ins and check_ins[0][0] <= now:
                _, code = check_ins.pop(0)
                reservations.check_in(db, code, OFFICE, now)
            priority = rnd.random() < 0.05
            ticket = tickets.issue(db, rnd.randint(1, 7), now, priority=priority,
                                   priority_reason="elderly" if priority else None).ticket
            waiting_tokens.append(ticket["token"])
            if rnd.random() < 0.03:
                try:
                    tickets.cancel(db, waiting_tokens.pop(rnd.randrange(len(waiting_tokens))), now)
                except KezekError:
                    pass      # already called
            for _ in range(4):
                _desk_step(db, rnd, rnd.choice(desk_ids), held, now + timedelta(seconds=1))
        for desk_id, ticket in list(held.items()):   # the day ends with every desk free
            end = start + timedelta(seconds=DAY_S + 60)
            if ticket["status"] == "serving":
                tickets.finish(db, ticket["id"], end)
            else:
                tickets.no_show(db, ticket["id"], end)
        issued += count
        day += 1
        if day % 20 == 0:
            print(f"  … {issued} tickets, {day} days", file=sys.stderr, flush=True)
    return db.execute("SELECT count(*) FROM events").fetchone()[0]


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tickets", type=int, default=150_000)
    ap.add_argument("--per-day", type=int, default=600)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--db", help="keep the generated database here (reused when it exists)")
    args = ap.parse_args()
    path = Path(args.db) if args.db else Path(tempfile.mkdtemp()) / "bench_verify.db"
    made = 0.0
    if not path.exists():
        db = database.init_db(path)
        demo.load_demo(db, FIRST_DAY - timedelta(days=1), password="bench-password-1")
        db.execute("PRAGMA synchronous=OFF")
        started = time.perf_counter()
        generate(db, args.tickets, args.per_day)
        made = time.perf_counter() - started
        db.close()
    db = database.open_db(path)
    counts = {t: db.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("tickets", "events", "bookings")}
    report = verification.verify(db)
    assert report.ok, [str(m) for m in report.mismatches[:5]]
    whole = [timed(lambda: verification.verify(db)) for _ in range(args.runs)]
    chain_only = [timed(lambda: chain.verify(db)) for _ in range(args.runs)]
    rows_only = [timed(lambda: sum(1 for _ in projection.compare_tickets(db))) for _ in range(args.runs)]
    db.close()
    median = statistics.median(whole)
    result = {"bench": "verify_log", **counts, "generated_s": round(made, 1),
              "verify_median_s": round(median, 2), "verify_runs_s": [round(x, 2) for x in whole],
              "chain_median_s": round(statistics.median(chain_only), 2),
              "tickets_replay_median_s": round(statistics.median(rows_only), 2),
              "per_ticket_us": round(median / max(counts["tickets"], 1) * 1e6, 1),
              "target_s": TARGET_S, "ok": median < TARGET_S}
    print(json.dumps(result))
    return 0 if result["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
