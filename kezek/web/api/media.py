"""The hall display's media (admin): uploads checked by content, playlists, each display's layout; the files."""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

from flask import Blueprint, current_app, g, jsonify, request, send_file

from kezek.base.errors import Invalid, KezekError, NotFound
from kezek.content import display as content_display
from kezek.content import media
from kezek.content import store as content_store
from kezek.office import accounts
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import data_dir, get_db, now
from kezek.web.live.broadcast import publish
from kezek.web.payloads import body

bp = Blueprint("api_media", __name__)
CHUNK = 1 << 20


class TooLarge(KezekError):
    """An upload over KEZEK_MEDIA_MAX_MB."""

    status = 413
    code = "file_too_large"


def media_dir() -> Path:
    """KEZEK_MEDIA_DIR, else <db dir>/media: files beside the database, never in it."""
    folder = Path(current_app.config.get("MEDIA_DIR") or data_dir() / "media")
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def _by():
    return g.user["id"] if g.user else None


def _receive(folder: Path, limit: int) -> Path:
    """The request's body streamed to a temporary file in the media folder, refused past the limit."""
    too_large = TooLarge(f"The file is larger than {limit // 2**20} MB, the most a display file may be.",
                         field="file", limit_mb=limit // 2**20)
    if request.content_length and request.content_length > limit:
        raise too_large   # said before a byte is read
    request.max_content_length = limit + 1
    fd, name = tempfile.mkstemp(prefix=".upload-", dir=folder)
    size = 0
    try:
        with os.fdopen(fd, "wb") as out:
            while chunk := request.stream.read(CHUNK):
                size += len(chunk)
                if size > limit:
                    raise too_large
                out.write(chunk)
        if size == 0:
            raise Invalid("The upload is empty: send the file itself as the body.", "empty_file",
                                field="file")
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    return Path(name)


@bp.post("/api/v1/media")
@access("admin")
def upload_media():
    """The file is the body (any Content-Type); ?title= names it for the admin."""
    office = auth.office_id(get_db())
    folder = media_dir()
    upload = _receive(folder, int(current_app.config["MEDIA_MAX_MB"]) * 2**20)
    view, created = media.add_file(get_db(), office, upload, request.args.get("title"), now(), media_dir=folder,
                                   total_limit=int(current_app.config["MEDIA_TOTAL_MB"]) * 2**20,
                                   by_user_id=_by())
    return jsonify(view), 201 if created else 200


@bp.get("/api/v1/media")
@access("admin")
def list_media():
    office = auth.office_id(get_db())
    return jsonify({"media": [media.media_view(r) for r in content_store.media_list(get_db(), office)]})


def _own_media(media_id: int) -> None:
    row = content_store.media(get_db(), media_id)
    if row is None or row["office_id"] not in g.user["offices"]:
        raise NotFound("No such media file.", "media_not_found")


@bp.delete("/api/v1/media/<int:media_id>")
@access("admin")
def delete_media(media_id):
    _own_media(media_id)
    view, events = media.delete_file(get_db(), media_id, now(), media_dir=media_dir(), by_user_id=_by())
    publish(events)
    return jsonify(view)


@bp.get("/media/<name>")
@access("public")
def media_file(name):
    """A media file by its content name; the same name is always the same bytes (cached for a year)."""
    found = media.served_file(get_db(), media_dir(), name)
    if found is None:
        raise NotFound("No such media file.", "media_not_found")
    path, mime = found
    response = send_file(path, mimetype=mime, conditional=True, max_age=365 * 86400)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    return response


@bp.get("/api/v1/playlists")
@access("admin")
def list_playlists():
    office = auth.office_id(get_db())
    return jsonify({"playlists": [media.playlist_view(get_db(), p) for p in content_store.playlists(get_db(), office)]})


@bp.post("/api/v1/playlists")
@access("admin")
def create_playlist():
    view, events = media.save_playlist(get_db(), auth.office_id(get_db()), None, body(), now(), by_user_id=_by())
    publish(events)
    return jsonify(view), 201


def _own_playlist(playlist_id: int) -> str:
    row = content_store.playlist(get_db(), playlist_id)
    if row is None or row["office_id"] not in g.user["offices"]:
        raise NotFound("No such playlist.", "playlist_not_found")
    return row["office_id"]


@bp.patch("/api/v1/playlists/<int:playlist_id>")
@access("admin")
def update_playlist(playlist_id):
    office = _own_playlist(playlist_id)
    view, events = media.save_playlist(get_db(), office, playlist_id, body(), now(), by_user_id=_by())
    publish(events)
    return jsonify(view)


@bp.delete("/api/v1/playlists/<int:playlist_id>")
@access("admin")
def delete_playlist(playlist_id):
    office = _own_playlist(playlist_id)
    publish(media.delete_playlist(get_db(), office, playlist_id, now(), by_user_id=_by()))
    return jsonify({"deleted": playlist_id})


def _own_display(device_id: int) -> dict:
    device = accounts.get_device(get_db(), device_id)
    if device is None or device["office_id"] not in g.user["offices"]:
        raise NotFound("No such device.", "device_not_found")
    return device


@bp.get("/api/v1/devices/<int:device_id>/media")
@access("admin")
def get_display_layout(device_id):
    return jsonify(media.layout_of(get_db(), _own_display(device_id)["id"]))


@bp.put("/api/v1/devices/<int:device_id>/media")
@access("admin")
def set_display_layout(device_id):
    view, events = media.set_layout(get_db(), _own_display(device_id), body(), now(), by_user_id=_by())
    publish(events)
    return jsonify(view)


@bp.get("/api/v1/display/content")
@access("public")
def display_content():
    """What a display shows beside the queue: its device token picks its layout; public displays the queue."""
    device = g.device if g.device and g.device["kind"] == "display" else None
    office = device["office_id"] if device else auth.office_id(get_db())
    return jsonify(content_display.display_content(get_db(), office, device, now()))


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    op, pid, did, mid = openapi._op, openapi._path_param("playlist_id"), openapi._path_param("device_id"), \
        openapi._path_param("media_id")
    q, obj = openapi.OFFICE_Q, openapi.OBJ
    title = {"name": "title", "in": "query", "required": False, "schema": {"type": "string"}}
    upload = op("Upload a video (MP4, WebM) or a picture (PNG, JPEG, WebP), the file as the body; checked by its"
                " content (ffprobe, Pillow), refused with the reason", "admin", obj, "201", params=[q, title])
    upload["responses"]["200"] = upload["responses"]["201"]   # the same bytes again: the file already kept
    upload["requestBody"] = {"required": True, "content": {"application/octet-stream": {
        "schema": {"type": "string", "format": "binary"}}}}
    items = {"type": "object", "properties": {"name": {"type": "string"}, "items": {"type": "array", "items": obj}}}
    layout = {"type": "object", "properties": {"layout": {"type": "string", "enum": list(media.LAYOUTS)},
                                               "playlist_id": {"type": ["integer", "null"]},
                                               "call_s": {"type": "integer"}}}
    return {
        "/api/v1/media": {"get": op("The office's media files", "admin", obj, params=[q]), "post": upload},
        "/api/v1/media/{media_id}": {"delete": op("Delete a media file (out of every playlist)", "admin", obj,
                                                  params=[mid])},
        "/api/v1/playlists": {"get": op("The office's playlists", "admin", obj, params=[q]),
                              "post": op("Create a playlist", "admin", obj, "201", body=items, params=[q])},
        "/api/v1/playlists/{playlist_id}": {
            "patch": op("Rename a playlist or set its items in order", "admin", obj, body=items, params=[pid]),
            "delete": op("Delete a playlist", "admin", obj, params=[pid])},
        "/api/v1/devices/{device_id}/media": {
            "get": op("A display's layout, playlist and call time", "admin", obj, params=[did]),
            "put": op("Set a display's layout (queue, beside, full), playlist and call time", "admin", obj,
                      body=layout, params=[did])},
        "/api/v1/display/content": {"get": op("A display's layout, playlist items and notices (its device token"
                                              " picks them)", "public", obj, params=[q])},
    }
