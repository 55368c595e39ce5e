"""Every HTTP route and every Socket.IO screen against every role: who gets in, who is turned away."""
from __future__ import annotations

import re
import tempfile

import pytest
from helpers import login

from kezek.base import database

ROLES = ("anonymous", "kiosk", "display", "operator", "manager", "admin", "region_admin")
# What each role passes: the levels a caller of that role meets (region admin > admin > manager > operator).
MEETS = {"anonymous": {"public"}, "kiosk": {"public", "kiosk"}, "display": {"public", "display"},
         "operator": {"public", "operator"}, "manager": {"public", "operator", "manager"},
         "admin": {"public", "operator", "manager", "admin"},
         "region_admin": {"public", "operator", "manager", "admin", "region_admin"}}

# The contract (DESIGN.md): a route whose rule is loosened by mistake fails here.
EXPECTED = {
    "api.login": {"public"}, "api.logout": {"operator"}, "api.me": {"operator"},
    "api.list_services": {"public"}, "api.issue_ticket": {"kiosk", "operator"},
    "api.get_ticket": {"public"}, "api.cancel_ticket": {"public"}, "api.call_next": {"operator"},
    "api.call_specific": {"operator"}, "api.ticket_action": {"operator"}, "api.transfer": {"operator"},
    "api.pause": {"operator"}, "api.resume": {"operator"}, "api.desk_state": {"operator"},
    "api.display_state": {"public"}, "api.operator_queue": {"operator"},
    "api_config.list_offices": {"manager"}, "api_config.update_office": {"admin"},
    "api_config.create_service": {"admin"}, "api_config.update_service": {"admin"},
    "api_config.list_desks": {"operator"}, "api_config.create_desk": {"admin"},
    "api_config.update_desk": {"admin"}, "api_config.list_users": {"admin"},
    "api_config.create_user": {"admin"}, "api_config.update_user": {"admin"},
    "api_config.list_devices": {"admin"}, "api_config.create_device": {"admin"},
    "api_config.update_device": {"admin"}, "api_config.revoke_device": {"admin"},
    "api_stats.get_stats": {"manager"}, "api_stats.get_audit": {"manager"},
    "api_stats.get_monitor": {"manager"}, "api_stats.board": {"public"},
    "openapi.openapi_json": {"public"},
    # The transparency log: published to anyone, its entries to managers (tests/test_transparency_log.py).
    "api_log.checkpoint": {"public"}, "api_log.key": {"public"}, "api_log.consistency": {"public"},
    "api_log.leaves": {"public"}, "api_log.entries": {"manager"}, "api_log.ticket_proof": {"public"},
    "screen_board.checkpoint_qr": {"public"}, "api_log.print_checkpoint": {"admin"},
    # The region (tests/test_region_offices.py): offices are made and closed by the region, not an office's admin.
    "api_region.create_office": {"region_admin"}, "api_region.close_office": {"region_admin"},
    "api_region.reopen_office": {"region_admin"}, "api_region.monitor": {"region_admin"},
    "api_region.stats": {"region_admin"}, "api_region.board": {"public"},
    "screen_region.monitor_page": {"public"}, "screen_region.board_page": {"public"},
}


def _routes():
    """(endpoint, method, path) for every rule of a freshly built app, with its parts filled in."""
    from kezek.web.app import create_app
    app = create_app({"DB": tempfile.mktemp(suffix=".db"), "SECRET_KEY": "x", "ASYNC_MODE": "threading"})
    found = []
    for rule in app.url_map.iter_rules():
        values = {}
        for name, converter in rule._converters.items():
            kind = type(converter).__name__
            values[name] = (sorted(converter.items)[0] if kind == "AnyConverter" else
                            1 if "Int" in kind else "demo" if name in ("office", "office_id") else "x")
        path = rule.build(values, append_unknown=False)[1]
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, path))
    return app, found


APP, ROUTES = _routes()


def test_every_route_declares_who_may_call_it():
    missing = [rule.rule for rule in APP.url_map.iter_rules()
               if not getattr(APP.view_functions[rule.endpoint], "kezek_access", None)]
    assert not missing, f"routes without @access(...): {missing}"


def test_the_contracts_routes_keep_their_roles():
    declared = {endpoint: set(APP.view_functions[endpoint].kezek_access) for endpoint in APP.view_functions}
    for endpoint, levels in EXPECTED.items():
        if endpoint in declared:
            assert declared[endpoint] == levels, endpoint
    for endpoint in ("api.issue_ticket", "api.call_next", "api_config.create_user", "api_config.revoke_device"):
        assert endpoint in declared


def _client(app, role):
    c = app.test_client()
    headers = {}
    if role in ("kiosk", "display"):
        headers["Authorization"] = f"Bearer {app.demo[role + '_token']}"
    elif role in ("operator", "manager", "admin", "region_admin"):
        headers.update(login(c, {"operator": "operator1", "region_admin": "region"}.get(role, role)))
    return c, headers


def _add_region_admin(app) -> None:
    """The demo office has no region admin: one user 'region' above its admin."""
    from helpers import DEMO_PASSWORD

    from kezek.office import accounts
    db = database.open_db(app.config["DB"])
    try:
        accounts.create_user(db, "region", "region_admin", app.config["CLOCK"](), password=DEMO_PASSWORD)
    finally:
        db.close()


