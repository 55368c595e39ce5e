"""Hostile callers: throttled guessing, expired and forged sessions, CSRF, headers, rate limits, bad bodies."""
from __future__ import annotations

import re
import time
from pathlib import Path
from unittest import mock

import pytest
from helpers import DEMO_PASSWORD, login

from kezek.base import database
from kezek.office import accounts

ROOT = Path(__file__).resolve().parents[1]


def _counter(app, service=1) -> int:
    db = database.open_db(app.config["DB"])
    try:
        return database.scalar(db, "SELECT COALESCE(SUM(last_number), 0) FROM counters WHERE service_id = ?",
                            (service,))
    finally:
        db.close()


# --- sign-in -------------------------------------------------------------------------------------

def test_five_wrong_passwords_lock_that_name_from_that_address_for_a_while(app):
    c = app.test_client()
    for _ in range(5):
        assert c.post("/api/v1/login", json={"username": "operator1", "password": "guess"}).status_code == 401
    r = c.post("/api/v1/login", json={"username": "operator1", "password": DEMO_PASSWORD})
    assert r.status_code == 429 and r.get_json()["error"]["code"] == "login_throttled"
    # Another user, and the same user from another address, can still sign in.
    login(c, "operator2")
    other = app.test_client()
    other.environ_base["REMOTE_ADDR"] = "192.0.2.7"
    login(other, "operator1")


def test_a_successful_sign_in_forgets_earlier_failures(app):
    c = app.test_client()
    for _ in range(4):
        c.post("/api/v1/login", json={"username": "operator1", "password": "guess"})
    login(c, "operator1")
    c = app.test_client()   # signed out
    for _ in range(4):
        assert c.post("/api/v1/login", json={"username": "operator1", "password": "guess"}).status_code == 401
    login(c, "operator1")


def _forged_session_cookie(app, contents: dict, age_hours: float) -> str:
    serializer = app.session_interface.get_signing_serializer(app)
    with mock.patch("time.time", return_value=time.time() - age_hours * 3600):
        return serializer.dumps(contents)


def test_a_session_older_than_its_lifetime_is_refused(app):
    c = app.test_client()
    login(c, "operator1")
    with c.session_transaction() as sess:
        contents = dict(sess)
    lifetime = app.permanent_session_lifetime.total_seconds() / 3600
    fresh, stale = app.test_client(), app.test_client()
    fresh.set_cookie("kezek_session", _forged_session_cookie(app, contents, lifetime - 1))
    stale.set_cookie("kezek_session", _forged_session_cookie(app, contents, lifetime + 1))
    assert fresh.get("/api/v1/me").status_code == 200
    assert stale.get("/api/v1/me").status_code == 401


def test_session_lifetime_comes_from_kezek_session_hours(monkeypatch, tmp_path):
    from kezek.web.app import create_app
    monkeypatch.setenv("KEZEK_SESSION_HOURS", "3")
    app = create_app({"DB": str(tmp_path / "k.db"), "SECRET_KEY": "x", "ASYNC_MODE": "threading"})
    assert app.permanent_session_lifetime.total_seconds() == 3 * 3600


def test_a_cookie_signed_with_another_key_is_not_a_session(app):
    c = app.test_client()
    login(c, "admin")
    with c.session_transaction() as sess:
        contents = dict(sess)
    other = app.test_client()
    app.secret_key, real = "someone-elses-key", app.secret_key
    try:
        forged = app.session_interface.get_signing_serializer(app).dumps(contents)
    finally:
        app.secret_key = real
    other.set_cookie("kezek_session", forged)
    assert other.get("/api/v1/users").status_code == 401


def test_changing_a_password_ends_the_users_open_sessions(app, admin):
    admin_client, headers = admin
    c = app.test_client()
    login(c, "operator1")
    users = {u["username"]: u for u in admin_client.get("/api/v1/users").get_json()["users"]}
    r = admin_client.patch(f"/api/v1/users/{users['operator1']['id']}", json={"password": "a-new-password-1"},
                           headers=headers)
    assert r.status_code == 200
    assert c.get("/api/v1/me").status_code == 401


