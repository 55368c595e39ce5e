"""Bookings: the last slot goes to one person only, the check-in window's edges, cancel and move, limits."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest

from kezek.base import database
from kezek.base.clock import parse
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.bookings import reservations, rules, slots
from kezek.office import config
from kezek.office import store as office_store

TUESDAY = "2026-11-24"


@pytest.fixture
def hourly(db, clock):
    """Service 1 (А) takes bookings: one an hour, 09:00–12:00."""
    rules.set_rule(db, 1, {"opens": "09:00", "closes": "12:00", "slot_minutes": 60}, clock())
    return [s.at for s in slots.day_slots(db, 1, TUESDAY, clock())]


def _race(db_path, work, n):
    """Run work(db) in n threads at once, each on its own connection; returns results or errors."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i):
        handle = database.open_db(db_path)
        try:
            barrier.wait()
            results[i] = work(handle)
        except Exception as err:   # collected: the test looks at every outcome
            results[i] = err
        finally:
            handle.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


@pytest.mark.parametrize("capacity", [1, 2])
def test_two_people_can_never_book_the_same_last_seat(db, db_path, clock, hourly, capacity):
    rules.set_rule(db, 1, {"capacity": capacity}, clock())
    results = _race(db_path, lambda h: reservations.book(h, 1, hourly[0], clock()), 12)
    won = [r for r in results if isinstance(r, dict)]
    lost = [r for r in results if not isinstance(r, dict)]
    assert len(won) == capacity
    assert all(isinstance(r, Conflict) and r.code == "slot_taken" for r in lost), lost
    assert sorted(r["seat"] for r in won) == list(range(1, capacity + 1))
    assert database.scalar(db, "SELECT COUNT(*) FROM bookings WHERE status = 'booked'") == capacity
    assert slots.day_slots(db, 1, TUESDAY, clock())[0].free == 0


def test_a_booking_code_is_eight_random_digits(db, clock):
    rules.set_rule(db, 1, {"capacity": 50, "slot_minutes": 60}, clock())
    at = slots.day_slots(db, 1, TUESDAY, clock())[0].at
    codes = [reservations.book(db, 1, at, clock())["code"] for _ in range(40)]
    assert all(len(c) == 8 and c.isdigit() for c in codes) and len(set(codes)) == 40
    numbers = sorted(int(c) for c in codes)
    assert max(b - a for a, b in zip(numbers, numbers[1:])) > 1000     # not a counter
    # What a keypad, a person or a scanner types all lead to the same booking.
    code = codes[0]
    for typed in (code, f"{code[:4]} {code[4:]}", f"{code[:4]}-{code[4:]}", f"http://127.0.0.1:5000/book/{code}",
                  f"httpЖ..127.0.0.1Ж5000.book.{code}"):
        assert reservations.get(db, typed)["code"] == code
    with pytest.raises(NotFound):
        reservations.get(db, "1234")


def at_time(slot_at: str, **delta) -> datetime:
    return parse(slot_at) + timedelta(**delta)


def test_the_check_in_window_runs_from_15_minutes_early_to_10_minutes_late(db, clock, hourly):
    rules.set_rule(db, 1, {"capacity": 4}, clock())
    slot = hourly[1]                                    # 10:00 on Tuesday
    early, first, last, late = (reservations.book(db, 1, slot, clock())["code"] for _ in range(4))
    with pytest.raises(Conflict) as too_early:
        reservations.check_in(db, early, "demo", at_time(slot, minutes=-15, microseconds=-1))
    assert too_early.value.code == "too_early"
    assert too_early.value.details["come_back_time"] == "09:45" and too_early.value.details["day"] == TUESDAY
    on_first = reservations.check_in(db, first, "demo", at_time(slot, minutes=-15))
    on_last = reservations.check_in(db, last, "demo", at_time(slot, minutes=10))
    assert on_first.ticket["status"] == on_last.ticket["status"] == "waiting"
    assert on_first.ticket["display_number"] == "А001" and on_last.ticket["display_number"] == "А002"
    with pytest.raises(Conflict) as too_late:
        reservations.check_in(db, late, "demo", at_time(slot, minutes=10, microseconds=1))
    assert too_late.value.code == "too_late" and too_late.value.details["service_id"] == 1
    # The window is the service's rule.
    rules.set_rule(db, 1, {"early_min": 30, "late_min": 0}, clock())
    assert reservations.check_in(db, early, "demo", at_time(slot, minutes=-30)).ticket["status"] == "waiting"


