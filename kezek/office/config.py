"""Office configuration: offices, services, desks and which services each desk serves."""
from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.base.i18n import LANGS
from kezek.log import chain
from kezek.office import prefixes, store
from kezek.region import store as region_store

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
OFFICE_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
SERVICE_FIELDS = store.SERVICE_COLUMNS
OFFICIAL_FIELDS = tuple(f"official_name_{lang}" for lang in LANGS)
# A short name fits the kiosk's card and the display; the official one (a register's wording) may run long.
SHORT_NAME_LIMIT = 120
OFFICIAL_NAME_LIMIT = 1000
GROUP_NAME_LIMIT = 200
OFFICE_FIELDS = store.OFFICE_COLUMNS


def _text(values: dict, key: str, limit: int, required: bool) -> None:
    if key not in values:
        return
    value = values[key]
    if value is None and not required:
        return
    if not isinstance(value, str) or (required and not value.strip()) or len(value) > limit:
        raise Invalid(f"{key}: text of 1–{limit} characters is needed." if required
                      else f"{key}: text of at most {limit} characters.", "bad_field", field=key)
    values[key] = value.strip()


def _int(values: dict, key: str, low: int, high: int, nullable: bool) -> None:
    if key not in values:
        return
    value = values[key]
    if value is None and nullable:
        return
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise Invalid(f"{key}: a whole number from {low} to {high} is needed.", "bad_field", field=key)


def _hours(values: dict) -> None:
    for key in ("opens", "closes"):
        if values.get(key) is not None and not (isinstance(values[key], str) and HHMM.match(values[key])):
            raise Invalid(f"{key}: a time as HH:MM is needed.", "bad_field", field=key)
    if bool(values.get("opens")) != bool(values.get("closes")) and "opens" in values and "closes" in values:
        raise Invalid("Give both opening and closing times, or neither.", "bad_field", field="opens")


