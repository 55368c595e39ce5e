"""Every jump in the queue has a reason: put first, priority groups, late bookings, and one audit list of them."""
from __future__ import annotations

from datetime import timedelta

import pytest
from helpers import login

from kezek.base.clock import parse
from kezek.base.errors import Invalid
from kezek.bookings import reservations, rules, slots
from kezek.log import audit
from kezek.queue import tickets, transfers

TODAY = "2026-11-23"     # the clock fixture's Monday, 10:00 in Almaty


def slot_at(db, clock, hhmm: str) -> str:
    return {s.time: s.at for s in slots.day_slots(db, 1, TODAY, clock())}[hhmm]


def test_putting_a_transferred_visitor_first_needs_a_reason_and_its_call_is_out_of_order(app, client, operator):
    c, headers = operator
    kiosk = {"Authorization": f"Bearer {app.demo['kiosk_token']}"}
    earlier = c.post("/api/v1/tickets", json={"service": 2}, headers=kiosk).get_json()
    moved = c.post("/api/v1/tickets", json={"service": 1}, headers=kiosk).get_json()
    assert c.post("/api/v1/desks/2/call-next", json={}, headers=headers).get_json()["id"] == moved["id"]
    refused = c.post(f"/api/v1/tickets/{moved['id']}/transfer", json={"service": 2, "first": True}, headers=headers)
    assert refused.status_code == 422 and refused.get_json()["error"]["code"] == "reason_required"
    assert "needs a reason" in refused.get_json()["error"]["message"]
    blank = c.post(f"/api/v1/tickets/{moved['id']}/transfer", json={"service": 2, "first": True, "reason": "  "},
                   headers=headers)
    assert blank.status_code == 422
    assert c.get(f"/api/v1/tickets/{moved['token']}").get_json()["status"] == "called"     # nothing changed
    done = c.post(f"/api/v1/tickets/{moved['id']}/transfer",
                  json={"service": 2, "first": True, "reason": "registrar checked the papers"}, headers=headers)
    assert done.status_code == 200
    called = c.post("/api/v1/desks/3/call-next", json={}, headers=headers).get_json()
    assert called["id"] == moved["id"]                                   # ahead of the Б issued earlier

    manager = login(client, "manager")
    rows = client.get("/api/v1/audit?kind=out_of_order", headers=manager).get_json()["events"]
    assert [(r["ticket_id"], r["effect"], r["reason"], r["details"]["skipped"]) for r in rows] == [
        (moved["id"], "put_first_call", "registrar checked the papers", 1)]
    transfers = client.get("/api/v1/audit?kind=transfer_first", headers=manager).get_json()["events"]
    assert [(r["ticket_id"], r["reason"], r["effect"]) for r in transfers] == [
        (moved["id"], "registrar checked the papers", "transfer_first")]
    assert earlier["status"] == "waiting"


def test_a_plain_transfer_needs_no_reason(db, clock):
    ticket = tickets.issue(db, 1, clock()).ticket
    tickets.call_next(db, 2, clock())
    assert transfers.transfer(db, ticket["id"], 2, clock()).ticket["first_in_line"] == 0


@pytest.mark.parametrize("extra", [{}, {"priority_reason": None}, {"priority_reason": "vip"},
                                   {"priority_reason": ""}])
def test_a_priority_ticket_without_its_group_is_refused_and_nothing_is_issued(app, client, kiosk_headers, extra):
    answer = client.post("/api/v1/tickets", json={"service": 1, "priority": True, **extra}, headers=kiosk_headers)
    assert answer.status_code == 422, answer.get_json()
    assert answer.get_json()["error"]["code"] in ("priority_reason_required", "bad_priority_reason")
    assert client.get("/api/v1/services").get_json()["services"][0]["waiting"] == 0


def test_every_priority_group_issues_a_priority_ticket_that_names_it(db, clock):
    for group in tickets.PRIORITY_REASONS:
        ticket = tickets.issue(db, 1, clock(), priority=True, priority_reason=group).ticket
        assert (ticket["priority"], ticket["priority_reason"]) == (1, group)
    with pytest.raises(Invalid):
        tickets.issue(db, 1, clock(), priority=True)


