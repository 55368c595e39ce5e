"""Call next with every waiting visitor subscribed to Web Push: no push service, a quick one, a hanging one.

The real server (`server.py run`, gevent) on 127.0.0.1 sends each call's and each "N ahead"
push to a local push service that answers at once, or never (until the server's timeout).
Each round issues ROUNDS tickets, subscribes them all, then one operator calls them one by one;
the figure is call next's median and 90th percentile as the operator's HTTP client sees it.
Prints one JSON line and merges it into bench/results.json under "notify".
"""
from __future__ import annotations

import argparse
import base64
import json
import os
import statistics
import sys
import tempfile
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import requests  # noqa: E402
from cryptography.hazmat.primitives import serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402

from bench._load import ServerProcess, percentile  # noqa: E402
from kezek.notify import push  # noqa: E402


class _Push(BaseHTTPRequestHandler):
    mode = "ok"
    hits = 0

    def log_message(self, *args):
        pass

    def do_POST(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        type(self).hits += 1
        if type(self).mode == "hang":
            deadline = time.monotonic() + 30   # longer than the server's timeout: it gives up first
            while type(self).mode == "hang" and time.monotonic() < deadline:
                time.sleep(0.05)
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()


def _subscription(url: str, n: int) -> dict:
    key = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    b64 = lambda raw: base64.urlsafe_b64encode(raw).rstrip(b"=").decode()  # noqa: E731
    return {"endpoint": f"{url}/push/{n}", "keys": {"p256dh": b64(key), "auth": b64(os.urandom(16))}}


def _drain(quiet_s: float = 1.0, longest_s: float = 30.0) -> None:
    """Wait until the server stops sending (a hanging round leaves retries behind it)."""
    deadline = time.monotonic() + longest_s
    while time.monotonic() < deadline:
        before = _Push.hits
        time.sleep(quiet_s)
        if _Push.hits == before:
            return


def _round(server: ServerProcess, push_url: str | None, rounds: int) -> list[float]:
    kiosk, staff = server.kiosk(), server.session("operator1")
    tickets = []
    for n in range(rounds):
        r = kiosk.post(server.url + "/api/v1/tickets", json={"service": 1}, timeout=10)
        r.raise_for_status()
        tickets.append(r.json())
    if push_url:
        for n, t in enumerate(tickets):
            r = requests.post(f"{server.url}/api/v1/tickets/{t['token']}/push", timeout=10,
                              json={"subscription": _subscription(push_url, n), "ahead": 5})
            assert r.status_code == 201, r.text
    took = []
    for _ in tickets:
        start = time.perf_counter()
        r = staff.post(server.url + "/api/v1/desks/1/call-next", timeout=30)
        took.append((time.perf_counter() - start) * 1000)
        assert r.status_code == 200, r.text
    staff.post(server.url + f"/api/v1/tickets/{tickets[-1]['id']}/no-show", timeout=10)
    return took


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=100, help="tickets (and calls) per round")
    parser.add_argument("--repeats", type=int, default=3, help="rounds of each condition, interleaved")
    args = parser.parse_args()
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Push)
    httpd.daemon_threads = True
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    push_url = f"http://127.0.0.1:{httpd.server_address[1]}"
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        push.generate_key_file(Path(tmp) / "vapid.pem")
        server = ServerProcess(Path(tmp), env={"KEZEK_VAPID_KEY_FILE": str(Path(tmp) / "vapid.pem"),
                                               "KEZEK_PUSH_SERVICES": push_url + "/push/",
                                               "KEZEK_NOTIFY_TIMEOUT_S": "2", "KEZEK_ISSUE_RATE_LIMIT": "0",
                                               "KEZEK_TICKET_LOOKUPS_PER_MINUTE": "1000000"})
        server.start()
        try:
            _round(server, None, 20)   # warm up
            conditions = (("no subscriptions", None, "ok"), ("push answers at once", push_url, "ok"),
                          ("push service hangs", push_url, "hang"))
            took: dict[str, list[float]] = {name: [] for name, _, _ in conditions}
            hits: dict[str, int] = {name: 0 for name, _, _ in conditions}
            for _ in range(args.repeats):   # interleaved, so the machine's drift falls on every condition alike
                for name, url, mode in conditions:
                    _Push.mode, _Push.hits = mode, 0
                    took[name] += _round(server, url, args.rounds)
                    hits[name] += _Push.hits
                    _Push.mode = "ok"
                    _drain()
            for name, _, _ in conditions:
                figures[name] = {"median_ms": round(statistics.median(took[name]), 2),
                                 "p90_ms": round(percentile(took[name], 90), 2), "max_ms": round(max(took[name]), 1),
                                 "calls": len(took[name]), "push_requests": hits[name]}
                print(f"call next, {name}: median {figures[name]['median_ms']} ms, p90 {figures[name]['p90_ms']} ms,"
                      f" max {figures[name]['max_ms']} ms ({len(took[name])} calls, {hits[name]} push requests)",
                      flush=True)
        finally:
            server.stop()
            httpd.shutdown()
    base = figures["no subscriptions"]["median_ms"]
    figures["hanging_vs_none_ratio"] = round(figures["push service hangs"]["median_ms"] / base, 2)
    print(json.dumps({"notify": figures}, ensure_ascii=False))
    results = Path(__file__).resolve().parent / "results.json"
    merged = json.loads(results.read_text()) if results.exists() else {}
    merged["notify"] = figures
    results.write_text(json.dumps(merged, indent=2, ensure_ascii=False) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
