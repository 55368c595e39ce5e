"""The big office every #20 test and bench uses is what tests/samples/big_office.csv says, imported as a user does."""
from __future__ import annotations

from big_office import (
    LANGS,
    SYNONYMS,
    bodies,
    build,
    desk_rows,
    kiosk_name,
    service_rows,
)

from kezek.office import catalogue
from kezek.office import store as office_store


def test_the_imported_office_is_what_the_csv_says(db, clock):
    office = build(db, clock())
    services = {s["id"]: s for s in office_store.services(db, office.office_id)}
    rows = service_rows()
    # 20 bodies, 120 services, each under its own body with the file's names.
    assert len(bodies()) == 20 and len(rows) >= 120
    assert len(services) == len(rows) == len(office.services)
    assert {s["group_kk"] for s in services.values()} == {b["name_kk"] for b in bodies()}
    by_key = {b["key"]: b for b in bodies()}
    for key, service_id in office.services.items():
        service, row = services[service_id], rows[key]
        for lang in LANGS:
            assert service[f"name_{lang}"] == kiosk_name(key, lang), (key, lang)
            assert service[f"group_{lang}"] == by_key[row["group"]][f"name_{lang}"], (key, lang)
    assert len({s["prefix"] for s in services.values()}) == len(services)       # a prefix each, none twice
    assert list(services) == [office.services[k] for k in rows]                  # in the file's order
    assert not [s["prefix"] for s in services.values() if set(s["prefix"]) & set("ЗО")]   # none reads as 3 or 0
    # 40 desks of 3–6 services, each serving the services its row names.
    desks = {d["id"]: d for d in office_store.desks(db, office.office_id)}
    assert len(desks) == len(desk_rows()) == 40
    for name, keys in desk_rows().items():
        desk = desks[office.desks[name]]
        assert desk["name"] == name and 3 <= len(desk["service_ids"]) <= 6
        assert sorted(desk["service_ids"]) == sorted(office.services[k] for k in keys)
    # The official Kazakh names longer than a kiosk name may be (120) are kept whole, beside the short one.
    official = office_store.official_names_of_office(db, office.office_id)
    long_kk = {k: r["official_name_kk"] for k, r in rows.items() if len(r["official_name_kk"]) > 120}
    assert len(long_kk) >= 5
    for key, name in long_kk.items():
        assert official[office.services[key]]["official_name_kk"] == name
        assert len(services[office.services[key]]["name_kk"]) <= 120
    # A row with no short name takes its official one when it fits (119 characters: the kiosk's longest name).
    assert max(len(s["name_kk"]) for s in services.values()) > 110
    # What a CSV cannot say was added: synonyms, a second body; the import's dry run left nothing twice.
    found = catalogue.catalogue(db, office.office_id)
    assert sorted(found["synonyms"][str(office.services["cso-1"])]) == sorted(SYNONYMS["cso-1"])
    assert found["bodies"][str(office.services["zags-1"])][0]["group_en"] == "Migration Service"
    assert office.outcome["created"] == {"groups": 20, "services": 120, "desks": 40}
    assert office.kiosk_token
