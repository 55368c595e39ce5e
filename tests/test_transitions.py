"""Every ticket transition, and every illegal one refused without changing anything."""
from __future__ import annotations

import pytest

from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.log import chain
from kezek.office import store as office_store
from kezek.queue import desks, tickets, transfers
from kezek.queue import store as queue_store

OPS = {
    "recall": lambda db, t, now: tickets.recall(db, t["id"], now),
    "start": lambda db, t, now: tickets.start(db, t["id"], now),
    "finish": lambda db, t, now: tickets.finish(db, t["id"], now),
    "no_show": lambda db, t, now: tickets.no_show(db, t["id"], now),
    "return": lambda db, t, now: tickets.return_to_queue(db, t["id"], now),
    "transfer": lambda db, t, now: transfers.transfer(db, t["id"], 5, now),
    "cancel": lambda db, t, now: tickets.cancel(db, t["token"], now),
}


def make_ticket_in(db, clock, status: str) -> dict:
    """A ticket of service 1 brought to `status` by legal steps (desk 1 serves service 1)."""
    t = tickets.issue(db, 1, clock()).ticket
    if status == "waiting":
        return t
    if status == "cancelled":
        return tickets.cancel(db, t["token"], clock()).ticket
    called = tickets.call_next(db, 1, clock()).ticket
    assert called["id"] == t["id"]
    if status == "called":
        return called
    if status == "no_show":
        return tickets.no_show(db, t["id"], clock()).ticket
    serving = tickets.start(db, t["id"], clock()).ticket
    if status == "serving":
        return serving
    return tickets.finish(db, t["id"], clock()).ticket


def snapshot_rows(db) -> tuple:
    return (list(db.query("SELECT * FROM tickets ORDER BY id")), list(db.query("SELECT * FROM desks ORDER BY id")),
            db.execute("SELECT COUNT(*) FROM events").fetchone()[0])


LEGAL = {
    "waiting": {"cancel"},
    "called": {"recall", "start", "no_show", "return", "transfer"},
    "serving": {"finish", "transfer"},
    "done": set(), "no_show": set(), "cancelled": set(),
}


@pytest.mark.parametrize("status", sorted(LEGAL))
@pytest.mark.parametrize("op", sorted(OPS))
def test_each_operation_from_each_state(db, clock, status, op):
    ticket = make_ticket_in(db, clock, status)
    assert ticket["status"] == status
    if op in LEGAL[status]:
        outcome = OPS[op](db, ticket, clock())
        assert outcome.ticket["id"] == ticket["id"]
        assert outcome.events, "a change is always pushed"
    else:
        before = snapshot_rows(db)
        with pytest.raises(Conflict):
            OPS[op](db, ticket, clock())
        assert snapshot_rows(db) == before, "a refused transition changes nothing"


def test_the_states_each_operation_leads_to(db, clock):
    expected = {"recall": "called", "start": "serving", "no_show": "no_show", "return": "waiting",
                "transfer": "waiting"}
    for op, after in expected.items():
        ticket = make_ticket_in(db, clock, "called")
        assert OPS[op](db, ticket, clock()).ticket["status"] == after
        tickets.call_next(db, 1, clock())  # clear the desk for the next round
        desk = office_store.desk(db, 1)
        if desk["current_ticket_id"]:
            tickets.no_show(db, desk["current_ticket_id"], clock())
    assert make_ticket_in(db, clock, "done")["status"] == "done"


def test_recall_counts_and_keeps_the_desk(db, clock):
    ticket = make_ticket_in(db, clock, "called")
    again = tickets.recall(db, ticket["id"], clock()).ticket
    assert again["recalls"] == 1 and again["desk_id"] == 1 and again["status"] == "called"


def test_finish_and_no_show_free_the_desk(db, clock):
    ticket = make_ticket_in(db, clock, "serving")
    tickets.finish(db, ticket["id"], clock())
    assert office_store.desk(db, 1)["current_ticket_id"] is None
    ticket = make_ticket_in(db, clock, "called")
    tickets.no_show(db, ticket["id"], clock())
    assert office_store.desk(db, 1)["current_ticket_id"] is None


def test_call_next_ends_what_the_desk_holds_first(db, clock):
    a = tickets.issue(db, 1, clock()).ticket
    b = tickets.issue(db, 1, clock()).ticket
    tickets.call_next(db, 1, clock())
    second = tickets.call_next(db, 1, clock())
    assert second.ticket["id"] == b["id"]
    assert queue_store.ticket(db, a["id"])["status"] == "no_show", "a called ticket left behind is a no-show"
    tickets.start(db, b["id"], clock())
    assert tickets.call_next(db, 1, clock()).ticket is None
    assert queue_store.ticket(db, b["id"])["status"] == "done", "a served ticket left behind is finished"
    assert office_store.desk(db, 1)["current_ticket_id"] is None


def test_transfer_keeps_the_number_and_its_place_by_issue_time(db, clock):
    early = tickets.issue(db, 5, clock()).ticket         # Д001 waits in service 5
    clock.advance(minutes=1)
    moved = tickets.issue(db, 1, clock()).ticket          # А001 issued later
    clock.advance(minutes=1)
    late = tickets.issue(db, 5, clock()).ticket           # Д002 issued after А001
    tickets.call_next(db, 1, clock())
    tickets.start(db, moved["id"], clock())
    result = transfers.transfer(db, moved["id"], 5, clock()).ticket
    assert result["display_number"] == "А001" and result["service_id"] == 5 and result["status"] == "waiting"
    order = [tickets.call_next(db, 5, clock()).ticket["id"] for _ in range(3)]  # desk 5 serves Г Д Е
    assert order == [early["id"], moved["id"], late["id"]]


