"""Kazakhstan's public holidays (the `holidays` package) loaded into an office's holidays, which an admin edits."""
from __future__ import annotations

from datetime import datetime

import holidays

from kezek.base import database
from kezek.base.errors import Invalid
from kezek.bookings import store
from kezek.log import chain

YEARS_AHEAD = 3


def kazakhstan(years: list[int]) -> dict[str, str]:
    """day (YYYY-MM-DD) -> the holiday's Kazakh name, for these years (transferred days off included)."""
    found = holidays.country_holidays("KZ", years=years, language="kk")
    return {day.isoformat(): name for day, name in sorted(found.items())}


def preload(db, office_id: str, now: datetime, *, years: list[int] | None = None, by_user_id=None) -> list[dict]:
    """Add Kazakhstan's public holidays of this year and the next ones; days the admin already set stay as they are."""
    years = years or [now.year + n for n in range(YEARS_AHEAD)]
    if not all(isinstance(y, int) and not isinstance(y, bool) and 2000 <= y <= 2100 for y in years) or len(years) > 10:
        raise Invalid("years: up to ten years from 2000 to 2100.", "bad_field", field="years")
    with database.transaction(db):
        known = {h["day"] for h in store.holidays(db, office_id)}
        added = [{"day": day, "name": name} for day, name in kazakhstan(sorted(set(years))).items()
                 if day not in known]
        for h in added:
            store.save_holiday(db, office_id, h["day"], h["name"])
        chain.append(db, now, office_id, "booking.holidays_loaded", user_id=by_user_id,
                     details={"years": sorted(set(years)), "added": len(added)})
    return added
