"""The smaller findings: Socket.IO origins, private fields on public surfaces, export formulas, deep JSON,
login timing, the voice cache and its rate limit, and no tokens in access-log lines."""
from __future__ import annotations

import csv
import io
import json
import re

import openpyxl
import pytest
from helpers import login

from kezek.base import database
from kezek.bookings import reservations, rules, slots
from kezek.office import accounts
from kezek.reports import export
from kezek.voice import speech
from kezek.web import serving

SECRET_REASON = "Doctor-visit-SECRET-7731"
TRANSFER_NOTE = "Transfer-note-SECRET-5120"      # a desk's note to the next desk (kezek/queue/transfers.py)
OUTCOME_NOTE = "Outcome-note-SECRET-8804"        # what the specialist wrote at the finish (kezek/queue/outcomes.py)
PHONE = "+7 701 765 43 21"


# --- Socket.IO checks the Origin ------------------------------------------------------------------

def _engineio_handshake(client, origin: str | None):
    headers = {"Origin": origin} if origin else {}
    return client.get("/socket.io/?EIO=4&transport=polling", headers=headers)


@pytest.mark.parametrize("origin, ok", [
    (None, True),                              # kiosks, displays and print agents send no Origin
    ("http://localhost", True),                # the server's own origin (the Host it was asked by)
    ("http://kezek.test", True),               # KEZEK_PUBLIC_URL's origin
    ("https://evil.example", False),
    ("http://kezek.test.evil.example", False),
    ("http://other.kezek.test", False),        # another origin of the same site
    ("null", False)])
def test_socketio_accepts_only_the_servers_own_origins(app, origin, ok):
    """Finding 6: cors_allowed_origins=[] accepted any Origin; a page elsewhere read the operator's queue."""
    c = app.test_client()
    login(c, "operator1")
    r = _engineio_handshake(c, origin)
    assert (r.status_code == 200) is ok, (origin, r.status_code, r.data[:200])


# --- no private field on a public surface --------------------------------------------------------

@pytest.fixture
def busy_office(app, operator, kiosk_headers, clock):
    """A called visitor, a waiting one, a paused desk with a reason, a booking with a phone."""
    op, headers = operator
    c = app.test_client()
    mine = c.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
    other = c.post("/api/v1/tickets", json={"service": 1, "priority": True, "priority_reason": "disability"},
                   headers=kiosk_headers).get_json()
    assert op.post("/api/v1/desks/2/call-next", headers=headers).status_code == 200
    assert op.post("/api/v1/desks/1/pause", json={"reason": SECRET_REASON}, headers=headers).status_code == 200
    # A visitor sent from desk 3 to desk 4 with a note, served there and finished with an outcome and a note.
    moved = c.post("/api/v1/tickets", json={"service": 3}, headers=kiosk_headers).get_json()
    assert op.post("/api/v1/desks/3/call-next", headers=headers).get_json()["id"] == moved["id"]
    assert op.post(f"/api/v1/tickets/{moved['id']}/transfer", json={"desk": 4, "note": TRANSFER_NOTE},
                   headers=headers).status_code == 200
    op.post("/api/v1/desks/4/call-next", headers=headers)
    op.post(f"/api/v1/tickets/{moved['id']}/start", headers=headers)
    outcome = op.get("/api/v1/outcomes").get_json()["outcomes"][0]["id"]
    assert op.post(f"/api/v1/tickets/{moved['id']}/finish", json={"outcome": outcome, "note": OUTCOME_NOTE},
                   headers=headers).status_code == 200
    db = database.open_db(app.config["DB"])
    try:
        rules.set_rule(db, 1, {"opens": "09:00", "closes": "18:00", "slot_minutes": 60}, clock())
        day = [s.at for s in slots.day_slots(db, 1, "2026-11-24", clock())]
        phoned = reservations.book(db, 1, day[0], clock(), phone=PHONE)
        plain = reservations.book(db, 1, day[1], clock())
        admin_id = accounts.list_users(db)[0]["id"]
    finally:
        db.close()
    return {"mine": mine, "other": other, "phoned": phoned, "plain": plain, "admin_id": admin_id}