# --- CSRF ----------------------------------------------------------------------------------------

def test_a_cookie_sessions_write_needs_the_csrf_token_and_changes_nothing_without_it(operator, app):
    c, headers = operator
    for bad in ({}, {"X-CSRF-Token": "not-the-token"}):
        r = c.post("/api/v1/desks/1/pause", json={"reason": "lunch"}, headers=bad)
        assert r.status_code == 403 and r.get_json()["error"]["code"] == "csrf"
    assert not c.get("/api/v1/desks/1/state").get_json()["desk"]["paused"]
    assert c.post("/api/v1/desks/1/pause", json={"reason": "lunch"}, headers=headers).status_code == 200
    assert c.get("/api/v1/desks/1/state").get_json()["desk"]["paused"]


def test_a_device_token_needs_no_csrf_token(client, kiosk_headers):
    assert client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).status_code == 201


def test_the_session_cookie_is_httponly_and_samesite(app):
    c = app.test_client()
    r = c.post("/api/v1/login", json={"username": "operator1", "password": DEMO_PASSWORD})
    cookie = r.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


# --- headers and pages ---------------------------------------------------------------------------

def _pages(app, client, kiosk_headers):
    token = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()["token"]
    pages = ["/", "/kiosk/", f"/kiosk/?token={app.demo['kiosk_token']}", "/display/", "/operator/", "/admin/",
             "/board/", f"/t/{token}"]
    return [p for p in pages if app.url_map.bind("x").test(p.split("?")[0], "GET")]


def test_every_page_and_answer_carries_a_strict_csp_and_the_security_headers(app, client, kiosk_headers):
    paths = _pages(app, client, kiosk_headers) + [
        "/api/v1/services", "/api/v1/openapi.json", "/api/v1/users", "/no/such/page", "/kiosk/static/nothing.js"]
    for path in paths:
        r = client.get(path)
        csp = r.headers.get("Content-Security-Policy", "")
        assert "script-src 'self'" in csp and "default-src 'self'" in csp and "frame-ancestors 'none'" in csp, path
        assert "unsafe-inline" not in csp and "unsafe-eval" not in csp, path
        assert r.headers.get("X-Content-Type-Options") == "nosniff", path
        assert r.headers.get("X-Frame-Options") == "DENY", path
        assert r.headers.get("Referrer-Policy") == "no-referrer", path
        if path.startswith("/api/"):
            assert r.headers.get("Cache-Control") == "no-store", path


def test_pages_hold_no_inline_script_or_style_that_the_csp_would_block(app, client, kiosk_headers):
    for path in _pages(app, client, kiosk_headers):
        r = client.get(path)
        assert r.status_code == 200, path
        html = r.get_data(as_text=True)
        for attrs, code in re.findall(r"<script([^>]*)>(.*?)</script>", html, flags=re.S | re.I):
            assert "src=" in attrs or "application/json" in attrs or not code.strip(), (path, code[:80])
        assert not re.search(r"\sstyle\s*=", html, flags=re.I), path
        assert not re.search(r"\son[a-z]+\s*=\s*[\"']", html, flags=re.I), f"inline event handler on {path}"


# --- kiosk issue limit ---------------------------------------------------------------------------

def test_a_stuck_finger_cannot_empty_the_numbering(app, client, kiosk_headers, db_path, clock):
    limit = app.config["ISSUE_RATE_LIMIT"]
    assert limit == 30
    answers = [client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).status_code
               for _ in range(limit + 20)]
    assert answers.count(201) == limit and answers[limit:] == [429] * 20
    r = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    assert r.get_json()["error"]["code"] == "issue_rate_limited"
    assert _counter(app) == limit
    # The limit is per kiosk: another kiosk in the hall still issues.
    handle = database.open_db(db_path)
    _, token = accounts.create_device(handle, "demo", "kiosk", "Kiosk 2", clock())
    handle.close()
    r = client.post("/api/v1/tickets", json={"service": 1}, headers={"Authorization": f"Bearer {token}"})
    assert r.status_code == 201 and _counter(app) == limit + 1