def test_a_booking_made_less_than_the_lead_time_before_its_slot_queues_as_a_walk_in(db, clock):
    walk_in = tickets.issue(db, 1, clock()).ticket                      # 10:00, waits
    late = reservations.book(db, 1, slot_at(db, clock, "10:15"), clock())   # 15 min ahead: under 30
    shown = reservations.view(db, late, clock())
    assert (shown["walk_in"], shown["walk_in_lead_min"]) == (True, 30)
    clock.advance(minutes=15)
    checked = reservations.check_in(db, late["code"], "demo", clock())
    assert checked.ticket["status"] == "waiting"                         # a ticket all the same …
    assert reservations.view(db, checked.booking, clock())["walk_in"] is True
    assert tickets.call_next(db, 2, clock()).ticket["id"] == walk_in["id"]   # … behind who waited
    assert tickets.call_next(db, 2, clock()).ticket["id"] == checked.ticket["id"]


def test_a_booking_made_in_time_still_goes_ahead_and_the_lead_time_is_the_office_s(db, clock):
    on_time = reservations.book(db, 1, slot_at(db, clock, "10:30"), clock())   # exactly 30 min ahead
    assert reservations.view(db, on_time, clock())["walk_in"] is False
    rules.set_settings(db, "demo", {"same_day_lead_min": 10}, clock())
    assert slots.settings(db, "demo")["same_day_lead_min"] == 10
    soon = reservations.book(db, 1, slot_at(db, clock, "10:15"), clock())      # 15 ≥ 10: in time now
    walk_in = tickets.issue(db, 1, clock()).ticket
    clock.now = parse(soon["slot_at"])
    booked = reservations.check_in(db, soon["code"], "demo", clock()).ticket
    assert tickets.call_next(db, 2, clock()).ticket["id"] == booked["id"]
    assert tickets.call_next(db, 2, clock()).ticket["id"] == walk_in["id"]


def test_moving_a_booking_close_to_its_time_makes_it_late(db, clock):
    booking = reservations.book(db, 1, slot_at(db, clock, "12:00"), clock())
    assert reservations.view(db, booking, clock())["walk_in"] is False
    clock.advance(minutes=20)                                                 # 10:20
    moved = reservations.move(db, booking["code"], slot_at(db, clock, "10:45"), clock())
    assert reservations.view(db, moved, clock())["walk_in"] is True


def test_the_lead_time_is_set_where_the_other_booking_settings_are(app, client):
    admin = login(client, "admin")
    answer = client.patch("/api/v1/booking-config/settings", json={"same_day_lead_min": 45}, headers=admin)
    assert answer.status_code == 200 and answer.get_json()["same_day_lead_min"] == 45
    assert client.get("/api/v1/booking-config", headers=admin).get_json()["settings"]["same_day_lead_min"] == 45
    bad = client.patch("/api/v1/booking-config/settings", json={"same_day_lead_min": -1}, headers=admin)
    assert bad.status_code == 422


def test_the_audit_lists_every_out_of_order_effect_of_the_day_in_one_place(db, clock):
    step = lambda: clock.advance(minutes=1)  # noqa: E731
    booked = reservations.book(db, 1, slot_at(db, clock, "11:00"), clock())
    late = reservations.book(db, 1, slot_at(db, clock, "10:15"), clock())
    plain = [tickets.issue(db, 1, step()).ticket for _ in range(3)]
    tickets.issue(db, 1, step(), priority=True, priority_reason="pregnant")
    tickets.call_ticket(db, 1, plain[2]["id"], "interpreter arrived", step())
    transfers.transfer(db, plain[2]["id"], 6, step(), first=True, reason="lawyer asked for her")
    tickets.call_next(db, 5, step())                                           # the one put first
    tickets.call_next(db, 2, step())                                           # the priority ticket: in order
    tickets.call_next(db, 2, step())
    transfers.transfer(db, plain[0]["id"], 2, step())
    reservations.check_in(db, late["code"], "demo", step())
    clock.now = parse(booked["slot_at"]) - timedelta(minutes=5)
    reservations.check_in(db, booked["code"], "demo", clock())
    effects = sorted(r["effect"] for r in audit.events(db, "demo", start=TODAY, end=TODAY, kind="notable"))
    assert effects == sorted(["late_booking", "priority", "out_of_order_call", "transfer_first", "put_first_call",
                              "transfer", "late_booking", "appointment"])
    everything = audit.events(db, "demo", start=TODAY, end=TODAY, limit=1000)
    assert {r["effect"] for r in everything} - {None} == set(effects)    # nothing else had an effect
