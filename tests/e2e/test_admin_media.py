"""The admin's Hall media tab in real Chromium: a renamed text file refused at its field with the reason, a real
video uploaded, a playlist given to the hall display, a notice and a service's what to bring written."""
from __future__ import annotations

import subprocess
import time
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_admin import sign_in

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    s = LiveServer(tmp_path_factory.mktemp("admin-media"))
    s.start()
    yield s
    s.stop()


def eventually(fetch, check, timeout: float = 15):
    """What fetch() returns once check() holds of it (the form's request may still be on its way)."""
    deadline = time.monotonic() + timeout
    while True:
        value = fetch()
        if check(value) or time.monotonic() > deadline:
            return value
        time.sleep(0.2)


def content(server) -> dict:
    r = requests.get(f"{server.url}/api/v1/display/content", timeout=5,
                     headers={"Authorization": f"Bearer {server.demo['display_token']}"})
    return r.json()


@pytest.mark.parametrize("size, lang", [("desk", "en"), ((1920, 1080), "kk"), ("desk", "ru")])
def test_the_admin_fills_the_hall_display(server, new_page, tmp_path, size, lang):
    page = new_page(size)
    sign_in(page, server.url, "admin", lang)
    page.locator('[data-tab="media"]').click()
    expect(page.locator("#tab-media")).to_be_visible()

    # A text file renamed to .mp4: refused at the file field, saying its content is not a video.
    fake = tmp_path / "clip.mp4"
    fake.write_text("This is only text.\n" * 30)
    page.set_input_files("#media-upload [name=file]", str(fake))
    page.locator("#media-upload button[type=submit]").click()
    expect(page.locator("#mu-file-error")).to_contain_text("content")
    assert page.locator("#media-upload [name=file]").get_attribute("aria-invalid") == "true"
    screenshot(page, f"admin-media-refused-{lang}")

    real = tmp_path / "real.webm"
    subprocess.run(["ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=320x180:rate=10:duration=2",
                    "-c:v", "libvpx", str(real)], check=True, timeout=60)
    page.set_input_files("#media-upload [name=file]", str(real))
    page.fill("#media-upload [name=title]", "Social video " + lang)
    page.locator("#media-upload button[type=submit]").click()
    expect(page.locator("#m-rows")).to_contain_text("Social video " + lang)
    expect(page.locator("#m-rows")).to_contain_text("320×180")

    page.select_option("#pl-choose", "")
    page.fill("#playlist-form [name=name]", "Hall " + lang)
    page.select_option("#pl-add-media", label="Social video " + lang)
    page.select_option("#pl-add-service", index=1)
    expect(page.locator("#pl-items li")).to_have_count(2)
    page.locator("#playlist-form button[type=submit]").click()
    expect(page.locator("#pl-choose option", has_text="Hall " + lang)).to_have_count(1)

    page.select_option("#layout-form [name=layout]", "beside")
    page.select_option("#ly-playlist", label="Hall " + lang)
    page.fill("#layout-form [name=call_s]", "500")
    page.locator("#layout-form button[type=submit]").click()
    expect(page.locator("#ly-call-error")).not_to_be_empty()   # 3 to 120: said at the field
    page.fill("#layout-form [name=call_s]", "12")
    page.locator("#layout-form button[type=submit]").click()
    expect(page.locator("#ly-call-error")).to_be_empty()
    shown = eventually(lambda: content(server), lambda c: c["call_s"] == 12)
    assert shown["layout"] == "beside" and shown["call_s"] == 12
    assert [i["kind"] for i in shown["items"]] == ["video", "info"]

    page.fill("#notice-form [name=text_kk]", "Әкім жұма күні 15:00-де қабылдайды")
    page.fill("#notice-form [name=text_ru]", "Аким принимает в пятницу в 15:00")
    page.fill("#notice-form [name=text_en]", "")
    page.fill("#notice-form [name=starts_at]", "2026-12-01T09:00")
    page.fill("#notice-form [name=ends_at]", "2026-12-04T15:00")
    page.locator("#notice-form button[type=submit]").click()
    expect(page.locator("#n-en-error")).not_to_be_empty()   # every notice is in kk, ru and en
    page.fill("#notice-form [name=text_en]", "The akim receives residents on Friday at 15:00")
    page.locator("#notice-form button[type=submit]").click()
    expect(page.locator("#n-rows tr")).to_have_count(1 + ["en", "kk", "ru"].index(lang))
    expect(page.locator("#n-rows")).to_contain_text("04/12/2026, 15:00")   # office time, as entered

    form = page.locator("#info-form")
    form.locator("[name=service]").select_option(index=0)
    form.locator("[name=description_kk]").fill("Азаматтық хал актілерін тіркеу")
    form.locator("[name=description_ru]").fill("Регистрация актов гражданского состояния")
    form.locator("[name=description_en]").fill("Civil registration")
    form.locator("[name=documents_kk]").fill("Жеке куәлік\nАнықтама")
    form.locator("[name=documents_ru]").fill("Удостоверение личности")
    form.locator("[name=documents_en]").fill("Identity card\nCertificate")
    form.locator("button[type=submit]").click()
    expect(page.locator("#i-docs-error")).not_to_be_empty()   # two in kk and en, one in ru
    form.locator("[name=documents_ru]").fill("Удостоверение личности\nСправка")
    form.locator("button[type=submit]").click()
    expect(page.locator("#i-docs-error")).to_be_empty()
    info = eventually(lambda: requests.get(f"{server.url}/api/v1/services/1/info", timeout=5).json(),
                      lambda i: len(i["documents"]) == 2)
    assert info["documents"][1] == {"kk": "Анықтама", "ru": "Справка", "en": "Certificate"}
    page.locator("#tab-media").scroll_into_view_if_needed()
    tag = f"{lang}-{size if isinstance(size, str) else 'wide'}"
    screenshot(page, f"admin-media-{tag}")
    page.locator("#info-form").scroll_into_view_if_needed()
    screenshot(page, f"admin-media-info-{tag}")