def test_transfer_first_in_line_goes_before_everyone(db, clock):
    waiting = [tickets.issue(db, 5, clock()).ticket for _ in range(3)]
    clock.advance(minutes=5)
    moved = tickets.issue(db, 1, clock()).ticket
    tickets.call_next(db, 1, clock())
    transfers.transfer(db, moved["id"], 5, clock(), first=True, reason="sent on by the registrar")
    assert tickets.call_next(db, 5, clock()).ticket["id"] == moved["id"]
    assert tickets.call_next(db, 5, clock()).ticket["id"] == waiting[0]["id"]


def test_transfer_to_the_same_or_an_unknown_service_is_refused(db, clock):
    ticket = make_ticket_in(db, clock, "serving")
    with pytest.raises(Invalid):
        transfers.transfer(db, ticket["id"], 1, clock())
    with pytest.raises(NotFound):
        transfers.transfer(db, ticket["id"], 999, clock())
    assert queue_store.ticket(db, ticket["id"])["status"] == "serving"


def test_return_to_queue_puts_the_ticket_at_the_end(db, clock):
    first = tickets.issue(db, 2, clock()).ticket          # service Б, served by desk 3
    clock.advance(minutes=1)
    second = tickets.issue(db, 2, clock()).ticket
    tickets.call_next(db, 3, clock())
    clock.advance(minutes=1)
    tickets.return_to_queue(db, first["id"], clock())
    assert office_store.desk(db, 3)["current_ticket_id"] is None
    assert tickets.call_next(db, 3, clock()).ticket["id"] == second["id"]


def test_out_of_order_call_needs_a_reason_and_is_logged(db, clock):
    a = tickets.issue(db, 1, clock()).ticket
    b = tickets.issue(db, 1, clock()).ticket
    with pytest.raises(Invalid):
        tickets.call_ticket(db, 1, b["id"], "   ", clock())
    called = tickets.call_ticket(db, 1, b["id"], "resident with a small child", clock()).ticket
    assert called["id"] == b["id"] and queue_store.ticket(db, a["id"])["status"] == "waiting"
    row = chain.list_events(db, "demo", name="ticket.called", ticket_id=b["id"])[0]
    assert row["details"]["out_of_order"] is True
    assert row["details"]["reason"] == "resident with a small child" and row["details"]["skipped"] == 1


def test_a_desk_cannot_call_a_service_it_does_not_serve(db, clock):
    other = tickets.issue(db, 7, clock()).ticket          # Ж: only desk 6
    with pytest.raises(Conflict):
        tickets.call_ticket(db, 1, other["id"], "reason", clock())
    assert tickets.call_next(db, 1, clock()).ticket is None


def test_paused_desk_does_not_call_and_resumes(db, clock):
    tickets.issue(db, 1, clock())
    desks.pause(db, 1, "lunch", clock())
    with pytest.raises(Conflict):
        tickets.call_next(db, 1, clock())
    with pytest.raises(Conflict):
        desks.pause(db, 1, "lunch", clock())
    desks.resume(db, 1, clock())
    assert tickets.call_next(db, 1, clock()).ticket is not None
    with pytest.raises(Conflict) as busy:
        desks.pause(db, 1, "break", clock())
    assert busy.value.code == "desk_busy", "a desk holding a visitor cannot pause"
    with pytest.raises(Invalid):
        desks.pause(db, 2, "", clock())
    with pytest.raises(Conflict):
        desks.resume(db, 2, clock())


def test_expiry_ends_yesterdays_waiting_tickets_only(db, clock):
    old = tickets.issue(db, 1, clock()).ticket
    clock.advance(days=1)
    fresh = tickets.issue(db, 1, clock()).ticket
    outcome = tickets.expire_stale(db, "demo", clock())
    assert queue_store.ticket(db, old["id"])["status"] == "expired"
    assert queue_store.ticket(db, fresh["id"])["status"] == "waiting"
    assert [e.name for e in outcome.events].count("ticket.expired") == 1


def test_unavailable_services_refuse_tickets(db, clock):
    from kezek.office import config
    config.update_service(db, 3, {"active": False}, clock())
    with pytest.raises(Conflict) as err:
        tickets.issue(db, 3, clock())
    assert err.value.code == "service_inactive"
    config.update_service(db, 4, {"daily_limit": 2}, clock())
    tickets.issue(db, 4, clock())
    tickets.issue(db, 4, clock())
    with pytest.raises(Conflict) as err:
        tickets.issue(db, 4, clock())
    assert err.value.code == "service_daily_limit"
    config.update_service(db, 5, {"opens": "14:00", "closes": "18:00"}, clock())  # clock is 10:00 local
    with pytest.raises(Conflict) as err:
        tickets.issue(db, 5, clock())
    assert err.value.code == "service_closed"
    with pytest.raises(NotFound):
        tickets.issue(db, 999, clock())
