"""The screen above a desk: its page, its snapshot over Socket.IO, pairing, and what it never shows."""
from __future__ import annotations

import pytest
from helpers import login

from kezek.base import i18n
from kezek.queue import desk_display
from kezek.web.screens import desk_display as screen


def snap(sc) -> dict:
    return [m for m in sc.get_received() if m["name"] == "snapshot"][-1]["args"][0]


def fresh(sc, auth) -> dict:
    sc.get_received()
    sc.emit("snapshot", auth)
    return snap(sc)


@pytest.mark.parametrize("lang,label", [("kk", "Терезе"), ("ru", "Окно"), ("en", "Desk")])
def test_the_desk_screen_page_is_public_and_names_its_desk(client, lang, label):
    html = client.get("/display/desk/3", query_string={"lang": lang}).get_data(as_text=True)
    assert f'<html lang="{lang}">' in html and f">{label}</span>" in html
    assert 'id="desk-name">3</h1>' in html and "/display/static/desk.js" in html


def test_an_unknown_desk_has_no_screen(client):
    assert client.get("/display/desk/999").status_code == 404


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_desk_screen_string_is_translated(lang):
    i18n.compile_catalogues()
    assert [m for m in screen.STRINGS if i18n.gettext(lang, m) == m and m != "Ticket"] == []


def test_it_follows_its_desks_call_start_and_finish(app, client, kiosk_headers, operator, socket_client):
    auth = {"screen": "desk-display", "desk": 1}
    sc = socket_client(auth)
    assert snap(sc)["desk"] == {"id": 1, "name": "1", "paused": False, "state": "free"}
    op, h = operator
    t = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
    op.post("/api/v1/desks/1/call-next", headers=h)
    called = [m for m in sc.get_received() if m["name"] == "ticket.called"]
    assert called and called[0]["args"][0]["desk_id"] == 1      # it hears the call live
    now = fresh(sc, auth)
    assert now["desk"]["state"] == "called" and now["call"]["number"] == t["number"]
    assert now["call"]["group_kk"] == "Құжаттар"                 # the body goes with the call
    op.post(f"/api/v1/tickets/{t['id']}/start", headers=h)
    assert fresh(sc, auth)["desk"]["state"] == "serving"
    op.post(f"/api/v1/tickets/{t['id']}/finish", headers=h)
    after = fresh(sc, auth)
    assert after["desk"]["state"] == "free" and after["call"] is None
    assert t["token"] not in repr(sc.get_received()) + repr(after)


def test_paused_shows_no_reason_and_an_inactive_desk_is_closed(app, client, operator, admin, socket_client):
    auth = {"screen": "desk-display", "desk": 2}
    sc = socket_client(auth)
    op, h = operator
    op.post("/api/v1/desks/2/pause", json={"reason": "doctor at 12"}, headers=h)
    paused = fresh(sc, auth)
    assert paused["desk"]["state"] == "paused"
    assert "doctor" not in repr(paused) + repr(sc.get_received())
    c, ah = admin
    assert c.patch("/api/v1/desks/2", json={"active": False}, headers=ah).status_code == 200
    assert fresh(sc, auth)["desk"]["state"] == "closed"


def _name_operator(admin, app, full_name: str) -> None:
    c, h = admin
    users = c.get("/api/v1/users", headers=h).get_json()["users"]
    uid = next(u["id"] for u in users if u["username"] == "operator1")
    assert c.patch(f"/api/v1/users/{uid}", json={"full_name": full_name}, headers=h).status_code == 200


def test_the_specialists_first_name_only_on_a_paired_screen_set_to_show_it(app, client, kiosk_headers, admin,
                                                                            socket_client):
    _name_operator(admin, app, "Әлиев Нұрлан Серікұлы")
    c, ah = admin
    device = f"/api/v1/devices/{app.demo['display_id']}"
    op = app.test_client()
    h = login(op, "operator1")
    client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
    op.post("/api/v1/desks/1/call-next", headers=h)
    public = {"screen": "desk-display", "desk": 1}
    paired = {"screen": "desk-display", "desk": 1, "token": app.demo["display_token"]}
    assert snap(socket_client(public))["specialist"] is None
    assert snap(socket_client(paired))["specialist"] is None          # the office has not asked for it
    assert c.patch(device, json={"settings": {"show_name": True}}, headers=ah).status_code == 200
    assert snap(socket_client(paired))["specialist"] == "Нұрлан"
    assert "Әлиев" not in repr(snap(socket_client(paired)))           # the first name, not the whole name
    assert snap(socket_client(public))["specialist"] is None          # never to an unpaired screen


@pytest.mark.parametrize("auth", [
    {"screen": "desk-display", "desk": 999}, {"screen": "desk-display", "desk": "1"},
    {"screen": "desk-display", "desk": True}, {"screen": "desk-display"},
    {"screen": "desk-display", "desk": 1, "token": "not-a-token"},
])
def test_a_desk_screen_with_a_bad_desk_or_token_is_refused(app, socket_client, auth):
    assert not socket_client(auth).is_connected()


def test_a_kiosks_token_does_not_pair_a_desk_screen(app, socket_client):
    assert not socket_client({"screen": "desk-display", "desk": 1, "token": app.demo["kiosk_token"]}).is_connected()


@pytest.mark.parametrize("full, first", [("Әлиев Нұрлан Серікұлы", "Нұрлан"), ("Айгүл", "Айгүл"),
                                         ("Иванова Мария", "Мария"), ("", "")])
def test_the_first_name_is_the_given_name_of_a_full_name(full, first):
    assert desk_display.first_name(full) == first
