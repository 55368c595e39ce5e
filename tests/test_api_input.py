"""Bad input gets a JSON 4xx and changes nothing; retries with an Idempotency-Key run once."""
from __future__ import annotations

import pytest


def count_tickets(app):
    from kezek.base import database
    db = database.open_db(app.config["DB"])
    try:
        return db.execute("SELECT COUNT(*) FROM tickets").fetchone()[0], db.execute(
            "SELECT COUNT(*) FROM events").fetchone()[0]
    finally:
        db.close()


def assert_json_error(response, status):
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert set(body["error"]) >= {"code", "message"} and body["error"]["message"]


@pytest.mark.parametrize("payload,status", [
    (b"{not json", 422),
    (b"[1, 2]", 422),
    (b'{"service": "1"}', 422),
    (b'{"service": true}', 422),
    (b'{"service": 1, "priority": "yes"}', 422),
    (b'{"service": 1, "lang": "fr"}', 422),
    (b'{"service": 1, "priority": true, "priority_reason": "vip"}', 422),
    (b'{}', 422),
    (b'{"service": 999}', 404),
])
def test_bad_ticket_requests_change_nothing(app, client, kiosk_headers, payload, status):
    before = count_tickets(app)
    r = client.post("/api/v1/tickets", data=payload, headers={**kiosk_headers, "Content-Type": "application/json"})
    assert_json_error(r, status)
    assert count_tickets(app) == before


def test_oversized_body_is_refused(app, client, kiosk_headers):
    before = count_tickets(app)
    r = client.post("/api/v1/tickets", data=b'{"service": 1, "x": "' + b"a" * 100_000 + b'"}',
                    headers={**kiosk_headers, "Content-Type": "application/json"})
    assert_json_error(r, 413)
    assert count_tickets(app) == before


def test_unknown_ids_and_tokens_are_404_json(client, operator):
    op, h = operator
    assert_json_error(op.post("/api/v1/tickets/9999/start", headers=h), 404)
    assert_json_error(op.post("/api/v1/desks/9999/call-next", headers=h), 404)
    assert_json_error(client.get("/api/v1/tickets/no-such-token"), 404)
    assert_json_error(client.get("/api/v1/no-such-endpoint"), 404)


def test_illegal_transition_is_409_json(client, kiosk_headers, operator):
    op, h = operator
    t = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
    r = op.post(f"/api/v1/tickets/{t['id']}/finish", headers=h)
    assert_json_error(r, 409)
    assert r.get_json()["error"]["code"] == "bad_transition"


def test_cookie_write_without_csrf_token_is_refused(app, kiosk_headers, operator, client):
    op, h = operator
    client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    assert_json_error(op.post("/api/v1/desks/1/call-next"), 403)
    assert_json_error(op.post("/api/v1/desks/1/call-next", headers={"X-CSRF-Token": "wrong"}), 403)
    assert op.post("/api/v1/desks/1/call-next", headers=h).status_code == 200


def test_no_credentials_is_401_and_wrong_role_is_403(client, kiosk_headers):
    assert_json_error(client.post("/api/v1/tickets", json={"service": 1}), 401)
    assert_json_error(client.post("/api/v1/desks/1/call-next", headers=kiosk_headers), 403)


