"""Media for the hall display: checked files on disk named by their content, playlists, each display's layout."""
from __future__ import annotations

import hashlib
import os
import re
from datetime import datetime
from pathlib import Path

from kezek.base import database
from kezek.base.clock import iso
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.base.events import Event
from kezek.content import checks, store
from kezek.log import chain
from kezek.office import store as office_store

LAYOUTS = ("queue", "beside", "full")
FILE_NAME = re.compile(r"^([0-9a-f]{64})\.(mp4|webm|png|jpg|webp)$")
DEFAULT_IMAGE_S = 10
MAX_ITEMS = 100


def changed(office_id: str) -> Event:
    """The live event that tells an office's displays to fetch their content again."""
    return Event("media.changed", office_id, data={"office": office_id})


def file_url(row: dict) -> str:
    """Where a display fetches a media file (public, cached for good: the name is its content)."""
    return f"/media/{row['sha256']}.{row['ext']}"


def stored_path(media_dir: Path, sha256: str, ext: str) -> Path:
    """The file on disk for a content hash."""
    return Path(media_dir) / f"{sha256}.{ext}"


def served_file(db, media_dir: Path, name: str) -> tuple[Path, str] | None:
    """(path, MIME type) of a served file name that some office keeps, else None."""
    match = FILE_NAME.match(name or "")
    row = store.media_by_name(db, match.group(1), match.group(2)) if match else None
    path = stored_path(media_dir, row["sha256"], row["ext"]) if row else None
    return (path, row["mime"]) if path and path.is_file() else None


def media_view(row: dict) -> dict:
    """A media file as the admin sees it."""
    return {k: row[k] for k in ("id", "kind", "mime", "bytes", "width", "height", "duration_s", "title",
                                "created_at")} | {"url": file_url(row)}


def _title(title: str | None) -> str:
    title = (title or "").strip()
    title = "".join(ch for ch in title if ch.isprintable())[:120]
    return title or "untitled"


def add_file(db, office_id: str, upload: Path, title: str | None, now: datetime, *,
             media_dir: Path, total_limit: int, by_user_id=None) -> tuple[dict, bool]:
    """Check an uploaded file by its content and keep it as <sha256>.<ext>; returns (view, created).

    The upload (a temporary file in media_dir) is moved or removed whatever happens.
    """
    try:
        found = checks.check_file(upload)
        sha256 = hash_file(upload)
        size = upload.stat().st_size
        with database.transaction(db):
            existing = store.media_by_hash(db, office_id, sha256)
            if existing:
                return media_view(existing), False
            if store.media_bytes(db) + size > total_limit:
                raise checks.refuse(f"The media store is full ({total_limit // 2**20} MB): delete unused files "
                                    "first.", "media_store_full")
            target = stored_path(media_dir, sha256, found.ext)
            if not target.exists():
                os.replace(upload, target)
            media_id = store.insert_media(db, {
                "office_id": office_id, "sha256": sha256, "kind": found.kind, "mime": found.mime,
                "ext": found.ext, "bytes": size, "width": found.width, "height": found.height,
                "duration_s": found.duration_s, "title": _title(title), "created_at": iso(now)})
            chain.append(db, now, office_id, "media.added", user_id=by_user_id,
                         details={"media_id": media_id, "sha256": sha256, "kind": found.kind, "bytes": size})
        return media_view(store.media(db, media_id)), True
    finally:
        upload.unlink(missing_ok=True)


