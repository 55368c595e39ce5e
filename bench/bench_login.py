"""Sign-in time for a known and an unknown user name, on the real server (scrypt, as in an office).

Before issue 14's fix an unknown name answered in ~1.7 ms and a known one in ~98 ms: the
difference told an attacker which names exist. Prints the medians of each and their ratio.
Usage: python bench/bench_login.py [--tries 15]
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import ServerProcess


def timed_login(url: str, username: str) -> float:
    start = time.perf_counter()
    r = requests.post(url + "/api/v1/login", json={"username": username, "password": "wrong-password"}, timeout=30)
    elapsed = (time.perf_counter() - start) * 1000
    assert r.status_code in (401, 429), r.status_code
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--tries", type=int, default=15)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        server = ServerProcess(Path(tmp), env={"KEZEK_LOGIN_ATTEMPTS": "100000"})
        server.start()
        try:
            known, unknown = [], []
            for i in range(args.tries):   # interleaved, so both see the same machine load
                known.append(timed_login(server.url, "operator1"))
                unknown.append(timed_login(server.url, f"nobody-{i}"))
        finally:
            server.stop()
    figures = {"login_known_median_ms": round(statistics.median(known), 1),
               "login_unknown_median_ms": round(statistics.median(unknown), 1)}
    figures["unknown_over_known"] = round(figures["login_unknown_median_ms"] / figures["login_known_median_ms"], 2)
    print(f"sign-in with a wrong password, median of {args.tries}: known name {figures['login_known_median_ms']} ms, "
          f"unknown name {figures['login_unknown_median_ms']} ms (ratio {figures['unknown_over_known']})")
    print(json.dumps(figures))
    return 0


if __name__ == "__main__":
    sys.exit(main())
