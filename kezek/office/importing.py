"""Import an office's bodies (groups), services and desks from a file's rows in one transaction, with a dry run."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from kezek.base import database, i18n
from kezek.base.errors import Invalid, KezekError, NotFound
from kezek.log import chain
from kezek.office import config, officefile, prefixes, store

RECORDS = ("group", "service", "desk")
NAMES = ("name_kk", "name_ru", "name_en")
SEPARATORS = re.compile(r"[\s,;]+")
DESK_NAME_LIMIT = 20


class DryRunDone(Exception):
    """Raised inside the transaction to roll a dry run (or a refused import) back."""


@dataclass
class Outcome:
    """What an import did or would do: every error by row and column, and what it created or changed."""

    dry_run: bool
    errors: list[dict] = field(default_factory=list)
    created: dict = field(default_factory=lambda: {"groups": 0, "services": 0, "desks": 0})
    updated: dict = field(default_factory=lambda: {"services": 0, "desks": 0})
    prefixes: dict = field(default_factory=dict)      # service key -> its prefix (given or proposed)

    @property
    def ok(self) -> bool:
        """Whether there was no error (for a real import: whether it was applied)."""
        return not self.errors

    def as_dict(self) -> dict:
        """The outcome as JSON."""
        return {"ok": self.ok, "dry_run": self.dry_run, "applied": self.ok and not self.dry_run,
                "errors": self.errors, "created": self.created, "updated": self.updated, "prefixes": self.prefixes}


class _Errors:
    def __init__(self, outcome: Outcome, lang: str):
        self.outcome, self.lang = outcome, lang

    def add(self, row: int, column: str, code: str, message: str, **values) -> None:
        text = i18n.gettext(self.lang, message) % values if values else i18n.gettext(self.lang, message)
        self.outcome.errors.append({"row": row, "column": column, "code": code, "message": text})

    def refused(self, row: int, column: str, err: KezekError) -> None:
        self.add(row, err.details.get("field", column), err.code, err.message)


def _checked_service(row: dict, group: dict | None, errors: _Errors) -> dict | None:
    """A service row's fields for config (each column checked on its own, so every bad one is listed)."""
    values = {k: row[k] for k in (*NAMES, *config.OFFICIAL_FIELDS) if row.get(k)}
    ok = True
    for lang in ("kk", "ru", "en"):
        if not values.get(f"name_{lang}") and values.get(f"official_name_{lang}", "") and \
                len(values[f"official_name_{lang}"]) <= config.SHORT_NAME_LIMIT:
            values[f"name_{lang}"] = values[f"official_name_{lang}"]     # short enough to be the kiosk's name too
        if not values.get(f"name_{lang}"):
            errors.add(row["_row"], f"name_{lang}", "missing_field",
                       "A short name (at most %(n)s characters) is needed.", n=config.SHORT_NAME_LIMIT)
            ok = False
    if row.get("prefix"):
        values["prefix"] = row["prefix"]
    if row.get("daily_limit"):
        values["daily_limit"] = int(row["daily_limit"]) if row["daily_limit"].isdigit() else row["daily_limit"]
    if group:
        values |= {f"group_{lang}": group[f"name_{lang}"] for lang in ("kk", "ru", "en")}
    for key in list(values):
        try:
            values |= config.check_service({key: values[key]}, creating=False)
        except KezekError as err:
            errors.refused(row["_row"], key, err)
            ok = False
    return values if ok else None


def _groups(rows: list[dict], errors: _Errors) -> dict[str, dict]:
    groups: dict[str, dict] = {}
    for row in rows:
        key = row.get("key", "")
        if not key:
            errors.add(row["_row"], "key", "missing_field", "Give this row a key that other rows name it by.")
            continue
        if key in groups:
            errors.add(row["_row"], "key", "duplicate_key", "Another row already has this key.")
            continue
        names = {f"name_{lang}": row.get(f"name_{lang}", "") for lang in ("kk", "ru", "en")}
        for column, value in names.items():
            if not value or len(value) > config.GROUP_NAME_LIMIT:
                errors.add(row["_row"], column, "bad_field", "A name of 1–%(n)s characters is needed.",
                           n=config.GROUP_NAME_LIMIT)
        groups[key] = names
    return groups


