"""The SQL of the hall's content: media files, playlists, displays' layouts, notices, what to bring."""
from __future__ import annotations

from kezek.base import database

MEDIA_COLUMNS = ("office_id", "sha256", "kind", "mime", "ext", "bytes", "width", "height", "duration_s", "title",
                 "created_at")


# Media files

def media(db, media_id: int) -> dict | None:
    """One media file's row."""
    return database.one(db, "SELECT * FROM media_files WHERE id = ?", (media_id,))


def media_by_hash(db, office_id: str, sha256: str) -> dict | None:
    """An office's media file with this content, if it has one."""
    return database.one(db, "SELECT * FROM media_files WHERE office_id = ? AND sha256 = ?", (office_id, sha256))


def media_list(db, office_id: str) -> list[dict]:
    """An office's media files, newest first."""
    return database.rows(db, "SELECT * FROM media_files WHERE office_id = ? ORDER BY id DESC", (office_id,))


def media_bytes(db) -> int:
    """The bytes of every stored file (each content once)."""
    return database.scalar(db, "SELECT COALESCE(SUM(bytes), 0) FROM (SELECT sha256, MAX(bytes) AS bytes"
                               " FROM media_files GROUP BY sha256) AS each_file")


def insert_media(db, values: dict) -> int:
    """Record a checked media file; returns its id."""
    cursor = db.execute(
        "INSERT INTO media_files (office_id, sha256, kind, mime, ext, bytes, width, height, duration_s, title,"
        " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", tuple(values[c] for c in MEDIA_COLUMNS))
    return cursor.lastrowid


def delete_media(db, media_id: int) -> None:
    """Forget a media file and take it out of every playlist."""
    db.execute("DELETE FROM playlist_items WHERE media_id = ?", (media_id,))
    db.execute("DELETE FROM media_files WHERE id = ?", (media_id,))


def hash_in_use(db, sha256: str) -> bool:
    """Whether any office still has a file with this content."""
    return database.scalar(db, "SELECT COUNT(*) FROM media_files WHERE sha256 = ?", (sha256,)) > 0


def media_by_name(db, sha256: str, ext: str) -> dict | None:
    """The media row a served file name (<sha256>.<ext>) stands for."""
    return database.one(db, "SELECT * FROM media_files WHERE sha256 = ? AND ext = ? LIMIT 1", (sha256, ext))


# Playlists

def playlist(db, playlist_id: int) -> dict | None:
    """One playlist row."""
    return database.one(db, "SELECT * FROM playlists WHERE id = ?", (playlist_id,))


def playlists(db, office_id: str) -> list[dict]:
    """An office's playlists by name."""
    return database.rows(db, "SELECT * FROM playlists WHERE office_id = ? ORDER BY name", (office_id,))


def playlist_name_taken(db, office_id: str, name: str, other_than: int | None) -> bool:
    """Whether another playlist of the office has this name."""
    return database.scalar(db, "SELECT COUNT(*) FROM playlists WHERE office_id = ? AND name = ? AND id IS NOT ?",
                           (office_id, name, other_than)) > 0


def insert_playlist(db, office_id: str, name: str) -> int:
    """Add an empty playlist; returns its id."""
    return db.execute("INSERT INTO playlists (office_id, name) VALUES (?, ?)", (office_id, name)).lastrowid


def rename_playlist(db, playlist_id: int, name: str) -> None:
    """Give a playlist a new name."""
    db.execute("UPDATE playlists SET name = ? WHERE id = ?", (name, playlist_id))


def set_items(db, playlist_id: int, items: list[dict]) -> None:
    """Replace a playlist's items (each a media id or a service id, and seconds), in order."""
    db.execute("DELETE FROM playlist_items WHERE playlist_id = ?", (playlist_id,))
    for position, item in enumerate(items):
        db.execute("INSERT INTO playlist_items (playlist_id, position, media_id, service_id, seconds)"
                   " VALUES (?, ?, ?, ?, ?)",
                   (playlist_id, position, item.get("media_id"), item.get("service_id"), item["seconds"]))


