"""The region's monitor, reports across offices and open board (API): every office's figures, the right people only."""
from __future__ import annotations

from helpers import login

from kezek.base import database
from kezek.printing import store as printing_store


def _issue(app, office, n=1):
    c = app.test_client()
    kiosk = {"Authorization": f"Bearer {app.demo['offices'][office]['kiosk_token']}"}
    service = c.get("/api/v1/services", headers=kiosk).get_json()["services"][0]["id"]
    return [c.post("/api/v1/tickets", json={"service": service}, headers=kiosk).get_json() for _ in range(n)]


def _desk(app, office, name="1"):
    db = database.open_db(app.config["DB"])
    try:
        return database.scalar(db, "SELECT id FROM desks WHERE office_id = ? AND name = ?", (office, name))
    finally:
        db.close()


def test_the_regional_monitor_shows_every_offices_state_now(region_app, clock):
    _issue(region_app, "esil", 3)
    _issue(region_app, "saryarka", 1)
    op = region_app.test_client()
    oh = login(op, "operator-esil")
    clock.advance(minutes=20)                     # the first esil ticket waited past the 15-minute norm
    called = op.post(f"/api/v1/desks/{_desk(region_app, 'esil')}/call-next", headers=oh).get_json()
    op.post(f"/api/v1/tickets/{called['id']}/start", headers=oh)
    op.post(f"/api/v1/tickets/{called['id']}/finish", headers=oh)
    op.post(f"/api/v1/desks/{_desk(region_app, 'esil', '2')}/pause", headers=oh, json={"reason": "break"})
    db = database.open_db(region_app.config["DB"])
    try:      # the saryarka kiosk's printer ran out of paper
        kiosk = database.scalar(db, "SELECT id FROM devices WHERE office_id = 'saryarka' AND kind = 'kiosk'")
        db.execute("UPDATE devices SET printer_url = 'tcp://192.0.2.10:9100' WHERE id = ?", (kiosk,))
        printing_store.save_printer_state(db, kiosk, "paper_out", "out of paper", "2026-11-23T05:10:00Z")
    finally:
        db.close()
    c = region_app.test_client()
    login(c, "region")
    view = c.get("/api/v1/region/monitor").get_json()
    offices = {o["id"]: o for o in view["offices"]}
    assert list(offices) == ["demo", "esil", "saryarka"]
    esil, sary = offices["esil"], offices["saryarka"]
    assert (esil["waiting"], esil["served_today"], esil["within_norm"]) == (2, 1, 0.0)
    assert esil["longest_wait_s"] == 20 * 60
    assert (esil["open_desks"], esil["desks"]) == (esil["desks"] - 1, esil["desks"])
    assert sary["waiting"] == 1 and sary["within_norm"] is None
    assert sary["printers_trouble"] == [{"device_id": kiosk, "name": "Kiosk 1 (saryarka)", "state": "paper_out",
                                         "detail": "out of paper"}]
    assert view["totals"]["waiting"] == 3 and view["totals"]["printers_trouble"] == 1


def test_a_closed_office_stays_on_the_monitor_and_the_board_marked_closed(region_app):
    c = region_app.test_client()
    headers = login(c, "region")
    c.post("/api/v1/offices/esil/close", headers=headers)
    assert {o["id"]: o["closed"] for o in c.get("/api/v1/region/monitor").get_json()["offices"]}["esil"] is True
    board = region_app.test_client().get("/api/v1/region/board").get_json()
    assert {o["id"]: o["closed"] for o in board["offices"]} == {"demo": False, "esil": True, "saryarka": False}


def test_only_a_region_admin_sees_the_regional_monitor_and_reports(region_app):
    anonymous = region_app.test_client()
    assert anonymous.get("/api/v1/region/monitor").status_code == 401
    for user in ("admin", "admin-esil", "manager", "operator1"):
        c = region_app.test_client()
        login(c, user)
        assert c.get("/api/v1/region/monitor").status_code == 403, user
        assert c.get("/api/v1/region/stats").status_code == 403, user


def test_reports_across_offices_add_up_to_each_offices_own(region_app, clock):
    _issue(region_app, "esil", 2)
    _issue(region_app, "demo", 3)
    op = region_app.test_client()
    oh = login(op, "operator1")
    clock.advance(minutes=5)
    t = op.post("/api/v1/desks/1/call-next", headers=oh).get_json()
    op.post(f"/api/v1/tickets/{t['id']}/no-show", headers=oh)
    c = region_app.test_client()
    login(c, "region")
    report = c.get("/api/v1/region/stats?from=2026-11-23&to=2026-11-23").get_json()
    per = {o["id"]: o for o in report["by_office"]}
    assert (per["demo"]["issued"], per["demo"]["no_show"], per["esil"]["issued"], per["saryarka"]["issued"]) == (3, 1, 2, 0)
    assert report["totals"]["issued"] == 5 and report["totals"]["no_show"] == 1
    own = c.get("/api/v1/stats?office=demo&from=2026-11-23&to=2026-11-23").get_json()["totals"]
    assert {k: per["demo"][k] for k in own} == own
    bad = c.get("/api/v1/region/stats?from=yesterday")
    assert bad.status_code in (400, 422) and "error" in bad.get_json()


def test_the_regional_board_is_public_and_shows_counts_only(region_app):
    tickets = _issue(region_app, "saryarka", 2)
    r = region_app.test_client().get("/api/v1/region/board")
    assert r.status_code == 200
    text = r.get_data(as_text=True)
    assert all(t["token"] not in text and t["number"] not in text for t in tickets)
    rows = {o["id"]: o for o in r.get_json()["offices"]}
    assert rows["saryarka"]["waiting"] == 2 and rows["demo"]["waiting"] == 0


def test_the_region_pages_are_served_in_each_language(region_app):
    c = region_app.test_client()
    for lang, title in (("kk", "Өңірдің кеңселері"), ("ru", "Офисы региона"), ("en", "Offices of the region")):
        page = c.get(f"/region/?lang={lang}")
        assert page.status_code == 200 and title in page.get_data(as_text=True)
    monitor = c.get("/region/monitor?lang=ru").get_data(as_text=True)
    assert "Мониторинг региона" in monitor and "Отчёты по офисам" in monitor
    script = c.get("/region/static/region_monitor.js")
    assert script.status_code == 200
    script.close()