def _services(db, office_id: str, rows: list[dict], groups: dict, errors: _Errors, outcome: Outcome) -> dict:
    """Check every service row and give each a prefix; key -> (row, values, existing service id or None)."""
    existing = {s["prefix"]: s["id"] for s in store.services(db, office_id)}
    planned: dict[str, tuple] = {}
    given = [r["prefix"].upper() for r in rows if r.get("prefix")]
    taken = set(existing) | set(given)
    for row in rows:
        key = row.get("key", "")
        if not key or key in planned or key in groups:
            errors.add(row["_row"], "key", "duplicate_key" if key else "missing_field",
                       "Another row already has this key." if key else "Give this row a key that other rows name it by.")
            continue
        group = groups.get(row["group"]) if row.get("group") else None
        if row.get("group") and group is None:
            errors.add(row["_row"], "group", "unknown_group", "No group row has this key.")
        values = _checked_service(row, group, errors)
        if values is None:
            continue
        if "prefix" in values:
            others = [p for p in given if p != values["prefix"]] + [p for p in existing if p != values["prefix"]]
            if given.count(values["prefix"]) > 1 or prefixes.clashes(values["prefix"], others):
                errors.add(row["_row"], "prefix", "lookalike_prefix", prefixes.LOOKALIKE)
                continue
        else:
            try:
                values["prefix"] = prefixes.propose(values["name_kk"], taken)
            except KezekError as err:
                errors.refused(row["_row"], "prefix", err)
                continue
            taken.add(values["prefix"])
        outcome.prefixes[key] = values["prefix"]
        planned[key] = (row, values, existing.get(values["prefix"]))
    return planned


def _desks(db, office_id: str, rows: list[dict], services: set, errors: _Errors) -> list[tuple]:
    """Check every desk row: a name and services named by the file's keys (a bad service row is listed there)."""
    existing = {d["name"]: d["id"] for d in store.desks(db, office_id)}
    by_prefix = {s["prefix"]: s["id"] for s in store.services(db, office_id)}
    planned, names = [], set()
    for row in rows:
        name = row.get("key", "")
        if not name or len(name) > DESK_NAME_LIMIT or name in names:
            errors.add(row["_row"], "key", "bad_desk_name" if name not in names else "duplicate_key",
                       "A desk's name (its key) of 1–%(n)s characters, once in the file.", n=DESK_NAME_LIMIT)
            continue
        names.add(name)
        wanted = [k for k in SEPARATORS.split(row.get("services", "")) if k]
        unknown = [k for k in wanted if k not in services and k.upper() not in by_prefix]
        if not wanted or unknown:
            errors.add(row["_row"], "services", "unknown_service",
                       "Name the services this desk serves by their keys or prefixes; unknown: %(keys)s.",
                       keys=", ".join(unknown) or "—")
            continue
        planned.append((row, name, wanted, existing.get(name)))
    return planned


def _apply(db, office_id: str, services: dict, desks: list, now: datetime, outcome: Outcome, by_user_id) -> None:
    ids: dict[str, int] = {}
    groups = set()
    # A new service comes after the office's own, in the file's order (the kiosk, board and TV list them so).
    after = max((s["sort_order"] for s in store.services(db, office_id)), default=-1) + 1
    for key, (_row, values, service_id) in services.items():
        columns = {k: v for k, v in values.items() if k not in config.OFFICIAL_FIELDS}
        official = {k: v for k, v in values.items() if k in config.OFFICIAL_FIELDS}
        if service_id is None:
            service_id = store.insert_service(db, office_id, columns | {"sort_order": after})
            after += 1
            outcome.created["services"] += 1
            chain.append(db, now, office_id, "service.created", service_id=service_id, user_id=by_user_id,
                         details=values | {"imported": True})
        else:
            store.set_service_fields(db, service_id, columns)
            outcome.updated["services"] += 1
            chain.append(db, now, office_id, "service.changed", service_id=service_id, user_id=by_user_id,
                         details=values | {"imported": True})
        if official:
            store.save_official_names(db, service_id, official)
        ids[key] = service_id
        groups.add(values.get("group_kk", ""))
    outcome.created["groups"] = len(groups - {""})
    by_prefix = {s["prefix"]: s["id"] for s in store.services(db, office_id)}
    for _row, name, wanted, desk_id in desks:
        service_ids = sorted({ids[k] if k in ids else by_prefix[k.upper()] for k in wanted})
        event = "desk.changed_config"
        if desk_id is None:
            desk_id, event = store.insert_desk(db, office_id, name), "desk.created"
            outcome.created["desks"] += 1
        else:
            outcome.updated["desks"] += 1
        store.set_desk_services(db, desk_id, service_ids)
        chain.append(db, now, office_id, event, desk_id=desk_id, user_id=by_user_id,
                     details={"name": name, "service_ids": service_ids, "imported": True})


