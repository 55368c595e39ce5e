"""What to bring: each service's short description and the documents a visitor needs, in kk/ru/en."""
from __future__ import annotations

import json
from datetime import datetime

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Invalid, NotFound
from kezek.base.events import Event
from kezek.base.i18n import LANGS
from kezek.content import store
from kezek.content.media import changed
from kezek.log import chain
from kezek.office import store as office_store

MAX_DESCRIPTION = 600
MAX_DOCUMENT = 200
MAX_DOCUMENTS = 20


def info_view(service: dict, row: dict | None) -> dict:
    """A service's public information: its names, description and documents per language (nothing private)."""
    documents = json.loads(row["documents"]) if row else []
    return {"service_id": service["id"], "prefix": service["prefix"],
            "name": {lang: service[f"name_{lang}"] for lang in LANGS},
            "description": {lang: row[f"description_{lang}"] if row else "" for lang in LANGS},
            "documents": documents}


def service_info(db, service_id: int) -> dict:
    """One service's information; NotFound for an unknown service."""
    service = office_store.service(db, service_id)
    if service is None:
        raise NotFound("No such service.", "service_not_found")
    return info_view(service, store.service_info(db, service_id))


def office_info(db, office_id: str) -> list[dict]:
    """The information of every service of an office that has some."""
    rows = {r["service_id"]: r for r in store.office_service_info(db, office_id)}
    return [info_view(s, rows[s["id"]]) for s in office_store.services(db, office_id) if s["id"] in rows]


def _text(value, key: str, limit: int, required: bool) -> str:
    if value is None and not required:
        return ""
    if not isinstance(value, str) or len(value.strip()) > limit or (required and not value.strip()):
        raise Invalid(f"{key}: 1–{limit} characters." if required else f"{key}: at most {limit} characters.",
                      "bad_field", field=key)
    return value.strip()


def _check(values: dict) -> tuple[dict, list[dict]]:
    unknown = set(values) - {"description", "documents"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    description = values.get("description") or {}
    if not isinstance(description, dict) or set(description) - set(LANGS):
        raise Invalid("description: {kk, ru, en}.", "bad_field", field="description")
    texts = {f"description_{lang}": _text(description.get(lang), f"description.{lang}", MAX_DESCRIPTION, False)
             for lang in LANGS}
    filled = [lang for lang in LANGS if texts[f"description_{lang}"]]
    if filled and len(filled) != len(LANGS):
        missing = [lang for lang in LANGS if lang not in filled][0]
        raise Invalid("The description is needed in kk, ru and en alike.", "missing_translation",
                      field=f"description.{missing}")
    documents = values.get("documents") or []
    if not isinstance(documents, list) or len(documents) > MAX_DOCUMENTS:
        raise Invalid(f"documents: a list of at most {MAX_DOCUMENTS}.", "bad_field", field="documents")
    checked = []
    for i, doc in enumerate(documents):
        if not isinstance(doc, dict) or set(doc) - set(LANGS):
            raise Invalid("Each document is {kk, ru, en}.", "bad_field", field=f"documents.{i}")
        checked.append({lang: _text(doc.get(lang), f"documents.{i}.{lang}", MAX_DOCUMENT, True) for lang in LANGS})
    return texts, checked


def set_service_info(db, service_id: int, values: dict, now: datetime, *, by_user_id=None) -> tuple[dict, list[Event]]:
    """Write a service's description and documents (every text in kk, ru and en)."""
    texts, documents = _check(values)
    with database.transaction(db):
        service = office_store.service(db, service_id)
        if service is None:
            raise NotFound("No such service.", "service_not_found")
        store.set_service_info(db, service_id, texts, json.dumps(documents, ensure_ascii=False), iso(now))
        chain.append(db, now, service["office_id"], "service.info_set", service_id=service_id, user_id=by_user_id,
                     details={**texts, "documents": documents})
        view = info_view(service, store.service_info(db, service_id))
    return view, [changed(service["office_id"])]