def items(db, playlist_id: int) -> list[dict]:
    """A playlist's items in order."""
    return database.rows(db, "SELECT media_id, service_id, seconds FROM playlist_items WHERE playlist_id = ?"
                             " ORDER BY position", (playlist_id,))


def delete_playlist(db, playlist_id: int) -> None:
    """Remove a playlist (displays showing it fall back to the queue alone)."""
    db.execute("DELETE FROM playlist_items WHERE playlist_id = ?", (playlist_id,))
    db.execute("UPDATE display_media SET playlist_id = NULL WHERE playlist_id = ?", (playlist_id,))
    db.execute("DELETE FROM playlists WHERE id = ?", (playlist_id,))


# Displays' layouts

def display_media(db, device_id: int) -> dict | None:
    """A display's layout, playlist and call time, if set."""
    return database.one(db, "SELECT * FROM display_media WHERE device_id = ?", (device_id,))


def set_display_media(db, device_id: int, layout: str, playlist_id: int | None, call_s: int) -> None:
    """Set a display's layout, playlist and how long a call is shown large."""
    db.execute("INSERT INTO display_media (device_id, layout, playlist_id, call_s) VALUES (?, ?, ?, ?)"
               " ON CONFLICT (device_id) DO UPDATE SET layout = excluded.layout,"
               " playlist_id = excluded.playlist_id, call_s = excluded.call_s",
               (device_id, layout, playlist_id, call_s))


# Notices

def notice(db, notice_id: int) -> dict | None:
    """One notice row."""
    return database.one(db, "SELECT * FROM notices WHERE id = ?", (notice_id,))


def notices(db, office_id: str, ending_after: str) -> list[dict]:
    """An office's notices that end after a moment (UTC ISO), by start."""
    return database.rows(db, "SELECT * FROM notices WHERE office_id = ? AND ends_at > ? ORDER BY starts_at, id",
                         (office_id, ending_after))


def insert_notice(db, office_id: str, values: dict, created_at: str) -> int:
    """Add a notice; returns its id."""
    return db.execute("INSERT INTO notices (office_id, text_kk, text_ru, text_en, starts_at, ends_at, created_at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)",
                      (office_id, values["text_kk"], values["text_ru"], values["text_en"], values["starts_at"],
                       values["ends_at"], created_at)).lastrowid


def update_notice(db, notice_id: int, values: dict) -> None:
    """Change a notice's texts and times."""
    db.execute("UPDATE notices SET text_kk = ?, text_ru = ?, text_en = ?, starts_at = ?, ends_at = ? WHERE id = ?",
               (values["text_kk"], values["text_ru"], values["text_en"], values["starts_at"], values["ends_at"],
                notice_id))


def delete_notice(db, notice_id: int) -> None:
    """Remove a notice."""
    db.execute("DELETE FROM notices WHERE id = ?", (notice_id,))


# What to bring

def service_info(db, service_id: int) -> dict | None:
    """A service's description and documents row, if written."""
    return database.one(db, "SELECT * FROM service_info WHERE service_id = ?", (service_id,))


def office_service_info(db, office_id: str) -> list[dict]:
    """The description and documents rows of an office's services."""
    return database.rows(db, "SELECT i.* FROM service_info i JOIN services s ON s.id = i.service_id"
                             " WHERE s.office_id = ? ORDER BY s.sort_order, s.prefix", (office_id,))


def set_service_info(db, service_id: int, values: dict, documents_json: str, updated_at: str) -> None:
    """Write a service's description and documents."""
    db.execute("INSERT INTO service_info (service_id, description_kk, description_ru, description_en, documents,"
               " updated_at) VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (service_id) DO UPDATE SET"
               " description_kk = excluded.description_kk, description_ru = excluded.description_ru,"
               " description_en = excluded.description_en, documents = excluded.documents,"
               " updated_at = excluded.updated_at",
               (service_id, values["description_kk"], values["description_ru"], values["description_en"],
                documents_json, updated_at))