PRIVATE_KEYS = {"pause_reason", "note", "phone", "username", "user_id", "by_user_id", "token_hash", "password",
                "password_hash", "csrf_token", "priority_reason", "comment"}


def _private_found(app, text: str, office: dict, own_token: str | None = None, keys: bool = True) -> list[str]:
    found = []
    secrets = {"pause reason": SECRET_REASON, "transfer note": TRANSFER_NOTE, "outcome note": OUTCOME_NOTE, "phone": PHONE.replace(" ", "")[-7:], "phone spaced": PHONE,
               "operator name": "operator1", "kiosk token": app.demo["kiosk_token"],
               "display token": app.demo["display_token"], "booking code": office["phoned"]["code"]}
    for ticket in (office["mine"], office["other"]):
        if ticket["token"] != own_token:
            secrets[f"ticket token {ticket['number']}"] = ticket["token"]
    found += [name for name, value in secrets.items() if value in text]
    try:
        data = json.loads(text)
    except ValueError:
        return found
    if not keys:
        return found

    def walk(value):
        if isinstance(value, dict):
            for key, inner in value.items():
                if key in PRIVATE_KEYS and inner not in (None, "", [], {}):
                    found.append(f"key {key}={inner!r}")
                walk(inner)
        elif isinstance(value, list):
            for inner in value:
                walk(inner)

    walk(data)
    return found


def _public_get_routes(app):
    for rule in app.url_map.iter_rules():
        view = app.view_functions[rule.endpoint]
        if getattr(view, "kezek_access", None) == ("public",) and "GET" in rule.methods \
                and "filename" not in rule.arguments and "name" not in rule.arguments:
            yield rule


def test_no_public_route_or_screen_shows_a_private_field(app, busy_office, socket_client):
    """Finding 6: a desk's pause reason was in /api/v1/state and the display snapshot."""
    mine = busy_office["mine"]
    values = {"token": mine["token"], "office": "demo", "code": busy_office["plain"]["code"], "service_id": 1}
    query = {"office": "demo", "day": "2026-11-24", "number": mine["number"], "desk": "1", "lang": "kk"}
    anonymous = app.test_client()
    checked, leaks = [], {}
    for rule in _public_get_routes(app):
        path = rule.rule
        for name, value in values.items():
            path = re.sub(rf"<(?:\w+:)?{name}>", str(value), path)
        if "<" in path or path.startswith("/audio/"):
            continue
        r = anonymous.get(path, query_string=query)
        if r.mimetype.startswith("image/") or r.mimetype.startswith("audio/"):
            continue
        checked.append(path)
        found = _private_found(app, r.get_data(as_text=True), busy_office, own_token=mine["token"],
                               keys=path != "/api/v1/openapi.json")   # the document names fields, holds no data
        if found:
            leaks[path] = found
    assert {"/api/v1/state", "/api/v1/board", f"/t/{mine['token']}", "/display/"} <= set(checked)
    screens = {"display": {"screen": "display"}, "board": {"screen": "board"},
               "ticket": {"screen": "ticket", "token": mine["token"]}}
    clients = {name: socket_client(auth) for name, auth in screens.items()}
    op = app.test_client()
    headers = login(op, "operator2")
    op.post("/api/v1/desks/1/resume", headers=headers)
    op.post("/api/v1/desks/1/pause", json={"reason": SECRET_REASON}, headers=headers)   # pushed live too
    op.post("/api/v1/desks/3/call-next", headers=headers)
    for name, sc in clients.items():
        received = sc.get_received()
        assert received, name
        found = _private_found(app, json.dumps(received, ensure_ascii=False), busy_office, own_token=mine["token"])
        if found:
            leaks[f"socket {name}"] = found
    assert leaks == {}


def test_staff_still_see_the_pause_reason(app, operator):
    op, headers = operator
    op.post("/api/v1/desks/1/pause", json={"reason": SECRET_REASON}, headers=headers)
    assert op.get("/api/v1/desks/1/state").get_json()["desk"]["pause_reason"] == SECRET_REASON


