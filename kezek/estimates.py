"""People ahead and the expected wait: the same figures on the kiosk, ticket page and paper."""
from __future__ import annotations

import math
import statistics
from datetime import datetime, timedelta

from . import policy, queries
from .timeutil import iso

DEFAULT_SERVICE_S = 300      # before a service has history today: 5 minutes a visitor
HISTORY = timedelta(hours=12)


def mean_service_s(db, service_id: int, now: datetime) -> float:
    """Median service time of the service's recent visits (robust to one very long visit)."""
    times = queries.recent_service_times(db, service_id, iso(now - HISTORY))
    return float(statistics.median(times)) if len(times) >= 3 else float(DEFAULT_SERVICE_S)


def wait_for(people_ahead: int, service_s: float, desks: int) -> int:
    """Expected seconds until a visitor with `people_ahead` before them is called."""
    return int(math.ceil(people_ahead * service_s / max(desks, 1)))


def service_estimate(db, service_id: int, waiting: int, now: datetime) -> int:
    """Expected wait of a ticket taken now in a service with `waiting` people."""
    return wait_for(waiting, mean_service_s(db, service_id, now), queries.serving_desks(db, service_id))


def ticket_estimate(db, ticket: dict, now: datetime, wait_limit_s: int) -> tuple[int, int]:
    """(people ahead, expected wait in seconds) of a waiting ticket; (0, 0) otherwise."""
    if ticket["status"] != "waiting":
        return 0, 0
    waiting = queries.waiting_in(db, [ticket["service_id"]])
    ahead = policy.people_ahead(ticket, waiting, now, wait_limit_s)
    return ahead, wait_for(ahead, mean_service_s(db, ticket["service_id"], now),
                           queries.serving_desks(db, ticket["service_id"]))
