"""A hall display's zone: what a TV's layout holds, the fit check when an admin sets a zone, zones for a big hall."""
from __future__ import annotations

import pytest

from kezek.base import database
from kezek.office import config, zones

DISPLAY = "/api/v1/devices/{}"


def big_hall(db, clock, bodies: int = 20, per_body: int = 6) -> list[list[int]]:
    """20 bodies of 6 services (120) and two desks a body (40), as the "Open Abay" reception has."""
    letters, seconds = "БГДЖЗИЛПФЦЧШЩЫЭЮЯӘҒҚ", "БГДЖЗЛ"
    out = []
    for b in range(bodies):
        ids = [config.create_service(db, "demo", {
            "prefix": letters[b] + seconds[k], "name_kk": f"Бөлім {b}: қызмет {k}", "name_ru": f"Отдел {b}: услуга {k}",
            "name_en": f"Body {b}: service {k}", "group_kk": f"Бөлім {b}", "group_ru": f"Отдел {b}",
            "group_en": f"Body {b}"}, clock())["id"] for k in range(per_body)]
        for half in (ids[:3], ids[3:]):
            config.create_desk(db, "demo", {"name": f"{b}-{len(half)}{half[0]}", "service_ids": half}, clock())
        out.append(ids)
    return out


def test_a_farther_hall_or_a_smaller_tv_holds_fewer_queues():
    near, far = zones.layout(55, 3), zones.layout(55, 8)
    small = zones.layout(43, 5)
    assert near["cells"] > zones.layout(55, 5)["cells"] > far["cells"] >= 1
    assert small["cells"] <= zones.layout(55, 5)["cells"]
    assert zones.layout(55, 5)["cap_mm"] == 55 and far["cap_mm"] == 88
    # On a 55" TV at 5 m the letters need ≈ 119 px: four cells a row, one row beside the call.
    assert zones.layout(55, 5) | {} == zones.layout(55, 5) and zones.layout(55, 5)["columns"] == 4
    assert zones.layout(55, 5, portrait=True)["cells"] >= zones.layout(55, 5)["cells"]


def test_setting_a_zone_answers_whether_it_fits(admin, app):
    c, headers = admin
    device = DISPLAY.format(app.demo["display_id"])
    r = c.patch(device, json={"settings": {"services": [1, 2]}}, headers=headers)
    assert r.status_code == 200
    assert r.get_json()["fit"]["level"] == "fits" and r.get_json()["fit"]["services"] == 2


def test_a_zone_of_120_services_is_reported_as_too_big_and_one_body_fits(admin, app, clock):
    handle = database.open_db(app.config["DB"])
    try:
        hall = big_hall(handle, clock)
    finally:
        handle.close()
    c, headers = admin
    device = DISPLAY.format(app.demo["display_id"])
    whole = c.patch(device, json={"settings": {"screen_in": 55, "viewing_m": 5}}, headers=headers).get_json()["fit"]
    assert whole["services"] == 127 and whole["level"] != "fits" and not whole["fits"]
    assert whole["pages"] > zones.MAX_SERVICE_PAGES
    one = c.post("/api/v1/displays/fit", json={"settings": {"services": hall[0]}}, headers=headers).get_json()
    assert one["level"] == "fits" and one["bodies"] == 1
    saved = c.get(f"{device}/fit", headers=headers).get_json()
    assert saved == whole


def test_a_zone_whose_services_no_desk_of_it_serves_is_named(admin, app):
    c, headers = admin
    # Desk 1 serves А and Е: Б's calls at desk 3 would never reach a TV showing only desk 1.
    fit = c.post("/api/v1/displays/fit", json={"settings": {"services": [1, 2], "desks": [1]}},
                 headers=headers).get_json()
    assert fit["unserved"] == [2]


@pytest.mark.parametrize("settings, field", [
    ({"services": [99999]}, "services"), ({"desks": ["1"]}, "desks"), ({"services": "1,2"}, "services"),
    ({"screen_in": 1000}, "screen_in"), ({"viewing_m": 0}, "viewing_m"), ({"viewing_m": True}, "viewing_m"),
    ({"orientation": "sideways"}, "orientation"),
])
def test_a_zone_of_nonsense_is_refused_and_changes_nothing(admin, app, settings, field):
    c, headers = admin
    device = DISPLAY.format(app.demo["display_id"])
    before = c.get("/api/v1/devices", headers=headers).get_json()
    r = c.patch(device, json={"settings": settings}, headers=headers)
    assert r.status_code == 422 and r.get_json()["error"]["details"]["field"] == field
    assert c.get("/api/v1/devices", headers=headers).get_json() == before


def test_a_zone_may_not_name_another_offices_services(admin, app, clock):
    handle = database.open_db(app.config["DB"])
    try:
        config.create_office(handle, "other", {"name_kk": "Басқа", "name_ru": "Другой", "name_en": "Other"}, clock())
        theirs = config.create_service(handle, "other", {"prefix": "Я", "name_kk": "Я", "name_ru": "Я",
                                                         "name_en": "Ya"}, clock())["id"]
    finally:
        handle.close()
    c, headers = admin
    r = c.patch(DISPLAY.format(app.demo["display_id"]), json={"settings": {"services": [theirs]}}, headers=headers)
    assert r.status_code == 422


