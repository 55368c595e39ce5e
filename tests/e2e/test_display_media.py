"""The hall display's media in real Chromium: a real video and a picture play, the voice ducks the video's
sound, the call takes over, notices run in the ticker, and the media plays on with the server stopped."""
from __future__ import annotations

import io
import subprocess
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from tests.e2e.conftest import LiveServer, screenshot, wait_js

pytestmark = pytest.mark.e2e

CHROMIUM = "/usr/bin/chromium"
TV_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
           "--autoplay-policy=no-user-gesture-required"]
WAIT_MS = 60000


def make_video(folder: Path, seconds: int = 3) -> bytes:
    """A real tiny WebM (VP8 picture, Opus sound) generated with ffmpeg."""
    path = folder / "clip.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", f"testsrc=size=320x180:rate=15:duration={seconds}",
                    "-f", "lavfi", "-i", f"sine=frequency=330:duration={seconds}", "-c:v", "libvpx", "-b:v", "200k",
                    "-c:a", "libopus", "-shortest", str(path)], check=True, timeout=60)
    return path.read_bytes()


def make_poster() -> bytes:
    image = Image.new("RGB", (1280, 720), (0, 87, 156))
    draw = ImageDraw.Draw(image)
    draw.rectangle((80, 80, 1200, 640), outline=(255, 210, 74), width=12)
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = LiveServer(tmp_path_factory.mktemp("media"))
    s.start()
    yield s
    s.stop()


@pytest.fixture(scope="module")
def tv_browser(browser):
    b = browser.browser_type.launch(executable_path=CHROMIUM, args=TV_ARGS, headless=True)
    yield b
    b.close()


@pytest.fixture(scope="module")
def admin(server):
    return server.session("admin")


@pytest.fixture(scope="module")
def media(server, admin, tmp_path_factory):
    """A video and a poster uploaded, a playlist of them and a what-to-bring slide."""
    folder = tmp_path_factory.mktemp("clips")
    up = lambda data, title: admin.post(f"{server.url}/api/v1/media?title={title}", data=data, timeout=30)  # noqa: E731
    video = up(make_video(folder), "video")
    assert video.status_code == 201, video.text
    poster = up(make_poster(), "poster")
    assert poster.status_code == 201, poster.text
    info = {"description": {"kk": "Туу туралы куәлік, неке және басқа да азаматтық хал актілері",
                            "ru": "Свидетельства о рождении, браке и другие акты гражданского состояния",
                            "en": "Birth and marriage certificates and other civil registration"},
            "documents": [{"kk": "Жеке куәлік", "ru": "Удостоверение личности", "en": "Identity card"},
                          {"kk": "Баланың туу туралы анықтамасы", "ru": "Справка о рождении ребёнка",
                           "en": "The child's birth record from the hospital"}]}
    assert admin.put(f"{server.url}/api/v1/services/1/info", json=info, timeout=10).status_code == 200
    playlist = admin.post(f"{server.url}/api/v1/playlists", timeout=10, json={"name": "Hall", "items": [
        {"media_id": video.json()["id"]}, {"media_id": poster.json()["id"], "seconds": 4},
        {"service_id": 1, "seconds": 4}]})
    assert playlist.status_code == 201, playlist.text
    return {"video": video.json(), "poster": poster.json(), "playlist": playlist.json()}


def set_layout(server, admin, layout: str, playlist_id, call_s: int = 6) -> None:
    r = admin.put(f"{server.url}/api/v1/devices/{server.demo['display_id']}/media", timeout=10,
                  json={"layout": layout, "playlist_id": playlist_id, "call_s": call_s})
    assert r.status_code == 200, r.text