def test_the_ticket_printed_at_check_in_carries_the_booked_time_and_a_walk_in_s_does_not(db, clock, hourly):
    from kezek.printers import job_messages
    from kezek.printing import jobs as print_jobs
    from kezek.queue import tickets
    slot = hourly[1]
    code = reservations.book(db, 1, slot, clock())["code"]
    booked = reservations.check_in(db, code, "demo", at_time(slot, minutes=-5)).ticket
    walk_in = tickets.issue(db, 1, at_time(slot, minutes=-5)).ticket
    paper = print_jobs.ticket_print(db, booked, "http://kezek.test/t/x", at_time(slot, minutes=-5))
    assert paper.appointment_at == parse(slot)
    assert print_jobs.ticket_print(db, walk_in, "http://kezek.test/t/y", at_time(slot)).appointment_at is None
    # A print agent gets it in its job and draws the same ticket.
    job = job_messages.job_payload("j1", booked["id"], paper, at_time(slot), 10)
    assert job_messages.ticket_from_payload(job["ticket"]) == paper


def test_a_booking_checks_in_once_even_from_two_kiosks_at_the_same_moment(db, db_path, clock, hourly):
    code = reservations.book(db, 1, hourly[0], clock())["code"]
    moment = at_time(hourly[0], minutes=-5)
    results = _race(db_path, lambda h: reservations.check_in(h, code, "demo", moment), 6)
    assert all(isinstance(r, reservations.CheckIn) for r in results), results
    assert len({r.ticket["id"] for r in results}) == 1
    assert sum(1 for r in results if not r.again) == 1
    assert database.scalar(db, "SELECT COUNT(*) FROM tickets") == 1
    assert reservations.view(db, reservations.get(db, code), moment)["status"] == "checked_in"


def test_a_booked_visitor_gets_a_ticket_before_opening_and_past_the_daily_limit(db, clock, hourly):
    config.update_service(db, 1, {"opens": "09:00", "closes": "18:00", "daily_limit": 1}, clock())
    code = reservations.book(db, 1, hourly[0], clock())["code"]
    ticket = reservations.check_in(db, code, "demo", at_time(hourly[0], minutes=-10)).ticket   # 08:50: closed
    assert ticket["status"] == "waiting"
    assert database.scalar(db, "SELECT slot_at FROM ticket_appointments WHERE ticket_id = ?", (ticket["id"],)) == hourly[0]


def test_cancel_and_move_free_the_slot(db, clock, hourly):
    first = reservations.book(db, 1, hourly[0], clock())
    assert slots.day_slots(db, 1, TUESDAY, clock())[0].free == 0
    with pytest.raises(Conflict):
        reservations.book(db, 1, hourly[0], clock())
    moved = reservations.move(db, first["code"], hourly[2], clock())
    assert moved["code"] == first["code"] and moved["slot_at"] == hourly[2]
    free = {s.at: s.free for s in slots.day_slots(db, 1, TUESDAY, clock())}
    assert free[hourly[0]] == 1 and free[hourly[2]] == 0
    second = reservations.book(db, 1, hourly[0], clock())                      # the old slot is free again
    reservations.cancel(db, second["code"], clock())
    assert {s.at: s.free for s in slots.day_slots(db, 1, TUESDAY, clock())}[hourly[0]] == 1
    with pytest.raises(Conflict) as cancelled:
        reservations.check_in(db, second["code"], "demo", at_time(hourly[0]))
    assert cancelled.value.code == "booking_cancelled"
    with pytest.raises(Conflict):
        reservations.move(db, second["code"], hourly[1], clock())               # a cancelled booking stays so
    with pytest.raises(Conflict) as taken:
        reservations.book(db, 1, hourly[2], clock())                             # the moved-to slot is held
    assert taken.value.code == "slot_taken"


def test_a_booking_cannot_be_changed_once_its_time_has_begun_or_it_was_used(db, clock, hourly):
    code = reservations.book(db, 1, hourly[0], clock())["code"]
    with pytest.raises(Conflict) as started:
        reservations.cancel(db, code, at_time(hourly[0], seconds=1))
    assert started.value.code == "booking_started"
    reservations.check_in(db, code, "demo", at_time(hourly[0], minutes=-1))
    with pytest.raises(Conflict) as used:
        reservations.cancel(db, code, at_time(hourly[0], minutes=-1))
    assert used.value.code == "booking_checked_in"


