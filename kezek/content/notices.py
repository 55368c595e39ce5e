"""Notices for the hall display's ticker in kk/ru/en, shown from their start to their end (office time)."""
from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from kezek.base import database
from kezek.base.clock import iso, parse
from kezek.base.errors import Invalid, NotFound
from kezek.base.events import Event
from kezek.base.i18n import LANGS
from kezek.content import store
from kezek.content.media import changed
from kezek.log import chain
from kezek.office import store as office_store

MAX_TEXT = 300
MAX_DAYS = 366


def _moment(values: dict, key: str, zone: ZoneInfo) -> str:
    """A start or end given as office-local "YYYY-MM-DDTHH:MM" (or with an offset), as UTC ISO."""
    value = values.get(key)
    try:
        moment = datetime.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        moment = None
    if moment is None:
        raise Invalid(f"{key}: a date and time such as 2026-12-04T15:00 (office time).", "bad_field", field=key)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=zone)
    return iso(moment)


def _check(db, office_id: str, values: dict) -> dict:
    unknown = set(values) - {f"text_{lang}" for lang in LANGS} - {"starts_at", "ends_at"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    out = {}
    for lang in LANGS:
        text = values.get(f"text_{lang}")
        if not isinstance(text, str) or not text.strip() or len(text.strip()) > MAX_TEXT:
            raise Invalid(f"text_{lang}: 1–{MAX_TEXT} characters (every notice is in kk, ru and en).",
                          "bad_field", field=f"text_{lang}")
        out[f"text_{lang}"] = " ".join(text.split())   # one line: the ticker runs it across the screen
    zone = ZoneInfo(office_store.office(db, office_id)["timezone"] or "Asia/Almaty")
    out["starts_at"] = _moment(values, "starts_at", zone)
    out["ends_at"] = _moment(values, "ends_at", zone)
    if out["ends_at"] <= out["starts_at"]:
        raise Invalid("ends_at: after the start.", "bad_field", field="ends_at")
    if parse(out["ends_at"]) - parse(out["starts_at"]) > timedelta(days=MAX_DAYS):
        raise Invalid(f"ends_at: at most {MAX_DAYS} days after the start.", "bad_field", field="ends_at")
    return out


def notice_view(row: dict) -> dict:
    """A notice as the admin and the display see it."""
    return {k: row[k] for k in ("id", "text_kk", "text_ru", "text_en", "starts_at", "ends_at")}


def current_and_coming(db, office_id: str, now: datetime) -> list[dict]:
    """The office's notices that have not ended yet (the display shows each only between its times)."""
    return [notice_view(r) for r in store.notices(db, office_id, iso(now))]


def save_notice(db, office_id: str, notice_id: int | None, values: dict, now: datetime, *,
                by_user_id=None) -> tuple[dict, list[Event]]:
    """Add (notice_id None) or change a notice: texts in kk/ru/en, start and end."""
    with database.transaction(db):
        if notice_id is not None:
            row = store.notice(db, notice_id)
            if row is None or row["office_id"] != office_id:
                raise NotFound("No such notice.", "notice_not_found")
            values = {k: row[k] for k in ("text_kk", "text_ru", "text_en")} | values
            values.setdefault("starts_at", row["starts_at"])
            values.setdefault("ends_at", row["ends_at"])
        checked = _check(db, office_id, values)
        if notice_id is None:
            notice_id = store.insert_notice(db, office_id, checked, iso(now))
        else:
            store.update_notice(db, notice_id, checked)
        chain.append(db, now, office_id, "notice.saved", user_id=by_user_id,
                     details={"notice_id": notice_id, **checked})
        view = notice_view(store.notice(db, notice_id))
    return view, [changed(office_id)]


def delete_notice(db, office_id: str, notice_id: int, now: datetime, *, by_user_id=None) -> list[Event]:
    """Remove a notice."""
    with database.transaction(db):
        row = store.notice(db, notice_id)
        if row is None or row["office_id"] != office_id:
            raise NotFound("No such notice.", "notice_not_found")
        store.delete_notice(db, notice_id)
        chain.append(db, now, office_id, "notice.deleted", user_id=by_user_id, details={"notice_id": notice_id})
    return [changed(office_id)]
