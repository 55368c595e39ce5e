"""A visitor rates a finished visit once: stars in the ticket, stars and comment in the log."""
from __future__ import annotations

import threading

import pytest
from helpers import login

from kezek.base import database
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.log import chain
from kezek.queue import ratings, tickets
from kezek.queue import store as queue_store


def served(db, clock, desk_id=3, service_id=2, user_id=None):
    """A ticket called, served and finished at a desk; returns its row."""
    t = tickets.issue(db, service_id, clock()).ticket
    tickets.call_next(db, desk_id, clock(), user_id=user_id)
    tickets.start(db, t["id"], clock(), user_id=user_id)
    clock.advance(minutes=5)
    tickets.finish(db, t["id"], clock(), user_id=user_id)
    return queue_store.ticket(db, t["id"])


def operator_id(db, username="operator2"):
    return database.scalar(db, "SELECT id FROM users WHERE username = ?", (username,))


def test_a_rating_is_stored_in_the_ticket_and_logged_with_desk_and_operator(db, clock):
    op = operator_id(db)
    t = served(db, clock, desk_id=3, user_id=op)
    r = ratings.rate(db, t["token"], 4, "  Quick and kind.  ", clock())
    assert (r.stars, r.comment, r.desk_id, r.user_id) == (4, "Quick and kind.", 3, op)
    assert queue_store.ticket(db, t["id"])["rating"] == 4
    (logged,) = chain.list_events(db, "demo", name="ticket.rated")
    assert (logged["ticket_id"], logged["desk_id"], logged["user_id"]) == (t["id"], 3, op)
    assert logged["details"] == {"number": t["display_number"], "stars": 4, "comment": "Quick and kind."}
    assert ratings.ratings(db, "demo")[0]["comment"] == "Quick and kind."
    assert chain.verify(db).ok


def test_a_second_rating_is_refused_and_changes_nothing(db, clock):
    t = served(db, clock)
    ratings.rate(db, t["token"], 5, None, clock())
    with pytest.raises(Conflict) as refused:
        ratings.rate(db, t["token"], 1, "changed my mind", clock())
    assert refused.value.code == "already_rated"
    assert queue_store.ticket(db, t["id"])["rating"] == 5
    assert len(chain.list_events(db, "demo", name="ticket.rated")) == 1


@pytest.mark.parametrize("status", ["waiting", "called", "serving", "no_show", "cancelled"])
def test_only_a_finished_visit_can_be_rated(db, clock, status):
    t = tickets.issue(db, 2, clock()).ticket
    if status != "waiting" and status != "cancelled":
        tickets.call_next(db, 3, clock())
    if status == "serving":
        tickets.start(db, t["id"], clock())
    if status == "no_show":
        tickets.no_show(db, t["id"], clock())
    if status == "cancelled":
        tickets.cancel(db, t["token"], clock())
    assert queue_store.ticket(db, t["id"])["status"] == status
    with pytest.raises(Conflict) as refused:
        ratings.rate(db, t["token"], 5, None, clock())
    assert refused.value.code == "not_done"
    assert queue_store.ticket(db, t["id"])["rating"] is None


@pytest.mark.parametrize("stars", [0, 6, -1, 4.5, "5", True, None])
def test_stars_must_be_a_whole_number_from_one_to_five(db, clock, stars):
    t = served(db, clock)
    with pytest.raises(Invalid):
        ratings.rate(db, t["token"], stars, None, clock())
    assert queue_store.ticket(db, t["id"])["rating"] is None


def test_comment_is_at_most_500_characters_and_blank_means_none(db, clock):
    t = served(db, clock)
    with pytest.raises(Invalid):
        ratings.rate(db, t["token"], 3, "x" * 501, clock())
    r = ratings.rate(db, t["token"], 3, " \x00\x07 ", clock())
    assert r.comment is None


def test_unknown_token_is_not_found(db, clock):
    with pytest.raises(NotFound):
        ratings.rate(db, "no-such-token", 5, None, clock())


def test_two_taps_at_once_store_one_rating(db, db_path, clock):
    t = served(db, clock)
    results, start = [], threading.Barrier(4)

    def tap(stars):
        handle = database.open_db(db_path)
        try:
            start.wait()
            ratings.rate(handle, t["token"], stars, None, clock())
            results.append(("ok", stars))
        except Conflict:
            results.append(("refused", stars))
        finally:
            handle.close()

    threads = [threading.Thread(target=tap, args=(s,)) for s in (2, 3, 4, 5)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    stored = [s for outcome, s in results if outcome == "ok"]
    assert len(stored) == 1 and sum(1 for o, _ in results if o == "refused") == 3
    assert queue_store.ticket(db, t["id"])["rating"] == stored[0]
    assert len(chain.list_events(db, "demo", name="ticket.rated")) == 1


# --- the public API: POST /api/v1/tickets/<token>/rating


def finished_through_api(client, kiosk_headers, operator):
    op, h = operator
    t = client.post("/api/v1/tickets", json={"service": 2}, headers=kiosk_headers).get_json()
    op.post("/api/v1/desks/3/call-next", headers=h)
    op.post(f"/api/v1/tickets/{t['id']}/start", headers=h)
    op.post(f"/api/v1/tickets/{t['id']}/finish", headers=h)
    return t


def test_api_rates_once_then_answers_409(client, kiosk_headers, operator):
    t = finished_through_api(client, kiosk_headers, operator)
    url = f"/api/v1/tickets/{t['token']}/rating"
    first = client.post(url, json={"stars": 5, "comment": "Рақмет!"})
    assert first.status_code == 201 and first.get_json() == {"stars": 5, "comment": "Рақмет!"}
    again = client.post(url, json={"stars": 1})
    assert again.status_code == 409 and again.get_json()["error"]["code"] == "already_rated"


def test_api_refuses_bad_stars_and_unfinished_and_unknown_tickets(client, kiosk_headers):
    t = client.post("/api/v1/tickets", json={"service": 2}, headers=kiosk_headers).get_json()
    url = f"/api/v1/tickets/{t['token']}/rating"
    assert client.post(url, json={"stars": 5}).status_code == 409
    assert client.post(url, json={"stars": 7}).status_code == 422
    assert client.post(url, json={}).status_code == 422
    assert client.post("/api/v1/tickets/unknown/rating", json={"stars": 5}).status_code == 404


def test_a_visitor_rates_from_a_browser_a_clerk_is_signed_in_on(app, kiosk_headers, operator):
    # The rating route is open to everyone: the session lends it no authority, so no CSRF token.
    c = app.test_client()
    login(c, "manager")
    t = finished_through_api(c, kiosk_headers, operator)
    assert c.post(f"/api/v1/tickets/{t['token']}/rating", json={"stars": 4}).status_code == 201
    assert c.post(f"/api/v1/tickets/{t['token']}/rating", json={"stars": 5}).status_code == 409


def test_rating_route_is_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert "post" in paths["/api/v1/tickets/{token}/rating"]
