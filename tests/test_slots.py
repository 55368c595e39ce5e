"""Booking slots: opening hours, slot length, lunch breaks, holidays, closures, the office's time zone."""
from __future__ import annotations

from datetime import datetime, timezone

import pytest

from kezek.base.clock import iso
from kezek.base.errors import NotFound
from kezek.bookings import rules, slots
from kezek.office import config

MONDAY = "2026-11-23"       # the clock starts at 10:00 in Almaty (05:00 UTC) on this Monday
TUESDAY = "2026-11-24"


def times(db, service, day, now):
    return [s.time for s in slots.day_slots(db, service, day, now)]


def test_slots_fill_the_hours_and_end_by_closing_time(db, clock):
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "10:50", "slot_minutes": 30}, clock())
    day = slots.day_slots(db, 1, TUESDAY, clock())
    # 10:30 would end at 11:00, after closing at 10:50.
    assert [s.time for s in day] == ["09:00", "09:30", "10:00"]
    # Almaty is UTC+5: 09:00 there is 04:00 UTC.
    assert day[0].at == "2026-11-24T04:00:00.000000Z"
    assert all(s.open and s.free == 1 for s in day)


def test_no_slot_overlaps_the_lunch_break_and_the_grid_restarts_after_it(db, clock):
    rules.set_rule(db, 1, {"opens": "11:00", "closes": "16:00", "slot_minutes": 45,
                                    "lunch_from": "13:00", "lunch_to": "14:00"}, clock())
    # 12:30 would run into lunch (to 13:15): skipped; slots start again at 14:00.
    assert times(db, 1, TUESDAY, clock()) == ["11:00", "11:45", "14:00", "14:45"]


def test_hours_come_from_the_rule_else_the_service_else_the_office_else_nine_to_six(db, clock):
    rules.set_rule(db, 1, {"slot_minutes": 60}, clock())
    assert times(db, 1, TUESDAY, clock())[0] == "09:00" and times(db, 1, TUESDAY, clock())[-1] == "17:00"
    config.update_office(db, "demo", {"opens": "08:00", "closes": "20:00"}, clock())
    assert times(db, 1, TUESDAY, clock())[0] == "08:00" and times(db, 1, TUESDAY, clock())[-1] == "19:00"
    config.update_service(db, 1, {"opens": "10:00", "closes": "12:00"}, clock())
    assert times(db, 1, TUESDAY, clock()) == ["10:00", "11:00"]
    rules.set_rule(db, 1, {"opens": "14:00", "closes": "16:00"}, clock())
    assert times(db, 1, TUESDAY, clock()) == ["14:00", "15:00"]


def test_slots_that_have_begun_cannot_be_booked_and_a_service_without_a_rule_has_none(db, clock):
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "12:00", "slot_minutes": 30}, clock())
    today = slots.day_slots(db, 1, MONDAY, clock())          # it is 10:00
    assert [(s.time, s.open) for s in today] == [("09:00", False), ("09:30", False), ("10:00", False),
                                                 ("10:30", True), ("11:00", True), ("11:30", True)]
    assert [s["id"] for s in slots.bookable_services(db, "demo")] == [1, 7]   # the demo books А and Ж
    rules.set_rule(db, 1, {"enabled": False}, clock())
    assert [s["id"] for s in slots.bookable_services(db, "demo")] == [7]
    with pytest.raises(NotFound):
        slots.day_slots(db, 2, MONDAY, clock())      # a service without a rule takes no bookings


def test_weekends_holidays_and_closed_days_or_slots_have_no_free_slots(db, clock):
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "11:00", "slot_minutes": 60}, clock())
    rules.set_rule(db, 2, {"opens": "09:00", "closes": "11:00", "slot_minutes": 60}, clock())
    assert times(db, 1, "2026-11-28", clock()) == []                     # Saturday
    rules.set_settings(db, "demo", {"weekdays": [1, 2, 3, 4, 5, 6]}, clock())
    assert times(db, 1, "2026-11-28", clock()) == ["09:00", "10:00"]
    rules.add_holiday(db, "demo", "2026-12-16", "Independence Day", clock())
    assert times(db, 1, "2026-12-16", clock()) == [] and times(db, 2, "2026-12-16", clock()) == []
    rules.close(db, "demo", TUESDAY, clock(), service_id=1, reason="training")
    assert times(db, 1, TUESDAY, clock()) == [] and times(db, 2, TUESDAY, clock()) == ["09:00", "10:00"]
    rules.close(db, "demo", "2026-11-25", clock(), slot_time="10:00")
    wednesday = slots.day_slots(db, 2, "2026-11-25", clock())
    assert [(s.time, s.free, s.open) for s in wednesday] == [("09:00", 1, True), ("10:00", 0, False)]


def test_days_ahead_limits_how_far_one_can_book(db, clock):
    rules.set_rule(db, 1, {"days_ahead": 3}, clock())
    assert slots.bookable_days(db, 1, clock()) == [MONDAY, TUESDAY, "2026-11-25", "2026-11-26"]
    assert times(db, 1, "2026-11-27", clock()) == []


def test_today_and_the_hours_are_the_offices_own_in_its_time_zone(db, clock):
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "10:00", "slot_minutes": 60, "days_ahead": 1}, clock())
    # 20:00 UTC on Monday is already 01:00 on Tuesday in Almaty: "today" is Tuesday there.
    late = datetime(2026, 11, 23, 20, 0, tzinfo=timezone.utc)
    assert slots.bookable_days(db, 1, late) == [TUESDAY, "2026-11-25"]
    # An office in Berlin: on the day clocks go forward (29 March 2026) 09:00 is 07:00 UTC, a day earlier 08:00 UTC.
    config.update_office(db, "demo", {"timezone": "Europe/Berlin"}, clock())
    rules.set_rule(db, 1, {"days_ahead": 90}, clock())
    rules.set_settings(db, "demo", {"weekdays": [1, 2, 3, 4, 5, 6, 7]}, clock())
    march = datetime(2026, 3, 1, 12, 0, tzinfo=timezone.utc)
    assert slots.day_slots(db, 1, "2026-03-28", march)[0].at == "2026-03-28T08:00:00.000000Z"
    assert slots.day_slots(db, 1, "2026-03-29", march)[0].at == "2026-03-29T07:00:00.000000Z"


def test_capacity_is_the_number_of_bookings_a_slot_takes(db, clock):
    from kezek.bookings import reservations
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "10:00", "slot_minutes": 60, "capacity": 2}, clock())
    at = slots.day_slots(db, 1, TUESDAY, clock())[0].at
    reservations.book(db, 1, at, clock())
    assert [(s.taken, s.free, s.open) for s in slots.day_slots(db, 1, TUESDAY, clock())] == [(1, 1, True)]
    reservations.book(db, 1, at, clock())
    assert [(s.taken, s.free, s.open) for s in slots.day_slots(db, 1, TUESDAY, clock())] == [(2, 0, False)]
    board = slots.free_today(db, "demo", datetime(2026, 11, 24, 3, 0, tzinfo=timezone.utc))
    assert board[0]["service_id"] == 1 and board[0]["free_slots"] == 0 and board[0]["next_free"] is None
    assert iso(clock()) < at