# --- exports cannot run formulas -----------------------------------------------------------------

EVIL = ["=cmd|' /C calc'!A0", "+1+1", "-2+3", "@SUM(A1)", "\tx", "\r=1"]


def test_report_cells_cannot_run_as_formulas_in_csv_or_xlsx(app, admin, kiosk_headers, operator):
    """Finding 6: a service named `=cmd|…` was a formula in the manager's spreadsheet."""
    c, h = admin
    for i, name in enumerate(EVIL):   # prefixes that neither look nor sound like another (W and V read like В)
        r = c.post("/api/v1/services", json={"prefix": "QXZSLF"[i], "name_kk": name, "name_ru": name,
                                             "name_en": name}, headers=h)
        assert r.status_code == 201, r.get_json()
    report = {"office": "demo", "from": "2026-11-23", "to": "2026-11-23",
              "totals": {col: 1 for col in export.COLUMNS},
              **{f"by_{dim}": [{"key": str(i), "label": name, **{col: -1 for col in export.COLUMNS}}
                               for i, name in enumerate(EVIL)] for dim in export.DIMENSIONS}}
    cells = [cell for row in csv.reader(io.StringIO(export.to_csv(report))) for cell in row]
    assert not [cell for cell in cells if cell.startswith(tuple(export.FORMULA_STARTS)) and not _number(cell)]
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx(report)))
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", (sheet.title, cell.coordinate, cell.value)
                if isinstance(cell.value, str):
                    assert not cell.value.startswith(tuple(export.FORMULA_STARTS)), cell.value
    live = c.get("/api/v1/stats", query_string={"from": "2026-11-23", "to": "2026-11-23"},
                 headers={"Accept": "text/csv"})
    assert live.status_code == 200 and "=cmd" not in live.get_data(as_text=True).replace("'=cmd", "")


def _number(text: str) -> bool:
    try:
        float(text)
        return True
    except ValueError:
        return False


# --- over-deep JSON ------------------------------------------------------------------------------

@pytest.mark.parametrize("body", ["[" * 40000, '{"a":' * 13000, "[" * 30000 + "]" * 30000])
def test_a_deeply_nested_body_is_a_400_not_a_500(client, kiosk_headers, body):
    r = client.post("/api/v1/tickets", data=body, content_type="application/json", headers=kiosk_headers)
    assert r.status_code == 400 and r.get_json()["error"]["code"] == "invalid_json"
    r = client.post("/api/v1/login", data=body, content_type="application/json")
    assert r.status_code == 400


# --- login costs the same for unknown names ------------------------------------------------------

def test_an_unknown_user_name_costs_a_password_check_as_a_known_one_does(app, monkeypatch):
    """Finding 6: 98 ms for a known name, 1.7 ms for an unknown one told which names exist (bench/bench_login.py)."""
    checked = []
    real = accounts.check_password_hash

    def counting(stored, given):
        checked.append(stored.split("$", 1)[0])
        return real(stored, given)

    monkeypatch.setattr(accounts, "check_password_hash", counting)
    c = app.test_client()
    for name in ("operator1", "nobody-here", "operator1", "ghost"):
        assert c.post("/api/v1/login", json={"username": name, "password": "wrong-password"}).status_code == 401
    assert len(checked) == 4 and len(set(checked)) == 1   # the same hashing method and cost every time


# --- the voice: a bounded cache, a limit on new syntheses -----------------------------------------

def _call(client, number: str, address: str = "127.0.0.1"):
    return client.get("/audio/call.wav", query_string={"number": number, "desk": "5", "lang": "kk"},
                      environ_base={"REMOTE_ADDR": address})