def test_bookings_per_phone_and_day_are_limited(db, clock, hourly):
    rules.set_rule(db, 1, {"capacity": 5}, clock())
    reservations.book(db, 1, hourly[0], clock(), phone="+7 701 234 56 78")
    reservations.book(db, 1, hourly[1], clock(), phone="87012345678")            # the same number written otherwise
    with pytest.raises(Conflict) as limited:
        reservations.book(db, 1, hourly[2], clock(), phone="+7 (701) 234-56-78")
    assert limited.value.code == "phone_limit"
    wednesday = slots.day_slots(db, 1, "2026-11-25", clock())[0].at
    assert reservations.book(db, 1, wednesday, clock(), phone="+77012345678")["day"] == "2026-11-25"
    assert reservations.book(db, 1, hourly[2], clock(), phone="+7 702 000 00 00")     # another phone
    with pytest.raises(Invalid):
        reservations.book(db, 1, hourly[2], clock(), phone="call me")
    # The phone is kept for the limit only: shown masked, never written to the event log.
    booking = reservations.get(db, reservations.book(db, 1, hourly[2], clock(), phone="+7 705 111 22 33")["code"])
    assert reservations.view(db, booking, clock())["phone"] == "…2233"
    assert not database.scalar(db, "SELECT COUNT(*) FROM events WHERE details LIKE '%7051112233%'")


def test_only_offered_future_slots_can_be_booked(db, clock, hourly):
    with pytest.raises(NotFound):
        reservations.book(db, 1, "2026-11-24T04:30:00Z", clock())                 # 09:30 is not a slot start
    with pytest.raises(NotFound):
        reservations.book(db, 2, hourly[0], clock())                             # Б takes no bookings
    monday_nine = datetime(2026, 11, 23, 4, 0, tzinfo=timezone.utc).isoformat()
    with pytest.raises(Conflict):
        reservations.book(db, 1, monday_nine, clock())                            # it is 10:00 already
    assert office_store.service(db, 1)["prefix"] == "А"


# ---- over HTTP: the public page's API, the kiosk's check-in, staff booking, the report ----

@pytest.fixture
def offered(app, admin, clock):
    c, headers = admin
    r = c.put("/api/v1/services/1/booking-rule", headers=headers,
              json={"opens": "09:00", "closes": "12:00", "slot_minutes": 30, "capacity": 3})
    assert r.status_code == 200, r.get_json()
    day = app.test_client().get("/api/v1/booking/services/1/slots?day=2026-11-24").get_json()
    return [s["at"] for s in day["slots"]]


def test_a_visitor_books_sees_moves_and_cancels_by_code_over_http(app, client, offered):
    assert [s["id"] for s in client.get("/api/v1/booking/services").get_json()["services"]] == [1, 7]  # the demo books А and Ж
    r = client.post("/api/v1/bookings", json={"service": 1, "at": offered[0], "phone": "+7 701 111 22 33", "lang": "ru"})
    assert r.status_code == 201, r.get_json()
    made = r.get_json()
    assert made["time"] == "09:00" and made["status"] == "booked" and made["phone"] == "…2233"
    assert made["url"] == f"http://kezek.test/book/{made['code']}" and made["check_in_from"] == "08:45"
    assert client.get(made["qr"]).mimetype == "image/svg+xml"
    assert client.get(f"/book/{made['code']}").status_code == 200
    moved = client.post(f"/api/v1/bookings/{made['code']}/move", json={"at": offered[1]}).get_json()
    assert moved["time"] == "09:30"
    assert client.post(f"/api/v1/bookings/{made['code']}/cancel").get_json()["status"] == "cancelled"
    assert client.get("/api/v1/bookings/00000000").status_code == 404
    today = client.get("/api/v1/slots/today").get_json()["services"]
    assert today[0]["service_id"] == 1 and today[0]["free_slots"] == 3 and today[0]["next_free"] == "10:30"