def test_a_limit_of_zero_turns_the_issue_limit_off(tmp_path, clock):
    from kezek import demo
    from kezek.web.app import create_app
    path = str(tmp_path / "k.db")
    app = create_app({"DB": path, "SECRET_KEY": "x", "ASYNC_MODE": "threading", "CLOCK": clock,
                      "ISSUE_RATE_LIMIT": 0})
    handle = database.init_db(path)
    creds = demo.load_demo(handle, clock(), password=DEMO_PASSWORD)
    handle.close()
    c = app.test_client()
    headers = {"Authorization": f"Bearer {creds['kiosk_token']}"}
    assert all(c.post("/api/v1/tickets", json={"service": 1}, headers=headers).status_code == 201
               for _ in range(40))


# --- revoked devices -----------------------------------------------------------------------------

def test_a_revoked_kiosk_token_stops_working_over_http_and_socketio(app, client, kiosk_headers, admin,
                                                                    socket_client):
    admin_client, headers = admin
    token = app.demo["kiosk_token"]
    live = socket_client({"screen": "kiosk", "token": token})
    assert live.is_connected()
    kiosk = next(d for d in admin_client.get("/api/v1/devices").get_json()["devices"] if d["kind"] == "kiosk")
    assert admin_client.delete(f"/api/v1/devices/{kiosk['id']}", headers=headers).status_code == 200
    r = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    assert r.status_code == 401 and r.get_json()["error"]["code"]
    assert not live.is_connected()
    assert not socket_client({"screen": "kiosk", "token": token}).is_connected()


def test_a_revoked_display_token_is_refused_at_connect(app, admin, socket_client):
    admin_client, headers = admin
    token = app.demo["display_token"]
    assert socket_client({"screen": "display", "token": token}).is_connected()
    display = next(d for d in admin_client.get("/api/v1/devices").get_json()["devices"] if d["kind"] == "display")
    admin_client.delete(f"/api/v1/devices/{display['id']}", headers=headers)
    assert not socket_client({"screen": "display", "token": token}).is_connected()


# --- hostile bodies ------------------------------------------------------------------------------

def test_an_oversized_body_is_a_413_json_error_and_changes_nothing(app, client, kiosk_headers):
    big = b'{"service": 1, "pad": "' + b"x" * 200_000 + b'"}'
    for path, headers in (("/api/v1/tickets", kiosk_headers), ("/api/v1/login", {})):
        r = client.post(path, data=big, headers={**headers, "Content-Type": "application/json"})
        assert r.status_code == 413, path
        assert r.get_json()["error"]["code"] == "too_large"
    assert _counter(app) == 0


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b'"service"', b"\xff\xfe\x00", b'{"service": "1"}',
                                 b'{"service": true}', b'{"service": 1, "priority": "yes"}',
                                 b'{"service": 1, "lang": "de"}', b'{"service": 99999999999999999999999}'])
def test_malformed_input_is_a_json_4xx_and_issues_nothing(app, client, kiosk_headers, raw):
    r = client.post("/api/v1/tickets", data=raw, headers={**kiosk_headers, "Content-Type": "application/json"})
    assert r.status_code in (400, 404, 422), r.status_code
    error = r.get_json()["error"]
    assert error["code"] and error["message"]
    assert _counter(app) == 0


# --- no default password -------------------------------------------------------------------------

@pytest.fixture
def cli(capsys):
    """Run a server.py command in this process; returns what it printed."""
    import server

    def run(*args):
        assert server.main(list(args)) == 0
        return capsys.readouterr().out
    return run