def import_rows(db, office_id: str, rows: list[dict], now: datetime, *, dry_run: bool = False, lang: str = "en",
                by_user_id=None) -> Outcome:
    """Create or change the office's groups, services and desks from rows; nothing changes on a dry run or an error."""
    outcome = Outcome(dry_run=dry_run)
    errors = _Errors(outcome, i18n.normalise_lang(lang))
    kinds: dict[str, list[dict]] = {r: [] for r in RECORDS}
    for row in rows:
        record = row.get("record", "").lower()
        if record not in kinds:
            errors.add(row["_row"], "record", "bad_record", "A row's record is group, service or desk.")
            continue
        kinds[record].append(row)
    try:
        with database.transaction(db):
            if not store.office(db, office_id):
                raise NotFound("No such office.", "office_not_found")
            groups = _groups(kinds["group"], errors)
            services = _services(db, office_id, kinds["service"], groups, errors, outcome)
            desks = _desks(db, office_id, kinds["desk"], {r.get("key") for r in kinds["service"]}, errors)
            outcome.errors.sort(key=lambda e: (e["row"], e["column"]))
            if outcome.errors:
                raise DryRunDone
            _apply(db, office_id, services, desks, now, outcome, by_user_id)
            if dry_run:
                raise DryRunDone
    except DryRunDone:
        pass
    return outcome


def import_file(db, office_id: str, data: bytes, now: datetime, **options) -> Outcome:
    """Import a CSV or XLSX file's rows (kezek.office.officefile); a file that cannot be read is one error."""
    from_file = Outcome(dry_run=options.get("dry_run", False))
    try:
        rows = officefile.read(data)
    except Invalid as err:
        _Errors(from_file, i18n.normalise_lang(options.get("lang", "en"))).add(
            err.details.get("row", 1), err.details.get("column", ""), err.code, err.message)
        return from_file
    return import_rows(db, office_id, rows, now, **options)


def export_rows(db, office_id: str) -> list[dict]:
    """The office's groups, services and desks as rows an import reads back."""
    services = store.services(db, office_id)
    official = store.official_names_of_office(db, office_id)
    groups: dict[tuple, str] = {}
    for s in services:
        names = (s["group_kk"], s["group_ru"], s["group_en"])
        if names[0] and names not in groups:
            groups[names] = f"G{len(groups) + 1:02d}"
    out = [{"record": "group", "key": key, "name_kk": n[0], "name_ru": n[1], "name_en": n[2]}
           for n, key in groups.items()]
    by_id = {}
    for s in services:
        by_id[s["id"]] = s["prefix"]
        out.append({"record": "service", "key": s["prefix"], "prefix": s["prefix"],
                    **{k: s[k] for k in NAMES}, **official.get(s["id"], {}),
                    "group": groups.get((s["group_kk"], s["group_ru"], s["group_en"]), ""),
                    "daily_limit": s["daily_limit"] or ""})
    for d in store.desks(db, office_id):
        out.append({"record": "desk", "key": d["name"],
                    "services": " ".join(by_id[i] for i in d["service_ids"] if i in by_id)})
    return out
