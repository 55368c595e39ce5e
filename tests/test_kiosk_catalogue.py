"""The kiosk's catalogue: synonyms, other bodies, most asked — set by an admin of the office, read by its kiosks."""
from __future__ import annotations

from urllib.parse import quote, unquote

import pytest

from kezek.base import database
from kezek.office import accounts, catalogue, config
from kezek.printers.drawing import TicketPrint, desks_line, render_ticket
from kezek.base.i18n import gettext

PASSPORT = 1   # the demo's first service (А)


def test_an_admin_sets_synonyms_bodies_and_most_asked_and_a_kiosk_reads_them(admin, client, kiosk_headers):
    c, headers = admin
    r = c.put(f"/api/v1/services/{PASSPORT}/synonyms", headers=headers,
              json={"synonyms": ["паспорт", "  жеке   куәлік ", "Паспорт", ""]})
    assert r.status_code == 200, r.get_json()
    assert r.get_json()["synonyms"] == ["паспорт", "жеке куәлік"]     # trimmed, one of each whatever its case
    r = c.put(f"/api/v1/services/{PASSPORT}/bodies", headers=headers, json={"bodies": [
        {"group_kk": "ХҚКО", "group_ru": "ЦОН", "group_en": "Public Service Centre"}]})
    assert r.status_code == 200, r.get_json()
    r = c.put("/api/v1/kiosk/most-asked", headers=headers, json={"service_ids": [3, PASSPORT, 3]})
    assert r.get_json()["service_ids"] == [3, PASSPORT]
    seen = client.get("/api/v1/kiosk/catalogue", headers=kiosk_headers).get_json()
    assert seen["synonyms"][str(PASSPORT)] == ["жеке куәлік", "паспорт"]
    assert seen["bodies"][str(PASSPORT)] == [{"group_kk": "ХҚКО", "group_ru": "ЦОН", "group_en": "Public Service Centre"}]
    assert seen["most_asked"] == [3, PASSPORT]
    # Each change is in the event log, with who made it.
    names = [e["name"] for e in c.get("/api/v1/audit", headers=headers).get_json().get("events", [])]
    assert {"service.synonyms_set", "service.bodies_set", "kiosk.most_asked_set"} <= set(names)


@pytest.mark.parametrize("path, body", [
    (f"/api/v1/services/{PASSPORT}/synonyms", {"synonyms": "паспорт"}),
    (f"/api/v1/services/{PASSPORT}/synonyms", {"synonyms": ["x" * 61]}),
    (f"/api/v1/services/{PASSPORT}/synonyms", {"synonyms": [f"w{i}" for i in range(31)]}),
    (f"/api/v1/services/{PASSPORT}/bodies", {"bodies": [{"group_kk": "ХҚКО", "group_ru": "", "group_en": "x"}]}),
    (f"/api/v1/services/{PASSPORT}/bodies", {"bodies": [{"group_kk": "a", "group_ru": "b", "group_en": "c",
                                                          "extra": 1}]}),
    ("/api/v1/kiosk/most-asked", {"service_ids": [PASSPORT, 9999]}),
    ("/api/v1/kiosk/most-asked", {"service_ids": [True]}),
])
def test_a_bad_list_is_refused_with_its_field_and_changes_nothing(admin, client, path, body):
    c, headers = admin
    r = c.put(path, headers=headers, json=body)
    assert r.status_code == 422, r.get_json()
    assert r.get_json()["error"]["details"]["field"] in ("synonyms", "bodies", "service_ids")
    seen = client.get("/api/v1/kiosk/catalogue").get_json()
    assert seen == {"office": "demo", "synonyms": {}, "bodies": {}, "most_asked": []}


def test_only_an_admin_of_the_services_office_changes_them(app, client, kiosk_headers, operator, clock):
    c, headers = operator
    assert c.put(f"/api/v1/services/{PASSPORT}/synonyms", headers=headers, json={"synonyms": ["x"]}).status_code == 403
    assert client.put(f"/api/v1/services/{PASSPORT}/synonyms", headers=kiosk_headers,
                      json={"synonyms": ["x"]}).status_code in (401, 403)
    # An admin of another office cannot reach this office's service through its id.
    db = database.open_db(app.config["DB"])
    config.create_office(db, "other", {"name_kk": "Басқа", "name_ru": "Другой", "name_en": "Other"}, clock())
    accounts.create_user(db, "admin2", "admin", clock(), password="other-pass-123", offices=["other"])
    db.close()
    other = app.test_client()
    r = other.post("/api/v1/login", json={"username": "admin2", "password": "other-pass-123"})
    csrf = {"X-CSRF-Token": r.get_json()["csrf_token"]}
    r = other.put(f"/api/v1/services/{PASSPORT}/synonyms", headers=csrf, json={"synonyms": ["taken over"]})
    assert r.status_code == 404
    assert client.get("/api/v1/kiosk/catalogue?office=demo").get_json()["synonyms"] == {}


def test_the_main_body_is_not_listed_twice_and_inactive_services_are_not_most_asked(db, clock):
    service = config.update_service(db, 2, {"active": False}, clock())
    main = {k: service[k] for k in ("group_kk", "group_ru", "group_en")}
    assert catalogue.set_extra_bodies(db, 2, [main], clock()) == []
    catalogue.set_most_asked(db, "demo", [2, 1], clock())
    assert catalogue.catalogue(db, "demo")["most_asked"] == [1]


def test_the_voice_guide_says_a_body_and_a_letter_but_no_other_text(admin, client, kiosk_headers):
    c, headers = admin
    c.put(f"/api/v1/services/{PASSPORT}/bodies", headers=headers, json={"bodies": [
        {"group_kk": "ХҚКО", "group_ru": "ЦОН", "group_en": "Public Service Centre"}]})
    for query, said in [("lang=ru&body=" + quote("ЦОН"), "ЦОН"), ("lang=kk&letter=" + quote("қ"), "Қ")]:
        r = client.get("/audio/kiosk.wav?" + query, headers=kiosk_headers)
        assert r.status_code in (200, 503), r.get_json()
        if r.status_code == 200:
            assert unquote(r.headers["X-Kezek-Spoken"]) == said
    for query in ["lang=ru&body=" + quote("Скажи что угодно"), "lang=kk&letter=ab", "lang=kk&letter=" + quote("7"),
                  "lang=kk&body="]:
        assert client.get("/audio/kiosk.wav?" + query, headers=kiosk_headers).status_code == 422, query


def test_the_ticket_says_which_desks_serve_it_on_screen_and_on_paper(client, kiosk_headers, clock):
    ticket = client.post("/api/v1/tickets", json={"service": PASSPORT}, headers=kiosk_headers).get_json()
    assert ticket["desks"] == ["1", "2"]          # the demo: desks 1 and 2 serve А
    assert desks_line(["3"], lambda m, **v: gettext("kk", m, **v)) == "Қызмет көрсететін терезе: 3"
    assert desks_line([str(n) for n in range(1, 11)], lambda m, **v: gettext("ru", m, **v)) == \
        "Обслуживают окна: 1, 2, 3, 4, 5, 6, 7, 8, …"
    values = dict(office_name="Office", number="А001", service_name="Service", people_ahead=0,
                  estimated_wait_s=0, issued_at=clock(), timezone="Asia/Almaty", url="http://kezek.test/t/x", lang="kk")
    plain, with_desks = render_ticket(TicketPrint(**values), 576), render_ticket(TicketPrint(**values, desks=["1", "2"]), 576)
    assert with_desks.height > plain.height      # one more line on the paper
