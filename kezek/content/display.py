"""What one hall display shows beside the queue: its layout, its playlist as files and slides, the notices."""
from __future__ import annotations

import hashlib
import json
from datetime import datetime

from kezek.content import media, notices, service_info, store
from kezek.office import store as office_store


def _item(db, item: dict) -> dict | None:
    if item["media_id"] is not None:
        row = store.media(db, item["media_id"])
        return None if row is None else {
            "kind": row["kind"], "url": media.file_url(row), "mime": row["mime"], "seconds": item["seconds"],
            "width": row["width"], "height": row["height"], "duration_s": row["duration_s"]}
    service = office_store.service(db, item["service_id"])
    if service is None or not service["active"]:
        return None
    return {"kind": "info", "seconds": item["seconds"],
            **service_info.info_view(service, store.service_info(db, service["id"]))}


def display_content(db, office_id: str, device: dict | None, now: datetime) -> dict:
    """A display's layout, call time, playlist items and notices; an unpaired display shows the queue alone."""
    layout = media.layout_of(db, device["id"]) if device else {"layout": "queue", "playlist_id": None, "call_s": 10}
    items = []
    if layout["playlist_id"] is not None and layout["layout"] != "queue":
        items = [i for i in (_item(db, item) for item in store.items(db, layout["playlist_id"])) if i]
    content = {"layout": layout["layout"] if items else "queue", "call_s": layout["call_s"], "items": items,
               "notices": notices.current_and_coming(db, office_id, now)}
    # The display compares versions: the same content again changes nothing on the screen.
    content["version"] = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()[:16]
    return content
