"""The rows are a projection of the log: verify-log replays the events and names every row that differs."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from helpers import login

import server
from kezek import verification
from kezek.base import database
from kezek.bookings import reservations, slots
from kezek.queue import desks, outcomes, ratings, tickets, transfers

ROOT = Path(__file__).resolve().parents[1]
TODAY = "2026-11-23"


def verify_cli(db_path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "server.py", "verify-log", "--db", str(db_path)], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def busy_day(db, clock) -> dict:
    """A day with every transition: transfers, returns, recalls, no-shows, cancels, bookings, ratings, expiry."""
    step = lambda: clock.advance(minutes=1)  # noqa: E731
    issue = lambda service, **kw: tickets.issue(db, service, step(), **kw).ticket  # noqa: E731
    a1, a2, a3 = issue(1), issue(1, priority=True, priority_reason="elderly"), issue(1, lang="ru")
    b1, b2, e1 = issue(2), issue(2), issue(6, device_id=db.demo["kiosk_id"])
    gone, stays = issue(3), issue(4)
    free = [s.at for s in slots.day_slots(db, 1, TODAY, clock()) if s.open]
    on_time = reservations.book(db, 1, free[3], clock(), phone="+7 701 234 56 78", lang="ru")   # ≥ 30 min ahead
    late = reservations.book(db, 1, free[0], clock())                                         # < 30 min ahead
    moved = reservations.book(db, 1, free[5], clock())
    reservations.move(db, moved["code"], free[6], clock())
    reservations.cancel(db, reservations.book(db, 1, free[7], clock())["code"], clock())
    reservations.check_in(db, late["code"], "demo", step(), device_id=db.demo["kiosk_id"])   # queues as a walk-in

    first = tickets.call_next(db, 1, step()).ticket                   # the priority ticket
    tickets.recall(db, first["id"], step())
    tickets.start(db, first["id"], step())
    transfers.transfer(db, first["id"], 6, step(), first=True, reason="documents checked at desk 1")
    tickets.call_next(db, 5, step())                                    # desk 5 takes the one put first
    tickets.start(db, first["id"], step())
    resolved = next(k["id"] for k in outcomes.kinds(db, "demo") if k["code"] == "resolved")
    outcomes.finish(db, first["id"], step(), outcome_id=resolved, note="both done at once", service_ids=[1])
    ratings.rate(db, first["token"], 5, "спасибо", step())
    called = tickets.call_next(db, 2, step()).ticket
    tickets.return_to_queue(db, called["id"], step())
    tickets.call_next(db, 2, step())                                    # the next one …
    tickets.call_next(db, 2, step())                                    # … a no-show by the next call
    tickets.call_ticket(db, 3, b2["id"], "the visitor's interpreter is here", step())
    tickets.no_show(db, b2["id"], step())
    served = tickets.call_next(db, 3, step()).ticket
    tickets.start(db, served["id"], step())
    transfers.transfer(db, served["id"], 5, step())
    aimed = tickets.call_next(db, 4, step()).ticket                    # to desk 5 in particular, with a note
    transfers.transfer(db, aimed["id"], None, step(), desk_id=5, note="bring the plan")
    tickets.cancel(db, gone["token"], step())
    desks.pause(db, 4, "lunch", step())
    desks.pause(db, 6, "break", step())
    desks.resume(db, 6, step())
    clock.advance(minutes=10)
    clock.now = max(clock.now, reservations.window(db, on_time)[0])
    reservations.check_in(db, on_time["code"], "demo", step(), device_id=db.demo["kiosk_id"])
    tickets.call_next(db, 1, step())
    tickets.call_next(db, 3, step())
    clock.advance(days=1)
    tickets.expire_stale(db, "demo", clock())
    return {"a1": a1, "a3": a3, "b1": b1, "e1": e1, "stays": stays, "on_time": on_time}


def test_an_untouched_busy_day_verifies(db, db_path, clock):
    busy_day(db, clock)
    report = verification.verify(db)
    assert report.ok, [str(m) for m in report.mismatches]
    result = verify_cli(db_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "every ticket, desk and booking row agrees" in result.stdout


EDITS = [
    # (the edit, what verify-log must name)
    ("UPDATE tickets SET priority = 1, queued_at = '2000-01-01T00:00:00.000000Z' WHERE id = 1",
     ["tickets #1 priority", "tickets #1 queued_at"]),
    ("UPDATE tickets SET status = 'done' WHERE id = 3", ["tickets #3 status: row has 'done'"]),
    ("UPDATE tickets SET desk_id = 2 WHERE id = 4", ["tickets #4 desk_id"]),
    ("UPDATE tickets SET priority_reason = 'veteran' WHERE id = 2", ["tickets #2 priority_reason"]),
    ("UPDATE tickets SET service_id = 1, first_in_line = 1 WHERE id = 8", ["tickets #8 service_id",
                                                                          "tickets #8 first_in_line"]),
    ("UPDATE tickets SET token = 'guessable' WHERE id = 5", ["tickets #5 token"]),
    ("UPDATE tickets SET rating = 1 WHERE id = 2", ["tickets #2 rating"]),
    ("UPDATE desks SET paused = 0, pause_reason = NULL WHERE id = 4", ["desks #4 paused", "desks #4 pause_reason"]),
    ("UPDATE desks SET paused = 1, pause_reason = 'lunch' WHERE id = 2", ["desks #2 paused"]),
    ("UPDATE desks SET current_ticket_id = NULL WHERE current_ticket_id IS NOT NULL",
     ["current_ticket_id: row has None"]),
    ("UPDATE bookings SET slot_at = '2026-11-23T05:00:00.000000Z' WHERE id = 1", ["bookings #1 slot_at"]),
    ("UPDATE bookings SET status = 'booked', cancelled_at = NULL WHERE status = 'cancelled'",
     ["bookings #4 status: row has 'booked'", "bookings #4 cancelled_at"]),
    ("DELETE FROM late_bookings", ["late_bookings #2"]),
    ("UPDATE ticket_targets SET desk_id = NULL, note = 'nothing' WHERE desk_id = 5",
     ["ticket_targets #", "desk_id: row has None", "ticket_targets #"]),
    ("UPDATE visit_outcomes SET note = 'forged'", ["visit_outcomes #2 note"]),
    ("DELETE FROM visit_services WHERE service_id = 1", ["visit_outcomes #2 services: row has '6'"]),
    ("INSERT INTO tickets (office_id, token, issued_service_id, service_id, day, number, display_number, status,"
     " issued_at, queued_at) VALUES ('demo', 'x', 1, 1, '2026-11-23', 99, 'А099', 'waiting',"
     " '2000-01-01T00:00:00.000000Z', '2000-01-01T00:00:00.000000Z')", ["tickets #", "no event of it"]),
]


@pytest.mark.parametrize("edit, named", EDITS, ids=[e[0][:48] for e in EDITS])
def test_an_edited_row_makes_verify_log_fail_and_name_it(db, db_path, clock, capsys, edit, named):
    busy_day(db, clock)
    db.execute(edit)
    code = server.main(["verify-log", "--db", db_path])     # the command itself, in this process
    out = capsys.readouterr().out
    assert code != 0, out
    for text in named:
        assert text in out, out
    assert "event log OK" not in out


def test_the_visitor_s_token_is_never_printed_only_its_hash(db, db_path, clock, capsys):
    made = busy_day(db, clock)
    db.execute("UPDATE tickets SET token = 'forged-token' WHERE id = ?", (made["a1"]["id"],))
    assert server.main(["verify-log", "--db", db_path]) != 0
    out = capsys.readouterr().out
    assert "forged-token" not in out and made["a1"]["token"] not in out
    assert tickets.token_hash("forged-token") in out


def test_the_log_keeps_no_phone_and_no_booking_code(db, clock):
    made = busy_day(db, clock)
    details = " ".join(r[0] for r in db.execute("SELECT details FROM events").fetchall())
    assert "7012345678" not in details and made["on_time"]["code"] not in details
    assert all(t["token"] not in details for t in (made["a1"], made["b1"]))


def test_the_admin_s_verify_names_the_rows_of_the_office(app, client, kiosk_headers):
    assert client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).status_code == 201
    headers = login(client, "manager")
    assert client.get("/api/v1/audit/verify", headers=headers).get_json()["ok"] is True
    handle = database.open_db(app.config["DB"])
    handle.execute("UPDATE tickets SET priority = 1 WHERE id = 1")
    handle.close()
    answer = client.post("/api/v1/audit/verify", headers=headers).get_json()
    assert answer["ok"] is False and answer["chain_ok"] is True and answer["mismatch_count"] == 1
    assert answer["mismatches"][0] == {"table": "tickets", "row": 1, "column": "priority", "row_value": 1,
                                            "log_value": 0, "office_id": "demo"}