def test_a_retried_issue_returns_the_first_ticket(app, client, kiosk_headers):
    headers = {**kiosk_headers, "Idempotency-Key": "tap-1"}
    first = client.post("/api/v1/tickets", json={"service": 1}, headers=headers)
    again = client.post("/api/v1/tickets", json={"service": 1}, headers=headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json()["token"] == first.get_json()["token"]
    assert again.headers.get("Idempotent-Replayed") == "true"
    assert count_tickets(app)[0] == 1
    other = client.post("/api/v1/tickets", json={"service": 1}, headers={**kiosk_headers, "Idempotency-Key": "tap-2"})
    assert other.get_json()["number"] == "А002"


def test_a_double_click_on_call_next_calls_one_visitor(client, kiosk_headers, operator):
    op, h = operator
    for _ in range(2):
        client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    key = {**h, "Idempotency-Key": "click-1"}
    a = op.post("/api/v1/desks/1/call-next", headers=key).get_json()
    b = op.post("/api/v1/desks/1/call-next", headers=key).get_json()
    assert a["id"] == b["id"]
    queue = op.get("/api/v1/queue").get_json()["queue"]
    assert len(queue) == 1, "the second visitor still waits"


def test_concurrent_retries_with_one_key_run_once(app, kiosk_headers):
    import threading
    results = []
    barrier = threading.Barrier(8)

    def tap():
        c = app.test_client()
        barrier.wait()
        results.append(c.post("/api/v1/tickets", json={"service": 1},
                              headers={**kiosk_headers, "Idempotency-Key": "same"}).get_json()["token"])

    threads = [threading.Thread(target=tap) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(results) == 8 and len(set(results)) == 1
    assert count_tickets(app)[0] == 1


def test_public_writes_need_no_csrf_token_but_staff_writes_do(client, kiosk_headers, operator):
    op, h = operator
    t = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
    # a visitor cancelling from a browser where a clerk is signed in: the session grants nothing here
    assert op.post(f"/api/v1/tickets/{t['token']}/cancel").status_code == 200
    assert_json_error(op.post("/api/v1/tickets", json={"service": 1}), 403)


def test_a_lost_answer_to_a_call_that_only_freed_the_desk_is_replayed_as_nobody_called(app, client, kiosk_headers,
                                                                                      operator, monkeypatch):
    from kezek.base import idempotency
    op, h = operator
    client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    held = op.post("/api/v1/desks/2/call-next", headers=h).get_json()
    op.post(f"/api/v1/tickets/{held['id']}/start", headers=h)
    real = idempotency.remember_answer

    def die(*args, **kwargs):      # the server dies after the change, before storing its answer
        raise RuntimeError("power cut")
    monkeypatch.setattr(idempotency, "remember_answer", die)
    key = {**h, "Idempotency-Key": "free-the-desk"}
    assert op.post("/api/v1/desks/2/call-next", headers=key).status_code == 500     # no answer stored
    monkeypatch.setattr(idempotency, "remember_answer", real)
    again = op.post("/api/v1/desks/2/call-next", headers=key)
    assert again.status_code == 204 and again.headers.get("Idempotent-Replayed") == "true"
    assert op.get(f"/api/v1/tickets/{held['token']}").get_json()["status"] == "done"


@pytest.mark.parametrize("path, status", [
    ("/api/v1/tickets/ab%00cd", 404), ("/api/v1/tickets/ab%00cd/proof", 404), ("/board/de%00mo", 404),
    ("/t/ab%00cd", 404), ("/api/v1/bookings/AB%00CD", 404),
    ("/api/v1/audit?name=a%00b", 422), ("/api/v1/reports?from=2026-11-01%00&to=2026-11-30", 422)])
def test_a_nul_character_in_the_address_or_the_query_is_a_4xx(admin, path, status):
    """PostgreSQL's text refuses U+0000: each of these was a 500 there (SQLite looked the text up)."""
    c, h = admin
    r = c.get(path, headers=h)
    assert_json_error(r, status)


def test_a_nul_character_in_a_token_or_a_cookie_is_a_422_and_issues_nothing(app, client, kiosk_headers):
    before = count_tickets(app)
    token = kiosk_headers["Authorization"]
    r = client.post("/api/v1/tickets", json={"service": 1}, headers={"Authorization": token[:12] + "\x00" + token[12:]})
    assert_json_error(r, 422)
    client.set_cookie("kezek_session", "abc\x00def")
    assert_json_error(client.get("/api/v1/me"), 422)
    assert count_tickets(app) == before
