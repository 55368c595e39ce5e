"""The two stores side by side (#15): issue latency and 32-kiosk throughput on SQLite and on
PostgreSQL, one server process and two sharing the database, call-next, and the memory of
each server process (and of PostgreSQL's own backends).

Real `server.py run` processes (gevent) on 127.0.0.1, durable writes on both stores: SQLite
with synchronous=FULL, PostgreSQL in a cluster of its own started here with fsync and
synchronous_commit on (the test cluster runs with them off). Prints figures and merges them
into bench/results.json.
Usage: python bench/bench_stores.py [--quick] [--stores sqlite,postgresql]
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from pathlib import Path

import requests

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE.parent))
from _load import percentile  # noqa: E402
from region_servers import Region  # noqa: E402

from kezek.base import database  # noqa: E402

RESULTS = HERE / "results.json"


def rss_mb(pid: int) -> float:
    """Resident memory of a process, MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def cpu_s(pids: list[int]) -> float:
    """User + system CPU seconds the processes have used (those that have exited count 0)."""
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])      # utime, stime (fields 14 and 15 of stat)
    return total / os.sysconf("SC_CLK_TCK")


def children(pid: int) -> list[int]:
    """The direct child processes of pid."""
    found = []
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            text = status.read_text()
        except OSError:
            continue
        for line in text.splitlines():
            if line.startswith("PPid:") and int(line.split()[1]) == pid:
                found.append(int(status.parent.name))
    return found


