"""Opening hours per weekday with lunch, Kazakhstan's public holidays, users' full names in reports."""
from __future__ import annotations

from datetime import datetime, timezone

from helpers import login

from kezek.bookings import public_holidays, rules, slots
from kezek.office import hours

WEEK = [{"weekday": d, "opens": "09:00", "closes": "18:00", "lunch_from": "13:00", "lunch_to": "14:00"}
        for d in range(1, 6)] + [{"weekday": 6, "opens": "10:00", "closes": "14:00"}]      # Sunday closed
TUESDAY = "2026-11-24"
SUNDAY = "2026-11-29"


def at_almaty(day: str, hhmm: str) -> datetime:
    return slots.slot_start(day, hhmm, "Asia/Almaty")


def test_the_kiosk_refuses_tickets_at_lunch_on_a_closed_weekday_and_after_hours(app, admin, kiosk_headers, clock):
    client, headers = admin
    put = client.put("/api/v1/offices/demo/hours", headers=headers, json={"days": WEEK})
    assert put.status_code == 200 and len(put.get_json()["days"]) == 6
    for day, hhmm, ok in ((TUESDAY, "10:00", True), (TUESDAY, "13:30", False), (TUESDAY, "18:05", False),
                          (SUNDAY, "11:00", False), ("2026-11-28", "11:00", True), ("2026-11-28", "15:00", False)):
        clock.now = at_almaty(day, hhmm)
        listed = {s["id"]: s for s in client.get("/api/v1/services").get_json()["services"]}
        answer = client.post("/api/v1/tickets", headers=kiosk_headers, json={"service": 1})
        assert (answer.status_code == 201) is ok, (day, hhmm, answer.get_json())
        assert listed[1]["available"] is ok and (ok or listed[1]["unavailable_reason"] == "closed")
        assert listed[1]["closed_for"] == (None if ok else "lunch" if hhmm == "13:30" else "hours")
        assert listed[1]["hours_today"] == (None if day == SUNDAY else {k: v for k, v in (WEEK[1] if day == TUESDAY
                                            else {**WEEK[5], "lunch_from": None, "lunch_to": None}).items()
                                            if k != "weekday"})


def test_weekly_hours_are_checked(admin):
    client, headers = admin
    for bad in ([{"weekday": 8, "opens": "09:00", "closes": "18:00"}],
                [{"weekday": 1, "opens": "18:00", "closes": "09:00"}],
                [{"weekday": 1, "opens": "09:00", "closes": "18:00", "lunch_from": "08:00", "lunch_to": "09:30"}],
                [{"weekday": 1, "opens": "09:00", "closes": "18:00", "lunch_from": "13:00"}],
                [{"weekday": 1, "opens": "09:00", "closes": "18:00"}] * 2,
                [{"weekday": 1, "opens": "9", "closes": "18:00"}]):
        assert client.put("/api/v1/offices/demo/hours", headers=headers, json={"days": bad}).status_code == 422
    assert client.get("/api/v1/offices/demo/hours", headers=headers).get_json()["days"] == []


def test_booking_slots_skip_the_weekdays_lunch_and_closed_weekdays(db, clock):
    hours.set_weekly(db, "demo", WEEK, clock())
    rules.set_rule(db, 1, {"slot_minutes": 60}, clock())
    tuesday = [s.time for s in slots.day_slots(db, 1, TUESDAY, clock())]
    assert tuesday == ["09:00", "10:00", "11:00", "12:00", "14:00", "15:00", "16:00", "17:00"]
    rules.set_settings(db, "demo", {"weekdays": [1, 2, 3, 4, 5, 6, 7]}, clock())    # bookings every day …
    assert [s.time for s in slots.day_slots(db, 1, "2026-11-28", clock())] == ["10:00", "11:00", "12:00", "13:00"]
    assert slots.day_slots(db, 1, SUNDAY, clock()) == []                               # … but Sunday is closed


def test_kazakhstans_public_holidays_are_loaded_refuse_tickets_and_can_be_taken_back(app, admin, kiosk_headers, clock):
    client, headers = admin
    loaded = client.post("/api/v1/booking-config/holidays/public", headers=headers, json={"years": [2026, 2027]})
    assert loaded.status_code == 201
    days = {h["day"]: h["name"] for h in loaded.get_json()["added"]}
    assert "Наурыз" in days["2027-03-22"] and "Тәуелсіздік" in days["2026-12-16"]
    assert client.post("/api/v1/booking-config/holidays/public", headers=headers,
                       json={"years": [2026]}).get_json()["added"] == []                # loaded once
    clock.now = at_almaty("2026-12-16", "11:00")
    assert client.post("/api/v1/tickets", headers=kiosk_headers, json={"service": 1}).status_code == 409
    assert client.get("/api/v1/services").get_json()["services"][0]["closed_for"] == "holiday"
    headers = login(client, "admin")          # three weeks later: a new session
    assert client.delete("/api/v1/booking-config/holidays/2026-12-16", headers=headers).status_code == 200
    assert client.post("/api/v1/tickets", headers=kiosk_headers, json={"service": 1}).status_code == 201


