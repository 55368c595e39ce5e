"""The audit log in words: every event type the engine writes has a wording in kk/ru/en; details, times and ids read as words."""
from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from kezek.base import i18n
from kezek.log import audit_words
from tests.helpers import login

ROOT = Path(__file__).resolve().parents[1]
SNAKE = re.compile(r"\b[a-z]+_[a-z_]+\b")
UTC_ISO = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d")


@pytest.fixture(autouse=True, scope="module")
def compiled():
    i18n.compile_catalogues()


def _strings(node) -> set[str]:
    return {n.value for n in ast.walk(node) if isinstance(n, ast.Constant) and isinstance(n.value, str)}


def _resolve(arg, func, tree, module_consts) -> set[str] | None:
    """The event names an argument can hold: a literal, a conditional of literals, a name assigned literals in
    its function, a module constant, or a parameter whose callers in the module pass literals."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return {arg.value}
    if isinstance(arg, ast.IfExp):
        both = [_resolve(arg.body, func, tree, module_consts), _resolve(arg.orelse, func, tree, module_consts)]
        return None if None in both else both[0] | both[1]
    if not isinstance(arg, ast.Name):
        return None
    if arg.id in module_consts:
        return {module_consts[arg.id]}
    assigned = [n.value for n in ast.walk(func) if isinstance(n, ast.Assign)
                and any(isinstance(t, ast.Name) and t.id == arg.id for t in n.targets)]
    if assigned:
        found = set()
        for value in assigned:
            if not (isinstance(value, ast.Constant) and value.value is None):
                got = _resolve(value, func, tree, module_consts)
                if got is None:
                    return None
                found |= got
        return found
    params = [a.arg for a in func.args.args]
    if arg.id not in params:
        return None
    index, found = params.index(arg.id), set()
    for call in ast.walk(tree):
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id == func.name:
            given = call.args[index] if len(call.args) > index else next(
                (k.value for k in call.keywords if k.arg == arg.id), None)
            if not (isinstance(given, ast.Constant) and isinstance(given.value, str)):
                return None
            found.add(given.value)
    return found or None


def logged_event_names() -> tuple[set[str], list[str]]:
    """Every event name a chain.append (or a module's own _log wrapper) writes, and the calls that cannot be read."""
    names, unreadable = set(), []
    for path in sorted((ROOT / "kezek").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        consts = {t.id: n.value.value for n in tree.body if isinstance(n, ast.Assign)
                  and isinstance(n.value, ast.Constant) and isinstance(n.value.value, str)
                  for t in n.targets if isinstance(t, ast.Name)}
        wrappers = {f.name: i for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)
                    for call in ast.walk(f) if isinstance(call, ast.Call)
                    and isinstance(call.func, ast.Attribute) and call.func.attr == "append"
                    and isinstance(call.func.value, ast.Name) and call.func.value.id == "chain"
                    for i, a in enumerate(f.args.args) if len(call.args) > 3
                    and isinstance(call.args[3], ast.Name) and call.args[3].id == a.arg and f.name.startswith("_")}
        for func in [f for f in ast.walk(tree) if isinstance(f, ast.FunctionDef)]:
            for call in ast.walk(func):
                if not isinstance(call, ast.Call):
                    continue
                at = None
                if (isinstance(call.func, ast.Attribute) and call.func.attr == "append"
                        and isinstance(call.func.value, ast.Name) and call.func.value.id == "chain"):
                    at = 3
                elif isinstance(call.func, ast.Name) and call.func.id in wrappers and func.name != call.func.id:
                    at = wrappers[call.func.id]
                if at is None or func.name in wrappers and at == 3:
                    continue
                got = _resolve(call.args[at], func, tree, consts) if len(call.args) > at else None
                if got is None:
                    unreadable.append(f"{path.relative_to(ROOT)}:{call.lineno}")
                else:
                    names |= got
    return names, unreadable


def test_every_event_type_the_engine_writes_has_a_wording_in_every_language():
    names, unreadable = logged_event_names()
    assert not unreadable, f"say the event name as a literal (or a constant) at: {unreadable}"
    assert {"ticket.issued", "ticket.finished", "ticket.no_show", "desk.paused", "booking.created",
            "witness.alarm", "ticket.print_failed"} <= names   # the scan reads literals, wrappers and parameters
    missing = sorted(names - set(audit_words.EVENTS))
    assert not missing, f"kezek/log/audit_words.py EVENTS lacks: {missing}"
    for lang in ("kk", "ru"):
        untranslated = sorted(n for n in names if i18n.gettext(lang, audit_words.EVENTS[n]) == audit_words.EVENTS[n])
        assert not untranslated, f"{lang}: {untranslated}"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_detail_label_and_value_word_is_translated(lang):
    untranslated = sorted(m for m in audit_words.STRINGS if i18n.gettext(lang, m) == m and not m.startswith("%("))
    assert not untranslated, f"{lang}: {untranslated}"


def _day(app, operator, kiosk_headers):
    client, headers = operator
    desks = client.get("/api/v1/desks").get_json()["desks"]
    desk = desks[0]["id"]
    service, other = desks[0]["service_ids"][0], next(
        s["id"] for s in client.get("/api/v1/services").get_json()["services"] if s["id"] != desks[0]["service_ids"][0])
    issued = [client.post("/api/v1/tickets", json={"service": service}, headers=kiosk_headers).get_json()
              for _ in range(3)]
    client.post("/api/v1/tickets", json={"service": service, "priority": True, "priority_reason": "elderly"},
                headers=kiosk_headers)
    first = client.post(f"/api/v1/desks/{desk}/call-next", headers=headers).get_json()
    client.post(f"/api/v1/tickets/{first['id']}/start", headers=headers)
    client.post(f"/api/v1/tickets/{first['id']}/finish", headers=headers)
    client.post(f"/api/v1/desks/{desk}/call", json={"ticket": issued[2]["id"], "reason": "came back"}, headers=headers)
    client.post(f"/api/v1/tickets/{issued[2]['id']}/start", headers=headers)
    client.post(f"/api/v1/tickets/{issued[2]['id']}/transfer", json={"service": other},
                headers=headers)
    client.post(f"/api/v1/desks/{desk}/pause", json={"reason": "lunch"}, headers=headers)
    client.post(f"/api/v1/desks/{desk}/resume", headers=headers)
    admin = app.test_client()
    h = login(admin, "admin")
    admin.patch(f"/api/v1/desks/{desk}", json={"service_ids": [service, other]}, headers=h)
    admin.patch(f"/api/v1/services/{service}", json={"target_wait_s": 600, "active": True}, headers=h)
    admin.post("/api/v1/users", json={"username": "clerk7", "role": "operator"}, headers=h)
    return admin, desk


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_audit_reads_in_words_with_local_times_and_names(app, operator, kiosk_headers, lang):
    admin, desk = _day(app, operator, kiosk_headers)
    events = admin.get(f"/api/v1/audit?lang={lang}&limit=200").get_json()["events"]
    assert len(events) > 15
    desk_name = next(d["name"] for d in admin.get("/api/v1/desks").get_json()["desks"] if d["id"] == desk)
    for e in events:
        words = e["words"]
        text = " ".join([words["what"], *(f"{k} {v}" for k, v in words["details"])])
        assert e["name"] not in text, (lang, e["name"], text)
        assert not UTC_ISO.search(text), (lang, text)      # no UTC timestamps beside local rows
        assert not SNAKE.findall(text), (lang, e["name"], text)   # no raw keys such as booking_id, by_staff
        assert "true" not in text and "false" not in text
        assert words["at"][-8:-3] != e["at"][11:16]          # 05:00 UTC is 10:00 in Almaty
    paused = next(e for e in events if e["name"] == "desk.paused")["words"]
    lunch = {"kk": "Түскі", "ru": "Обед", "en": "Lunch"}[lang]
    assert any(lunch.lower() in v.lower() for _, v in paused["details"]), paused
    changed = next(e for e in events if e["name"] == "desk.changed_config")["words"]
    services = dict(changed["details"])
    assert all("—" in v for v in services.values() if "," in v)     # ids shown as "А — name"
    transferred = next(e for e in events if e["name"] == "ticket.transferred")
    assert transferred["desk"] == desk_name
    if lang != "en":
        assert transferred["words"]["what"] != "Transferred"
