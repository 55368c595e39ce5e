"""Three real server processes writing one database at once: numbering, call-next, retries, the last slot.

Each test starts three `server.py run` processes on one database (a SQLite file shared by
three processes, or one PostgreSQL database) and sends them requests from many threads at
the same moment (a barrier). What they agree on, only the database can have made them agree.
"""
from __future__ import annotations

import threading
from collections import Counter, defaultdict

import pytest
import requests
from region_servers import Region, command

from kezek.base import database

pytestmark = pytest.mark.slow

PROCESSES = 3


def _postgres_url() -> str:
    pg_cluster = pytest.importorskip("pg_cluster", reason="tests/pg_cluster.py has not landed")
    if not pg_cluster.available():
        pytest.skip("PostgreSQL is not installed")
    if not hasattr(database, "is_postgres"):
        pytest.skip("kezek.base.database does not open postgresql:// yet (branch pg)")
    return pg_cluster.cluster().new_database()


@pytest.fixture(params=["sqlite", "postgresql"])
def region(request, tmp_path):
    """Three server processes on one fresh database with the demo office."""
    target = str(tmp_path / "region.db") if request.param == "sqlite" else _postgres_url()
    servers = Region(tmp_path, target, count=PROCESSES)
    servers.load_demo()
    servers.start()
    yield servers
    servers.stop()
    # Whatever the race, the log is whole and every row agrees with it.
    command("verify-log", "--db", target, env=servers.env)


def _rows(region: Region, sql: str, params=()) -> list[dict]:
    db = database.open_db(region.db)
    try:
        return database.rows(db, sql, params)
    finally:
        db.close()