def test_the_holidays_package_knows_the_transferred_days_off():
    days = public_holidays.kazakhstan([2027])
    assert {"2027-01-01", "2027-03-08", "2027-03-21", "2027-07-06", "2027-12-16"} <= set(days)


def test_a_users_full_name_is_shown_in_the_report_instead_of_the_login(app, admin, operator, clock):
    client, headers = admin
    users = {u["username"]: u for u in client.get("/api/v1/users", headers=headers).get_json()["users"]}
    changed = client.patch(f"/api/v1/users/{users['operator1']['id']}", headers=headers,
                           json={"full_name": "  Айгүл   Серікқызы "})
    assert changed.status_code == 200 and changed.get_json()["user"]["full_name"] == "Айгүл Серікқызы"
    made = client.post("/api/v1/users", headers=headers, json={"username": "clerk7", "role": "operator",
                                                                "full_name": "Иван Петров"}).get_json()
    assert made["user"]["full_name"] == "Иван Петров"
    desk_client, desk_headers = operator
    kiosk = {"Authorization": f"Bearer {app.demo['kiosk_token']}"}
    client.post("/api/v1/tickets", headers=kiosk, json={"service": 1})
    called = desk_client.post("/api/v1/desks/1/call-next", headers=desk_headers).get_json()
    desk_client.post(f"/api/v1/tickets/{called['id']}/start", headers=desk_headers)
    desk_client.post(f"/api/v1/tickets/{called['id']}/finish", headers=desk_headers)
    day = clock().astimezone(timezone.utc).date().isoformat()
    manager = app.test_client()
    login(manager, "manager")
    report = manager.get(f"/api/v1/stats?from={day}&to={day}").get_json()
    assert [r["label"] for r in report["by_operator"]] == ["Айгүл Серікқызы"]
    audit = manager.get("/api/v1/audit?limit=50").get_json()["events"]
    called = next(e for e in audit if e["name"] == "ticket.called")
    assert called["full_name"] == "Айгүл Серікқызы" and called["username"] == "operator1"
    finished = next(e for e in manager.get("/api/v1/audit?lang=kk&limit=50").get_json()["events"]
                    if e["name"] == "ticket.finished")
    assert "operator1" not in str(finished.get("words", ""))
    assert client.patch(f"/api/v1/users/{made['user']['id']}", headers=headers,
                        json={"full_name": "x" * 121}).status_code == 422


def test_in_the_lunch_break_the_refusal_and_the_desk_screen_say_lunch_break_and_until_when(app, admin, kiosk_headers,
                                                                                           clock):
    from kezek.base import database
    from kezek.queue import desk_display
    client, headers = admin
    assert client.put("/api/v1/offices/demo/hours", headers=headers, json={"days": WEEK}).status_code == 200
    clock.now = at_almaty(TUESDAY, "13:30")
    refused = client.post("/api/v1/tickets", headers=kiosk_headers, json={"service": 1})
    error = refused.get_json()["error"]
    assert refused.status_code == 409 and error["code"] == "service_closed"
    assert error["details"] == {"closed_for": "lunch", "until": "14:00"} and "Lunch break until 14:00" in error["message"]
    db = database.open_db(app.config["DB"])
    try:
        desk = desk_display.snapshot(db, 1, clock())["desk"]
        assert (desk["state"], desk["closed_for"], desk["until"]) == ("closed", "lunch", "14:00")
        clock.now = at_almaty(TUESDAY, "18:30")                       # after hours: closed, no lunch named
        assert "closed_for" not in desk_display.snapshot(db, 1, clock())["desk"]
    finally:
        db.close()
    after = client.post("/api/v1/tickets", headers=kiosk_headers, json={"service": 1}).get_json()["error"]
    assert after["code"] == "service_closed" and "details" not in after


def test_a_waiting_tickets_page_says_lunch_break_until_when(app, admin, kiosk_headers, clock):
    client, headers = admin
    assert client.put("/api/v1/offices/demo/hours", headers=headers, json={"days": WEEK}).status_code == 200
    clock.now = at_almaty(TUESDAY, "12:50")
    token = client.post("/api/v1/tickets", headers=kiosk_headers, json={"service": 1}).get_json()["token"]
    assert client.get(f"/api/v1/tickets/{token}").get_json()["lunch_until"] is None
    clock.now = at_almaty(TUESDAY, "13:10")
    assert client.get(f"/api/v1/tickets/{token}").get_json()["lunch_until"] == "14:00"
    page = client.get(f"/t/{token}?lang=ru").get_data(as_text=True)
    assert "Обеденный перерыв до 14:00" in page
    clock.now = at_almaty(TUESDAY, "14:00")
    assert client.get(f"/api/v1/tickets/{token}").get_json()["lunch_until"] is None
