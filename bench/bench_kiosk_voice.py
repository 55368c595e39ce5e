"""The kiosk's voice guide in Chromium: from a keypad key to the first phrase playing, over full walks to a ticket.

Each walk is the keypad alone (ru): start the guide, down to the language, Enter, down to the
first service, Enter, down to "Get a ticket", Enter, and back home. The first walk fills the
server's speech cache; the next walks are the cached case (a visitor after the first). The
delay is the page's own record (window.kezekKioskSpoken[].after_input_ms): performance.now()
from the key to the start of the phrase's audio. Target: median ≤ 300 ms cached.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.bench_display_chromium import live_server_class, percentile  # noqa: E402

WALK = ["Numpad5", "Numpad2", "Numpad2", "NumpadEnter", "Numpad2", "Numpad2", "NumpadEnter",
        "Numpad2", "Numpad2", "NumpadEnter"]


def walk(page) -> list[float]:
    """One keypad walk to a ticket; the delay of the first phrase after each key (ms)."""
    delays = []
    for key in WALK:
        count = page.evaluate("window.kezekKioskSpoken.length")
        page.keyboard.press(key)
        for _ in range(400):
            entries = page.evaluate("n => window.kezekKioskSpoken.slice(n)", count)
            timed = [e for e in entries if "after_input_ms" in e]
            if timed:
                delays.append(timed[0]["after_input_ms"])
                break
            page.wait_for_timeout(25)
    page.wait_for_selector("#screen-ticket", state="visible")
    page.locator("#screen-ticket [data-action=home]").click()
    page.wait_for_selector("#screen-start", state="visible")
    return delays


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--walks", type=int, default=5)
    args = parser.parse_args()
    LiveServer, chromium, chromium_args = live_server_class()
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), env={"KEZEK_ISSUE_RATE_LIMIT": "0"})
        server.start()
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=chromium_args, headless=True)
                page = browser.new_page(viewport={"width": 1080, "height": 1920})
                page.goto(f"{server.url}/kiosk/?token={server.demo['kiosk_token']}")
                page.wait_for_selector("#screen-start", state="visible")
                cold = walk(page)
                warm = []
                for _ in range(args.walks):
                    page.reload()          # a fresh page: nothing kept in the browser, the server's cache only
                    page.wait_for_selector("#screen-start", state="visible")
                    warm += walk(page)
                browser.close()
        finally:
            server.stop()
    figures = {"cold_median_ms": statistics.median(cold), "cold_max_ms": max(cold),
               "cached_median_ms": statistics.median(warm), "cached_p90_ms": percentile(warm, 0.9),
               "cached_phrases": len(warm)}
    print(f"first walk (synthesis): median {figures['cold_median_ms']:.0f} ms, max {figures['cold_max_ms']:.0f} ms")
    print(f"cached walks: median {figures['cached_median_ms']:.0f} ms, p90 {figures['cached_p90_ms']:.0f} ms "
          f"over {len(warm)} key presses (target: median <= 300 ms)")
    results = ROOT / "bench" / "results.json"
    data = json.loads(results.read_text()) if results.exists() else {}
    data["kiosk_voice"] = figures
    results.write_text(json.dumps(data, indent=2, sort_keys=True))


if __name__ == "__main__":
    main()