def check_service(values: dict, creating: bool) -> dict:
    """A service's fields, checked and normalised; Invalid names the first bad field."""
    unknown = set(values) - set(SERVICE_FIELDS) - set(OFFICIAL_FIELDS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    if creating:
        for key in ("name_kk", "name_ru", "name_en"):
            if key not in values:
                raise Invalid(f"{key} is required.", "missing_field", field=key)
    values = dict(values)
    if creating and (values.get("prefix") is None or values.get("prefix") == ""):
        values.pop("prefix", None)          # proposed from the name in the transaction (an empty field too)
    elif "prefix" in values:
        values["prefix"] = prefixes.check(values["prefix"])
    for lang in LANGS:
        _text(values, f"name_{lang}", SHORT_NAME_LIMIT, True)
        _text(values, f"group_{lang}", GROUP_NAME_LIMIT, False)
        _text(values, f"official_name_{lang}", OFFICIAL_NAME_LIMIT, False)
    if "active" in values and not isinstance(values["active"], bool):
        raise Invalid("active: true or false.", "bad_field", field="active")
    _int(values, "daily_limit", 1, 9999, True)
    _int(values, "target_wait_s", 60, 24 * 3600, True)
    _int(values, "sort_order", -9999, 9999, False)
    _hours(values)
    if "active" in values:
        values["active"] = int(values["active"])
    return values


def _split_official(values: dict) -> tuple[dict, dict]:
    """(service columns, official names) of checked values."""
    official = {k: values[k] or "" for k in OFFICIAL_FIELDS if k in values}
    return {k: v for k, v in values.items() if k not in OFFICIAL_FIELDS}, official


def service_row(db, service_id: int) -> dict | None:
    """A service row with its official names (empty when none is set)."""
    row = store.service(db, service_id)
    if row is not None:
        row |= store.official_names(db, service_id)
    return row


def _claim_prefix(db, office_id: str, values: dict, other_than: int | None) -> None:
    """Propose a free prefix when none is given; refuse one that is, looks or sounds like a taken one."""
    taken = store.prefixes(db, office_id, other_than=other_than)
    if "prefix" not in values:
        values["prefix"] = prefixes.propose(values["name_kk"], taken)
    prefixes.refuse_clash(values["prefix"], taken)


def create_service(db, office_id: str, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Add a service to an office; a prefix is proposed when none is given, and no two look or sound alike."""
    values = check_service(values, creating=True)
    with database.transaction(db):
        if not store.office(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        _claim_prefix(db, office_id, values, None)
        if "sort_order" not in values:      # after the office's own, as the admin screen's form proposes
            values["sort_order"] = max((s["sort_order"] for s in store.services(db, office_id)), default=-1) + 1
        columns, official = _split_official(values)
        service_id = store.insert_service(db, office_id, columns)
        if official:
            store.save_official_names(db, service_id, official)
        chain.append(db, now, office_id, "service.created", service_id=service_id, user_id=by_user_id,
                     details=values)
    return service_row(db, service_id)


def update_service(db, service_id: int, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Change some fields of a service."""
    values = check_service(values, creating=False)
    with database.transaction(db):
        service = store.service(db, service_id)
        if service is None:
            raise NotFound("No such service.", "service_not_found")
        if "prefix" in values:
            prefixes.refuse_clash(values["prefix"], store.prefixes(db, service["office_id"], other_than=service_id))
        columns, official = _split_official(values)
        if columns:
            store.set_service_fields(db, service_id, columns)
        if official:
            store.save_official_names(db, service_id, official)
        chain.append(db, now, service["office_id"], "service.changed", service_id=service_id,
                     user_id=by_user_id, details=values)
    return service_row(db, service_id)


def _check_desk(db, office_id: str, values: dict, creating: bool) -> dict:
    unknown = set(values) - {"name", "service_ids", "active"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    values = dict(values)
    if creating and "name" not in values:
        raise Invalid("name is required.", "missing_field", field="name")
    if "name" in values:
        if isinstance(values["name"], int) and not isinstance(values["name"], bool):
            values["name"] = str(values["name"])
        _text(values, "name", 20, True)
    if "active" in values and not isinstance(values["active"], bool):
        raise Invalid("active: true or false.", "bad_field", field="active")
    if "service_ids" in values:
        ids = values["service_ids"]
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise Invalid("service_ids: a list of service ids.", "bad_field", field="service_ids")
        known = {s["id"] for s in store.services(db, office_id)}
        missing = sorted(set(ids) - known)
        if missing:
            raise Invalid(f"Unknown service ids: {missing}.", "unknown_service", field="service_ids")
    return values


def _save_desk(db, desk_id: int, values: dict) -> None:
    if "name" in values:
        store.set_desk_name(db, desk_id, values["name"])
    if "active" in values:
        store.set_desk_active(db, desk_id, values["active"])
    if "service_ids" in values:
        store.set_desk_services(db, desk_id, sorted(set(values["service_ids"])))


def create_desk(db, office_id: str, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Add a desk with the services it serves."""
    with database.transaction(db):
        if not store.office(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        values = _check_desk(db, office_id, values, creating=True)
        if store.desk_name_taken(db, office_id, values["name"], None):
            raise Conflict("Another desk has this name.", "duplicate_desk", field="name")
        desk_id = store.insert_desk(db, office_id, values["name"])
        _save_desk(db, desk_id, values)
        chain.append(db, now, office_id, "desk.created", desk_id=desk_id, user_id=by_user_id, details=values)
    return store.desk(db, desk_id)


def update_desk(db, desk_id: int, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Rename a desk, change its services, or (de)activate it."""
    with database.transaction(db):
        desk = store.desk(db, desk_id)
        if desk is None:
            raise NotFound("No such desk.", "desk_not_found")
        values = _check_desk(db, desk["office_id"], values, creating=False)
        if "name" in values and store.desk_name_taken(db, desk["office_id"], values["name"], desk_id):
            raise Conflict("Another desk has this name.", "duplicate_desk", field="name")
        _save_desk(db, desk_id, values)
        chain.append(db, now, desk["office_id"], "desk.changed_config", desk_id=desk_id,
                     user_id=by_user_id, details=values)
    return store.desk(db, desk_id)


def create_office(db, office_id: str, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Add an office (the demo, the first run, a region admin)."""
    if not OFFICE_ID.match(office_id or ""):
        raise Invalid("An office id is lower-case letters, digits and dashes.", "bad_office_id")
    values = _check_office(values)
    with database.transaction(db):
        if store.office(db, office_id):
            raise Conflict("That office exists.", "office_exists")
        store.insert_office(db, office_id, values)
        chain.append(db, now, office_id, "office.created", user_id=by_user_id, details=values)
    return store.office(db, office_id)


def _check_office(values: dict) -> dict:
    unknown = set(values) - set(OFFICE_FIELDS)
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    values = dict(values)
    for lang in LANGS:
        _text(values, f"name_{lang}", 160, True)
        _text(values, f"ticker_{lang}", 300, False)
    if "timezone" in values:
        try:
            ZoneInfo(values["timezone"])
        except (ZoneInfoNotFoundError, ValueError, TypeError):
            raise Invalid("timezone: an IANA zone such as Asia/Almaty.", "bad_field", field="timezone")
    if "languages" in values:
        langs = values["languages"]
        if isinstance(langs, list):
            langs = ",".join(langs)
        if not isinstance(langs, str) or not langs or not set(langs.split(",")) <= set(LANGS):
            raise Invalid("languages: some of kk, ru, en.", "bad_field", field="languages")
        values["languages"] = langs
    if "default_lang" in values and values["default_lang"] not in LANGS:
        raise Invalid("default_lang: kk, ru or en.", "bad_field", field="default_lang")
    _int(values, "target_wait_s", 60, 24 * 3600, False)
    _int(values, "priority_wait_limit_s", 60, 24 * 3600, False)
    _hours(values)
    return values


def update_office(db, office_id: str, values: dict, now: datetime, *, by_user_id=None) -> dict:
    """Change an office's names, zone, languages, ticker, targets or hours."""
    values = _check_office(values)
    with database.transaction(db):
        if not store.office(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        if values:
            store.set_office_fields(db, office_id, values)
        chain.append(db, now, office_id, "office.changed", user_id=by_user_id, details=values)
    return store.office(db, office_id)


def close_office(db, office_id: str, now: datetime, *, by_user_id=None) -> dict:
    """Close an office (a region admin's act): its kiosks and booking page issue nothing; its history stays."""
    with database.transaction(db):
        office = store.office(db, office_id)
        if not office:
            raise NotFound("No such office.", "office_not_found")
        if office["closed_at"]:
            raise Conflict("This office is closed already.", "office_closed")
        region_store.close_office(db, office_id, iso(now))
        chain.append(db, now, office_id, "office.closed", user_id=by_user_id)
    return store.office(db, office_id)


def reopen_office(db, office_id: str, now: datetime, *, by_user_id=None) -> dict:
    """Open a closed office again."""
    with database.transaction(db):
        office = store.office(db, office_id)
        if not office:
            raise NotFound("No such office.", "office_not_found")
        if not office["closed_at"]:
            raise Conflict("This office is open.", "office_open")
        region_store.reopen_office(db, office_id)
        chain.append(db, now, office_id, "office.reopened", user_id=by_user_id)
    return store.office(db, office_id)