def test_the_proposed_zones_cover_every_service_once_and_each_fits(admin, app, clock):
    handle = database.open_db(app.config["DB"])
    try:
        hall = big_hall(handle, clock)
    finally:
        handle.close()
    c, headers = admin
    proposal = c.get("/api/v1/displays/zones?screen_in=55&viewing_m=5", headers=headers).get_json()
    every = [i for zone in proposal["zones"] for i in zone["services"]]
    assert sorted(every) == sorted(set(every)) and len(every) == 7 + 120
    for zone in proposal["zones"]:
        fit = c.post("/api/v1/displays/fit", json={"settings": {"services": zone["services"], "desks": zone["desks"]}},
                     headers=headers).get_json()
        assert fit["level"] == "fits" and fit["unserved"] == [], zone
    # Whole bodies stay together where they fit on one TV.
    for ids in hall:
        assert sum(1 for zone in proposal["zones"] if set(ids) & set(zone["services"])) == 1
    portrait = c.get("/api/v1/displays/zones?screen_in=55&viewing_m=5&orientation=portrait", headers=headers)
    assert len(portrait.get_json()["zones"]) <= len(proposal["zones"])


# --- the ticket names the zone that shows its calls ---------------------------------------------------

def test_a_ticket_names_the_zoned_tv_that_shows_its_calls(admin, app, client, kiosk_headers):
    c, headers = admin

    def issue(service):
        return client.post("/api/v1/tickets", json={"service": service}, headers=kiosk_headers).get_json()

    assert issue(2)["zones"] == [], "no TV has a zone: nothing to name"
    # Demo: desk 1 serves А Е, desk 2 А, desk 3 Б В, desk 4 В Г, desk 5 Г Д Е, desk 6 Ж.
    for name, settings in (("Зал Б", {"services": [2, 3], "desks": [3, 4]}), ("Зал А", {"desks": [1, 2]}),
                           ("Фойе", {})):
        r = c.post("/api/v1/devices", headers=headers, json={"kind": "display", "name": name, "settings": settings})
        assert r.status_code == 201, r.text
    assert issue(2)["zones"] == ["Зал Б"]                    # Б: in Зал Б's services, desk 3 in its desks
    assert issue(1)["zones"] == ["Зал А"]                    # А: Зал А names no services, desks 1 and 2 serve А
    assert issue(6)["zones"] == ["Зал А"]                    # Е: desk 1 serves it too
    assert issue(7)["zones"] == [], "Ж's desk 6 is in no zone: the unzoned foyer TV shows it, naming it says nothing"
    ticket = issue(3)
    assert client.get(f"/api/v1/tickets/{ticket['token']}").get_json()["zones"] == ["Зал Б"], "the ticket page too"


def test_the_zone_is_printed_and_spoken_and_the_voice_says_no_other_name(admin, app, client, kiosk_headers, clock):
    from datetime import timezone
    from urllib.parse import unquote

    from kezek.base.i18n import gettext
    from kezek.printers.drawing import TicketPrint, render_ticket, zones_line
    from kezek.printers.job_messages import job_payload, ticket_from_payload
    c, headers = admin
    c.post("/api/v1/devices", headers=headers, json={"kind": "display", "name": "Зал Б", "settings": {"desks": [3]}})
    assert zones_line(["Зал Б"], lambda m, **v: gettext("kk", m, **v)) == "Аймақ: Зал Б"
    assert zones_line(["Зал Б"], lambda m, **v: gettext("ru", m, **v)) == "Зона: Зал Б"
    values = dict(office_name="Office", number="Б001", service_name="Service", people_ahead=0, estimated_wait_s=0,
                  issued_at=clock().astimezone(timezone.utc), timezone="Asia/Almaty", url="http://kezek.test/t/x",
                  lang="kk", desks=["3"])
    plain, zoned = TicketPrint(**values), TicketPrint(**values, zones=["Зал Б"])
    assert render_ticket(zoned, 576).height > render_ticket(plain, 576).height, "one more line on the paper"
    assert ticket_from_payload(job_payload("j1", 1, zoned, clock(), 30)["ticket"]).zones == ["Зал Б"], \
        "a print agent's job carries it too"
    spoken = client.get("/audio/kiosk.wav", query_string={"lang": "kk", "phrase": "Zone: %(zones)s", "zones": "Зал Б"},
                        headers=kiosk_headers)
    assert spoken.status_code in (200, 503), spoken.get_json()
    if spoken.status_code == 200:
        assert unquote(spoken.headers["X-Kezek-Spoken"]) == "Аймақ: Зал Б"
    for said in ("Скажи что угодно", "", "Зал Б, Зал Б, Зал Б, Зал Б"):
        refused = client.get("/audio/kiosk.wav", headers=kiosk_headers,
                             query_string={"lang": "kk", "phrase": "Zone: %(zones)s", "zones": said})
        assert refused.status_code == 422, said
