"""The transparency log's costs: issuing with and without the checkpoint job, and a year of one office verified.

Run: .venv/bin/python bench/bench_log.py [--issues 400] [--tickets 150000] [--runs 3] [--db PATH]
Prints one JSON line and merges it into bench/results.json under "log".

1. Issue latency (engine, real transactions and fsync) in alternating rounds: without the
   checkpoint job, and with it running beside the issuer in another thread every 50 ms
   (over a thousand times more often than the server's once a minute). Medians and p95 of
   each, and the mean time of one checkpoint job.
2. A year of one office: about 150,000 tickets and 600,000 events with a valid hash chain,
   bulk-inserted (four events a ticket: issued, called, started, finished). Times: the first
   checkpoint job over the whole backlog (extending the tree from nothing), verify-log's
   checkpoint part (the log recomputed from its events against two kept checkpoints), the
   chain check for comparison, and one inclusion and one consistency proof.
   Target: verifying the year takes under a minute.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kezek import demo
from kezek.base import database
from kezek.base import store as base_store
from kezek.base.clock import iso
from kezek.log import chain, checkpoints, keyfile, note, tree, tree_check
from kezek.queue import tickets

TARGET_S = 60.0
OFFICE = "demo"
START = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc)


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(q * len(values)))]


def issue_rounds(path: str, issues: int, signer: note.Signer) -> dict:
    """Issue latency without and with the checkpoint job, in alternating rounds of the same run."""
    db = database.init_db(path)
    demo.load_demo(db, START, password="bench-password-1")
    services = [r["id"] for r in database.rows(db, "SELECT id FROM services WHERE office_id = ?", (OFFICE,))]
    now = [START]
    lat = {"without": [], "with": []}
    job = {"runs": 0, "seconds": 0.0, "events": 0}
    stop = threading.Event()

    def checkpoint_job():
        jdb = database.open_db(path)
        while not stop.is_set():
            before = tree.size(jdb, OFFICE)
            t0 = time.perf_counter()
            checkpoints.make_due(jdb, signer, now[0])
            job["seconds"] += time.perf_counter() - t0
            job["events"] += tree.size(jdb, OFFICE) - before
            job["runs"] += 1
            stop.wait(0.05)
        jdb.close()

    per_round = max(10, issues // 8)
    for round_no in range(8):
        kind = "with" if round_no % 2 else "without"
        worker = threading.Thread(target=checkpoint_job) if kind == "with" else None
        if worker:
            stop.clear()
            worker.start()
        for i in range(per_round):
            now[0] += timedelta(seconds=2)
            t0 = time.perf_counter()
            tickets.issue(db, services[i % len(services)], now[0])
            lat[kind].append(time.perf_counter() - t0)
        if worker:
            stop.set()
            worker.join()
    t0 = time.perf_counter()
    backlog = tree.size(db, OFFICE)
    checkpoints.make_due(db, signer, now[0] + timedelta(seconds=1))
    tail_s = time.perf_counter() - t0
    db.close()
    return {
        "issue_median_ms_without_job": round(statistics.median(lat["without"]) * 1000, 2),
        "issue_median_ms_with_job": round(statistics.median(lat["with"]) * 1000, 2),
        "issue_p95_ms_without_job": round(pct(lat["without"], 0.95) * 1000, 2),
        "issue_p95_ms_with_job": round(pct(lat["with"], 0.95) * 1000, 2),
        "issues_per_phase": len(lat["without"]),
        "checkpoint_job_runs": job["runs"],
        "checkpoint_job_ms_mean": round(job["seconds"] / max(1, job["runs"]) * 1000, 2),
        "checkpoint_us_per_event": round(job["seconds"] / max(1, job["events"]) * 1e6, 1),
        "last_job_ms": round(tail_s * 1000, 2), "tree_size_before_last_job": backlog,
    }


def make_year(path: str, tickets_n: int) -> int:
    """A year of one office: tickets_n tickets with four events each and a valid chain; the events made."""
    db = database.init_db(path)
    demo.load_demo(db, START - timedelta(days=366), password="bench-password-1")
    head = database.one(db, "SELECT id, hash FROM events ORDER BY id DESC LIMIT 1")
    event_id, prev = head["id"], head["hash"]
    service_ids = [r["id"] for r in database.rows(db, "SELECT id FROM services WHERE office_id = ?", (OFFICE,))]
    day0 = START - timedelta(days=365)
    per_day = max(1, tickets_n // 250)
    batch = []
    made = 0
    for n in range(tickets_n):
        day, k = divmod(n, per_day)
        at = day0 + timedelta(days=day * 365 // 250, seconds=k * 30)
        service = service_ids[n % len(service_ids)]
        number = f"A{k + 1:03d}"
        for step, (name, details) in enumerate((
                ("ticket.issued", {"number": number, "priority": False, "lang": "kk"}),
                ("ticket.called", {"number": number, "out_of_order": False}),
                ("ticket.started", {"number": number}), ("ticket.finished", {"number": number}))):
            event_id += 1
            row = {"id": event_id, "at": iso(at + timedelta(seconds=60 * step)), "office_id": OFFICE, "name": name,
                   "ticket_id": None, "service_id": service, "desk_id": 1 if step else None,
                   "user_id": None, "device_id": None,
                   "details": json.dumps(details, ensure_ascii=False, sort_keys=True), "prev_hash": prev}
            row["hash"] = prev = chain.row_hash(row)
            batch.append(tuple(row[c] for c in (*chain.FIELDS, "hash")))
            made += 1
        if len(batch) >= 20000:
            _insert(db, batch)
            batch = []
    _insert(db, batch)
    with database.transaction(db):
        base_store.set_setting(db, "log_head", f"{event_id}:{prev}")
    db.close()
    return made


def _insert(db, batch: list[tuple]) -> None:
    if batch:
        with database.transaction(db, durable=False):
            db.conn.executemany("INSERT INTO events (id, at, office_id, name, ticket_id, service_id, desk_id,"
                                " user_id, device_id, details, prev_hash, hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
                                batch)


def year_figures(path: str, signer: note.Signer, runs: int) -> dict:
    """The first checkpoint over a year's backlog, then verify-log's checkpoint part, the chain, proofs."""
    db = database.open_db(path)
    t0 = time.perf_counter()
    made = checkpoints.make_due(db, signer, START)
    first_job_s = time.perf_counter() - t0
    full = made[-1] if made else checkpoints.latest(db, OFFICE)
    size = full["size"]
    half_root = tree.root(db, OFFICE, size // 2)
    half = note.sign(note.Checkpoint(keyfile.origin(signer.name, OFFICE), size // 2, half_root).text(),
                     keyfile.office_signer(signer, OFFICE))
    verifiers = [keyfile.office_verifier(signer, OFFICE)]
    verify_s, chain_s, cpu_s = [], [], []
    for _ in range(runs):
        c0, t0 = time.process_time(), time.perf_counter()
        found = tree_check.check_notes(db, [("full", full["note"]), ("half", half)], verifiers)
        verify_s.append(time.perf_counter() - t0)
        assert all(f.ok for f in found), found
        t0 = time.perf_counter()
        assert chain.verify(db).ok
        chain_s.append(time.perf_counter() - t0)
        cpu_s.append(time.process_time() - c0)   # this process's CPU: what an idle machine would take
    t0 = time.perf_counter()
    for i in range(0, size, max(1, size // 100)):
        tree.inclusion(db, OFFICE, i, size)
    inclusion_ms = (time.perf_counter() - t0) / 100 * 1000
    t0 = time.perf_counter()
    tree.consistency(db, OFFICE, size // 3, size)
    consistency_ms = (time.perf_counter() - t0) * 1000
    db.close()
    return {"year_events": size, "first_checkpoint_job_s": round(first_job_s, 2),
            "extend_us_per_event": round(first_job_s / size * 1e6, 2),
            "verify_checkpoints_median_s": round(statistics.median(verify_s), 2),
            "chain_verify_median_s": round(statistics.median(chain_s), 2),
            "verify_year_total_s": round(statistics.median(verify_s) + statistics.median(chain_s), 2),
            "verify_year_cpu_s": round(statistics.median(cpu_s), 2),
            "inclusion_proof_ms": round(inclusion_ms, 3), "consistency_proof_ms": round(consistency_ms, 3),
            "target_s": TARGET_S}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--issues", type=int, default=400)
    p.add_argument("--tickets", type=int, default=150_000)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--db", help="keep the year's database here (made once, measured again on later runs)")
    args = p.parse_args()
    work = Path(tempfile.mkdtemp(prefix="kezek-bench-log-"))
    figures = issue_rounds(str(work / "issue.db"), args.issues, note.generate("bench.kezek.local"))
    year = args.db or str(work / "year.db")
    if not Path(year).exists():
        t0 = time.perf_counter()
        make_year(year, args.tickets)
        figures["year_made_s"] = round(time.perf_counter() - t0, 1)
    signer, _made = keyfile.ensure(keyfile.default_path(year), "bench.kezek.local")   # kept with a kept --db
    figures.update(year_figures(year, signer, args.runs))
    figures["ok"] = figures["verify_year_total_s"] < TARGET_S
    print(json.dumps({"log": figures}))
    results = Path(__file__).resolve().parent / "results.json"
    merged = json.loads(results.read_text()) if results.exists() else {}
    merged["log"] = figures
    results.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    return 0 if figures["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
