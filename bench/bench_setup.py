"""What setting up a big office costs: importing the 120-service file (dry run and for real), exporting it,
and the kiosk's service list of that office with and without weekly hours and holidays (engine only).

Usage: python bench/bench_setup.py
"""
from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from kezek.base import database  # noqa: E402
from kezek.bookings import public_holidays  # noqa: E402
from kezek.office import config, hours, importing, officefile  # noqa: E402
from kezek.queue import views  # noqa: E402

FILE = (ROOT / "tests" / "samples" / "big_office.csv").read_bytes()
NOW = datetime(2026, 11, 24, 6, 0, tzinfo=timezone.utc)      # a Tuesday, 11:00 in Almaty
WEEK = [{"weekday": d, "opens": "09:00", "closes": "18:00", "lunch_from": "13:00", "lunch_to": "14:00"}
        for d in range(1, 6)]


def fresh(folder: Path, n: int):
    db = database.init_db(folder / f"k{n}.db")
    config.create_office(db, "big", {"name_kk": "Ашық Абай", "name_ru": "Открытый Абай", "name_en": "Open Abay"}, NOW)
    return db


def median_ms(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        dry, real = [], []
        for n in range(5):
            db = fresh(folder, n)
            dry.append(median_ms(lambda: importing.import_file(db, "big", FILE, NOW, dry_run=True), 1))
            real.append(median_ms(lambda: importing.import_file(db, "big", FILE, NOW), 1))
        export_csv = median_ms(lambda: officefile.to_csv(importing.export_rows(db, "big")), 10)
        export_xlsx = median_ms(lambda: officefile.to_xlsx(importing.export_rows(db, "big")), 5)
        plain = median_ms(lambda: views.services_view(db, "big", NOW), 30)
        hours.set_weekly(db, "big", WEEK, NOW)
        public_holidays.preload(db, "big", NOW)
        with_hours = median_ms(lambda: views.services_view(db, "big", NOW), 30)
    print(f"import of 20 bodies, 120 services, 40 desks ({len(FILE) // 1024} KB CSV), median of 5 fresh offices:"
          f" dry run {statistics.median(dry):.0f} ms, import {statistics.median(real):.0f} ms")
    print(f"export: CSV {export_csv:.0f} ms, XLSX {export_xlsx:.0f} ms")
    print(f"services list (120 services, none waiting): {plain:.1f} ms without weekly hours,"
          f" {with_hours:.1f} ms with weekly hours and {3} years of holidays")
    return 0


if __name__ == "__main__":
    sys.exit(main())
