"""Time of a month's report over a year of history (about a million tickets and their events).

Run: .venv/bin/python bench/bench_reports.py [--tickets 1000000] [--runs 5] [--db PATH]
Target: median at most 1 s for one month's report. Prints one JSON line. With --db PATH the
generated database is kept, and a later run on the same PATH measures it again at once.

The history is bulk-inserted straight into the tables (the demo office's services, desks and
operators) so that it is made in a minute rather than hours. Its events carry placeholder
hashes: the hash chain of the bench database is NOT valid, on purpose.
"""
from __future__ import annotations

import argparse
import json
import random
import secrets
import statistics
import sys
import tempfile
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kezek import demo
from kezek.base import database
from kezek.reports import figures

TARGET_S = 1.0
OFFICE = "demo"
UTC_OPEN_S = 4 * 3600            # 09:00 in Almaty (UTC+5)
DAY_S = 9 * 3600                 # open nine hours


def stamp(day: str, seconds: int) -> str:
    """An iso() timestamp without datetime's cost (seconds after the UTC midnight of `day`)."""
    h, rest = divmod(seconds, 3600)
    m, s = divmod(rest, 60)
    return f"{day}T{h:02d}:{m:02d}:{s:02d}.000000Z"


def generate(db, tickets: int, first_day: date, days: int, seed: int = 7) -> int:
    """Insert `tickets` tickets spread over `days` office days, with their events; returns events made."""
    rnd = random.Random(seed)
    services = [r["id"] for r in db.query("SELECT id FROM services WHERE office_id = ?", (OFFICE,))]
    desk_for = {}
    for r in db.query("SELECT desk_id, service_id FROM desk_services"):
        desk_for.setdefault(r["service_id"], []).append(r["desk_id"])
    users = [r["id"] for r in db.query("SELECT id FROM users WHERE role = 'operator'")]
    per_day = tickets // days
    ticket_rows, event_rows, fact_rows = [], [], []
    ticket_id = event_id = 0
    numbers: dict = {}

    def event(at, name, tid, sid, did, uid, details='{}'):
        nonlocal event_id
        event_id += 1
        event_rows.append((event_id, at, OFFICE, name, tid, sid, did, uid, None, details, "bench", "bench"))

    for d in range(days):
        day = (first_day + timedelta(days=d)).isoformat()
        count = per_day + (1 if d < tickets - per_day * days else 0)
        for _ in range(count):
            ticket_id += 1
            sid = rnd.choice(services)
            n = numbers[(sid, day)] = numbers.get((sid, day), 0) + 1
            issued = UTC_OPEN_S + rnd.randrange(DAY_S)
            wait = int(rnd.expovariate(1 / 600))
            serve = 120 + int(rnd.expovariate(1 / 480))
            roll = rnd.random()
            did, uid = rnd.choice(desk_for[sid]), rnd.choice(users)
            issued_at = stamp(day, issued)
            event(issued_at, "ticket.issued", ticket_id, sid, None, None)
            called = started = finished = None
            if roll < 0.05:
                status, finished = "cancelled", stamp(day, issued + wait // 2)
                event(finished, "ticket.cancelled", ticket_id, sid, None, None)
                did = uid = None
            else:
                called = stamp(day, issued + wait)
                event(called, "ticket.called", ticket_id, sid, did, uid)
                if roll < 0.12:
                    status, finished = "no_show", stamp(day, issued + wait + 120)
                    event(finished, "ticket.no_show", ticket_id, sid, did, uid)
                else:
                    status = "done"
                    started = stamp(day, issued + wait + 30)
                    finished = stamp(day, issued + wait + 30 + serve)
                    event(started, "ticket.started", ticket_id, sid, did, uid)
                    event(finished, "ticket.finished", ticket_id, sid, did, uid)
            rating = rnd.randint(1, 5) if status == "done" and roll > 0.8 else None
            if rating is not None:
                event(finished, "ticket.rated", ticket_id, sid, did, uid, f'{{"stars": {rating}}}')
            fact_rows.append((ticket_id, OFFICE, day, (issued // 3600 + 5) % 24, issued_at, sid, status, did, uid,
                              called, started, finished, wait if called else None,
                              serve if started else None, 0, rating))
            ticket_rows.append((ticket_id, OFFICE, secrets.token_hex(8), sid, sid, day, n, f"Б{n:03d}", status,
                                issued_at, issued_at, called, started, finished, did, uid, rating))
        if len(event_rows) > 200_000:
            _flush(db, ticket_rows, event_rows, fact_rows)
    _flush(db, ticket_rows, event_rows, fact_rows)
    return event_id


def _flush(db, ticket_rows, event_rows, fact_rows):
    with database.transaction(db):
        db.conn.executemany(
            "INSERT INTO tickets (id, office_id, token, issued_service_id, service_id, day, number, display_number,"
            " status, issued_at, queued_at, called_at, started_at, finished_at, desk_id, user_id, rating)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", ticket_rows)
        db.conn.executemany(
            "INSERT INTO events (id, at, office_id, name, ticket_id, service_id, desk_id, user_id, device_id,"
            " details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", event_rows)
        # The reports' per-ticket summary, as kezek/report_facts.py keeps it for live events.
        db.conn.executemany(
            "INSERT INTO report_tickets (ticket_id, office_id, day, hour, issued_at, service_id, status, desk_id,"
            " user_id, first_called_at, started_at, finished_at, wait_s, service_s, transfers, rating)"
            " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)", fact_rows)
    ticket_rows.clear()
    event_rows.clear()
    fact_rows.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tickets", type=int, default=1_000_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--db", help="keep the generated database here (default: a temporary file)")
    args = parser.parse_args()
    folder = tempfile.TemporaryDirectory()
    path = args.db or str(Path(folder.name) / "bench.db")
    reuse = Path(path).exists()
    db = database.init_db(path)
    generate_s = events = None
    if reuse and db.execute("SELECT COUNT(*) FROM report_tickets").fetchone()[0]:
        # A database kept from an earlier run (--db): measure again without generating.
        events = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    else:
        db.execute("PRAGMA synchronous=OFF")   # a throw-away database: no need to survive a power cut
        demo.load_demo(db, datetime(2024, 12, 31, tzinfo=timezone.utc), password="bench-pass-123")
        # The bench's events start the log afresh (placeholder hashes; see the docstring).
        db.execute("DELETE FROM settings WHERE key = 'log_head'")
        db.execute("DROP TRIGGER IF EXISTS events_no_delete")
        db.execute("DELETE FROM events")
        db.execute("DELETE FROM report_tickets")
        # Indexes are built once at the end: much faster than keeping them up to date row by row.
        indexes = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL"
            " AND tbl_name IN ('tickets', 'events', 'report_tickets')")]
        for name in indexes:
            db.execute(f"DROP INDEX {name}")
        started = time.perf_counter()
        events = generate(db, args.tickets, date(2025, 1, 1), 365)
        db.conn.executescript(database.SCHEMA.read_text(encoding="utf-8"))
        db.execute("ANALYZE")
        generate_s = round(time.perf_counter() - started, 1)
    tickets = db.execute("SELECT COUNT(*) FROM report_tickets").fetchone()[0]
    month = ("2025-06-01", "2025-06-30")
    figures.report(db, OFFICE, *month)     # warm the page cache: the figure is a month's report on a running server
    wall, cpu = [], []
    for _ in range(args.runs):
        t0, c0 = time.perf_counter(), time.process_time()
        report = figures.report(db, OFFICE, *month)
        wall.append(time.perf_counter() - t0)
        cpu.append(time.process_time() - c0)
    t0 = time.perf_counter()
    figures.report(db, OFFICE, "2025-01-01", "2025-12-31")
    year_s = time.perf_counter() - t0
    median = statistics.median(wall)
    print(json.dumps({
        "bench": "reports", "tickets": tickets, "events": events, "generate_s": generate_s,
        "month": list(month), "month_tickets": report["totals"]["issued"], "runs": args.runs,
        "month_report_median_s": round(median, 3), "month_report_max_s": round(max(wall), 3),
        "month_report_cpu_median_s": round(statistics.median(cpu), 3),
        "year_report_s": round(year_s, 2), "target_s": TARGET_S, "ok": median <= TARGET_S,
        "hash_chain_valid": False}))
    db.close()


if __name__ == "__main__":
    main()
