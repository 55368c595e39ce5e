"""Time to draw and encode one printed ticket (576 dots, 80 mm), and the size of the job.

Run: .venv/bin/python bench/bench_printing.py [--runs 50]
Target: median at most 50 ms, so a kiosk answers a tap at once.
"""
from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from kezek.base import i18n
from kezek.printers.drawing import TicketPrint, encode_escpos, render_ticket  # noqa: E402

TARGET_MS = 50


def sample_ticket(lang: str) -> TicketPrint:
    return TicketPrint(
        office_name="Алматы қаласы Бостандық ауданы әкімдігінің халыққа қызмет көрсету орталығы",
        number="А017", service_name="Жер қатынастары және тұрғын үй мәселелері", people_ahead=12,
        estimated_wait_s=1500, issued_at=datetime.now(timezone.utc), timezone="Asia/Almaty",
        url="https://kezek.example.kz/t/Xk3fQ9pLmN2vR8sTqW4zXk3fQ9pL", lang=lang, priority=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--width", type=int, default=576)
    args = parser.parse_args()
    i18n.compile_catalogues()
    t = sample_ticket("kk")
    encode_escpos(render_ticket(t, args.width))  # warm up: fonts load once per process
    render_ms, encode_ms, total_ms = [], [], []
    size = 0
    for _ in range(args.runs):
        start = time.perf_counter()
        image = render_ticket(t, args.width)
        drawn = time.perf_counter()
        job = encode_escpos(image)
        done = time.perf_counter()
        render_ms.append((drawn - start) * 1000)
        encode_ms.append((done - drawn) * 1000)
        total_ms.append((done - start) * 1000)
        size = len(job)
    median = statistics.median(total_ms)
    print(f"ticket {args.width} dots x {image.height} dots, job {size} bytes")
    print(f"render median {statistics.median(render_ms):.1f} ms, encode median "
          f"{statistics.median(encode_ms):.1f} ms, total median {median:.1f} ms "
          f"(max {max(total_ms):.1f} ms, {args.runs} runs; target <= {TARGET_MS} ms)")
    print(json.dumps({"bench": "printing", "width_dots": args.width, "height_dots": image.height,
                      "runs": args.runs, "render_median_ms": round(statistics.median(render_ms), 2),
                      "encode_median_ms": round(statistics.median(encode_ms), 2),
                      "total_median_ms": round(median, 2), "job_bytes": size,
                      "target_ms": TARGET_MS, "within_target": median <= TARGET_MS}))


if __name__ == "__main__":
    main()
