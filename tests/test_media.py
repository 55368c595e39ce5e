"""The hall display's media: uploads checked by content, files on disk named by content, playlists, layouts."""
from __future__ import annotations

import io
import subprocess
from pathlib import Path

import pytest
from PIL import Image

from kezek.base import database


def png(width=64, height=36, colour=(0, 87, 156)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(out, "PNG")
    return out.getvalue()


def video(tmp_path: Path, ext: str = "webm", seconds: float = 1.0) -> bytes:
    """A real tiny video made with ffmpeg (a test pattern and a tone)."""
    path = tmp_path / f"clip.{ext}"
    codecs = ["-c:v", "libvpx", "-c:a", "libopus"] if ext == "webm" else ["-c:v", "libx264", "-pix_fmt", "yuv420p",
                                                                            "-c:a", "aac"]
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size=160x90:rate=15:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=440:duration={seconds}", *codecs, "-shortest", str(path)],
                   check=True, timeout=60)
    return path.read_bytes()


def upload(client, headers, data: bytes, title="clip"):
    return client.post(f"/api/v1/media?title={title}", data=data, headers=headers | {"Content-Type":
                                                                                       "application/octet-stream"})


def test_a_video_and_a_picture_are_kept_on_disk_by_content_not_in_the_database(admin, app, tmp_path):
    client, headers = admin
    clip = video(tmp_path)
    r = upload(client, headers, clip, "social video")
    assert r.status_code == 201, r.get_json()
    v = r.get_json()
    assert (v["kind"], v["mime"], v["width"], v["height"]) == ("video", "video/webm", 160, 90)
    assert 0.8 < v["duration_s"] < 1.3
    r = upload(client, headers, png(), "poster")
    assert r.status_code == 201
    p = r.get_json()
    assert (p["kind"], p["width"], p["height"], p["duration_s"]) == ("image", 64, 36, None)
    media_dir = database.files_dir(app.config["DB"], app.config["DATA_DIR"]) / "media"
    names = sorted(f.name for f in media_dir.iterdir())
    assert names == sorted([v["url"].rsplit("/", 1)[1], p["url"].rsplit("/", 1)[1]])
    served = client.get(v["url"])
    assert served.status_code == 200 and served.data == clip and served.mimetype == "video/webm"
    assert "immutable" in served.headers["Cache-Control"]
    served.close()
    part = client.get(v["url"], headers={"Range": "bytes=0-99"})
    assert part.status_code == 206 and part.data == clip[:100]   # a video element seeks with ranges
    part.close()
    db = database.open_db(app.config["DB"])
    assert all(len(str(value)) < 200 for row in database.rows(db, "SELECT * FROM media_files") for value in row.values())
    db.close()
    again = upload(client, headers, clip, "the same again")
    assert again.status_code == 200 and again.get_json()["id"] == v["id"]   # one copy of the same bytes


def test_an_mp4_is_read_with_ffprobe(admin, tmp_path):
    client, headers = admin
    r = upload(client, headers, video(tmp_path, "mp4"))
    assert r.status_code == 201, r.get_json()
    assert r.get_json()["mime"] == "video/mp4"


@pytest.mark.parametrize("data, code", [
    (b"This is a text file, renamed to look like a video.\n" * 20, "not_media"),
    (b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 400, "unreadable"),          # an MP4 header, then nothing
    (b"\x1a\x45\xdf\xa3" + b"garbage" * 100, "unreadable"),                 # a WebM header, then garbage
    (png()[:60], "unreadable"),                                            # a picture cut short
    (b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>", "not_media"),
])
def test_a_file_that_is_not_what_it_claims_is_refused_with_the_reason(admin, app, data, code):
    client, headers = admin
    r = upload(client, headers, data, "video.mp4")
    assert r.status_code == 422
    error = r.get_json()["error"]
    assert error["code"] == code and error["details"]["field"] == "file" and len(error["message"]) > 20
    media_dir = database.files_dir(app.config["DB"], app.config["DATA_DIR"]) / "media"
    assert list(media_dir.iterdir()) == []   # nothing kept, not even the upload


def test_a_picture_too_large_to_show_is_refused(admin):
    client, headers = admin
    r = upload(client, headers, png(5000, 3000))
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "too_many_pixels"


def test_a_file_over_the_size_limit_is_refused_before_it_is_kept(app, admin):
    client, headers = admin
    app.config["MEDIA_MAX_MB"] = 1
    r = upload(client, headers, b"\x89PNG\r\n\x1a\n" + b"\x00" * (2 * 2**20))
    assert r.status_code == 413 and r.get_json()["error"]["code"] == "file_too_large"
    assert "1 MB" in r.get_json()["error"]["message"]


def test_only_an_admin_uploads_and_only_known_names_are_served(app, operator, client):
    c, headers = operator
    assert upload(c, headers, png()).status_code == 403
    assert upload(client, {}, png()).status_code == 401
    assert client.get("/media/../kezek.db").status_code == 404
    assert client.get("/media/" + "0" * 64 + ".png").status_code == 404


def test_a_display_gets_its_layout_playlist_and_notices_and_is_told_live(admin, app, socket_client):
    client, headers = admin
    image = upload(client, headers, png()).get_json()
    display = socket_client({"screen": "display"})
    display.get_received()
    r = client.post("/api/v1/playlists", json={"name": "Hall", "items": [
        {"media_id": image["id"], "seconds": 8}, {"service_id": 1, "seconds": 12}]}, headers=headers)
    assert r.status_code == 201, r.get_json()
    playlist = r.get_json()
    assert [e["name"] for e in display.get_received()] == ["media.changed"]
    device = app.demo["display_id"]
    r = client.put(f"/api/v1/devices/{device}/media", json={"layout": "full", "playlist_id": playlist["id"],
                                                             "call_s": 12}, headers=headers)
    assert r.status_code == 200, r.get_json()
    tv = {"Authorization": f"Bearer {app.demo['display_token']}"}
    content = client.get("/api/v1/display/content", headers=tv).get_json()
    assert content["layout"] == "full" and content["call_s"] == 12
    client.get(image["url"]).close()
    assert [i["kind"] for i in content["items"]] == ["image", "info"]
    assert content["items"][0]["url"] == image["url"] and content["items"][0]["seconds"] == 8
    # A display without a token (the public one) shows the queue alone.
    assert client.get("/api/v1/display/content").get_json()["layout"] == "queue"
    # A deleted file leaves the playlist at once.
    assert client.delete(f"/api/v1/media/{image['id']}", headers=headers).status_code == 200
    content = client.get("/api/v1/display/content", headers=tv).get_json()
    assert [i["kind"] for i in content["items"]] == ["info"]
    assert client.get(image["url"]).status_code == 404


def test_a_playlist_names_only_its_own_office_s_files(admin, app):
    client, headers = admin
    r = client.post("/api/v1/playlists", json={"name": "X", "items": [{"media_id": 999}]}, headers=headers)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "unknown_media"
    r = client.put(f"/api/v1/devices/{app.demo['kiosk_id']}/media", json={"layout": "full"}, headers=headers)
    assert r.status_code == 422 and r.get_json()["error"]["code"] == "not_a_display"
    r = client.put(f"/api/v1/devices/{app.demo['display_id']}/media", json={"layout": "cinema"}, headers=headers)
    assert r.status_code == 422