def hash_file(path: Path) -> str:
    """A file's SHA-256, hex."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def delete_file(db, media_id: int, now: datetime, *, media_dir: Path, by_user_id=None) -> tuple[dict, list[Event]]:
    """Remove a media file from its office and every playlist; the file goes when no office keeps it."""
    with database.transaction(db):
        row = store.media(db, media_id)
        if row is None:
            raise NotFound("No such media file.", "media_not_found")
        store.delete_media(db, media_id)
        chain.append(db, now, row["office_id"], "media.deleted", user_id=by_user_id,
                     details={"media_id": media_id, "sha256": row["sha256"]})
        orphan = not store.hash_in_use(db, row["sha256"])
    if orphan:
        stored_path(media_dir, row["sha256"], row["ext"]).unlink(missing_ok=True)
    return media_view(row), [changed(row["office_id"])]


def _items(db, office_id: str, raw) -> list[dict]:
    if not isinstance(raw, list) or len(raw) > MAX_ITEMS:
        raise Invalid(f"items: a list of at most {MAX_ITEMS} media or service items.", "bad_field", field="items")
    out = []
    for item in raw:
        if not isinstance(item, dict) or set(item) - {"media_id", "service_id", "seconds"} \
                or ("media_id" in item) == ("service_id" in item):
            raise Invalid("Each item is {media_id} or {service_id}, with seconds.", "bad_field", field="items")
        seconds = item.get("seconds", DEFAULT_IMAGE_S)
        if isinstance(seconds, bool) or not isinstance(seconds, int) or not 3 <= seconds <= 600:
            raise Invalid("seconds: a whole number from 3 to 600.", "bad_field", field="items")
        if "media_id" in item:
            row = store.media(db, item["media_id"]) if isinstance(item["media_id"], int) else None
            if row is None or row["office_id"] != office_id:
                raise Invalid(f"Unknown media file {item['media_id']!r}.", "unknown_media", field="items")
            out.append({"media_id": row["id"], "seconds": seconds})
        else:
            service = office_store.service(db, item["service_id"]) if isinstance(item["service_id"], int) else None
            if service is None or service["office_id"] != office_id:
                raise Invalid(f"Unknown service {item['service_id']!r}.", "unknown_service", field="items")
            out.append({"service_id": service["id"], "seconds": seconds})
    return out


def _name(value) -> str:
    if not isinstance(value, str) or not value.strip() or len(value.strip()) > 80:
        raise Invalid("name: 1–80 characters.", "bad_field", field="name")
    return value.strip()


def playlist_view(db, row: dict) -> dict:
    """A playlist with its items."""
    return {"id": row["id"], "name": row["name"], "items": store.items(db, row["id"])}


def save_playlist(db, office_id: str, playlist_id: int | None, values: dict, now: datetime, *,
                  by_user_id=None) -> tuple[dict, list[Event]]:
    """Create (playlist_id None) or change a playlist's name and items, in order."""
    unknown = set(values) - {"name", "items"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    with database.transaction(db):
        if playlist_id is None:
            name = _name(values.get("name"))
            if store.playlist_name_taken(db, office_id, name, None):
                raise Conflict("Another playlist has this name.", "duplicate_playlist", field="name")
            playlist_id = store.insert_playlist(db, office_id, name)
        else:
            row = store.playlist(db, playlist_id)
            if row is None or row["office_id"] != office_id:
                raise NotFound("No such playlist.", "playlist_not_found")
            if "name" in values:
                name = _name(values["name"])
                if store.playlist_name_taken(db, office_id, name, playlist_id):
                    raise Conflict("Another playlist has this name.", "duplicate_playlist", field="name")
                store.rename_playlist(db, playlist_id, name)
        if "items" in values:
            store.set_items(db, playlist_id, _items(db, office_id, values["items"]))
        chain.append(db, now, office_id, "playlist.saved", user_id=by_user_id,
                     details={"playlist_id": playlist_id, **values})
        view = playlist_view(db, store.playlist(db, playlist_id))
    return view, [changed(office_id)]


def delete_playlist(db, office_id: str, playlist_id: int, now: datetime, *, by_user_id=None) -> list[Event]:
    """Remove a playlist; its displays show the queue alone."""
    with database.transaction(db):
        row = store.playlist(db, playlist_id)
        if row is None or row["office_id"] != office_id:
            raise NotFound("No such playlist.", "playlist_not_found")
        store.delete_playlist(db, playlist_id)
        chain.append(db, now, office_id, "playlist.deleted", user_id=by_user_id, details={"playlist_id": playlist_id})
    return [changed(office_id)]


def layout_of(db, device_id: int) -> dict:
    """A display's layout, playlist id and seconds a call is shown large (queue only when never set)."""
    row = store.display_media(db, device_id)
    return {"layout": row["layout"], "playlist_id": row["playlist_id"], "call_s": row["call_s"]} if row \
        else {"layout": "queue", "playlist_id": None, "call_s": 10}


def set_layout(db, device: dict, values: dict, now: datetime, *, by_user_id=None) -> tuple[dict, list[Event]]:
    """Give a display a layout (queue, beside, full), a playlist and the seconds a call is shown large."""
    if device["kind"] != "display":
        raise Invalid("Only a hall display shows media.", "not_a_display")
    unknown = set(values) - {"layout", "playlist_id", "call_s"}
    if unknown:
        raise Invalid(f"Unknown fields: {', '.join(sorted(unknown))}.", "unknown_field")
    wanted = layout_of(db, device["id"]) | values
    if wanted["layout"] not in LAYOUTS:
        raise Invalid("layout: queue, beside or full.", "bad_field", field="layout", allowed=list(LAYOUTS))
    call_s = wanted["call_s"]
    if isinstance(call_s, bool) or not isinstance(call_s, int) or not 3 <= call_s <= 120:
        raise Invalid("call_s: a whole number of seconds from 3 to 120.", "bad_field", field="call_s")
    with database.transaction(db):
        playlist_id = wanted["playlist_id"]
        if playlist_id is not None:
            row = store.playlist(db, playlist_id) if isinstance(playlist_id, int) else None
            if row is None or row["office_id"] != device["office_id"]:
                raise Invalid("Unknown playlist.", "unknown_playlist", field="playlist_id")
        store.set_display_media(db, device["id"], wanted["layout"], playlist_id, call_s)
        chain.append(db, now, device["office_id"], "display.layout_set", device_id=device["id"],
                     user_id=by_user_id, details=wanted)
    return layout_of(db, device["id"]), [changed(device["office_id"])]
