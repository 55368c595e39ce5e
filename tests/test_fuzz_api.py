"""Schemathesis against /api/v1/openapi.json: no 5xx, every error a JSON 4xx, answers as documented."""
from __future__ import annotations

import os
import re
import tempfile

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

import pg_cluster

from kezek import demo
from kezek.base import database
from kezek.base.clock import utcnow
from kezek.office import accounts
from kezek.web import rate_limits
from kezek.web.app import create_app

PASSWORD = "fuzz-pass-1234"
# On the store under test (conftest.py's KEZEK_TEST_STORE): a store refusing a fuzzed value is a 5xx too.
ON_PG = os.environ.get("KEZEK_TEST_STORE") == "postgresql"
_path = pg_cluster.cluster().new_database() if ON_PG else tempfile.mktemp(suffix=".db")
APP = create_app({"DB": _path, "SECRET_KEY": "fuzz", "ASYNC_MODE": "threading", "ISSUE_RATE_LIMIT": 0,
                  "PUBLIC_URL": "http://kezek.test",
                  **({"DATA_DIR": tempfile.mkdtemp(prefix="kezek-fuzz-")} if ON_PG else {})})
_handle = database.init_db(_path)
CREDS = demo.load_demo(_handle, utcnow(), password=PASSWORD)
# The region's routes are fuzzed as a region admin (kezek/web/api/region.py).
accounts.create_user(_handle, "region_admin", "region_admin", utcnow(), password=PASSWORD)
_handle.close()


def _session(username: str) -> dict:
    """Headers that make a request come from a signed-in user (cookie + CSRF token)."""
    c = APP.test_client()
    r = c.post("/api/v1/login", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200
    return {"cookies": {"kezek_session": c.get_cookie("kezek_session").value},
            "headers": {"X-CSRF-Token": r.get_json()["csrf_token"]}}


schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", APP)
IDENTITIES: dict[str, dict] = {}
ANSWERS: dict[str, set[int]] = {}   # "METHOD /path" -> status codes seen, to show the fuzz got past auth


def _declared(path: str, method: str) -> tuple[str, ...]:
    """The @access levels of the view serving an OpenAPI path (the source of truth)."""
    concrete = re.sub(r"\{[^}]+\}", "1", path).replace("/tickets/1/cancel", "/tickets/x/cancel")
    concrete = concrete if concrete != "/api/v1/tickets/1" else "/api/v1/tickets/x"
    endpoint, _ = APP.url_map.bind("localhost").match(concrete, method.upper())
    return APP.view_functions[endpoint].kezek_access


def _identity(levels: tuple[str, ...]) -> dict:
    """The caller a fuzzed operation is made as: the least role its route admits."""
    level = levels[0]
    if level == "public":
        return {}
    if level in ("kiosk", "display"):
        return {"headers": {"Authorization": f"Bearer {CREDS[level + '_token']}"}}
    username = {"operator": "operator1"}.get(level, level)
    if username not in IDENTITIES:
        IDENTITIES[username] = _session(username)
    return IDENTITIES[username]


def _is_error_shape(body) -> bool:
    return (isinstance(body, dict) and isinstance(body.get("error"), dict)
            and isinstance(body["error"].get("code"), str) and isinstance(body["error"].get("message"), str))


@pytest.fixture(autouse=True)
def _no_login_throttle():
    yield
    rate_limits.reset_all(APP)


@schema.parametrize()
@settings(max_examples=12, deadline=None, derandomize=True, database=None,
          suppress_health_check=list(HealthCheck))
def test_fuzzed_requests_get_documented_answers_and_json_errors(case):
    identity = _identity(_declared(case.operation.path, case.operation.method))
    if case.operation.path == "/api/v1/logout":
        identity = _session("operator1")   # logout ends its session on the server: not the one the others share
    response = case.call(**identity)
    if case.method.lower() == case.operation.method.lower():
        ANSWERS.setdefault(f"{case.method} {case.path}", set()).add(response.status_code)
    assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code} {response.text[:300]}"
    documented = set(case.operation.definition.raw["responses"])
    if case.method.lower() != case.operation.method.lower():
        # Schemathesis also tries methods the path does not have; Flask answers OPTIONS (and HEAD for a GET).
        documented = {"OPTIONS": {"200"}, "HEAD": documented if case.operation.method == "get" else {"405"}}.get(
            case.method.upper(), {"405"})
    assert str(response.status_code) in documented, \
        f"{case.method} {case.path} answered {response.status_code}, not in its OpenAPI responses {sorted(documented)}"
    if response.status_code >= 400:
        assert response.headers.get("content-type", [""])[0].startswith("application/json"), response.text[:200]
        assert _is_error_shape(response.json()), response.text[:200]
    case.validate_response(response, checks=[schemathesis.checks.not_a_server_error,
                                             schemathesis.checks.response_schema_conformance,
                                             schemathesis.checks.content_type_conformance])


