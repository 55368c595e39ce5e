"""The call order: priority first, oldest first, but no normal ticket waits past the limit."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kezek.base.clock import iso
from kezek.office import config
from kezek.queue import policy, tickets

T0 = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)


def waiting(id_, minutes_ago, now, priority=False, first=False):
    return {"id": id_, "priority": int(priority), "first_in_line": int(first),
            "queued_at": iso(now - timedelta(minutes=minutes_ago))}


def ids(rows):
    return [r["id"] for r in rows]


def test_priority_before_normal_then_oldest_first():
    rows = [waiting(1, 10, T0), waiting(2, 8, T0, priority=True), waiting(3, 9, T0), waiting(4, 2, T0, priority=True)]
    assert ids(policy.call_order(rows, T0, wait_limit_s=1200)) == [2, 4, 1, 3]


def test_a_normal_ticket_past_the_limit_goes_before_newer_priority_tickets():
    rows = [waiting(1, 25, T0), waiting(2, 30, T0, priority=True), waiting(3, 5, T0, priority=True),
            waiting(4, 21, T0), waiting(5, 3, T0)]
    # limit 20 min: 1 (25 min) and 4 (21 min) are overdue; they join the priority class by age.
    assert ids(policy.call_order(rows, T0, wait_limit_s=20 * 60)) == [2, 1, 4, 3, 5]


def test_first_in_line_beats_everything():
    rows = [waiting(1, 60, T0, priority=True), waiting(2, 1, T0, first=True), waiting(3, 30, T0)]
    assert policy.next_ticket(rows, T0, 600)["id"] == 2


def test_same_age_is_broken_by_id_and_empty_queue_gives_none():
    rows = [waiting(7, 5, T0), waiting(3, 5, T0)]
    assert ids(policy.call_order(rows, T0, 1200)) == [3, 7]
    assert policy.next_ticket([], T0, 1200) is None


def test_people_ahead_follows_the_order():
    rows = [waiting(1, 10, T0), waiting(2, 5, T0, priority=True), waiting(3, 1, T0)]
    assert [policy.people_ahead(r, rows, T0, 1200) for r in rows] == [1, 0, 2]


def test_desks_call_across_their_services_by_the_rule(db, clock):
    # desk 1 serves А (1) and Е (6); the office limit is 20 minutes.
    config.update_office(db, "demo", {"priority_wait_limit_s": 1200}, clock())
    a1 = tickets.issue(db, 1, clock()).ticket
    clock.advance(minutes=5)
    e1 = tickets.issue(db, 6, clock()).ticket
    clock.advance(minutes=5)
    p1 = tickets.issue(db, 1, clock(), priority=True, priority_reason="elderly").ticket
    clock.advance(minutes=11)   # a1 has now waited 21 minutes: overdue
    p2 = tickets.issue(db, 6, clock(), priority=True, priority_reason="disability").ticket
    order = []
    for _ in range(4):
        t = tickets.call_next(db, 1, clock()).ticket
        order.append(t["display_number"])
    # a1 is overdue (21 min) and older than p1 (11 min) → a1 first; then p1, p2 (priority), then e1.
    assert order == [a1["display_number"], p1["display_number"], p2["display_number"], e1["display_number"]]