@pytest.fixture
def tv(tv_browser, server):
    contexts = []

    def open_display(size=(1920, 1080), query=""):
        context = tv_browser.new_context(viewport={"width": size[0], "height": size[1]})
        contexts.append(context)
        page = context.new_page()
        page.goto(f"{server.url}/display/?token={server.demo['display_token']}{query}")
        wait_js(page, "() => window.kezekDisplay && kezekDisplay.state.snapshots > 0", timeout=WAIT_MS)
        page.evaluate("window.kezekNoReload = true")
        return page

    yield open_display
    for context in contexts:
        context.close()


def wait_playing_video(page) -> None:
    wait_js(page, "() => { const v = document.querySelector('.media-video');"
                  " return v && !v.hidden && !v.paused && v.currentTime > 0.2 && v.readyState >= 2; }", timeout=WAIT_MS)


def call_next(server, operator, service: int = 1, desk: int = 1) -> dict:
    server.issue(service)
    r = operator.post(f"{server.url}/api/v1/desks/{desk}/call-next", timeout=10)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_real_video_and_a_picture_play_and_the_voice_ducks_the_video(server, admin, media, tv):
    set_layout(server, admin, "beside", media["playlist"]["id"])
    page = tv()
    wait_playing_video(page)
    assert page.evaluate("document.querySelector('.media-video').videoWidth") == 320
    screenshot(page, "display-media-beside-video-kk")
    operator = server.session("operator1")
    ticket = call_next(server, operator)
    number = ticket["number"]
    wait_js(page, "n => kezekDisplay.announced.filter(a => a.number === n && a.endedAt).length >= 2", arg=number,
            timeout=WAIT_MS)
    wait_js(page, "() => __mediaVolumeLog.some(e => e.why === 'restore')", timeout=WAIT_MS)
    log = page.evaluate("__mediaVolumeLog")
    spoken = page.evaluate("n => kezekDisplay.announced.filter(a => a.number === n)", number)
    duck = next(e for e in log if e["why"] == "duck")
    restored = next(e for e in log if e["why"] == "restore")
    # Down before the first word, low all through the voice, back up only after the last word.
    assert duck["volume"] <= 0.15 and duck["at"] <= spoken[0]["startedAt"]
    assert restored["volume"] == 1 and restored["at"] >= spoken[-1]["endedAt"]
    # The picture and the what-to-bring slide come round in turn.
    wait_js(page, "() => { const i = document.querySelector('.media-image'); return !i.hidden && i.complete"
                  " && i.naturalWidth === 1280; }", timeout=WAIT_MS)
    screenshot(page, "display-media-beside-poster-kk")
    wait_js(page, "() => !document.querySelector('.media-info').hidden", timeout=WAIT_MS)
    assert "Жеке куәлік" in page.inner_text(".media-info")
    screenshot(page, "display-media-beside-info-kk")


def test_full_screen_media_gives_way_to_a_call_for_its_time(server, admin, media, tv):
    set_layout(server, admin, "full", media["playlist"]["id"], call_s=8)
    page = tv()
    wait_js(page, "() => document.getElementById('display').classList.contains('display-layout-full')",
            timeout=WAIT_MS)
    wait_playing_video(page)
    assert not page.is_visible("#now")
    screenshot(page, "display-media-full-kk")
    ticket = call_next(server, server.session("operator1"))
    wait_js(page, "n => document.getElementById('now').dataset.number === n", arg=ticket["number"], timeout=WAIT_MS)
    assert page.is_visible("#now") and page.is_visible("#media")
    page.wait_for_timeout(3600)   # after the blink (3 × 1.1 s): the call as the hall reads it for the rest of its time
    assert page.evaluate("document.getElementById('display').classList.contains('display-call-showing')")
    screenshot(page, "display-media-full-call-kk")
    during = page.evaluate("kezekMedia.playedCount")
    wait_js(page, "() => !document.getElementById('display').classList.contains('display-call-showing')",
            timeout=20000)
    assert not page.is_visible("#now")
    assert page.evaluate("kezekMedia.playedCount") > during   # the playlist went on underneath the call


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_beside_layout_on_a_portrait_tv_and_a_notice_in_the_ticker(server, admin, media, tv, lang):
    set_layout(server, admin, "beside", media["playlist"]["id"])
    now = datetime.now(timezone.utc)
    notice = admin.post(f"{server.url}/api/v1/notices", timeout=10, json={
        "text_kk": "Әкім жұма күні 15:00-де тұрғындарды қабылдайды",
        "text_ru": "Аким принимает жителей в пятницу в 15:00",
        "text_en": "The akim receives residents on Friday at 15:00",
        "starts_at": (now - timedelta(hours=1)).isoformat(), "ends_at": (now + timedelta(days=1)).isoformat()})
    assert notice.status_code == 201, notice.text
    try:
        page = tv((1080, 1920), f"&lang={lang}")
        wait_playing_video(page)
        expected = notice.json()[f"text_{lang}"]
        wait_js(page, "t => document.getElementById('ticker-text').textContent.includes(t)", arg=expected,
                timeout=WAIT_MS)
        screenshot(page, f"display-media-portrait-{lang}")
    finally:
        admin.delete(f"{server.url}/api/v1/notices/{notice.json()['id']}", timeout=10)