def test_init_db_creates_no_user_and_create_user_prints_a_generated_password_once(tmp_path, cli):
    path = str(tmp_path / "office.db")
    cli("init-db", "--db", path)
    handle = database.open_db(path)
    assert database.scalar(handle, "SELECT COUNT(*) FROM users") == 0
    handle.close()
    passwords = []
    for name in ("boss", "deputy"):
        out = cli("create-user", name, "--role", "admin", "--db", path)
        passwords.append(re.search(r"password \(shown once\): (\S+)", out).group(1))
    assert passwords[0] != passwords[1] and DEMO_PASSWORD not in passwords and len(passwords[0]) >= 10
    handle = database.open_db(path)
    try:
        assert accounts.authenticate(handle, "boss", passwords[0])
        assert not accounts.authenticate(handle, "boss", "admin") and not accounts.authenticate(handle, "boss", "")
        hashes = [r["password_hash"] for r in handle.query("SELECT password_hash FROM users")]
        assert not any(passwords[0] in h for h in hashes)   # stored hashed, never in clear
    finally:
        handle.close()
    out = cli("create-user", "clerk", "--role", "operator", "--password", "chosen-pass-9", "--db", path)
    assert "chosen-pass-9" not in out


def test_the_demo_office_without_password_generates_its_own(tmp_path, cli):
    out = cli("demo", "--db", str(tmp_path / "d.db"))
    creds = __import__("json").loads(out[out.index("{"):])
    passwords = set(creds["users"].values())
    assert len(passwords) == len(creds["users"]) and DEMO_PASSWORD not in passwords


def test_an_id_too_large_for_the_database_is_a_404_not_a_crash(operator):
    c, headers = operator
    huge = 10**22
    for method, path in (("POST", f"/api/v1/desks/{huge}/call-next"), ("GET", f"/api/v1/desks/{huge}/state"),
                         ("POST", f"/api/v1/tickets/{huge}/start"), ("POST", f"/api/v1/tickets/{2**63 - 1}/start")):
        r = c.open(path, method=method, headers=headers)
        assert r.status_code == 404 and r.get_json()["error"]["code"], path


@pytest.mark.parametrize("change", [{"active": False}, {"password": "a-new-password-1"}])
def test_a_disabled_or_re_passworded_users_live_operator_screen_is_dropped(app, admin, socket_client, change):
    admin_client, headers = admin
    c = app.test_client()
    login(c, "operator1")
    live = socket_client({"screen": "operator"}, c)
    assert live.is_connected()
    users = {u["username"]: u for u in admin_client.get("/api/v1/users").get_json()["users"]}
    assert admin_client.patch(f"/api/v1/users/{users['operator1']['id']}", json=change,
                              headers=headers).status_code == 200
    assert not live.is_connected()


def test_an_expired_session_cannot_open_the_operator_screen(app, socket_client):
    c = app.test_client()
    login(c, "operator1")
    with c.session_transaction() as sess:
        contents = dict(sess)
    lifetime = app.permanent_session_lifetime.total_seconds() / 3600
    fresh, stale = app.test_client(), app.test_client()
    fresh.set_cookie("kezek_session", _forged_session_cookie(app, contents, lifetime - 1))
    stale.set_cookie("kezek_session", _forged_session_cookie(app, contents, lifetime + 1))
    assert socket_client({"screen": "operator"}, fresh).is_connected()
    assert not socket_client({"screen": "operator"}, stale).is_connected()


def test_rate_limit_memory_forgets_idle_addresses(app):
    """Months of visitors' addresses must not pile up in one process's memory: idle keys are dropped."""
    from kezek.web.rate_limits import Budget
    budget = Budget("test_idle", 1, lambda: 5)
    storage = app.extensions["kezek_rate_limits"].limiter.storage
    with app.test_request_context():
        for n in range(10001):
            assert budget.hit(f"ip:{n}")
        time.sleep(1.1)                      # the window of every one of them has passed
        assert budget.hit("ip:new")
        assert list(storage.events) == ["LIMITER/kezek/test_idle/ip:new/5/1/second"]
