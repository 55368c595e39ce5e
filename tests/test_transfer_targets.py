"""Transfer to a service, a desk or a specialist with a note: who may call the ticket, what the receiver sees."""
from __future__ import annotations

import json
import threading

import pytest
from helpers import login

from kezek import verification
from kezek.base import database
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.office import store as office_store
from kezek.queue import tickets, transfers, views
from kezek.web.live import checkpointing

NOTE = "Needs the land-plan copy; the akim's office is expecting her"


def _user(db, name: str) -> int:
    return office_store.user_by_name(db, name)["id"]


def _served(db, clock, service: int, desk: int) -> dict:
    """A ticket of `service` called and being served at `desk`."""
    ticket = tickets.issue(db, service, clock()).ticket
    called = tickets.call_next(db, desk, clock.advance(minutes=1)).ticket
    assert called["id"] == ticket["id"]
    return tickets.start(db, ticket["id"], clock.advance(minutes=1)).ticket


def test_a_ticket_sent_to_a_desk_is_called_there_and_nowhere_else(db, clock):
    # Desk 3 serves Б and В; the ticket of В goes to desk 4 (В and Г) in particular.
    moved = _served(db, clock, 3, desk=3)
    transfers.transfer(db, moved["id"], None, clock.advance(minutes=1), desk_id=4, note=NOTE)
    other = tickets.issue(db, 3, clock.advance(minutes=1)).ticket      # a later В ticket, for anyone
    # Desk 3 serves В too, but the transferred ticket is not its to call: it gets the later one.
    assert tickets.call_next(db, 3, clock.advance(minutes=1)).ticket["id"] == other["id"]
    assert tickets.call_next(db, 3, clock.advance(minutes=1)).ticket is None
    assert tickets.call_next(db, 4, clock.advance(minutes=1)).ticket["id"] == moved["id"]


def test_a_desk_gets_a_ticket_sent_to_it_even_of_a_service_it_does_not_serve(db, clock):
    moved = _served(db, clock, 1, desk=2)                 # А at desk 2; desk 6 serves only Ж
    transfers.transfer(db, moved["id"], None, clock.advance(minutes=1), desk_id=6)
    assert tickets.call_next(db, 1, clock.advance(minutes=1)).ticket is None     # desk 1 serves А: not its
    called = tickets.call_next(db, 6, clock.advance(minutes=1)).ticket
    assert called["id"] == moved["id"] and called["service_id"] == 1


def test_a_ticket_sent_to_a_specialist_is_called_only_by_that_user(db, clock):
    one, two = _user(db, "operator1"), _user(db, "operator2")
    moved = _served(db, clock, 1, desk=1)
    transfers.transfer(db, moved["id"], None, clock.advance(minutes=1), to_user_id=two, note=NOTE)
    assert tickets.call_next(db, 2, clock.advance(minutes=1), user_id=one).ticket is None
    with pytest.raises(Conflict) as refused:
        tickets.call_ticket(db, 2, moved["id"], "she asked for me", clock(), user_id=one)
    assert refused.value.code == "transferred_elsewhere"
    # operator2 at desk 6 (which serves only Ж) still gets the visitor sent to them.
    assert tickets.call_next(db, 6, clock.advance(minutes=1), user_id=two).ticket["id"] == moved["id"]


def test_the_receiving_desk_sees_where_the_visitor_came_from_and_the_note(db, clock):
    moved = _served(db, clock, 3, desk=3)
    transfers.transfer(db, moved["id"], None, clock.advance(minutes=1), desk_id=4, note=f"  {NOTE}  ")
    tickets.call_next(db, 4, clock.advance(minutes=1))
    snap = views.operator_snapshot(db, "demo", clock(), 4)
    assert snap["current"]["transfer"]["from_desk"] == "3"
    assert snap["current"]["transfer"]["note"] == NOTE
    assert snap["current"]["transfer"]["desk"] == "4"


def test_the_note_is_not_in_the_log_only_its_salted_hash(db, clock):
    moved = _served(db, clock, 3, desk=3)
    transfers.transfer(db, moved["id"], None, clock.advance(minutes=1), desk_id=4, note=NOTE)
    details = [json.loads(r[0]) for r in db.execute("SELECT details FROM events WHERE name = 'ticket.transferred'")]
    assert NOTE not in json.dumps(details, ensure_ascii=False)
    salt = db.execute("SELECT note_salt FROM ticket_targets").fetchone()[0]
    assert details[-1]["note_sha256"] == transfers.note_digest(salt, NOTE) != transfers.note_digest(None, NOTE)
    assert details[-1]["to_desk_id"] == 4


def test_a_later_transfer_to_a_service_frees_the_ticket_for_every_desk_of_it(db, clock):
    moved = _served(db, clock, 3, desk=3)
    transfers.transfer(db, moved["id"], None, clock.advance(minutes=1), desk_id=4)
    tickets.call_next(db, 4, clock.advance(minutes=1))
    transfers.transfer(db, moved["id"], 5, clock.advance(minutes=1))          # to Д, any desk of it
    assert tickets.call_next(db, 5, clock.advance(minutes=1)).ticket["id"] == moved["id"]


