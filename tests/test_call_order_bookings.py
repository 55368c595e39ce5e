"""The call order with bookings: booked visitors at their time, walk-ins keep a fair share."""
from __future__ import annotations

from datetime import datetime, timedelta, timezone

from kezek.base.clock import iso
from kezek.bookings import reservations, rules, slots
from kezek.office import config
from kezek.queue import policy, tickets

MONDAY = "2026-11-23"
T0 = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)     # 10:00 in Almaty


def at(hhmm: str) -> datetime:
    """10:25 in Almaty on the test's Monday, as UTC."""
    h, m = map(int, hhmm.split(":"))
    return T0 + timedelta(hours=h - 10, minutes=m)


def test_a_made_up_morning_at_one_desk_follows_the_hand_computed_order(db, clock):
    # Desk 2 serves А only. Slots of 15 minutes, two bookings each; after K = 2 booked
    # visitors in a row a waiting walk-in goes first.
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "18:00", "slot_minutes": 15, "capacity": 2}, clock())
    rules.set_settings(db, "demo", {"appointments_in_row": 2}, clock())
    config.update_office(db, "demo", {"priority_wait_limit_s": 1800}, clock())   # 30 min
    slot = {s.time: s.at for s in slots.day_slots(db, 1, MONDAY, clock())}
    codes = {name: reservations.book(db, 1, slot[time], clock())["code"]
             for name, time in (("B1", "10:30"), ("B2", "10:30"), ("B3", "10:45"), ("B4", "11:00"))}
    numbers = {}

    def walk_in(name, when, priority=False):
        clock.now = at(when)
        numbers[tickets.issue(db, 1, clock(), priority=priority,
                              priority_reason="elderly" if priority else None).ticket["display_number"]] = name

    def check_in(name, when):
        clock.now = at(when)
        numbers[reservations.check_in(db, codes[name], "demo", clock()).ticket["display_number"]] = name

    day = [("walk", "W1", "10:00"), ("walk", "W2", "10:05"), ("check", "B1", "10:15"),   # 15 min early: allowed
           ("check", "B2", "10:16"), ("priority", "P1", "10:20"), ("call", "", "10:25"), ("call", "", "10:30"),
           ("check", "B3", "10:32"), ("call", "", "10:35"), ("call", "", "10:40"), ("call", "", "10:45"),
           ("check", "B4", "10:50"), ("call", "", "10:50"), ("call", "", "10:55")]
    calls = []
    for what, name, when in day:
        if what == "walk" or what == "priority":
            walk_in(name, when, priority=what == "priority")
        elif what == "check":
            check_in(name, when)
        else:
            clock.now = at(when)
            calls.append(numbers[tickets.call_next(db, 2, clock()).ticket["display_number"]])
    # By hand:
    # 10:25 no slot has begun: the walk-in rule, priority first     -> P1 (W1 has waited 25 < 30 min)
    # 10:30 B1 and B2's slot begins: booked visitors first          -> B1 (1 in a row)
    # 10:35                                                         -> B2 (2 in a row = K)
    # 10:40 K booked calls in a row and walk-ins wait: oldest       -> W1 (the streak ends)
    # 10:45 B3's slot begins                                        -> B3
    # 10:50 no booking is due: the walk-in                          -> W2
    # 10:55 only B4 (slot 11:00) waits: called early, not left idle -> B4
    assert calls == ["P1", "B1", "B2", "W1", "B3", "W2", "B4"]
    assert tickets.call_next(db, 2, clock()).ticket is None


def row(id_, queued, appointment=None, priority=False, first=False):
    return {"id": id_, "priority": int(priority), "first_in_line": int(first), "queued_at": iso(at(queued)),
            "issued_at": iso(at(queued)), **({"appointment_at": iso(at(appointment))} if appointment else {})}


def ids(rows):
    return [r["id"] for r in rows]


def test_the_rule_on_its_own_with_and_without_a_walk_in_owed():
    now = at("11:00")
    rows = [row(1, "10:20"), row(2, "10:40", appointment="11:00"), row(3, "10:30", priority=True),
            row(4, "10:50", appointment="10:45"), row(5, "10:55", appointment="11:30"), row(6, "10:58", first=True)]
    # first in line, due bookings by slot, priority, walk-ins by age, early bookings by slot
    assert ids(policy.call_order(rows, now, 3600)) == [6, 4, 2, 3, 1, 5]
    # After K = 3 booked calls in a row, walk-ins go before the due bookings for one call.
    assert ids(policy.call_order(rows, now, 3600, appointments_in_row=3, streak=3)) == [6, 3, 1, 4, 2, 5]
    assert policy.next_ticket(rows, now, 3600, appointments_in_row=3, streak=2)["id"] == 6
    # With no walk-in waiting, nobody is owed: the bookings go on.
    booked = [r for r in rows if "appointment_at" in r]
    assert ids(policy.call_order(booked, now, 3600, appointments_in_row=3, streak=3)) == [4, 2, 5]
    # K = 0: booked visitors always first.
    assert ids(policy.call_order(rows, now, 3600, appointments_in_row=0, streak=9))[:3] == [6, 4, 2]


def test_a_booked_visitor_sent_back_to_the_queue_waits_like_a_walk_in(db, clock):
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "18:00", "slot_minutes": 15}, clock())
    # 10:30 is booked at 10:00: the office's 30 minutes of lead time, so it is called as booked.
    ten_thirty = {s.time: s.at for s in slots.day_slots(db, 1, MONDAY, clock())}["10:30"]
    code = reservations.book(db, 1, ten_thirty, clock())["code"]
    walk = tickets.issue(db, 1, clock()).ticket
    clock.now = at("10:30")
    booked = reservations.check_in(db, code, "demo", clock()).ticket
    assert tickets.call_next(db, 2, clock()).ticket["id"] == booked["id"]
    clock.advance(minutes=1)
    tickets.return_to_queue(db, booked["id"], clock())
    assert tickets.call_next(db, 2, clock()).ticket["id"] == walk["id"]
