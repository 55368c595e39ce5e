"""Time from an operator's call to its arrival on the hall display page in Chromium.

Run: .venv/bin/python bench/bench_display_chromium.py [--calls 30]
The real server (gevent, as `server.py run`) on a demo database, one display page in headless
Chromium. For each call: the ticket is issued, then `POST /desks/2/call-next`; the page notes
Date.now() when `ticket.called` arrives (window.kezekDisplay.arrivals). Browser and bench share
the machine's clock. "after return" is arrival minus the moment the POST returned (negative when
the push beats the HTTP answer); "after send" counts from the moment the POST was sent.
Prints the median and p90 of both, and one JSON line.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def live_server_class():
    """The e2e tests' LiveServer (loaded by path: there are two conftest modules)."""
    spec = importlib.util.spec_from_file_location("kezek_e2e_conftest", ROOT / "tests" / "e2e" / "conftest.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.LiveServer, module.CHROMIUM, module.CHROMIUM_ARGS


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=30)
    args = parser.parse_args()
    LiveServer, chromium, chromium_args = live_server_class()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), env={"KEZEK_ISSUE_RATE_LIMIT": "0"})  # 30+ tickets a minute
        server.start()
        try:
            operator = server.session("operator1")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=chromium_args, headless=True)
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(server.url + "/display/")
                page.wait_for_function("() => window.kezekDisplay && kezekDisplay.state.snapshots > 0")
                after_return, after_send = [], []
                for i in range(args.calls + 1):  # the first call warms up caches and connections
                    server.issue(1)
                    sent = time.time() * 1000
                    response = operator.post(server.url + "/api/v1/desks/2/call-next", timeout=10)
                    returned = time.time() * 1000
                    response.raise_for_status()
                    number = response.json()["number"]
                    page.wait_for_function(
                        "n => kezekDisplay.arrivals.some(a => a.number === n)", arg=number, timeout=10000)
                    arrived = page.evaluate(
                        "n => kezekDisplay.arrivals.find(a => a.number === n).at", number)
                    if i:
                        after_return.append(arrived - returned)
                        after_send.append(arrived - sent)
                    time.sleep(0.1)
                browser.close()
        finally:
            server.stop()

    result = {
        "bench": "display_chromium", "calls": len(after_return),
        "after_return_median_ms": round(statistics.median(after_return), 1),
        "after_return_p90_ms": round(percentile(after_return, 0.9), 1),
        "after_send_median_ms": round(statistics.median(after_send), 1),
        "after_send_p90_ms": round(percentile(after_send, 0.9), 1),
    }
    print(f"call → display page in Chromium, {result['calls']} calls")
    print(f"  after the POST returned: median {result['after_return_median_ms']} ms, "
          f"p90 {result['after_return_p90_ms']} ms")
    print(f"  after the POST was sent: median {result['after_send_median_ms']} ms, "
          f"p90 {result['after_send_p90_ms']} ms")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
