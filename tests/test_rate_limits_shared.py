"""Rate limits: a 429 says when to try again, 0 turns a limit off, and a region's processes spend one budget in Redis."""
from __future__ import annotations

import time

import pytest
import redis
from helpers import DEMO_PASSWORD, login
from redis_server import RedisServer
from server_processes import ServerProcess, Sibling

from kezek.web.rate_limits import storage_uri


# --- one process ----------------------------------------------------------------------------------

def test_a_refused_ticket_says_when_the_kiosk_may_try_again(app, client, kiosk_headers):
    app.config["ISSUE_RATE_LIMIT"] = 2
    for _ in range(2):
        assert client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).status_code == 201
    refused = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "issue_rate_limited"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_a_throttled_sign_in_and_a_busy_ticket_page_say_when_too(app, client):
    for _ in range(5):
        client.post("/api/v1/login", json={"username": "operator1", "password": "guess"})
    throttled = client.post("/api/v1/login", json={"username": "operator1", "password": DEMO_PASSWORD})
    assert throttled.status_code == 429 and 1 <= int(throttled.headers["Retry-After"]) <= 300
    app.config["TICKET_LOOKUPS_PER_MINUTE"] = 1
    assert client.get("/t/guess-1").status_code == 404
    busy = client.get("/t/guess-2")
    assert busy.status_code == 429 and 1 <= int(busy.headers["Retry-After"]) <= 60
    qr = client.get("/qr/guess-3.svg")   # the QR code spends the same budget, and answers as the API does
    assert qr.status_code == 429 and qr.get_json()["error"]["code"] == "lookup_rate_limited"
    assert "Retry-After" in qr.headers


def test_zero_turns_the_failure_limits_off_as_it_does_the_others(app, client, kiosk_headers):
    app.config.update(LOGIN_ATTEMPTS=0, CHECKIN_FAILURES_PER_MINUTE=0)
    for _ in range(8):
        assert client.post("/api/v1/login", json={"username": "operator1", "password": "guess"}).status_code == 401
    login(client, "operator1")
    codes = {client.post(f"/api/v1/bookings/{n:08d}/check-in", headers=kiosk_headers, json={}).status_code
             for n in range(8)}
    assert codes == {404}


def test_the_storage_is_redis_when_the_region_names_it():
    assert storage_uri({}) == "memory://"
    assert storage_uri({"MESSAGE_QUEUE": "redis://10.1.2.3:6379/0"}) == "redis://10.1.2.3:6379/0"
    assert storage_uri({"MESSAGE_QUEUE": "redis://a/0", "RATE_LIMIT_STORAGE": "redis://b/1"}) == "redis://b/1"
    assert storage_uri({"MESSAGE_QUEUE": "kafka://x"}) == "memory://"


# --- two real processes, one Redis ----------------------------------------------------------------

@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path / "redis").start()
    yield server
    server.stop()


@pytest.fixture
def region(tmp_path, redis_server):
    """Two `server.py run` processes on one database and one Redis, a kiosk's limit of 6 tickets a minute."""
    env = {"KEZEK_MESSAGE_QUEUE": redis_server.url, "KEZEK_ISSUE_RATE_LIMIT": "6"}
    first = ServerProcess(tmp_path, env=env)
    second = Sibling(first)
    first.start()
    second.start()
    yield first, second
    for server in (first, second):
        server.stop()


def _issue(server) -> int:
    return server.kiosk().post(server.url + "/api/v1/tickets", json={"service": 1}, timeout=10).status_code


@pytest.mark.slow
def test_a_kiosk_gets_one_budget_from_the_whole_region(region):
    first, second = region
    answers = [_issue(first) for _ in range(4)] + [_issue(second) for _ in range(4)]
    assert answers == [201] * 6 + [429] * 2
    assert _issue(first) == 429


@pytest.mark.slow
def test_sign_in_failures_count_across_processes(region):
    first, second = region
    wrong = {"username": "operator1", "password": "guess"}
    for server in (first, second, first, second, first):
        assert server.kiosk().post(server.url + "/api/v1/login", json=wrong, timeout=10).status_code == 401
    right = {"username": "operator1", "password": DEMO_PASSWORD}
    throttled = second.kiosk().post(second.url + "/api/v1/login", json=right, timeout=10)
    assert throttled.status_code == 429 and throttled.json()["error"]["code"] == "login_throttled"


@pytest.mark.slow
def test_tickets_are_issued_while_redis_is_away_and_the_budget_is_shared_again_after(region, redis_server):
    first, second = region
    redis_server.stop()
    # Away: each process counts in its own memory; the limit holds there, and no ticket fails for Redis.
    assert [_issue(first) for _ in range(7)] == [201] * 6 + [429]
    redis_server.start()
    client = redis.Redis.from_url(redis_server.url)
    try:
        # Back: within a few seconds (kezek/web/rate_limits.py RETRY_STORAGE_S) the counts are in Redis again.
        seen = False
        for _ in range(300):      # ~30 s at most
            assert _issue(first) in (201, 429)
            if client.keys("*issues*"):
                seen = True
                break
            time.sleep(0.1)
        assert seen, "the process never went back to the shared counts"
        # And shared they are: the other process spends what is left of the same budget (one is used).
        assert [_issue(second) for _ in range(6)] == [201] * 5 + [429]
    finally:
        client.close()
