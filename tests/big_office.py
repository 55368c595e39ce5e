"""The big office of issue #20 for every test and bench that needs one: 20 state bodies, 120 services, 40 desks.

Built one way: tests/samples/big_office.csv, the file an admin imports, goes through the import a user takes
(a dry run, then the import: in process as `import-office-config` runs it, or through the admin API as the admin
screen sends it), then only what a CSV cannot say is added: synonyms, a service also listed under a second body,
a kiosk. Services are named by their key in the file ("cso-1"), desks by their name ("1"…"40").
"""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from kezek.office import accounts, catalogue, config, importing
from kezek.office import store as office_store

CSV = Path(__file__).resolve().parent / "samples" / "big_office.csv"
OFFICE_ID = "abay"
OFFICE_NAMES = {"name_kk": "«Ашық Абай» қабылдау орны", "name_ru": "Приёмная «Открытый Абай»",
                "name_en": "Open Abay public reception"}
# What the CSV format cannot carry. The identity card found by words no name of it has (on any screen),
# the birth registration found by a Russian word and listed under the Migration Service too.
SYNONYMS = {"cso-1": ["паспорт", "төлқұжат", "ID"], "zags-1": ["свидетельство о рождении", "метрика"]}
EXTRA_BODIES = {"zags-1": ["migration"]}
LANGS = ("kk", "ru", "en")


def rows() -> list[dict]:
    """The file's rows as an admin wrote them."""
    return list(csv.DictReader(io.StringIO(CSV.read_text(encoding="utf-8"))))


def bodies() -> list[dict]:
    """The 20 bodies (group rows) in the file's order: {"key", "name_kk", "name_ru", "name_en"}."""
    return [r for r in rows() if r["record"] == "group"]


def service_rows() -> dict[str, dict]:
    """key -> the service's row."""
    return {r["key"]: r for r in rows() if r["record"] == "service"}


def desk_rows() -> dict[str, list[str]]:
    """desk name -> the keys of the services it serves."""
    return {r["key"]: r["services"].split() for r in rows() if r["record"] == "desk"}


def kiosk_name(key: str, lang: str) -> str:
    """The name the kiosk shows: the short one, or the official one the import takes when no short one is given."""
    row = service_rows()[key]
    return row[f"name_{lang}"] or row[f"official_name_{lang}"]


@dataclass
class Office:
    """The imported office: ids by the file's keys."""

    office_id: str
    services: dict[str, int]                      # service key -> id
    desks: dict[str, int]                         # desk name -> id
    kiosk_token: str | None = None
    outcome: dict = field(default_factory=dict)   # the import's answer (created, prefixes…)

    @property
    def bodies(self) -> list[dict]:
        return bodies()

    def by_body(self) -> list[list[int]]:
        """The service ids of each body, in the file's order."""
        groups = {r["key"]: r["group"] for r in service_rows().values()}
        return [[i for k, i in self.services.items() if groups[k] == b["key"]] for b in bodies()]

    def body_of(self, service_id: int) -> dict:
        """The body (group row) a service id belongs to."""
        key = next(k for k, i in self.services.items() if i == service_id)
        return next(b for b in bodies() if b["key"] == service_rows()[key]["group"])

    def desk_ids(self) -> list[int]:
        """The 40 desks' ids in the file's order."""
        return [self.desks[name] for name in desk_rows()]


def _extra_body(key: str) -> dict:
    body = next(b for b in bodies() if b["key"] == key)
    return {f"group_{lang}": body[f"name_{lang}"] for lang in LANGS}


def _ids(services: list[dict], desks: list[dict], prefixes: dict[str, str]) -> tuple[dict, dict]:
    by_prefix = {s["prefix"]: s["id"] for s in services}
    names = set(desk_rows())
    return ({key: by_prefix[p] for key, p in prefixes.items()},
            {d["name"]: d["id"] for d in desks if d["name"] in names})


def build(db, now: datetime, *, office_id: str = OFFICE_ID, printer_url: str = "none", kiosk: bool = True) -> Office:
    """In process, as `server.py create-office` and `import-office-config` do it (dry run first); plus a kiosk."""
    if not office_store.office(db, office_id):
        config.create_office(db, office_id, OFFICE_NAMES, now)
    data = CSV.read_bytes()
    dry = importing.import_file(db, office_id, data, now, dry_run=True)
    assert dry.ok, dry.errors
    done = importing.import_file(db, office_id, data, now)
    assert done.ok and done.created["services"] == 120, done.as_dict()
    services, desks = _ids(office_store.services(db, office_id), office_store.desks(db, office_id), done.prefixes)
    for key, words in SYNONYMS.items():
        catalogue.set_synonyms(db, services[key], words, now)
    for key, others in EXTRA_BODIES.items():
        catalogue.set_extra_bodies(db, services[key], [_extra_body(o) for o in others], now)
    token = None
    if kiosk:
        _, token = accounts.create_device(db, office_id, "kiosk", "Abay kiosk", now, printer_url=printer_url)
    return Office(office_id, services, desks, token, done.as_dict())


def build_through_api(url: str, admin, *, timeout: float = 30) -> Office:
    """Through the admin API of a running server (`admin` a signed-in requests session): the CSV into the admin's
    office as the admin screen sends it, dry run first; then synonyms and a second body. A desk the office had
    under one of the file's desk names ("1"…) is changed to serve the file's services, as an import does."""
    data = CSV.read_bytes()
    answers = []
    for dry_run in (1, 0):
        r = admin.post(f"{url}/api/v1/office-config/import?dry_run={dry_run}", data=data,
                       headers={"Content-Type": "text/csv"}, timeout=timeout)
        assert r.status_code == 200, r.text
        answers.append(r.json())
    assert answers[0]["created"]["services"] == 120 and answers[1]["applied"], answers
    services = admin.get(f"{url}/api/v1/services", timeout=timeout).json()["services"]
    desks = admin.get(f"{url}/api/v1/desks", timeout=timeout).json()["desks"]
    ids, desk_ids = _ids(services, desks, answers[1]["prefixes"])
    for key, words in SYNONYMS.items():
        r = admin.put(f"{url}/api/v1/services/{ids[key]}/synonyms", json={"synonyms": words}, timeout=timeout)
        assert r.status_code == 200, r.text
    for key, others in EXTRA_BODIES.items():
        r = admin.put(f"{url}/api/v1/services/{ids[key]}/bodies", json={"bodies": [_extra_body(o) for o in others]},
                      timeout=timeout)
        assert r.status_code == 200, r.text
    office = Office(answers[1].get("office", ""), ids, desk_ids, None, answers[1])
    return office
