"""The admin monitor's ticket list, filtered by body, service and state and paged: a big hall answers one page."""
from __future__ import annotations

from kezek.base import database
from kezek.queue import tickets
from tests.helpers import login


def _manager(app):
    c = app.test_client()
    login(c, "manager")
    return c


def test_the_monitor_pages_and_filters_a_big_queue(app, operator):
    client, headers = operator
    services = client.get("/api/v1/services").get_json()["services"]
    first, second = services[0], services[1]
    db = database.open_db(app.config["DB"])
    try:   # past the kiosk's rate limit: straight through the engine
        for i in range(130):
            tickets.issue(db, (first if i % 2 else second)["id"], app.config["CLOCK"](), priority=i == 7,
                          priority_reason="elderly" if i == 7 else None)
    finally:
        db.close()
    m = _manager(app)
    whole = m.get("/api/v1/monitor")
    assert len(whole.get_json()["waiting"]) == 130                 # integrations still get the whole list
    page = m.get("/api/v1/monitor?limit=50").get_json()
    assert len(page["waiting"]) == 50 and page["matched"] == 130 and page["waiting_count"] == 130
    assert len(m.get("/api/v1/monitor?limit=50").data) < len(whole.data) * 0.75
    last = m.get("/api/v1/monitor?limit=50&offset=100").get_json()
    assert len(last["waiting"]) == 30
    seen = {w["id"] for off in (0, 50, 100) for w in m.get(f"/api/v1/monitor?limit=50&offset={off}").get_json()["waiting"]}
    assert len(seen) == 130                                        # the pages cover every ticket once
    one = m.get(f"/api/v1/monitor?limit=200&service={first['id']}").get_json()
    assert one["matched"] == 65 and {w["service_id"] for w in one["waiting"]} == {first["id"]}
    body = m.get("/api/v1/monitor?limit=200&body=" + first["group_kk"]).get_json()
    in_body = {s["id"] for s in services if s["group_kk"] == first["group_kk"]}
    assert body["matched"] == sum(1 for w in whole.get_json()["waiting"] if w["service_id"] in in_body)
    assert {b["group_kk"] for b in body["bodies"]} == {s["group_kk"] for s in services if s["group_kk"]}
    assert m.get("/api/v1/monitor?state=priority").get_json()["matched"] == 1
    desk = next(d for d in client.get("/api/v1/desks").get_json()["desks"] if first["id"] in d["service_ids"])
    called = client.post(f"/api/v1/desks/{desk['id']}/call-next", headers=headers).get_json()
    calls = m.get("/api/v1/monitor?state=called").get_json()
    assert [w["number"] for w in calls["waiting"]] == [called["number"]] and calls["waiting"][0]["desk"] == desk["name"]
    assert m.get("/api/v1/monitor?state=bogus").status_code == 422
    assert m.get("/api/v1/monitor?limit=5000").status_code == 422
    assert m.get("/api/v1/monitor?offset=-1").status_code == 422


def test_an_operator_cannot_read_the_monitor(app, operator):
    client, _ = operator
    assert client.get("/api/v1/monitor?limit=50").status_code == 403