class DurableCluster:
    """A PostgreSQL cluster for the bench: the test cluster's, with its durability switched back on."""

    def __init__(self):
        import pg_cluster
        self.cluster = pg_cluster.Cluster()
        self.cluster.init()
        with open(self.cluster.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            # Later lines win: a ticket answered 201 is on disk, as SQLite's synchronous=FULL keeps it.
            conf.write("\n# kezek bench: durable, as in production\nfsync = on\nsynchronous_commit = on\n"
                       "full_page_writes = on\n")
        self.cluster.start()

    def postmaster_pid(self) -> int:
        return int((self.cluster.data / "postmaster.pid").read_text().split()[0])

    def pids(self) -> list[int]:
        return [self.postmaster_pid(), *children(self.postmaster_pid())]

    def backends_rss_mb(self) -> float:
        """The RSS of PostgreSQL's processes together (shared buffers counted once per process that touched them)."""
        return round(sum(rss_mb(p) for p in [self.postmaster_pid(), *children(self.postmaster_pid())]), 1)

    def connections(self) -> int:
        return int(self.cluster.sql("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'"))

    def destroy(self):
        self.cluster.destroy()


def kiosk_key() -> dict:
    """A kiosk sends every tap with its own Idempotency-Key (claimed in the issuing transaction)."""
    return {"Idempotency-Key": uuid.uuid4().hex}


def issue_latency(region: Region, n: int) -> dict:
    """One kiosk, one ticket at a time."""
    s = requests.Session()
    s.headers.update(region.kiosk())
    times = []
    for i in range(n):
        start = time.perf_counter()
        r = s.post(region.urls[0] + "/api/v1/tickets", json={"service": 1 + i % 7}, headers=kiosk_key(), timeout=60)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 201, r.text
    return {"median_ms": round(statistics.median(times), 2), "p99_ms": round(percentile(times, 99), 2), "n": n}


def issue_throughput(region: Region, clients: int, per_client: int, cluster: DurableCluster | None = None) -> dict:
    """`clients` kiosks issuing as fast as they can, spread over every process of the region.

    Also the CPU time each ticket cost the server processes (and PostgreSQL's): on a machine
    shared with other work it varies far less than the wall-clock figures.
    """
    latencies: list[float] = []
    errors: list[int] = []
    lock = threading.Lock()
    barrier = threading.Barrier(clients + 1)

    def worker(k):
        s = requests.Session()
        s.headers.update(region.kiosk())
        url = region.urls[k % len(region.urls)]
        own = []
        barrier.wait()
        for i in range(per_client):
            start = time.perf_counter()
            r = s.post(url + "/api/v1/tickets", json={"service": 1 + (k + i) % 7}, headers=kiosk_key(), timeout=120)
            own.append((time.perf_counter() - start) * 1000)
            if r.status_code != 201:
                errors.append(r.status_code)
        with lock:
            latencies.extend(own)

    threads = [threading.Thread(target=worker, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    servers = [p.pid for p in region.procs]
    postgres = cluster.pids() if cluster else []
    server_cpu, postgres_cpu = cpu_s(servers), cpu_s(postgres)
    barrier.wait()
    start = time.perf_counter()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    tickets = clients * per_client
    row = {"clients": clients, "processes": len(region.urls), "tickets": tickets,
           "tickets_per_s": round(tickets / elapsed), "median_ms": round(statistics.median(latencies), 2),
           "p99_ms": round(percentile(latencies, 99), 2), "errors": len(errors),
           "server_cpu_ms_per_ticket": round((cpu_s(servers) - server_cpu) * 1000 / tickets, 2)}
    if cluster:
        row["postgres_cpu_ms_per_ticket"] = round((cpu_s(postgres) - postgres_cpu) * 1000 / tickets, 2)
    return row


def call_next_latency(region: Region, n: int) -> dict:
    """An operator at desk 2 (service А) calling `n` tickets one after another."""
    kiosk = requests.Session()
    kiosk.headers.update(region.kiosk())
    for _ in range(n):
        kiosk.post(region.urls[0] + "/api/v1/tickets", json={"service": 1}, timeout=60)
    session, headers = region.sign_in(0, "operator1")
    times = []
    for _ in range(n):
        start = time.perf_counter()
        r = session.post(region.urls[0] + "/api/v1/desks/2/call-next", headers=headers, timeout=60)
        times.append((time.perf_counter() - start) * 1000)
        assert r.status_code in (200, 204), r.text
    return {"median_ms": round(statistics.median(times), 2), "p99_ms": round(percentile(times, 99), 2), "n": n}


def measure(store: str, cluster: DurableCluster | None, quick: bool, env: dict) -> dict:
    n = 100 if quick else 300
    figures: dict = {"store": store}

    def fresh(tmp: str, processes: int) -> Region:
        # Each phase starts from an empty queue (the estimates replay it; see bench_core.py).
        target = str(Path(tmp) / "kezek.db") if store == "sqlite" else cluster.cluster.new_database()
        region = Region(Path(tmp), target, count=processes, env=env)
        region.load_demo()
        region.start()
        requests.get(region.urls[0] + "/api/v1/services", timeout=30)
        return region

    with tempfile.TemporaryDirectory() as tmp:
        region = fresh(tmp, 1)
        try:
            time.sleep(1)
            figures["server_rss_idle_mb"] = round(rss_mb(region.procs[0].pid), 1)
            figures["issue_one_client"] = issue_latency(region, n)
            figures["call_next"] = call_next_latency(region, n // 2)
            figures["server_rss_after_mb"] = round(rss_mb(region.procs[0].pid), 1)
            if cluster:
                figures["postgres_rss_mb"] = cluster.backends_rss_mb()
                figures["postgres_client_connections"] = cluster.connections()
        finally:
            region.stop()
    one = figures["issue_one_client"]
    print(f"[{store}] issue, one kiosk: median {one['median_ms']} ms, p99 {one['p99_ms']} ms; call next: median "
          f"{figures['call_next']['median_ms']} ms, p99 {figures['call_next']['p99_ms']} ms", flush=True)
    figures["issue_throughput"] = []
    for processes in (1, 2):
        with tempfile.TemporaryDirectory() as tmp:
            region = fresh(tmp, processes)
            try:
                row = issue_throughput(region, 32, 5 if quick else 10, cluster)
                row["server_rss_mb"] = [round(rss_mb(p.pid), 1) for p in region.procs]
                if cluster:
                    row["postgres_rss_mb"] = cluster.backends_rss_mb()
                    row["postgres_client_connections"] = cluster.connections()
            finally:
                region.stop()
        figures["issue_throughput"].append(row)
        print(f"[{store}] issue, 32 kiosks on {processes} process(es): {row['tickets_per_s']} tickets/s, median "
              f"{row['median_ms']} ms, p99 {row['p99_ms']} ms, errors {row['errors']}, server CPU "
              f"{row['server_cpu_ms_per_ticket']} ms/ticket" + (f", PostgreSQL CPU {row['postgres_cpu_ms_per_ticket']} "
                                                                 f"ms/ticket" if cluster else "") + ", server RSS "
              f"{row['server_rss_mb']} MB" + (f", PostgreSQL RSS {row['postgres_rss_mb']} MB over "
                                              f"{row['postgres_client_connections']} connections" if cluster else ""),
              flush=True)
    return figures


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer requests (a smoke run)")
    parser.add_argument("--stores", default="sqlite,postgresql")
    args = parser.parse_args()
    stores = args.stores.split(",")
    if "postgresql" in stores and not hasattr(database, "is_postgres"):
        print("PostgreSQL: this tree's kezek.base.database opens SQLite only; measuring SQLite alone", flush=True)
        stores.remove("postgresql")
    env = {"KEZEK_ASYNC_MODE": "gevent"}
    load = os.getloadavg()[0]
    figures: dict = {"load_before": round(load, 2)}
    cluster = DurableCluster() if "postgresql" in stores else None
    try:
        for store in stores:
            figures[store] = measure(store, cluster if store == "postgresql" else None, args.quick, env)
    finally:
        if cluster:
            cluster.destroy()
    if "sqlite" in figures and "postgresql" in figures:
        s, p = figures["sqlite"], figures["postgresql"]
        figures["postgresql_vs_sqlite"] = {
            "issue_median": round(p["issue_one_client"]["median_ms"] / s["issue_one_client"]["median_ms"], 2),
            "throughput_32_one_process": round(p["issue_throughput"][0]["tickets_per_s"]
                                               / s["issue_throughput"][0]["tickets_per_s"], 2),
            "throughput_32_two_processes": round(p["issue_throughput"][1]["tickets_per_s"]
                                                 / s["issue_throughput"][1]["tickets_per_s"], 2),
            "server_cpu_per_ticket": round(p["issue_throughput"][0]["server_cpu_ms_per_ticket"]
                                           / max(s["issue_throughput"][0]["server_cpu_ms_per_ticket"], 0.01), 2),
        }
        print(f"PostgreSQL / SQLite: issue median x{figures['postgresql_vs_sqlite']['issue_median']}, "
              f"32-kiosk throughput x{figures['postgresql_vs_sqlite']['throughput_32_one_process']} (one process), "
              f"x{figures['postgresql_vs_sqlite']['throughput_32_two_processes']} (two), server CPU per ticket "
              f"x{figures['postgresql_vs_sqlite']['server_cpu_per_ticket']}", flush=True)
    figures["load_after"] = round(os.getloadavg()[0], 2)
    print(f"machine load (1 min) before {figures['load_before']}, after {figures['load_after']}", flush=True)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["stores"] = figures
    RESULTS.write_text(json.dumps(results, indent=2, ensure_ascii=False))
    print(json.dumps({"bench": "stores", **figures}))


if __name__ == "__main__":
    main()
