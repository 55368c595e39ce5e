"""The browser tests' launcher: any `server.py` command on a test clock, never the product's entry point.

KEZEK_TEST_CLOCK_START (an ISO time with its offset) is what the clock read at KEZEK_TEST_CLOCK_AT (Unix
seconds on the wall clock); from there it runs at the wall clock's pace, so a restarted server and the test
process agree on the time. `server.py` itself refuses both variables (tests/test_test_clock.py).
"""
from __future__ import annotations

import os
import sys
from datetime import datetime, timezone
from pathlib import Path

if sys.argv[1:2] == ["run"] and os.environ.get("KEZEK_ASYNC_MODE", "gevent") == "gevent":
    from gevent import monkey      # before anything imports socket or threading, as server.py does
    monkey.patch_all()

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from kezek.base import clock  # noqa: E402

start = datetime.fromisoformat(os.environ.pop("KEZEK_TEST_CLOCK_START"))
at = datetime.fromtimestamp(float(os.environ.pop("KEZEK_TEST_CLOCK_AT")), timezone.utc)
clock.shift_for_tests(start - at)

import server  # noqa: E402

sys.exit(server.main(sys.argv[1:]))
