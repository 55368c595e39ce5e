"""`make bench`: run every benchmark in bench/ one after another; each prints its figures.

Figures are medians and ratios measured on a shared, noisy machine: compare runs, don't
read one run as a verdict. Most scripts also merge their figures into bench/results.json.
"""
from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
# The order: cheap engine figures first, the long load runs last.
ORDER = ["bench_printing.py", "bench_estimates.py", "bench_core.py", "bench_stores.py", "bench_display_chromium.py",
         "bench_display_media.py",
         "bench_kiosk_voice.py", "bench_reports.py", "bench_log.py", "bench_verify.py", "bench_notify.py",
         "bench_desk_screens.py", "bench_soak.py"]


def main() -> int:
    scripts = [HERE / name for name in ORDER if (HERE / name).exists()]
    scripts += sorted(p for p in HERE.glob("bench_*.py") if p.name not in ORDER)
    failed = []
    for script in scripts:
        print(f"\n=== {script.name}", flush=True)
        start = time.monotonic()
        result = subprocess.run([sys.executable, str(script)], cwd=HERE.parent)
        print(f"=== {script.name}: exit {result.returncode} in {time.monotonic() - start:.0f} s", flush=True)
        if result.returncode:
            failed.append(script.name)
    if failed:
        print("failed:", ", ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