def _at_once(jobs: list, timeout: float = 120) -> list:
    """Run each job(barrier) in its own thread, all released together; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results: list = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i, job):
        try:
            results[i] = job(barrier)
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
            barrier.abort()

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads), "a client never got its answers"
    return results


def test_tickets_issued_through_three_processes_at_once_are_numbered_without_gaps_or_repeats(region):
    threads_per_process, tickets_each = 4, 12
    kiosk = region.kiosk()

    def kiosk_at(url, service):
        def job(barrier):
            got = []
            with requests.Session() as http:
                barrier.wait(30)
                for _ in range(tickets_each):
                    answer = http.post(url + "/api/v1/tickets", json={"service": service}, headers=kiosk, timeout=60)
                    got.append((answer.status_code, answer.json()))
            return got
        return job

    # Services А (1) and Б (2), each from every process.
    jobs = [kiosk_at(url, 1 + t % 2) for url in region.urls for t in range(threads_per_process)]
    answers = [a for got in _at_once(jobs) for a in got]
    assert [status for status, _ in answers] == [201] * len(answers), (answers[:3], region.output())
    numbers = defaultdict(list)
    for _, ticket in answers:
        numbers[ticket["service_id"]].append(ticket["number"])
    per_service = len(answers) // 2
    assert sorted(numbers[1]) == [f"А{n:03d}" for n in range(1, per_service + 1)]
    assert sorted(numbers[2]) == [f"Б{n:03d}" for n in range(1, per_service + 1)]
    stored = _rows(region, "SELECT service_id, number FROM tickets ORDER BY service_id, number")
    assert [(r["service_id"], r["number"]) for r in stored] == \
        [(s, n) for s in (1, 2) for n in range(1, per_service + 1)]


def test_three_desks_on_three_processes_call_every_ticket_once(region):
    issued = 45
    kiosk = region.kiosk()
    for _ in range(issued):
        assert requests.post(region.urls[0] + "/api/v1/tickets", json={"service": 1}, headers=kiosk,
                             timeout=30).status_code == 201
    admin, admin_headers = region.sign_in(0, "admin")
    # Desks 1 and 2 serve А already; desk 3 joins them, so three desks race for one queue.
    assert admin.patch(region.urls[0] + "/api/v1/desks/3", json={"service_ids": [1]}, headers=admin_headers,
                       timeout=30).status_code == 200
    staff = [("operator1", 1), ("operator2", 2), ("admin", 3)]

    def desk_at(i, username, desk):
        url = region.urls[i]

        def job(barrier):
            session, headers = region.sign_in(i, username)
            called = []
            barrier.wait(30)
            while True:
                answer = session.post(f"{url}/api/v1/desks/{desk}/call-next", headers=headers, timeout=60)
                if answer.status_code == 204:
                    return called
                assert answer.status_code == 200, (answer.status_code, answer.text)
                ticket = answer.json()
                called.append(ticket["id"])
                started = session.post(f"{url}/api/v1/tickets/{ticket['id']}/start", headers=headers, timeout=60)
                assert started.status_code == 200, started.text
        return job

    called = _at_once([desk_at(i, user, desk) for i, (user, desk) in enumerate(staff)])
    everyone = [t for desk in called for t in desk]
    assert len(everyone) == len(set(everyone)) == issued, "a ticket was called twice, or one was lost"
    assert all(called), f"a desk never got a visitor: {[len(c) for c in called]}"
    # The last call-next of each desk finished its visitor; nobody is left waiting or held.
    assert _rows(region, "SELECT status, COUNT(*) AS n FROM tickets GROUP BY status") == \
        [{"status": "done", "n": issued}]
    assert _rows(region, "SELECT id FROM desks WHERE current_ticket_id IS NOT NULL") == []
    calls = _rows(region, "SELECT ticket_id, COUNT(*) AS n FROM events WHERE name = 'ticket.called'"
                          " GROUP BY ticket_id HAVING COUNT(*) > 1")
    assert calls == [], "the log shows a ticket called twice"


def test_one_idempotency_key_sent_to_three_processes_at_once_issues_one_ticket(region):
    rounds = 8
    kiosk = region.kiosk()
    for r in range(rounds):
        headers = {**kiosk, "Idempotency-Key": f"kiosk-tap-{r}"}

        def tap(url):
            def job(barrier):
                barrier.wait(30)
                answer = requests.post(url + "/api/v1/tickets", json={"service": 1}, headers=headers, timeout=60)
                body = answer.json()
                body.pop("print", None)     # the replay prints again; the ticket is what must agree
                return answer.status_code, body
            return job

        answers = _at_once([tap(url) for url in region.urls])
        assert {status for status, _ in answers} == {201}, (answers, region.output())
        assert len({body["id"] for _, body in answers}) == 1, f"round {r}: one key issued {answers}"
        assert len({body["number"] for _, body in answers}) == 1
    stored = _rows(region, "SELECT number FROM tickets ORDER BY number")
    assert [r["number"] for r in stored] == list(range(1, rounds + 1)), "a retried tap issued a second ticket"


def test_one_call_next_retried_on_three_processes_calls_one_visitor(region):
    kiosk = region.kiosk()
    for _ in range(10):
        requests.post(region.urls[0] + "/api/v1/tickets", json={"service": 1}, headers=kiosk, timeout=30)
    # One signed-in browser: its session cookie is good on every process (sessions live in the database).
    session, headers = region.sign_in(0, "operator1")
    cookies = session.cookies.get_dict()
    rounds = 4
    for r in range(rounds):
        retry = {**headers, "Idempotency-Key": f"double-click-{r}"}

        def click(url):
            def job(barrier):
                barrier.wait(30)
                answer = requests.post(url + "/api/v1/desks/1/call-next", headers=retry, cookies=cookies, timeout=60)
                return answer.status_code, answer.json()
            return job

        answers = _at_once([click(url) for url in region.urls])
        assert {status for status, _ in answers} == {200}, (answers, region.output())
        assert len({body["id"] for _, body in answers}) == 1, f"round {r}: one click called {answers}"
    called = _rows(region, "SELECT COUNT(*) AS n FROM events WHERE name = 'ticket.called'")
    assert called == [{"n": rounds}], "a retried click called another visitor"


@pytest.mark.parametrize("capacity", [1, 2])
def test_the_last_seat_of_a_slot_goes_to_exactly_as_many_as_it_holds(region, capacity):
    admin, admin_headers = region.sign_in(0, "admin")
    base = region.urls[0]
    service = 7      # Ж, bookable in the demo
    if capacity != 1:
        rule = admin.put(f"{base}/api/v1/services/{service}/booking-rule", headers=admin_headers, timeout=30,
                         json={"enabled": True, "slot_minutes": 15, "capacity": capacity, "days_ahead": 14})
        assert rule.status_code == 200, rule.text
    days = requests.get(f"{base}/api/v1/booking/services/{service}/days", timeout=30).json()["days"]
    day = next(d["day"] for d in days if d.get("free"))
    slots = requests.get(f"{base}/api/v1/booking/services/{service}/slots", params={"day": day},
                         timeout=30).json()["slots"]
    free = [s["at"] for s in slots if s["free"] == capacity][:4]
    assert free, slots
    per_process = 3
    for at in free:
        def book(url):
            def job(barrier):
                barrier.wait(30)
                answer = requests.post(url + "/api/v1/bookings", json={"service": service, "at": at}, timeout=60)
                return answer.status_code, answer.json()
            return job

        answers = _at_once([book(url) for url in region.urls for _ in range(per_process)])
        statuses = Counter(status for status, _ in answers)
        assert statuses == {201: capacity, 409: len(answers) - capacity}, (at, answers, region.output())
        assert {body["error"]["code"] for status, body in answers if status == 409} == {"slot_taken"}
        held = _rows(region, "SELECT seat FROM bookings WHERE service_id = ? AND slot_at = ? AND status = 'booked'"
                             " ORDER BY seat", (service, at))
        assert [r["seat"] for r in held] == list(range(1, capacity + 1))


def test_one_booking_checked_in_at_three_kiosks_on_three_processes_gets_one_ticket(region):
    admin, admin_headers = region.sign_in(0, "admin")
    base = region.urls[0]
    service = 7      # Ж
    # Bookable every day and all day, so that some slot's check-in window is open whenever the test runs.
    assert admin.patch(f"{base}/api/v1/booking-config/settings", json={"weekdays": [1, 2, 3, 4, 5, 6, 7]},
                       headers=admin_headers, timeout=30).status_code == 200
    rule = admin.put(f"{base}/api/v1/services/{service}/booking-rule", headers=admin_headers, timeout=30,
                     json={"enabled": True, "slot_minutes": 15, "capacity": 1, "days_ahead": 2, "opens": "00:00",
                           "closes": "23:59", "early_min": 15, "late_min": 10})
    assert rule.status_code == 200, rule.text
    days = requests.get(f"{base}/api/v1/booking/services/{service}/days", timeout=30).json()["days"]
    # The next slot starts within 15 minutes (slots that have begun are not offered): its check-in is open.
    at = next(s["at"] for d in days if d["free"] for s in
              requests.get(f"{base}/api/v1/booking/services/{service}/slots", params={"day": d["day"]},
                           timeout=30).json()["slots"] if s["free"])
    booked = requests.post(f"{base}/api/v1/bookings", json={"service": service, "at": at}, timeout=30)
    assert booked.status_code == 201, booked.text
    code = booked.json()["code"]
    tokens = [region.credentials["kiosk_token"]] + [
        command("create-device", "kiosk", f"Kiosk {n}", "--db", region.db, env=region.env).strip().splitlines()[-1]
        for n in (2, 3)]

    def kiosk_at(url, token):
        def job(barrier):
            barrier.wait(30)
            answer = requests.post(f"{url}/api/v1/bookings/{code}/check-in", json={}, timeout=60,
                                   headers={"Authorization": f"Bearer {token}"})
            return answer.status_code, answer.json()
        return job

    answers = _at_once([kiosk_at(url, token) for url, token in zip(region.urls, tokens)])
    assert sorted(status for status, _ in answers) == [200, 200, 201], (answers, region.output())
    assert len({body["id"] for _, body in answers}) == 1, answers
    assert _rows(region, "SELECT COUNT(*) AS n FROM tickets") == [{"n": 1}]
