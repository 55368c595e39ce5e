"""A visit's outcome: the specialist records what happened and the services served; the admin edits the list;
reports count the outcomes; the note stays with staff."""
from __future__ import annotations

import csv
import io
import json

import pytest
from helpers import login
from openpyxl import load_workbook

from kezek import verification
from kezek.base.errors import Invalid, NotFound
from kezek.queue import outcomes, tickets

NOTE = "Brought the wrong certificate; told her which one - SECRET-OUTCOME-4411"


def _serving(db, clock, service=1, desk=1) -> dict:
    ticket = tickets.issue(db, service, clock()).ticket
    tickets.call_next(db, desk, clock.advance(minutes=1))
    return tickets.start(db, ticket["id"], clock.advance(minutes=1)).ticket


def _code(db, code: str) -> int:
    return next(k["id"] for k in outcomes.kinds(db, "demo") if k["code"] == code)


def test_every_office_starts_with_the_four_outcomes_in_three_languages(db):
    kinds = outcomes.kinds(db, "demo")
    assert [k["code"] for k in kinds] == ["resolved", "documents", "referred", "other"]
    assert all(k["name_kk"] and k["name_ru"] and k["name_en"] and k["active"] for k in kinds)
    assert outcomes.kinds(db, "demo") == kinds                      # written once


def test_finishing_records_the_outcome_the_note_and_every_service_served(db, clock):
    ticket = _serving(db, clock)
    done = outcomes.finish(db, ticket["id"], clock.advance(minutes=5), outcome_id=_code(db, "documents"),
                           note=NOTE, service_ids=[6], user_id=None).ticket
    assert done["status"] == "done"
    row = db.execute("SELECT outcome_id, note FROM visit_outcomes WHERE ticket_id = ?", (ticket["id"],)).fetchone()
    assert row == (_code(db, "documents"), NOTE)
    served = [r[0] for r in db.execute("SELECT service_id FROM visit_services WHERE ticket_id = ? ORDER BY 1",
                                       (ticket["id"],))]
    assert served == [1, 6]
    details = json.loads(db.execute("SELECT details FROM events WHERE name = 'ticket.finished'").fetchone()[0])
    assert details["outcome"] == "documents" and details["services"] == [1, 6]
    assert NOTE not in json.dumps(details, ensure_ascii=False)           # the public proof shows the log
    assert verification.verify(db).ok


def test_verify_log_names_an_edited_outcome_or_a_served_service_added_afterwards(db, clock):
    ticket = _serving(db, clock)
    outcomes.finish(db, ticket["id"], clock.advance(minutes=5), outcome_id=_code(db, "documents"), note=NOTE)
    db.execute("UPDATE visit_outcomes SET outcome_id = ?, note = 'all fine'", (_code(db, "resolved"),))
    db.execute("INSERT INTO visit_services (ticket_id, service_id) VALUES (?, 7)", (ticket["id"],))
    named = {m.column for m in verification.verify(db).mismatches if m.table == "visit_outcomes"}
    assert named == {"outcome_id", "note", "services"}


@pytest.mark.parametrize("kwargs, error, code", [
    ({"outcome_id": 999}, NotFound, "outcome_not_found"),
    ({"note": "only a note"}, Invalid, "outcome_required"),
    ({"outcome_id": "resolved", "service_ids": [999]}, NotFound, "service_not_found"),
    ({"outcome_id": "resolved", "note": "x" * 501}, Invalid, "note_too_long"),
])
def test_a_bad_outcome_is_refused_and_the_visit_stays_open(db, clock, kwargs, error, code):
    ticket = _serving(db, clock)
    if kwargs.get("outcome_id") == "resolved":
        kwargs["outcome_id"] = _code(db, "resolved")
    with pytest.raises(error) as refused:
        outcomes.finish(db, ticket["id"], clock(), **kwargs)
    assert refused.value.code == code
    assert tickets.store.ticket(db, ticket["id"])["status"] == "serving"
    assert db.execute("SELECT COUNT(*) FROM visit_outcomes").fetchone()[0] == 0


def test_a_switched_off_outcome_cannot_be_chosen_but_old_visits_keep_it(db, clock):
    first = _serving(db, clock)
    referred = _code(db, "referred")
    outcomes.finish(db, first["id"], clock.advance(minutes=2), outcome_id=referred)
    outcomes.change_kind(db, referred, {"active": False}, clock())
    second = _serving(db, clock, service=6)
    with pytest.raises(NotFound):
        outcomes.finish(db, second["id"], clock(), outcome_id=referred)
    assert db.execute("SELECT outcome_id FROM visit_outcomes").fetchone()[0] == referred


def test_the_admin_edits_the_list_and_an_operator_cannot(app, admin, operator):
    c, h = admin
    r = c.post("/api/v1/outcomes", json={"name_kk": "Өтініш қабылданды", "name_ru": "Заявление принято",
                                          "name_en": "Application accepted"}, headers=h)
    assert r.status_code == 201, r.get_json()
    added = r.get_json()
    assert c.patch(f"/api/v1/outcomes/{added['id']}", json={"name_en": "Application taken", "sort_order": 0},
                   headers=h).get_json()["name_en"] == "Application taken"
    bad = c.post("/api/v1/outcomes", json={"name_kk": "", "name_ru": "x", "name_en": "x"}, headers=h)
    assert bad.status_code == 422 and bad.get_json()["error"]["details"]["field"] == "name_kk"
    op, oh = operator
    listed = op.get("/api/v1/outcomes").get_json()["outcomes"]
    assert "Application taken" in [k["name_en"] for k in listed]
    assert op.post("/api/v1/outcomes", json={"name_kk": "a", "name_ru": "a", "name_en": "a"},
                   headers=oh).status_code == 403
    assert op.patch(f"/api/v1/outcomes/{added['id']}", json={"active": False}, headers=oh).status_code == 403


def test_reports_count_the_outcomes_in_json_csv_and_xlsx(app, operator, kiosk_headers):
    op, h = operator
    kinds = {k["code"]: k["id"] for k in op.get("/api/v1/outcomes").get_json()["outcomes"]}
    for outcome, extra in (("resolved", []), ("resolved", [6]), ("documents", [])):
        ticket = op.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
        op.post("/api/v1/desks/1/call-next", headers=h)
        op.post(f"/api/v1/tickets/{ticket['id']}/start", headers=h)
        r = op.post(f"/api/v1/tickets/{ticket['id']}/finish",
                    json={"outcome": kinds[outcome], "note": NOTE, "services": extra}, headers=h)
        assert r.status_code == 200, r.get_json()
        assert NOTE not in r.get_data(as_text=True)
    manager = app.test_client()
    login(manager, "manager")
    report = manager.get("/api/v1/stats").get_json()
    counted = {o["code"]: (o["visits"], o["services"]) for o in report["outcomes"]}
    assert counted == {"resolved": (2, 3), "documents": (1, 1), "referred": (0, 0), "other": (0, 0)}
    table = list(csv.DictReader(io.StringIO(manager.get("/api/v1/stats", headers={"Accept": "text/csv"})
                                            .get_data(as_text=True))))
    assert {(r["key"], r["served"]) for r in table if r["dimension"] == "outcome"} == {("resolved", "2"),
                                                                                      ("documents", "1")}
    book = load_workbook(io.BytesIO(manager.get("/api/v1/stats?format=xlsx").data))
    rows = {r[0]: r[4:] for r in book["outcomes"].iter_rows(min_row=2, values_only=True)}
    assert rows["resolved"] == (2, 3) and rows["documents"] == (1, 1)
    assert NOTE not in json.dumps(report, ensure_ascii=False)
