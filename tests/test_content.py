"""Notices for the ticker (kk/ru/en, start and end in office time) and each service's what to bring."""
from __future__ import annotations

from datetime import timedelta


def test_a_notice_is_given_in_office_time_and_shown_until_it_ends(admin, client, clock, socket_client):
    c, headers = admin
    display = socket_client({"screen": "display"})
    display.get_received()
    # 10:00 in Almaty now; the akim receives residents on Friday at 15:00.
    r = c.post("/api/v1/notices", json={"text_kk": "Әкім жұма күні 15:00-де қабылдайды",
                                        "text_ru": "Аким принимает в пятницу в 15:00",
                                        "text_en": "The akim receives residents on Friday at 15:00",
                                        "starts_at": "2026-11-23T09:00", "ends_at": "2026-11-27T15:00"},
               headers=headers)
    assert r.status_code == 201, r.get_json()
    notice = r.get_json()
    assert (notice["starts_at"], notice["ends_at"]) == ("2026-11-23T04:00:00.000000Z", "2026-11-27T10:00:00.000000Z")
    assert [e["name"] for e in display.get_received()] == ["media.changed"]
    shown = client.get("/api/v1/display/content").get_json()["notices"]
    assert [n["text_ru"] for n in shown] == ["Аким принимает в пятницу в 15:00"]
    clock.advance(days=5)
    assert client.get("/api/v1/display/content").get_json()["notices"] == []


def test_a_notice_needs_every_language_and_an_end_after_its_start(admin):
    c, headers = admin
    base = {"text_kk": "a", "text_ru": "b", "text_en": "c", "starts_at": "2026-11-23T09:00",
            "ends_at": "2026-11-23T10:00"}
    for broken, field in ((base | {"text_en": ""}, "text_en"), (base | {"ends_at": "2026-11-23T08:00"}, "ends_at"),
                          (base | {"starts_at": "Friday"}, "starts_at")):
        r = c.post("/api/v1/notices", json=broken, headers=headers)
        assert r.status_code == 422 and r.get_json()["error"]["details"]["field"] == field


def test_what_to_bring_is_written_by_the_admin_and_read_by_anyone_in_three_languages(admin, client, operator):
    c, headers = admin
    info = {"description": {"kk": "Туу туралы куәлік беру", "ru": "Выдача свидетельства о рождении",
                            "en": "Birth certificates"},
            "documents": [{"kk": "Жеке куәлік", "ru": "Удостоверение личности", "en": "Identity card"},
                          {"kk": "Перзентханадан анықтама", "ru": "Справка из роддома",
                           "en": "Certificate from the maternity hospital"}]}
    r = c.put("/api/v1/services/1/info", json=info, headers=headers)
    assert r.status_code == 200, r.get_json()
    public = client.get("/api/v1/services/1/info").get_json()
    assert public["description"] == info["description"] and public["documents"] == info["documents"]
    assert set(public) == {"service_id", "prefix", "name", "description", "documents"}
    listed = client.get("/api/v1/services/info").get_json()["services"]
    assert [s["service_id"] for s in listed] == [1]
    oc, oh = operator
    assert oc.put("/api/v1/services/1/info", json=info, headers=oh).status_code == 403
    half = {"description": {"kk": "бар", "ru": "", "en": ""}}
    r = c.put("/api/v1/services/1/info", json=half, headers=headers)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "missing_translation"
    r = c.put("/api/v1/services/1/info", json={"documents": [{"kk": "a", "ru": "b"}]}, headers=headers)
    assert r.status_code == 422 and r.get_json()["error"]["details"]["field"] == "documents.0.en"
    assert client.get("/api/v1/services/999/info").status_code == 404
