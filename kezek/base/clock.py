"""Time helpers: UTC timestamps in the database, the office's local day for numbering."""
from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo


# How far a browser test's server runs ahead of (or behind) the wall clock. Only tests/e2e/clocked_server.py sets it
# (tests/test_test_clock.py: nothing in kezek/ or server.py does, and `server.py` refuses the launcher's variables).
_TEST_SHIFT = timedelta(0)


def utcnow() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(timezone.utc) + _TEST_SHIFT


def shift_for_tests(offset: timedelta) -> None:
    """Run this process's clock `offset` from the wall clock (the browser tests' launcher, before anything runs)."""
    global _TEST_SHIFT
    _TEST_SHIFT = offset


def iso(moment: datetime) -> str:
    """A UTC ISO 8601 string with microseconds (sorts as text)."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def parse(text: str | None) -> datetime | None:
    """Parse a timestamp written by iso()."""
    if not text:
        return None
    return datetime.fromisoformat(text)   # 3.11 reads the trailing Z as UTC, faster than strptime


def local_day(moment: datetime, tz: str) -> str:
    """The office's local date of `moment`, as YYYY-MM-DD."""
    return moment.astimezone(ZoneInfo(tz)).date().isoformat()


def local_time(moment: datetime, tz: str) -> str:
    """The office's local time of day, HH:MM."""
    return moment.astimezone(ZoneInfo(tz)).strftime("%H:%M")


def seconds_between(earlier: str | None, later: datetime) -> int:
    """Whole seconds from a stored timestamp to `later` (0 when unknown)."""
    start = parse(earlier)
    return max(0, int((later - start).total_seconds())) if start else 0


def utc_bounds(start: str, end: str, tz: str) -> tuple[str, str]:
    """The UTC instants where the office-local period [start, end] begins and ends."""
    zone = ZoneInfo(tz)
    first = datetime.combine(date.fromisoformat(start), time(0), zone)
    after = datetime.combine(date.fromisoformat(end) + timedelta(days=1), time(0), zone)
    return iso(first), iso(after)
