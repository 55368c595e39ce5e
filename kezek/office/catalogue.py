"""The kiosk's catalogue: synonyms to search by, other bodies a service is listed under, "most asked"."""
from __future__ import annotations

from datetime import datetime

from kezek.base import database
from kezek.base.errors import Invalid, NotFound
from kezek.base.i18n import LANGS
from kezek.log import chain
from kezek.office import store

MAX_SYNONYMS = 30          # per service: a visitor's words for it, not an index of the law
MAX_WORD = 60
MAX_BODIES = 5             # other bodies a service is also listed under
MAX_BODY_NAME = 80         # as services.group_* (kezek/office/config.py)
MAX_MOST_ASKED = 24


def _service(db, service_id: int, office_id: str | None) -> dict:
    service = store.service(db, service_id)
    if service is None or (office_id is not None and service["office_id"] != office_id):
        raise NotFound("No such service.", "service_not_found")
    return service


def _words(words) -> list[str]:
    if not isinstance(words, list) or not all(isinstance(w, str) for w in words):
        raise Invalid("synonyms: a list of words.", "bad_field", field="synonyms")
    out: list[str] = []
    for word in words:
        word = " ".join(word.split())
        if not word:
            continue
        if len(word) > MAX_WORD:
            raise Invalid(f"synonyms: each at most {MAX_WORD} characters.", "bad_field", field="synonyms")
        if word.casefold() not in {w.casefold() for w in out}:
            out.append(word)
    if len(out) > MAX_SYNONYMS:
        raise Invalid(f"synonyms: at most {MAX_SYNONYMS} a service.", "bad_field", field="synonyms")
    return out


def set_synonyms(db, service_id: int, words, now: datetime, *, office_id: str | None = None,
                 by_user_id=None) -> list[str]:
    """Replace the words a visitor may search a service by (any language; case does not matter)."""
    words = _words(words)
    with database.transaction(db):
        service = _service(db, service_id, office_id)
        store.set_synonyms(db, service_id, words)
        chain.append(db, now, service["office_id"], "service.synonyms_set", service_id=service_id,
                     user_id=by_user_id, details={"synonyms": words})
    return words


def _bodies(bodies) -> list[dict]:
    if not isinstance(bodies, list) or len(bodies) > MAX_BODIES:
        raise Invalid(f"bodies: a list of at most {MAX_BODIES} bodies.", "bad_field", field="bodies")
    out = []
    for body in bodies:
        if not isinstance(body, dict) or set(body) - {f"group_{lang}" for lang in LANGS}:
            raise Invalid("bodies: each is {group_kk, group_ru, group_en}.", "bad_field", field="bodies")
        names = {}
        for lang in LANGS:
            name = body.get(f"group_{lang}")
            if not isinstance(name, str) or not name.strip() or len(name.strip()) > MAX_BODY_NAME:
                raise Invalid(f"bodies: group_{lang} of 1–{MAX_BODY_NAME} characters.", "bad_field",
                              field="bodies")
            names[f"group_{lang}"] = " ".join(name.split())
        if names not in out:
            out.append(names)
    return out


def set_extra_bodies(db, service_id: int, bodies, now: datetime, *, office_id: str | None = None,
                     by_user_id=None) -> list[dict]:
    """Replace the other bodies a service is also listed under on the kiosk (not its main one)."""
    bodies = _bodies(bodies)
    with database.transaction(db):
        service = _service(db, service_id, office_id)
        main = {f"group_{lang}": service[f"group_{lang}"] for lang in LANGS}
        bodies = [b for b in bodies if b != main]
        store.set_extra_bodies(db, service_id, bodies)
        chain.append(db, now, service["office_id"], "service.bodies_set", service_id=service_id,
                     user_id=by_user_id, details={"bodies": bodies})
    return bodies


def set_most_asked(db, office_id: str, service_ids, now: datetime, *, by_user_id=None) -> list[int]:
    """Replace the office's "most asked" services, in the order the kiosk shows them first."""
    if (not isinstance(service_ids, list) or len(service_ids) > MAX_MOST_ASKED
            or not all(isinstance(i, int) and not isinstance(i, bool) for i in service_ids)):
        raise Invalid(f"service_ids: a list of at most {MAX_MOST_ASKED} service ids.", "bad_field",
                      field="service_ids")
    ids = list(dict.fromkeys(service_ids))
    with database.transaction(db):
        if not store.office(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        known = {s["id"] for s in store.services(db, office_id)}
        missing = sorted(set(ids) - known)
        if missing:
            raise Invalid(f"Unknown service ids: {missing}.", "unknown_service", field="service_ids")
        store.set_most_asked(db, office_id, ids)
        chain.append(db, now, office_id, "kiosk.most_asked_set", user_id=by_user_id,
                     details={"service_ids": ids})
    return ids


def catalogue(db, office_id: str) -> dict:
    """What the kiosk finds services by: synonyms and other bodies per service id, the "most asked" ids."""
    synonyms: dict[int, list[str]] = {}
    for row in store.synonyms(db, office_id):
        synonyms.setdefault(row["service_id"], []).append(row["word"])
    bodies: dict[int, list[dict]] = {}
    for row in store.extra_bodies(db, office_id):
        bodies.setdefault(row["service_id"], []).append({k: row[k] for k in ("group_kk", "group_ru", "group_en")})
    active = {s["id"] for s in store.services(db, office_id) if s["active"]}
    return {"synonyms": {str(k): v for k, v in synonyms.items()},
            "bodies": {str(k): v for k, v in bodies.items()},
            "most_asked": [i for i in store.most_asked(db, office_id) if i in active]}