def test_a_playlist_change_reaches_the_display_live(server, admin, media, tv):
    set_layout(server, admin, "beside", media["playlist"]["id"])
    page = tv()
    wait_playing_video(page)
    set_layout(server, admin, "queue", media["playlist"]["id"])
    wait_js(page, "() => document.getElementById('media').hidden", timeout=WAIT_MS)
    set_layout(server, admin, "full", media["playlist"]["id"])
    wait_js(page, "() => document.getElementById('display').classList.contains('display-layout-full')",
            timeout=WAIT_MS)
    assert page.evaluate("window.kezekNoReload") is True   # live, not by reloading


def test_the_media_plays_on_with_the_server_stopped(server, admin, media, tv):
    set_layout(server, admin, "full", media["playlist"]["id"], call_s=4)
    page = tv()
    wait_playing_video(page)
    # Every file of the playlist is in Cache Storage before the server goes.
    wait_js(page, "n => kezekMedia.cached.length === n", arg=2, timeout=WAIT_MS)
    wait_js(page, "() => navigator.serviceWorker.controller !== null", timeout=WAIT_MS)
    played_before = page.evaluate("kezekMedia.played.length")
    server.stop()
    try:
        wait_js(page, "() => document.body.classList.contains('display-offline')", timeout=WAIT_MS)
        # Round the whole playlist at least once more, the video again from the cache.
        wait_js(page, "n => kezekMedia.played.length >= n + 4", arg=played_before, timeout=WAIT_MS)
        wait_playing_video(page)
        assert page.evaluate("kezekMedia.errors") == 0
        # Even a TV that restarts its browser meanwhile plays on: the page, its scripts, its playlist and
        # the files all come from Cache Storage through the service worker.
        page.reload()
        wait_js(page, "() => window.kezekMedia && kezekMedia.content !== null", timeout=WAIT_MS)
        wait_playing_video(page)
        wait_js(page, "() => { const i = document.querySelector('.media-image'); return !i.hidden && i.complete"
                      " && i.naturalWidth === 1280; }", timeout=WAIT_MS)
        assert page.evaluate("kezekMedia.errors") == 0
        screenshot(page, "display-media-offline-kk")
    finally:
        server.start()
    # Back: calls catch up as they always did.
    ticket = call_next(server, server.session("operator1"))
    wait_js(page, "n => document.getElementById('now').dataset.number === n", arg=ticket["number"], timeout=WAIT_MS)


def test_a_renamed_text_file_is_refused_with_the_reason(server, admin):
    r = admin.post(f"{server.url}/api/v1/media?title=video.mp4", data=b"not a video at all\n" * 50, timeout=10)
    assert r.status_code == 422
    assert r.json()["error"]["code"] == "not_media" and "content" in r.json()["error"]["message"]