def test_one_address_cannot_hoard_slots_or_try_codes_without_end(app, client, offered):
    app.config.update(BOOKINGS_PER_HOUR=3, BOOKING_LOOKUPS_PER_10_MIN=5)
    answers = [client.post("/api/v1/bookings", json={"service": 1, "at": offered[i % 6]}).status_code for i in range(5)]
    assert answers == [201, 201, 201, 429, 429]
    lookups = [client.get(f"/api/v1/bookings/{n:08d}").status_code for n in range(7)]
    assert lookups[:5] == [404] * 5 and lookups[5:] == [429, 429]
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "10.0.0.9"
    assert other.post("/api/v1/bookings", json={"service": 1, "at": offered[3]}).status_code == 201


def test_an_operator_books_for_a_caller_and_sees_the_days_bookings(app, operator, offered):
    c, headers = operator
    for at in offered[:4]:
        assert c.post("/api/v1/bookings", headers=headers, json={"service": 1, "at": at}).status_code == 201
    listed = c.get("/api/v1/bookings?day=2026-11-24").get_json()["bookings"]
    assert [b["time"] for b in listed] == ["09:00", "09:30", "10:00", "10:30"]
    assert c.post("/api/v1/bookings", json={"service": 1, "at": offered[0]}).status_code == 403   # no CSRF token


def test_the_kiosk_checks_in_a_booking_and_the_report_counts_it(app, client, kiosk_headers, clock, offered):
    made = client.post("/api/v1/bookings", json={"service": 1, "at": offered[2]}).get_json()      # 10:00 Tuesday
    early = client.post(f"/api/v1/bookings/{made['code']}/check-in", headers=kiosk_headers, json={"lang": "en"})
    assert early.status_code == 409 and early.get_json()["error"]["details"]["same_day"] is False
    assert client.post(f"/api/v1/bookings/{made['code']}/check-in", json={}).status_code == 401
    clock.now = datetime(2026, 11, 24, 4, 50, tzinfo=timezone.utc)                                   # 09:50
    r = client.post(f"/api/v1/bookings/{made['code']}/check-in", headers=kiosk_headers, json={"lang": "en"})
    assert r.status_code == 201, r.get_json()
    ticket = r.get_json()
    assert ticket["number"] == "А001" and ticket["appointment"]["time"] == "10:00" and "print" in ticket
    repeat = client.post(f"/api/v1/bookings/{made['code']}/check-in", headers=kiosk_headers, json={})
    assert repeat.status_code == 200 and repeat.get_json()["id"] == ticket["id"]
    # Called at 10:04 at desk 2: 4 minutes after the slot began.
    c = app.test_client()
    from helpers import login
    headers = login(c, "operator1")
    clock.now = datetime(2026, 11, 24, 5, 4, tzinfo=timezone.utc)
    assert c.post("/api/v1/desks/2/call-next", headers=headers).get_json()["id"] == ticket["id"]
    m = app.test_client()
    report = m.get("/api/v1/stats/bookings?from=2026-11-24&to=2026-11-24", headers=login(m, "manager")).get_json()
    assert report["total"]["checked_in"] == 1 and report["total"]["booked_share"] == 1.0
    assert report["total"]["punctuality"]["delay_median_s"] == 240.0 and report["total"]["arrival_median_s"] == -600.0


def test_a_kiosk_cannot_try_codes_without_end(app, client, kiosk_headers, offered):
    app.config.update(CHECKIN_FAILURES_PER_MINUTE=3)
    codes = [client.post(f"/api/v1/bookings/{n:08d}/check-in", headers=kiosk_headers, json={}).status_code
             for n in range(5)]
    assert codes == [404, 404, 404, 429, 429]


def test_a_kiosk_check_in_sent_with_an_idempotency_key_is_issued_once(client, kiosk_headers, clock, offered):
    """As the kiosk sends it (every tap carries a key): a 201, and the same answer for the retry."""
    made = client.post("/api/v1/bookings", json={"service": 1, "at": offered[2]}).get_json()      # 10:00 Tuesday
    clock.now = datetime(2026, 11, 24, 4, 50, tzinfo=timezone.utc)                                   # 09:50
    headers = {**kiosk_headers, "Idempotency-Key": "tap-1"}
    first = client.post(f"/api/v1/bookings/{made['code']}/check-in", headers=headers, json={"lang": "en"})
    assert first.status_code == 201, first.get_json()
    again = client.post(f"/api/v1/bookings/{made['code']}/check-in", headers=headers, json={"lang": "en"})
    assert again.status_code == 201 and again.get_json()["id"] == first.get_json()["id"]
