"""Issue 15's live figures: call -> last screen p50/p99 with 4 processes and 4,000 hall displays (1,000 on each)
against 1 process and 1,000, and the Redis hop's cost (1 process, 1,000 displays, with and without
KEZEK_MESSAGE_QUEUE). Real `server.py run` processes behind HAProxy (tests/region.py) on one SQLite file.
Only on a quiet machine: it refuses to measure when the load average is 2 or more (--force overrides).

Usage: python bench/bench_region.py [--screens 1000] [--processes 4] [--calls 20] [--force]
"""
from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import sys
import tempfile
import time
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent), str(HERE.parent / "tests")]
from _load import percentile  # noqa: E402
from bench_core import _display_process, rss_mb  # noqa: E402
from region import Region  # noqa: E402

RESULTS = HERE / "results.json"


def call_to_screens(region: Region, per_process: int, calls: int) -> dict:
    """Displays connected straight to each process; calls made through the balancer; arrival at every display."""
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    workers = []
    for server in region.servers:   # two client processes per server process (500 clients on one loop each)
        halves = [per_process // 2 + per_process % 2, per_process // 2] if per_process >= 20 else [per_process]
        workers += [ctx.Process(target=_display_process, args=(server.url, n, ready, go, out, calls))
                    for n in halves if n]
    for w in workers:
        w.start()
    connected = sum(ready.get(timeout=300) for _ in workers)
    time.sleep(1)
    kiosk = requests.Session()
    kiosk.headers["Authorization"] = f"Bearer {region.demo['kiosk_token']}"
    op = region.session("operator2")
    for _ in range(calls):
        kiosk.post(region.url + "/api/v1/tickets", json={"service": 2}, timeout=10).raise_for_status()
    sent: dict[str, float] = {}
    for _ in range(calls):
        t0 = time.time()
        r = op.post(region.url + "/api/v1/desks/3/call-next", timeout=10)   # desk 3 serves Б
        sent[r.json()["number"]] = t0
        time.sleep(0.25)
    go.set()
    latencies = []
    for _ in workers:
        arrivals = out.get(timeout=300)
        for number, t0 in sent.items():
            latencies.extend((t - t0) * 1000 for t in arrivals.get(number, []))
    for w in workers:
        w.join(30)
    kiosk.close()
    return {"processes": len(region.servers), "screens": connected, "calls": calls,
            "p50_ms": round(percentile(latencies, 50), 1), "p99_ms": round(percentile(latencies, 99), 1),
            "max_ms": round(max(latencies or [0]), 1), "missed": connected * calls - len(latencies),
            "rss_mb_per_process": [round(rss_mb(s.proc.pid), 1) for s in region.servers]}


def run(processes: int, per_process: int, calls: int, message_queue: bool = True) -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        region = Region(Path(tmp), processes=processes)
        if not message_queue:
            region.env.pop("KEZEK_MESSAGE_QUEUE")
        with region:
            row = call_to_screens(region, per_process, calls)
    row["redis"] = message_queue
    print(f"{row['processes']} process(es){'' if message_queue else ' without Redis'}, {row['screens']} displays:"
          f" call -> last display p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, max {row['max_ms']} ms,"
          f" missed {row['missed']}, RSS per process {row['rss_mb_per_process']} MB", flush=True)
    return row


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--screens", type=int, default=1000, help="displays on each process")
    parser.add_argument("--processes", type=int, default=4)
    parser.add_argument("--calls", type=int, default=20)
    parser.add_argument("--force", action="store_true", help="measure even on a busy machine")
    args = parser.parse_args()
    load = os.getloadavg()[0]
    print(f"load average {load:.2f}", flush=True)
    if load >= 2 and not args.force:
        print("not measured: the machine is busy (load average >= 2); run again when it is quiet, or --force")
        return 0
    figures = {"load_average": round(load, 2), "runs": [
        run(1, args.screens, args.calls, message_queue=False),     # one process as today
        run(1, args.screens, args.calls),                          # the same, through Redis: the hop's cost
        run(args.processes, args.screens, args.calls),            # the region
    ]}
    hop = figures["runs"][1]["p50_ms"] - figures["runs"][0]["p50_ms"]
    print(f"the Redis hop: +{hop:.1f} ms at the median (1 process, {args.screens} displays)", flush=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["region_live"] = figures
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