@pytest.mark.parametrize("kwargs, error, code", [
    ({}, Invalid, "target_required"),
    ({"desk_id": 4, "to_user_id": 1}, Invalid, "one_target"),
    ({"desk_id": 3}, Invalid, "same_desk"),
    ({"desk_id": 999}, NotFound, "desk_not_found"),
    ({"to_user_id": 999}, NotFound, "user_not_found"),
    ({"desk_id": 4, "note": "x" * 501}, Invalid, "note_too_long"),
])
def test_a_bad_target_is_refused_and_changes_nothing(db, clock, kwargs, error, code):
    moved = _served(db, clock, 3, desk=3)
    before = db.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    with pytest.raises(error) as refused:
        transfers.transfer(db, moved["id"], None, clock(), **kwargs)
    assert refused.value.code == code
    assert db.execute("SELECT COUNT(*) FROM events").fetchone()[0] == before
    assert db.execute("SELECT COUNT(*) FROM ticket_targets").fetchone()[0] == 0


def test_a_manager_or_another_offices_user_is_no_specialist_to_send_to(db, clock):
    moved = _served(db, clock, 3, desk=3)
    with pytest.raises(NotFound):
        transfers.transfer(db, moved["id"], None, clock(), to_user_id=_user(db, "manager"))


def test_verify_log_replays_targets_and_names_an_edited_note_or_target(db, clock):
    moved = _served(db, clock, 3, desk=3)
    transfers.transfer(db, moved["id"], None, clock.advance(minutes=1), desk_id=4, note=NOTE)
    assert verification.verify(db).ok
    db.execute("UPDATE ticket_targets SET note = 'nothing needed', desk_id = 3")
    named = {(m.table, m.column) for m in verification.verify(db).mismatches}
    assert {("ticket_targets", "note"), ("ticket_targets", "desk_id")} <= named


def test_two_desks_calling_at_once_never_take_a_ticket_sent_to_one_of_them(db_path, db, clock):
    """Real threads, one connection each: desk 3 and desk 4 (both serve В) call together, many times."""
    made = []
    for _ in range(12):
        t = _served(db, clock, 3, desk=3)
        transfers.transfer(db, t["id"], None, clock.advance(seconds=1), desk_id=4)
        made.append(t["id"])
    for _ in range(12):
        tickets.issue(db, 3, clock.advance(seconds=1))
    got = {3: [], 4: []}
    barrier = threading.Barrier(2)

    def desk(desk_id):
        handle = database.open_db(db_path)
        try:
            barrier.wait()
            for _ in range(14):
                called = tickets.call_next(handle, desk_id, clock()).ticket
                if called:
                    got[desk_id].append(called["id"])
        finally:
            handle.close()

    threads = [threading.Thread(target=desk, args=(d,)) for d in (3, 4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert set(made) <= set(got[4])
    assert not set(made) & set(got[3])


def test_the_api_transfers_to_a_desk_and_lists_desks_with_their_bodies(app, operator):
    op, headers = operator
    kiosk = {"Authorization": f"Bearer {app.demo['kiosk_token']}"}
    ticket = op.post("/api/v1/tickets", json={"service": 3}, headers=kiosk).get_json()
    assert op.post("/api/v1/desks/3/call-next", headers=headers).get_json()["id"] == ticket["id"]
    r = op.post(f"/api/v1/tickets/{ticket['id']}/transfer", json={"desk": 4, "note": NOTE}, headers=headers)
    assert r.status_code == 200, r.get_json()
    assert NOTE not in r.get_data(as_text=True)
    targets = op.get("/api/v1/transfer-targets").get_json()
    desk4 = next(d for d in targets["desks"] if d["name"] == "4")
    assert [b["kk"] for b in desk4["bodies"]] == ["Жер және тұрғын үй", "Әлеуметтік көмек"]
    assert {s["username"] for s in targets["specialists"]} == {"operator1", "operator2"}
    other = app.test_client()
    h2 = login(other, "operator2")
    assert other.post("/api/v1/desks/4/call-next", headers=h2).get_json()["id"] == ticket["id"]
    state = other.get("/api/v1/desks/4/state").get_json()
    assert state["current"]["transfer"]["note"] == NOTE and state["current"]["transfer"]["from_desk"] == "3"
    assert op.post(f"/api/v1/tickets/{ticket['id']}/transfer", json={}, headers=headers).status_code in (409, 422)


def test_the_visitors_public_proof_and_ticket_page_never_show_the_staff_notes(app, operator, kiosk_headers, clock):
    """The proof of a ticket shows its log entries to whoever holds the token: the notes are only hashes there."""
    op, headers = operator
    ticket = op.post("/api/v1/tickets", json={"service": 3}, headers=kiosk_headers).get_json()
    op.post("/api/v1/desks/3/call-next", headers=headers)
    op.post(f"/api/v1/tickets/{ticket['id']}/transfer", json={"desk": 4, "note": NOTE}, headers=headers)
    op.post("/api/v1/desks/4/call-next", headers=headers)
    op.post(f"/api/v1/tickets/{ticket['id']}/start", headers=headers)
    kinds = op.get("/api/v1/outcomes").get_json()["outcomes"]
    finished = op.post(f"/api/v1/tickets/{ticket['id']}/finish",
                       json={"outcome": kinds[1]["id"], "note": NOTE + " (outcome)"}, headers=headers)
    assert finished.status_code == 200, finished.get_json()
    clock.advance(seconds=60)
    checkpointing.checkpoint_once(app)
    anyone = app.test_client()
    proof = anyone.get(f"/api/v1/tickets/{ticket['token']}/proof").get_json()
    assert {"ticket.transferred", "ticket.finished"} <= {e["event"] for e in proof["entries"]}
    for path in (f"/api/v1/tickets/{ticket['token']}/proof", f"/api/v1/tickets/{ticket['token']}",
                 f"/t/{ticket['token']}"):
        assert "Needs the land-plan" not in anyone.get(path).get_data(as_text=True), path