def _footprint(app) -> tuple:
    db = database.open_db(app.config["DB"])
    try:
        return tuple(database.scalar(db, f"SELECT COUNT(*) FROM {t}") for t in ("events", "tickets", "users", "devices"))
    finally:
        db.close()


@pytest.mark.parametrize("endpoint,method,path", ROUTES, ids=[f"{m} {p}" for _, m, p in ROUTES])
def test_each_role_gets_exactly_the_access_its_route_declares(app, endpoint, method, path):
    levels = set(app.view_functions[endpoint].kezek_access)
    _add_region_admin(app)
    for role in ROLES:
        c, headers = _client(app, role)
        before = _footprint(app)
        r = c.open(path, method=method, headers=headers, json={} if method in ("POST", "PATCH", "PUT") else None)
        assert r.status_code < 500, (role, r.status_code, r.get_data(as_text=True)[:300])
        if levels & MEETS[role]:
            assert r.status_code not in (401, 403), (role, r.get_json())
        else:
            assert r.status_code == (401 if role == "anonymous" else 403), role
            assert r.get_json()["error"]["code"] in ("unauthorised", "forbidden")
            assert _footprint(app) == before, f"a refused {method} {path} by {role} changed something"


# --- Socket.IO screens --------------------------------------------------------------------------

def _screen_auth(app, ticket_token):
    return {
        "display": {"screen": "display"},
        "display+token": {"screen": "display", "token": app.demo["display_token"]},
        "display+kiosk token": {"screen": "display", "token": app.demo["kiosk_token"]},
        "board": {"screen": "board"},
        "ticket": {"screen": "ticket", "token": ticket_token},
        "ticket+bad token": {"screen": "ticket", "token": "no-such-ticket"},
        "kiosk": {"screen": "kiosk", "token": app.demo["kiosk_token"]},
        "kiosk+display token": {"screen": "kiosk", "token": app.demo["display_token"]},
        "kiosk without token": {"screen": "kiosk"},
        "operator": {"screen": "operator"},
        "operator at desk 1": {"screen": "operator", "desk": 1},
        "operator at desk 999": {"screen": "operator", "desk": 999},
        "unknown": {"screen": "admin-console"},
        "desk-display": {"screen": "desk-display", "desk": 1},
        "desk-display+token": {"screen": "desk-display", "desk": 1, "token": app.demo["display_token"]},
        "desk-display+kiosk token": {"screen": "desk-display", "desk": 1, "token": app.demo["kiosk_token"]},
        "desk-display at desk 999": {"screen": "desk-display", "desk": 999},
    }


# screen -> the session roles that may open it (None: without signing in)
SCREEN_ACCESS = {
    "display": {None, "operator", "admin"}, "display+token": {None, "operator", "admin"},
    "display+kiosk token": set(), "board": {None, "operator", "admin"},
    "ticket": {None, "operator", "admin"}, "ticket+bad token": set(),
    "kiosk": {None, "operator", "admin"}, "kiosk+display token": set(), "kiosk without token": set(),
    "operator": {"operator", "admin"}, "operator at desk 1": {"operator", "admin"},
    "operator at desk 999": set(), "unknown": set(),
    "desk-display": {None, "operator", "admin"}, "desk-display+token": {None, "operator", "admin"},
    "desk-display+kiosk token": set(), "desk-display at desk 999": set(),
}


@pytest.mark.parametrize("session_role", [None, "operator", "admin"])
def test_each_socketio_screen_admits_exactly_who_it_should(app, client, kiosk_headers, socket_client, session_role):
    token = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()["token"]
    for screen, auth in _screen_auth(app, token).items():
        flask_client = app.test_client()
        if session_role:
            login(flask_client, {"operator": "operator1"}.get(session_role, session_role))
        live = socket_client(auth, flask_client)
        admitted = live.is_connected()
        assert admitted == (session_role in SCREEN_ACCESS[screen]), (screen, session_role)
        if admitted:
            assert [m["name"] for m in live.get_received()][:1] == ["snapshot"], screen


def test_the_public_display_socket_never_carries_ticket_tokens(app, client, kiosk_headers, operator, socket_client):
    token = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()["token"]
    live = socket_client({"screen": "display"})
    c, headers = operator
    c.post("/api/v1/desks/1/call-next", headers=headers)
    text = repr(live.get_received())
    assert token not in text and not re.search(r"'token'", text)


def test_hostile_socketio_connect_payloads_are_refused_or_served_never_crash(app, socket_client):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    odd = st.one_of(st.none(), st.booleans(), st.integers(min_value=-2**70, max_value=2**70), st.text(max_size=30),
                    st.lists(st.integers(), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
    payloads = st.one_of(odd, st.fixed_dictionaries({
        "screen": st.sampled_from(["display", "board", "ticket", "kiosk", "operator", "print-agent", "desk-display",
                                   "x"])},
        optional={"token": odd, "office": odd, "desk": odd}))
    errors = []
    app.logger.error = lambda *a, **k: errors.append(a)   # an exception in a handler is logged, then refused
    app.logger.exception = lambda *a, **k: errors.append(a)

    @settings(max_examples=150, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(payloads)
    def connect(auth):
        live = socket_client(auth)
        if live.is_connected():
            assert [m["name"] for m in live.get_received()][:1] == ["snapshot"], auth
            live.disconnect()

    connect()
    assert not errors, errors[:3]
