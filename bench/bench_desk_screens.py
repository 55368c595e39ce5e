"""40 desk screens on a 120-service office: what the live traffic to operator screens costs the server.

A real server (gevent) with the demo office grown by tests/samples/big_office.csv (20 bodies,
120 services, 40 desks of 3–6 services, imported through the admin API as tests/big_office.py
does) and ~1,000 tickets waiting; 40 operator screens connected over Socket.IO from another
process, each behaving as operator.js does on that code (the old one refetches
GET /api/v1/desks/<id>/state 150 ms after any event; the scoped one applies its `desk.queue`
pushes); then 1 issue and 1 call-next a second for 60 s. Kiosks and desks act independently, so the issue
comes at a random moment of the second after the call (seeded); `--issue-after 0.1` puts it 0.1 s after
the call every time, as the earlier runs in README did (the moment the desk push of that call goes out).
Prints issue median, call-next p99, bytes a second to all desk screens (Socket.IO payloads
as JSON plus refetched bodies), refetches a second and the server's CPU share of one core.

Usage: python bench/bench_desk_screens.py [--root TREE] [--duration 60] [--label after]
`--root` runs another checkout's server (e.g. `git worktree add /tmp/live-before <commit>`)
with this venv: the before/after figures in README come from the same script.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import ROOT, ServerProcess, percentile  # noqa: E402

sys.path.insert(0, str(ROOT))
from kezek.office import prefixes  # noqa: E402  (the prefixes this tree's import proposes)
from tests import big_office  # noqa: E402  (the office #20 names, from the CSV an admin imports)

REFETCH_ON = ("ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.finished",
              "ticket.no_show", "ticket.transferred", "ticket.returned", "ticket.cancelled", "ticket.expired",
              "queue.changed", "desk.changed")


def _enter_by_hand(server: ServerProcess, admin) -> dict[str, int]:
    """The CSV's rows entered one call each, for a `--root` tree older than the import (e0fe606): services after
    the demo's in the file's order with the prefixes this tree's import proposes, desks by the file's names."""
    url = server.url
    have = requests.get(url + "/api/v1/services", timeout=10).json()
    have = have["services"] if isinstance(have, dict) else have
    taken = {s["prefix"] for s in have}
    groups = {b["key"]: b for b in big_office.bodies()}
    ids = {}
    for order, (key, row) in enumerate(big_office.service_rows().items(), start=len(have)):
        prefix = prefixes.propose(big_office.kiosk_name(key, "kk"), taken)
        taken.add(prefix)
        body = groups[row["group"]]
        r = admin.post(url + "/api/v1/services", json={
            "prefix": prefix, "sort_order": order, **{f"name_{lang}": big_office.kiosk_name(key, lang)[:120]
                                                      for lang in big_office.LANGS},
            **{f"group_{lang}": body[f"name_{lang}"] for lang in big_office.LANGS}}, timeout=10)
        r.raise_for_status()
        ids[key] = r.json()["id"]
    current = {d["name"]: d["id"] for d in admin.get(url + "/api/v1/desks", timeout=10).json()["desks"]}
    for name, keys in big_office.desk_rows().items():
        body = {"name": name, "service_ids": sorted(ids[k] for k in keys)}
        if name in current:
            admin.patch(f"{url}/api/v1/desks/{current[name]}", json=body, timeout=10).raise_for_status()
        else:
            admin.post(url + "/api/v1/desks", json=body, timeout=10).raise_for_status()
    return ids


def build_office(server: ServerProcess, waiting: int, seed: int = 20) -> list[int]:
    """The demo office with tests/samples/big_office.csv imported through the admin API (tests/big_office.py:
    20 bodies, 120 services, its 40 desks "1"…"40" of 3–6 services, the demo's six among them); fill the queue."""
    rng = random.Random(seed)
    admin = server.session("admin")
    answer = admin.post(server.url + "/api/v1/office-config/import?dry_run=1", data=big_office.CSV.read_bytes(),
                        headers={"Content-Type": "text/csv"}, timeout=30)
    if answer.status_code == 404:      # a tree without the import
        _enter_by_hand(server, admin)
    else:
        big_office.build_through_api(server.url, admin)
    have = requests.get(server.url + "/api/v1/services", timeout=10).json()
    ids = [s["id"] for s in (have["services"] if isinstance(have, dict) else have)]
    for desk in admin.get(server.url + "/api/v1/desks", timeout=10).json()["desks"]:
        # Each desk's clerk has started work (a desk nobody worked at today does not count as calling).
        admin.post(f"{server.url}/api/v1/desks/{desk['id']}/pause", json={"reason": "start"}, timeout=10)
        admin.post(f"{server.url}/api/v1/desks/{desk['id']}/resume", timeout=10)
    kiosk = server.kiosk()
    for _ in range(waiting):
        kiosk.post(server.url + "/api/v1/tickets", json={"service": rng.choice(ids)}, timeout=10).raise_for_status()
    return ids


def _screens(url: str, desk_ids: list[int], cookies: list[str], ready, stop, out) -> None:
    """The desk screens on one asyncio loop; bytes received (pushes, refetches), refetches, pushes."""
    import aiohttp
    import socketio

    async def main():
        stats = {"push_bytes": 0, "refetch_bytes": 0, "pushes": 0, "refetches": 0, "scoped": 0,
                 "connected": 0, "connect_errors": 0, "counting": False}
        clients = []
        http = aiohttp.ClientSession()

        async def one(desk_id: int, cookie: str):
            c = socketio.AsyncClient(reconnection=True)
            state = {"scoped": False, "timer": None}

            async def refetch():
                await asyncio.sleep(0.15)      # operator.js: refresh(150), a burst makes one request
                state["timer"] = None
                async with http.get(f"{url}/api/v1/desks/{desk_id}/state", headers={"Cookie": cookie}) as r:
                    body = await r.read()
                if stats["counting"]:
                    stats["refetch_bytes"] += len(body)
                    stats["refetches"] += 1

            async def on_any(event, data=None):
                if stats["counting"]:
                    stats["push_bytes"] += len(json.dumps(data, ensure_ascii=False).encode()) + len(event) + 8
                    stats["pushes"] += 1
                if event == "snapshot":
                    state["scoped"] = isinstance(data, dict) and data.get("scope") == "desk"
                elif event in REFETCH_ON and not state["scoped"] and state["timer"] is None:
                    state["timer"] = asyncio.ensure_future(refetch())

            c.on("*", on_any)
            try:
                await c.connect(url, transports=["websocket"], headers={"Cookie": cookie},
                                auth={"screen": "operator", "desk": desk_id, "scope": "desk"}, wait_timeout=30)
                clients.append((c, state))
            except Exception:
                stats["connect_errors"] += 1

        await asyncio.gather(*(one(d, cookies[i % len(cookies)]) for i, d in enumerate(desk_ids)))
        await asyncio.sleep(1)
        stats["connected"] = sum(1 for c, _ in clients if c.connected)
        stats["scoped"] = sum(1 for _, s in clients if s["scoped"])
        ready.put(stats["connected"])
        while not stop.is_set():          # start: the parent sets "stop" twice (start counting, then stop)
            await asyncio.sleep(0.05)
        stop.clear()
        stats["counting"] = True
        while not stop.is_set():
            await asyncio.sleep(0.05)
        stats["counting"] = False
        out.put(stats)
        await asyncio.gather(*(c.disconnect() for c, _ in clients), return_exceptions=True)
        await http.close()

    asyncio.run(main())


def _cpu_s(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def run(args) -> dict:
    tmp = Path(tempfile.mkdtemp(prefix="kezek-desks-"))
    server = ServerProcess(tmp, env={"KEZEK_ISSUE_RATE_LIMIT": "0"}, root=Path(args.root).resolve())
    server.start()
    try:
        ids = build_office(server, args.waiting)
        users = ["operator1", "operator2", "manager", "admin"]
        sessions = [server.session(u) for u in users]
        cookies = ["; ".join(f"{k}={v}" for k, v in s.cookies.items()) for s in sessions]
        desk_ids = [d["id"] for d in sessions[-1].get(server.url + "/api/v1/desks", timeout=10).json()["desks"]]
        ctx = mp.get_context("spawn")
        ready, out, flag = ctx.Queue(), ctx.Queue(), ctx.Event()
        proc = ctx.Process(target=_screens, args=(server.url, desk_ids, cookies, ready, flag, out))
        proc.start()
        connected = ready.get(timeout=120)
        print(f"{args.label}: {len(ids)} services, {len(desk_ids)} desks, {connected} desk screens connected; "
              f"{args.duration:.0f} s of 1 issue + 1 call a second", flush=True)
        issue_ms: list[float] = []
        errors = 0
        call_ms: list[float] = []
        kiosk = server.kiosk()
        rng = random.Random(7)
        offsets = random.Random(11)
        flag.set()
        time.sleep(0.3)
        cpu0, wall0 = _cpu_s(server.proc.pid), time.monotonic()
        for second in range(int(args.duration)):
            tick = wall0 + second
            time.sleep(max(0.0, tick - time.monotonic()))
            desk = desk_ids[second % len(desk_ids)]
            t0 = time.perf_counter()
            try:   # a request that times out counts with its 30 s (and as an error), the run goes on
                sessions[second % len(sessions)].post(server.url + f"/api/v1/desks/{desk}/call-next", timeout=30)
            except requests.RequestException:
                errors += 1
            call_ms.append((time.perf_counter() - t0) * 1000)
            after = args.issue_after if args.issue_after is not None else offsets.uniform(0.05, 0.95)
            time.sleep(max(0.0, tick + after - time.monotonic()))
            t0 = time.perf_counter()
            try:
                kiosk.post(server.url + "/api/v1/tickets", json={"service": rng.choice(ids)}, timeout=30)
            except requests.RequestException:
                errors += 1
            issue_ms.append((time.perf_counter() - t0) * 1000)
        time.sleep(max(0.0, wall0 + args.duration - time.monotonic()) + 1.0)   # the last pushes arrive
        wall = time.monotonic() - wall0
        cpu = _cpu_s(server.proc.pid) - cpu0
        flag.set()
        screens = out.get(timeout=60)
        proc.join(30)
    finally:
        server.stop()
    to_screens = screens["push_bytes"] + screens["refetch_bytes"]
    return {
        "bench": "desk_screens", "label": args.label, "services": len(ids), "desks": len(desk_ids),
        "screens": connected, "scoped_screens": screens["scoped"], "duration_s": round(wall, 1),
        "issue_after_s": "random" if args.issue_after is None else args.issue_after,
        "issue_p50_ms": round(statistics.median(issue_ms), 1), "issue_p90_ms": round(percentile(issue_ms, 90), 1),
        "call_next_p50_ms": round(statistics.median(call_ms), 1), "call_next_p99_ms": round(percentile(call_ms, 99), 1),
        "call_next_max_ms": round(max(call_ms), 1),
        "bytes_per_s_to_desk_screens": round(to_screens / wall),
        "push_bytes_per_s": round(screens["push_bytes"] / wall), "refetch_bytes_per_s": round(screens["refetch_bytes"] / wall),
        "pushes_per_s": round(screens["pushes"] / wall, 1), "refetches_per_s": round(screens["refetches"] / wall, 1),
        "server_cpu_share": round(cpu / wall, 3), "requests_failed": errors,
        "load_average_1min": round(os.getloadavg()[0], 1),   # the machine's, at the end: other work on it
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--root", default=str(ROOT), help="the checkout whose server.py runs")
    p.add_argument("--label", default="after")
    p.add_argument("--duration", type=float, default=60)
    p.add_argument("--waiting", type=int, default=1000)
    p.add_argument("--issue-after", type=float, default=None,
                   help="seconds from each call to the issue (default: a random moment of the second)")
    args = p.parse_args()
    result = run(args)
    for key, value in result.items():
        print(f"{key:30} {value}")
    results_file = Path(__file__).resolve().parent / "results.json"
    results = json.loads(results_file.read_text()) if results_file.exists() else {}
    results.setdefault("desk_screens", {})[args.label] = result
    results_file.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
