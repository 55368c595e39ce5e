"""Issue 2's figures: issue latency and throughput, call-next latency, call -> every display
client latency with 10/100/1000 Socket.IO clients in other processes, server memory.

Runs the real server (`server.py run`, gevent unless --mode threading) on 127.0.0.1 with
durable writes. Prints figures and merges them into bench/results.json.
Usage: python bench/bench_core.py [--mode gevent|threading] [--clients 10,100,1000] [--quick]
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing as mp
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import ServerProcess, percentile  # noqa: E402

RESULTS = Path(__file__).resolve().parent / "results.json"


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def kiosk_session(server) -> requests.Session:
    s = requests.Session()
    s.headers["Authorization"] = f"Bearer {server.demo['kiosk_token']}"
    return s


def kiosk_key() -> dict:
    """A kiosk sends every tap with its own Idempotency-Key (claimed in the issuing transaction)."""
    return {"Idempotency-Key": uuid.uuid4().hex}


def issue_latency(server, n: int) -> dict:
    """One client, one request at a time."""
    s = kiosk_session(server)
    times = []
    for i in range(n):
        start = time.perf_counter()
        r = s.post(server.url + "/api/v1/tickets", json={"service": 1 + i % 7}, headers=kiosk_key())
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 201, r.text
    return {"median_ms": round(statistics.median(times), 2), "p99_ms": round(percentile(times, 99), 2), "n": n}


def issue_throughput(server, clients: int, per_client: int) -> dict:
    """`clients` threads issuing as fast as they can."""
    latencies: list[float] = []
    errors = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(k):
        s = kiosk_session(server)
        own = []
        barrier.wait()
        for i in range(per_client):
            start = time.perf_counter()
            r = s.post(server.url + "/api/v1/tickets", json={"service": 1 + (k + i) % 7}, headers=kiosk_key())
            own.append((time.perf_counter() - start) * 1000)
            if r.status_code != 201:
                errors.append(r.status_code)
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    return {"clients": clients, "tickets": clients * per_client, "tickets_per_s": round(clients * per_client / elapsed),
            "median_ms": round(statistics.median(latencies), 2), "p99_ms": round(percentile(latencies, 99), 2),
            "errors": len(errors)}


def call_next_latency(server, n: int) -> dict:
    """An operator at desk 2 (service А) calling `n` tickets one after another."""
    kiosk = kiosk_session(server)
    for _ in range(n):
        kiosk.post(server.url + "/api/v1/tickets", json={"service": 1})
    op = server.session("operator1")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = op.post(server.url + "/api/v1/desks/2/call-next")
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code in (200, 204), r.text
    return {"median_ms": round(statistics.median(times), 2), "p99_ms": round(percentile(times, 99), 2), "n": n}


# ---- display clients in other processes -------------------------------------------------

def _display_process(url: str, count: int, ready, go, out, calls: int) -> None:
    """`count` Socket.IO display clients on one asyncio loop; records arrival times of calls."""
    import socketio

    async def main():
        arrivals: dict[str, list[float]] = {}
        clients = []

        async def one():
            c = socketio.AsyncClient(reconnection=False)

            @c.on("ticket.called")
            async def on_called(data):
                arrivals.setdefault(data["number"], []).append(time.time())

            await c.connect(url, transports=["websocket"], auth={"screen": "display"}, wait_timeout=30)
            clients.append(c)

        for i in range(0, count, 50):   # connect in batches so the server is not stormed
            await asyncio.gather(*(one() for _ in range(min(50, count - i))))
        ready.put(len(clients))
        deadline = time.time() + 60 + calls * 2
        while time.time() < deadline and (len(arrivals) < calls or any(len(v) < count for v in arrivals.values())):
            await asyncio.sleep(0.05)
            if go.is_set() and len(arrivals) >= calls and all(len(v) >= count for v in arrivals.values()):
                break
        out.put(arrivals)
        await asyncio.gather(*(c.disconnect() for c in clients), return_exceptions=True)

    asyncio.run(main())


def broadcast_latency(server, clients: int, calls: int = 20, processes: int = 4) -> dict:
    """Time from the call's HTTP request to its arrival at every display client."""
    ctx = mp.get_context("spawn")
    ready, out, go = ctx.Queue(), ctx.Queue(), ctx.Event()
    procs = processes if clients >= processes * 10 else 1
    share = [clients // procs + (1 if i < clients % procs else 0) for i in range(procs)]
    workers = [ctx.Process(target=_display_process, args=(server.url, n, ready, go, out, calls)) for n in share]
    for w in workers:
        w.start()
    connected = sum(ready.get(timeout=180) for _ in workers)
    time.sleep(1)
    memory_with_clients = rss_mb(server.proc.pid)
    kiosk = kiosk_session(server)
    op = server.session("operator2")
    sent: dict[str, float] = {}
    for _ in range(calls):
        kiosk.post(server.url + "/api/v1/tickets", json={"service": 2})
    for _ in range(calls):
        t0 = time.time()
        r = op.post(server.url + "/api/v1/desks/3/call-next")   # desk 3 serves Б
        sent[r.json()["number"]] = t0
        time.sleep(0.25)
    go.set()
    latencies = []
    missing = 0
    for _ in workers:
        arrivals = out.get(timeout=120)
        for number, t0 in sent.items():
            got = arrivals.get(number, [])
            latencies.extend((t - t0) * 1000 for t in got)
    for w in workers:
        w.join(30)
    expected = connected * calls
    missing = expected - len(latencies)
    return {"clients": connected, "calls": calls, "p50_ms": round(percentile(latencies, 50), 1),
            "p99_ms": round(percentile(latencies, 99), 1), "max_ms": round(max(latencies or [0]), 1),
            "missed": missing, "server_rss_mb": round(memory_with_clients, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--mode", default="gevent", choices=["gevent", "threading"])
    parser.add_argument("--clients", default="10,100,1000")
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    args = parser.parse_args()
    n = 100 if args.quick else 300
    # aiohttp is the server's own dependency now (pywebpush imports it): the server runs as installed.
    env = {"KEZEK_ISSUE_RATE_LIMIT": "0", "KEZEK_ASYNC_MODE": args.mode}
    figures = {"mode": args.mode}

    def fresh_server(tmp):
        # Each phase starts from an empty queue that grows to a few hundred tickets, as on a
        # busy morning: the estimates replay the queue, so a queue of thousands would measure
        # a day no office has.
        server = ServerProcess(Path(tmp), env=env)
        server.start()
        requests.get(server.url + "/api/v1/services")
        return server

    with tempfile.TemporaryDirectory() as tmp:
        server = fresh_server(tmp)
        try:
            time.sleep(1)
            figures["server_rss_idle_mb"] = round(rss_mb(server.proc.pid), 1)
            figures["issue_one_client"] = issue_latency(server, n)
            print(f"issue, one client: median {figures['issue_one_client']['median_ms']} ms, "
                  f"p99 {figures['issue_one_client']['p99_ms']} ms", flush=True)
        finally:
            server.stop()
    figures["issue_throughput"] = []
    for clients in (1, 8, 32):
        with tempfile.TemporaryDirectory() as tmp:
            server = fresh_server(tmp)
            try:
                row = issue_throughput(server, clients, max(10, 320 // clients))
            finally:
                server.stop()
        figures["issue_throughput"].append(row)
        print(f"issue, {clients:2d} clients: {row['tickets_per_s']} tickets/s, median {row['median_ms']} ms,"
              f" p99 {row['p99_ms']} ms, errors {row['errors']}", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        server = fresh_server(tmp)
        try:
            figures["call_next"] = call_next_latency(server, n // 2)
            print(f"call next: median {figures['call_next']['median_ms']} ms, p99 {figures['call_next']['p99_ms']} ms",
                  flush=True)
            figures["broadcast"] = []
            for clients in (int(c) for c in args.clients.split(",")):
                row = broadcast_latency(server, clients, calls=10 if args.quick else 20)
                figures["broadcast"].append(row)
                print(f"call -> {row['clients']} displays: p50 {row['p50_ms']} ms, p99 {row['p99_ms']} ms, "
                      f"max {row['max_ms']} ms, missed {row['missed']}, server RSS {row['server_rss_mb']} MB",
                      flush=True)
                time.sleep(2)
        finally:
            server.stop()
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[f"core_{args.mode}"] = figures
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps({"bench": "core", **figures}))


if __name__ == "__main__":
    main()