def test_every_api_route_is_in_the_openapi_document():
    documented = {(path, method.upper()) for path, item in schema.raw_schema["paths"].items() for method in item}
    missing = []
    for rule in APP.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.endpoint == "openapi.openapi_json":
            continue
        path = rule.rule
        for name in rule.arguments:
            path = path.replace(f"<{name}>", f"{{{name}}}")
        path = re.sub(r"<[^:>]+:([^>]+)>", r"{\1}", path)
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            concrete = path
            if "{action}" in concrete:
                for action in ("recall", "start", "finish", "no-show", "return"):
                    if (concrete.replace("{action}", action), method) not in documented:
                        missing.append(f"{method} {concrete.replace('{action}', action)}")
                continue
            if (concrete, method) not in documented:
                missing.append(f"{method} {concrete}")
    assert not missing, f"routes missing from /api/v1/openapi.json: {missing}"


def test_the_fuzz_got_past_sign_in():
    """Run after the fuzz: with the callers' credentials, every operation was exercised beyond 401/403."""
    if not ANSWERS:
        pytest.skip("run with the fuzz test")
    stuck = [op for op, codes in ANSWERS.items() if not codes - {401, 403, 405}]
    assert not stuck, f"operations that never got past authorisation: {stuck}"
    assert 200 in ANSWERS["GET /api/v1/users"] and 200 in ANSWERS["GET /api/v1/queue"]


def test_the_documents_x_access_agrees_with_the_routes_rules():
    wrong = []
    for path, item in schema.raw_schema["paths"].items():
        for method, operation in item.items():
            if "x-access" in operation:
                said = {level.strip() for level in operation["x-access"].split(",")}
                declared = set(_declared(path, method))
                if "public" in declared:
                    declared = {"public"}   # public admits everyone: other levels beside it add nothing
                if said != declared:
                    wrong.append(f"{method.upper()} {path}: {sorted(said)} vs {_declared(path, method)}")
    assert not wrong


def test_real_answers_match_their_documented_schemas():
    """Valid requests (which random data rarely hits) answer what the document says."""
    kiosk = _identity(("kiosk",))
    staff = _identity(("operator",))
    checks = [schemathesis.checks.response_schema_conformance, schemathesis.checks.content_type_conformance]

    def run(path, method, identity, **parts):
        case = schema[path][method].Case(**parts)
        response = case.call(**identity)
        assert response.status_code < 300, (path, response.status_code, response.text[:300])
        case.validate_response(response, checks=checks)
        return response.json() if response.status_code != 204 else None

    ticket = run("/api/v1/tickets", "POST", kiosk, body={"service": 1, "priority": False, "lang": "en"})
    run("/api/v1/tickets/{token}", "GET", {}, path_parameters={"token": ticket["token"]})
    called = run("/api/v1/desks/{desk_id}/call-next", "POST", staff, path_parameters={"desk_id": 1})
    run("/api/v1/tickets/{ticket_id}/start", "POST", staff, path_parameters={"ticket_id": called["id"]})
    for path in ("/api/v1/services", "/api/v1/state", "/api/v1/queue"):
        run(path, "GET", staff)