@pytest.mark.skipif(not speech.espeak_available(), reason="espeak-ng is part of make test's packages")
def test_new_spoken_calls_are_limited_per_address_and_cached_ones_are_free(app):
    """Finding 6: anonymous /audio/call.wav filled the disk (240 requests, 53 MB)."""
    app.config["VOICE_SYNTHESES_PER_MINUTE"] = 3
    c = app.test_client()
    for n in range(1, 4):
        assert _call(c, f"А{n:03}").status_code == 200
    refused = _call(c, "А004")
    assert refused.status_code == 429 and refused.get_json()["error"]["code"] == "voice_rate_limited"
    for n in range(1, 4):
        assert _call(c, f"А{n:03}").status_code == 200   # cached: free
    assert _call(c, "А004", address="192.0.2.9").status_code == 200   # another address


@pytest.mark.skipif(not speech.espeak_available(), reason="espeak-ng is part of make test's packages")
def test_a_display_announcing_real_calls_is_never_limited(app, operator, kiosk_headers):
    """The hall display fetches every call it announces: a busy office calls more than any made-up-number limit."""
    app.config["VOICE_SYNTHESES_PER_MINUTE"] = 1
    c = app.test_client()
    assert _call(c, "А901").status_code == 200
    assert _call(c, "А902").status_code == 429   # made up: over the limit
    op, headers = operator
    for _ in range(3):
        c.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
        called = op.post("/api/v1/desks/1/call-next", headers=headers).get_json()
        r = c.get("/audio/call.wav", query_string={"number": called["number"], "desk": called["desk"], "lang": "ru"})
        assert r.status_code == 200, r.get_json()


@pytest.mark.skipif(not speech.espeak_available(), reason="espeak-ng is part of make test's packages")
def test_the_voice_cache_stays_under_its_cap_and_keeps_the_recent_calls(app, tmp_path):
    app.config["VOICE_SYNTHESES_PER_MINUTE"] = 0
    app.config["VOICE_CACHE_MB"] = 1
    app.config["VOICE_CACHE_DIR"] = str(tmp_path / "voice")
    c = app.test_client()
    for n in range(1, 16):
        assert _call(c, f"А{n:03}").status_code == 200
    files = list((tmp_path / "voice").glob("*.wav"))
    assert sum(f.stat().st_size for f in files) <= 1024 * 1024
    assert 0 < len(files) < 15
    newest = speech.cache_key(speech.words.spoken("А015", "5", "kk"), "kk")
    assert (tmp_path / "voice" / newest).exists()


# --- no tokens in the access log -----------------------------------------------------------------

@pytest.mark.parametrize("line, secret", [
    ('GET /kiosk/?token=Zx8_9aBcD-efGhIjKlMnOpQr HTTP/1.1', "Zx8_9aBcD-efGhIjKlMnOpQr"),
    ('GET /display/?lang=kk&token=Zx8_9aBcD-efGhIjKlMnOpQr HTTP/1.1', "Zx8_9aBcD-efGhIjKlMnOpQr"),
    ('GET /t/Q1w2E3r4T5y6U7i8O9p0AsDf HTTP/1.1', "Q1w2E3r4T5y6U7i8O9p0AsDf"),
    ('GET /qr/Q1w2E3r4T5y6U7i8O9p0AsDf.svg HTTP/1.1', "Q1w2E3r4T5y6U7i8O9p0AsDf"),
    ('POST /api/v1/tickets/Q1w2E3r4T5y6U7i8O9p0AsDf/cancel HTTP/1.1', "Q1w2E3r4T5y6U7i8O9p0AsDf"),
    ('GET /book/48213377 HTTP/1.1', "48213377"),
    ('GET /api/v1/bookings/48213377 HTTP/1.1', "48213377")])
def test_access_log_lines_carry_no_token(line, secret):
    redacted = serving.redact(line)
    assert secret not in redacted and redacted.split()[0] == line.split()[0]
    assert serving.redact("GET /api/v1/tickets/17/finish HTTP/1.1") == "GET /api/v1/tickets/17/finish HTTP/1.1"


def test_no_admin_can_allow_printing_to_the_server_itself(app, admin):
    """printer_ports are the office admin's; KEZEK_PRINTER_ALLOW_LOCAL is the server owner's and no API sets it."""
    c, h = admin
    r = c.patch("/api/v1/offices/demo", json={"printer_allow_local": True}, headers=h)
    assert r.status_code == 422
