"""Soak: minutes of mixed load on the real server — kiosks issuing, desks calling, ticket pages
polling, 1,000 connected display screens in other processes — with p50/p99 latencies and errors.

Not part of `make test`. Usage:
  python bench/bench_soak.py [--duration 150] [--screens 1000] [--screen-procs 4]
                             [--kiosks 4] [--issue-every 4] [--desks 6] [--call-every 5]
The defaults are a very busy office (≈1 ticket and ≈1.2 calls a second, 3,600 visitors an hour);
`--stress` (kiosks every 0.5 s, desks every 1 s) shows where one server process stops keeping up.
Prints a table and, last, one JSON line; merges the figures into bench/results.json.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import random
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import ServerProcess, percentile  # noqa: E402


def _screens(url: str, count: int, ready, stop, out) -> None:
    """`count` display screens on one asyncio loop; per called number: when the screens got it."""
    import socketio

    async def main():
        got: dict[str, list[float]] = {}      # number -> arrival times (one per screen)
        stats = {"connected": 0, "disconnects": 0, "connect_errors": 0, "snapshots": 0, "min_connected": count}
        clients = []
        snapshots: list[list[float]] = []      # per screen: when each snapshot arrived

        async def one():
            c = socketio.AsyncClient(reconnection=True, reconnection_delay=1, reconnection_delay_max=5)
            mine: list[float] = []
            snapshots.append(mine)

            @c.on("snapshot")
            async def on_snapshot(data):
                stats["snapshots"] += 1
                mine.append(time.time())

            @c.on("ticket.called")
            async def on_called(data):
                got.setdefault(data["number"], []).append(time.time())

            @c.event
            async def disconnect(reason=None):
                if not stop.is_set():   # our own disconnect at the end does not count
                    stats["disconnects"] += 1
                    stats.setdefault("reasons", {}).setdefault(str(reason), 0)
                    stats["reasons"][str(reason)] += 1

            try:
                await c.connect(url, transports=["websocket"], auth={"screen": "display"}, wait_timeout=30)
                clients.append(c)
            except Exception:  # counted, not fatal: the figure says how many screens were refused
                stats["connect_errors"] += 1

        for i in range(0, count, 50):   # connect in batches, as screens in a hall come up one by one
            await asyncio.gather(*(one() for _ in range(min(50, count - i))))
        stats["connected"] = sum(1 for c in clients if c.connected)
        ready.put(stats["connected"])
        while not stop.is_set():
            await asyncio.sleep(0.5)
            stats["min_connected"] = min(stats["min_connected"], sum(1 for c in clients if c.connected))
        await asyncio.sleep(2)          # the last calls' pushes are still on their way
        stats["still_connected"] = sum(1 for c in clients if c.connected)
        summary = {n: (min(t), sorted(t)[len(t) // 2], max(t), len(t)) for n, t in got.items()}
        stats["snapshot_times"] = snapshots
        out.put((stats, summary))
        await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)

    asyncio.run(main())


class Recorder:
    """Latencies and errors of one kind of request, shared by threads."""

    def __init__(self):
        self.ms: list[float] = []
        self.errors: dict[str, int] = {}
        self.lock = threading.Lock()

    def timed(self, call):
        start = time.perf_counter()
        try:
            r = call()
        except requests.RequestException as err:
            with self.lock:
                self.errors[type(err).__name__] = self.errors.get(type(err).__name__, 0) + 1
            return None
        with self.lock:
            self.ms.append((time.perf_counter() - start) * 1000)
            if r.status_code >= 400:
                self.errors[str(r.status_code)] = self.errors.get(str(r.status_code), 0) + 1
        return r

    def figures(self) -> dict:
        return {"n": len(self.ms), "p50_ms": round(percentile(self.ms, 50), 1),
                "p99_ms": round(percentile(self.ms, 99), 1), "max_ms": round(max(self.ms or [0]), 1),
                "errors": self.errors}


def run(args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="kezek-soak-"))
    server = ServerProcess(tmp, env={"KEZEK_ISSUE_RATE_LIMIT": "0"})
    server.start()
    ctx = mp.get_context("spawn")
    ready, out, stop_screens = ctx.Queue(), ctx.Queue(), ctx.Event()
    share = [args.screens // args.screen_procs + (1 if i < args.screens % args.screen_procs else 0)
             for i in range(args.screen_procs)]
    procs = [ctx.Process(target=_screens, args=(server.url, n, ready, stop_screens, out)) for n in share if n]
    for p in procs:
        p.start()
    connected = sum(ready.get(timeout=300) for _ in procs)
    print(f"{connected} display screens connected; soaking for {args.duration:.0f} s", flush=True)

    issue, call, page = Recorder(), Recorder(), Recorder()
    sent: dict[str, float] = {}
    tokens: list[str] = []
    stop = threading.Event()

    def kiosk(seed):
        rng, s = random.Random(seed), server.kiosk()
        while not stop.wait(args.issue_every * rng.uniform(0.5, 1.5)):
            r = issue.timed(lambda: s.post(server.url + "/api/v1/tickets", json={"service": rng.randint(1, 7)},
                                           timeout=30))
            if r is not None and r.status_code == 201:
                tokens.append(r.json()["token"])

    def desk(desk_id, username):
        s = server.session(username)
        while not stop.wait(args.call_every * random.uniform(0.5, 1.5)):
            t0 = time.time()
            r = call.timed(lambda: s.post(server.url + f"/api/v1/desks/{desk_id}/call-next", timeout=30))
            if r is not None and r.status_code == 200:
                sent[r.json()["number"]] = t0

    def phone():
        s = requests.Session()
        while not stop.wait(5.0):
            if tokens:
                page.timed(lambda: s.get(server.url + f"/api/v1/tickets/{random.choice(tokens)}", timeout=30))

    users = ["operator1", "operator2", "manager", "admin"]
    threads = [threading.Thread(target=kiosk, args=(i,)) for i in range(args.kiosks)]
    threads += [threading.Thread(target=desk, args=(d, users[d % len(users)])) for d in range(1, args.desks + 1)]
    threads += [threading.Thread(target=phone) for _ in range(4)]
    for t in threads:
        t.start()
    restart = None
    if args.restart_after and args.restart_after < args.duration:
        time.sleep(args.restart_after)
        down = time.time()
        server.stop()
        server.start()
        restart = (down, time.time())
        print(f"server restarted ({restart[1] - restart[0]:.1f} s down)", flush=True)
        time.sleep(args.duration - args.restart_after)
    else:
        time.sleep(args.duration)
    stop.set()
    for t in threads:
        t.join(60)
    stop_screens.set()
    stats, arrivals = {"connected": 0, "disconnects": 0, "connect_errors": 0, "still_connected": 0,
                       "min_connected": 0}, {}
    reasons: dict[str, int] = {}
    resynced: list[list[float]] = []
    for _ in procs:
        s, summary = out.get(timeout=120)
        for k in stats:
            stats[k] += s.get(k, 0)
        resynced.extend(times for times in s.get("snapshot_times", []))
        for reason, n in s.get("reasons", {}).items():
            reasons[reason] = reasons.get(reason, 0) + n
        for number, (first, median, last, n) in summary.items():
            prev = arrivals.get(number, (first, [], last, 0))
            arrivals[number] = (min(prev[0], first), prev[1] + [median], max(prev[2], last), prev[3] + n)
    for p in procs:
        p.join(30)
    verify = server.cli("verify-log", check=False).returncode
    server.stop()

    to_all = [(arrivals[n][2] - t0) * 1000 for n, t0 in sent.items() if n in arrivals]
    typical = [(sorted(arrivals[n][1])[len(arrivals[n][1]) // 2] - t0) * 1000 for n, t0 in sent.items() if n in arrivals]
    missed = sum(stats["connected"] - arrivals.get(n, (0, 0, 0, 0))[3] for n in sent)
    recovery = None
    if restart:
        # The first snapshot each screen got after the server was back: the screen shows the truth again.
        back = [min(t for t in times if t >= restart[0]) - restart[1] for times in resynced
                if any(t >= restart[0] for t in times)]
        recovery = {"down_s": round(restart[1] - restart[0], 1), "screens_resynced": len(back),
                    "p50_s": round(percentile(back, 50), 1), "p99_s": round(percentile(back, 99), 1),
                    "all_s": round(max(back or [0]), 1)}
    return {
        "bench": "soak", "duration_s": args.duration, "screens": connected,
        "issue": issue.figures(), "call_next": call.figures(), "ticket_page": page.figures(),
        "push_call_to_median_screen": {"p50_ms": round(percentile(typical, 50), 1),
                                       "p99_ms": round(percentile(typical, 99), 1)},
        "push_call_to_last_screen": {"p50_ms": round(percentile(to_all, 50), 1),
                                     "p99_ms": round(percentile(to_all, 99), 1),
                                     "max_ms": round(max(to_all or [0]), 1)},
        "calls_pushed": len(sent), "pushes_missed": missed,
        "screen_disconnects": stats["disconnects"], "screen_disconnect_reasons": reasons,
        "screen_connect_errors": stats["connect_errors"],
        "screens_connected_at_end": stats["still_connected"], "screens_connected_min": stats["min_connected"],
        "verify_log_exit": verify, "restart_recovery": recovery, "load": {k: getattr(args, k) for k in ("kiosks", "issue_every", "desks", "call_every")},
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--duration", type=float, default=150)
    p.add_argument("--screens", type=int, default=1000)
    p.add_argument("--screen-procs", type=int, default=4)
    p.add_argument("--kiosks", type=int, default=4)
    p.add_argument("--issue-every", type=float, default=4.0, help="seconds between one kiosk's tickets")
    p.add_argument("--desks", type=int, default=6)
    p.add_argument("--call-every", type=float, default=5.0, help="seconds between one desk's calls")
    p.add_argument("--stress", action="store_true", help="kiosks every 0.5 s, desks every 1 s")
    p.add_argument("--restart-after", type=float, default=0,
                   help="restart the server after this many seconds and time the screens' resync")
    args = p.parse_args()
    if args.stress:
        args.issue_every, args.call_every = 0.5, 1.0
    result = run(args)
    for key in ("issue", "call_next", "ticket_page", "push_call_to_median_screen", "push_call_to_last_screen"):
        print(f"{key:28} {result[key]}")
    for key in ("screens", "calls_pushed", "pushes_missed", "screen_disconnects", "screen_connect_errors",
                "screens_connected_at_end", "screens_connected_min", "verify_log_exit", "restart_recovery"):
        print(f"{key:28} {result[key]}")
    results_file = Path(__file__).resolve().parent / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results["soak_stress" if args.stress else "soak"] = result
    results_file.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
