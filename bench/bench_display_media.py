"""The hall display with media: its memory over a long looping playlist with calls, and a call's time to its overlay.

Run: .venv/bin/python bench/bench_display_media.py [--calls 40] [--every 6]
The real server (gevent) on a demo database; a 2 s WebM (ffmpeg), a poster and a what-to-bring slide in a playlist
shown full screen (the call taking over for 3 s); one display page in headless Chromium with the TV's autoplay
flag. Accelerated: a call every --every seconds (an office calls about every 30 s) while the playlist loops every
~6 s, so 40 calls are ~4 minutes, ~40 loops and 40 ducked announcements. Memory: Chromium's own JSHeapUsedSize and
DOM node count (CDP Performance.getMetrics) after a forced garbage collection, sampled after each call; the growth
is the last samples' median minus the first ones', and per call, to extrapolate to an 8-hour day (960 calls).
Overlay: from the moment the call-next POST was sent to the first animation frame after the call took over the
screen (the page's Date.now(); the bench shares the machine's clock). Prints medians, p90 and one JSON line.
"""
from __future__ import annotations

import argparse
import io
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_display_chromium import live_server_class, percentile  # noqa: E402

TV_ARGS = ["--autoplay-policy=no-user-gesture-required"]
WATCH_OVERLAY = """() => {
  window.__overlays = [];
  const root = document.getElementById('display');
  new MutationObserver(() => {
    if (root.classList.contains('display-call-showing') && !root.__showing) {
      root.__showing = true;
      const number = document.getElementById('now').dataset.number;
      requestAnimationFrame(() => __overlays.push({number, at: Date.now()}));
    } else if (!root.classList.contains('display-call-showing')) {
      root.__showing = false;
    }
  }).observe(root, {attributes: true, attributeFilter: ['class']});
}"""


def media_files(folder: Path) -> tuple[bytes, bytes]:
    clip = folder / "clip.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=640x360:rate=25:duration=2",
                    "-f", "lavfi", "-i", "sine=frequency=330:duration=2", "-c:v", "libvpx", "-b:v", "400k",
                    "-c:a", "libopus", "-shortest", str(clip)], check=True, timeout=120)
    poster = io.BytesIO()
    Image.new("RGB", (1920, 1080), (0, 87, 156)).save(poster, "PNG")
    return clip.read_bytes(), poster.getvalue()


def set_up(server, folder: Path) -> None:
    admin = server.session("admin")
    clip, poster = media_files(folder)
    video = admin.post(server.url + "/api/v1/media?title=clip", data=clip, timeout=30)
    picture = admin.post(server.url + "/api/v1/media?title=poster", data=poster, timeout=30)
    video.raise_for_status()
    picture.raise_for_status()
    admin.put(server.url + "/api/v1/services/1/info", timeout=10, json={
        "description": {"kk": "Сипаттама", "ru": "Описание", "en": "About"},
        "documents": [{"kk": "Жеке куәлік", "ru": "Удостоверение личности", "en": "Identity card"}]}).raise_for_status()
    playlist = admin.post(server.url + "/api/v1/playlists", timeout=10, json={"name": "bench", "items": [
        {"media_id": video.json()["id"]}, {"media_id": picture.json()["id"], "seconds": 3},
        {"service_id": 1, "seconds": 3}]})
    playlist.raise_for_status()
    admin.put(f"{server.url}/api/v1/devices/{server.demo['display_id']}/media", timeout=10,
              json={"layout": "full", "playlist_id": playlist.json()["id"], "call_s": 3}).raise_for_status()


def heap(cdp) -> dict:
    cdp.send("HeapProfiler.collectGarbage")
    metrics = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    return {"heap_mb": metrics["JSHeapUsedSize"] / 2**20, "nodes": metrics["Nodes"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=40)
    parser.add_argument("--every", type=float, default=6.0)
    args = parser.parse_args()
    LiveServer, chromium, chromium_args = live_server_class()
    from playwright.sync_api import sync_playwright

    samples, overlay_ms, played = [], [], 0
    with tempfile.TemporaryDirectory() as tmp:
        server = LiveServer(Path(tmp), env={"KEZEK_ISSUE_RATE_LIMIT": "0"})
        server.start()
        try:
            set_up(server, Path(tmp))
            operator = server.session("operator1")
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=chromium_args + TV_ARGS, headless=True)
                page = browser.new_page(viewport={"width": 1920, "height": 1080})
                page.goto(f"{server.url}/display/?token={server.demo['display_token']}")
                page.wait_for_timeout(3000)
                page.evaluate(WATCH_OVERLAY)
                cdp = page.context.new_cdp_session(page)
                cdp.send("Performance.enable")
                for i in range(args.calls + 1):   # the first call warms up caches and connections
                    server.issue(1)
                    sent = time.time() * 1000
                    r = operator.post(server.url + "/api/v1/desks/1/call-next", timeout=10)
                    r.raise_for_status()
                    number = r.json()["number"]
                    deadline = time.monotonic() + 15
                    shown = None
                    while shown is None and time.monotonic() < deadline:
                        shown = page.evaluate("n => (__overlays.find(o => o.number === n) || {}).at || null", number)
                        if shown is None:
                            time.sleep(0.02)
                    if i and shown is not None:
                        overlay_ms.append(shown - sent)
                    time.sleep(max(0.0, args.every - (time.time() * 1000 - sent) / 1000))
                    if i:
                        samples.append(heap(cdp))
                played = page.evaluate("kezekMedia.playedCount")
                log = page.evaluate("__mediaVolumeLog.filter(e => e.why === 'duck').length")
                errors = page.evaluate("kezekMedia.errors")
                browser.close()
        finally:
            server.stop()

    k = max(3, len(samples) // 5)
    first = statistics.median(s["heap_mb"] for s in samples[:k])
    last = statistics.median(s["heap_mb"] for s in samples[-k:])
    per_call_kb = (last - first) * 1024 / max(1, len(samples) - k)
    result = {
        "bench": "display_media", "calls": len(overlay_ms), "every_s": args.every, "items_played": played,
        "ducks": log, "media_errors": errors,
        "overlay_median_ms": round(statistics.median(overlay_ms), 1),
        "overlay_p90_ms": round(percentile(overlay_ms, 0.9), 1),
        "heap_first_mb": round(first, 2), "heap_last_mb": round(last, 2),
        "heap_growth_per_call_kb": round(per_call_kb, 2),
        "heap_8h_extrapolated_mb": round(last + per_call_kb * 960 / 1024, 1),
        "nodes_first": samples[0]["nodes"], "nodes_last": samples[-1]["nodes"],
    }
    print(f"display with media, {result['calls']} calls every {args.every:g} s, {played} playlist items played, "
          f"{log} times ducked, {errors} media errors")
    print(f"  call → overlay painted: median {result['overlay_median_ms']} ms, p90 {result['overlay_p90_ms']} ms")
    print(f"  JS heap after GC: {result['heap_first_mb']} MB → {result['heap_last_mb']} MB "
          f"({result['heap_growth_per_call_kb']} KB a call; 960 calls, 8 h at one a 30 s: "
          f"~{result['heap_8h_extrapolated_mb']} MB); DOM nodes {result['nodes_first']} → {result['nodes_last']}")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
