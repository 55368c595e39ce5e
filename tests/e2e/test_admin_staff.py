"""The admin screen for staff in real Chromium: report charts that fit and print, refusals at their field, the
Notifications tab, the audit in words and the paged monitor — at 1366×768 and 1920×1080, in kk, ru and en."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DEMO_PASSWORD, SCREENSHOTS, LiveServer, screenshot, wait_js

pytestmark = pytest.mark.e2e
BOT_TOKEN = "123456789:AAE-fake_token_for_tests_0123456789"
SIZES = {"1366": (1366, 768), "1920": (1920, 1080)}
BAD = "rgb(176, 0, 32)"   # --bad


@pytest.fixture(scope="module")
def staff_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("staff"), env={"KEZEK_ISSUE_RATE_LIMIT": "0",
                                                                "KEZEK_SMS_URL": "http://127.0.0.1:9/send"})
    server.start()
    services = server.session("admin").get(server.url + "/api/v1/services").json()["services"]
    op = server.session("operator1")
    desks = op.get(server.url + "/api/v1/desks").json()["desks"]
    for i in range(140):   # a busy morning: every service, some served, most still waiting
        server.issue(services[i % len(services)]["id"], **({"priority": True, "priority_reason": "elderly"}
                                                           if i % 17 == 0 else {}))
    for round_ in range(4):
        if round_ == 3:   # a lunch break at a free desk, then a call left waiting at each of the others
            assert op.post(f"{server.url}/api/v1/desks/{desks[-1]['id']}/pause", json={"reason": "lunch"}).ok
        for desk in desks:
            called = op.post(f"{server.url}/api/v1/desks/{desk['id']}/call-next")
            if called.status_code != 200:
                continue
            ticket = called.json()
            if round_ == 3:
                continue          # left called at the desk
            op.post(f"{server.url}/api/v1/tickets/{ticket['id']}/start")
            op.post(f"{server.url}/api/v1/tickets/{ticket['id']}/finish")
    yield server
    server.stop()


def sign_in(page, url, username, lang):
    page.goto(f"{url}/admin/?lang={lang}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#app")).to_be_visible()


CHART_FIT = """() => [...document.querySelectorAll('#tab-reports svg.chart')].map((svg) => {
  const box = svg.getBoundingClientRect();
  const texts = [...svg.querySelectorAll('text')];
  const out = texts.filter((t) => { const r = t.getBoundingClientRect();
    return r.width > 0 && (r.left < box.left - 0.5 || r.right > box.right + 0.5 || r.top < box.top - 0.5 || r.bottom > box.bottom + 0.5); });
  const sizes = [...new Set(texts.map((t) => getComputedStyle(t).fontSize))];
  const card = svg.closest('.ad-card').getBoundingClientRect();
  const legend = [...svg.parentElement.querySelectorAll('.chart-legend li')].filter((li) => li.getBoundingClientRect().right > card.right);
  return {id: svg.parentElement.id, clipped: out.map((t) => t.textContent), sizes, legendOut: legend.length,
          scale: box.width / svg.viewBox.baseVal.width, label: svg.getAttribute('aria-label')};
})"""


@pytest.mark.parametrize("size", ["1366", "1920"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_report_charts_fit_read_alike_and_the_table_needs_no_sideways_scroll(staff_server, new_page, size, lang):
    page = new_page(SIZES[size])
    sign_in(page, staff_server.url, "manager", lang)
    page.click("[data-tab=reports]")
    expect(page.locator("#chart-service-waits svg")).to_be_visible()
    charts = page.evaluate(CHART_FIT)
    assert {c["id"] for c in charts} == {"chart-days", "chart-hours", "chart-services", "chart-service-waits"}
    for c in charts:
        assert c["clipped"] == [], (c["id"], c["clipped"])     # no label cut at the chart's edge
        assert c["sizes"] == ["13px"], (c["id"], c["sizes"])   # one text size in every chart
        assert abs(c["scale"] - 1) < 0.02, c                    # drawn at its real size: 13 px is 13 px
        assert c["legendOut"] == 0
    services = {c["id"]: c["label"] for c in charts}
    housing = {"kk": "Тұрғын үй-коммуналдық шаруашылық", "ru": "Жилищно-коммунальное хозяйство",
               "en": "Housing and utilities"}[lang]
    assert housing in services["chart-services"]               # the full name in the text alternative
    unit_min = {"kk": "мин", "ru": "мин", "en": "min"}[lang]
    assert f"({unit_min})" in services["chart-service-waits"] and f"({unit_min})" not in services["chart-services"]
    for dim in ("operator", "desk", "hour", "day", "service"):   # every table of the report fits, at 1366 too
        page.click(f"[data-dim={dim}]")
        expect(page.locator("#r-body tr").first).to_be_visible()
        scroll = page.evaluate("() => { const s = document.querySelector('#r-body').closest('.ad-scroll');"
                               " return [s.scrollWidth, s.clientWidth]; }")
        page.evaluate("window.scrollTo(0, document.querySelector('#r-body').closest('.ad-card').offsetTop - 10)")
        page.screenshot(path=str(SCREENSHOTS / f"admin_report_table_{dim}_{lang}_{size}.png"))
        assert scroll[0] <= scroll[1], (dim, scroll)
    page.evaluate("window.scrollTo(0, document.querySelector('.ad-charts').offsetTop - 10)")
    screenshot(page, f"admin_report_charts_{lang}_{size}")
    page.evaluate("window.scrollTo(0, document.querySelector('#r-body').closest('.ad-card').offsetTop - 10)")
    screenshot(page, f"admin_report_table_{lang}_{size}")


def test_a_printed_report_keeps_the_charts_and_the_table(staff_server, new_page):
    page = new_page(SIZES["1366"])
    sign_in(page, staff_server.url, "manager", "kk")
    page.click("[data-tab=reports]")
    expect(page.locator("#chart-services svg")).to_be_visible()
    page.emulate_media(media="print")
    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert page.locator(".ad-tabs").is_hidden() and page.locator("#report-form .ad-button").first.is_hidden()
    assert page.evaluate(CHART_FIT) and all(c["clipped"] == [] for c in page.evaluate(CHART_FIT))
    table, card = page.evaluate("() => { const t = document.querySelector('#r-body').closest('table');"
                                " return [t.getBoundingClientRect().right, t.closest('.ad-card').getBoundingClientRect().right]; }")
    assert table <= card, (table, card)                        # the printed table stays on its page
    page.pdf(path=str(SCREENSHOTS / "admin_report_print_kk.pdf"), format="A4", landscape=True, print_background=True)
    page.screenshot(path=str(SCREENSHOTS / "admin_report_print_kk.png"), full_page=True)


def _error_at(locator):
    expect(locator).not_to_be_empty()
    assert locator.evaluate("e => getComputedStyle(e).color") == BAD
    return locator.inner_text()


@pytest.mark.parametrize("lang", ["kk", "en"])
def test_every_form_shows_the_servers_refusal_at_its_field_and_keeps_the_value(staff_server, new_page, lang):
    page = new_page(SIZES["1366"])
    sign_in(page, staff_server.url, "admin", lang)
    # A new kiosk with a printer the server cannot drive.
    page.click("[data-tab=devices]")
    page.fill("#device-form [name=name]", "Kiosk LPT")
    page.fill("#device-form [name=printer_url]", "lpt1://COM1")
    page.click("#device-form button[type=submit]")
    text = _error_at(page.locator("#device-form [data-error-for=printer_url]"))
    assert "unknown printer kind 'lpt1'" in text and "use one of" in text
    assert page.locator("#device-form [name=printer_url]").input_value() == "lpt1://COM1"
    assert page.locator("#device-form [name=printer_url]").get_attribute("aria-invalid") == "true"
    screenshot(page, f"admin_error_printer_{lang}")
    # The printer of an existing kiosk, edited in its row: the refusal beside it, never a green banner.
    row = page.locator("#v-rows tr", has_text="Kiosk 1")
    row.locator("input").fill("lpt1://COM1")
    row.get_by_role("button", name=re.compile("Save|Сақтау")).click()
    assert "unknown printer kind" in _error_at(row.locator(".ad-row-error"))
    assert page.locator("#notice").is_hidden()
    # The office's time zone.
    page.click("[data-tab=office]")
    expect(page.locator("#office-form [name=timezone]")).to_have_value("Asia/Almaty")   # the office is loaded
    page.fill("#office-form [name=timezone]", "Mars/Olympus")
    page.click("#office-form button[type=submit]")
    assert "Asia/Almaty" in _error_at(page.locator("#office-form [data-error-for=timezone]"))
    assert page.locator("#office-form [name=timezone]").input_value() == "Mars/Olympus"
    # A service's daily limit.
    page.click("[data-tab=services]")
    page.locator("#s-rows tr").first.get_by_role("button").click()
    page.fill("#service-form [name=daily_limit]", "lots")
    page.click("#service-form button[type=submit]")
    _error_at(page.locator("#service-form [data-error-for=daily_limit]"))
    assert page.locator("#service-form [name=daily_limit]").input_value() == "lots"
    # The SMS text of the Notifications tab.
    page.click("[data-tab=notifications]")
    page.fill("#notify-form [name=sms_template]", "Akimat: no message here")
    page.click("#notify-form button[type=submit]")
    assert "{text}" in _error_at(page.locator("#notify-form [data-error-for=sms_template]"))
    screenshot(page, f"admin_error_sms_{lang}")
    assert page.locator(".ad-banner-info:visible").count() == 0
    body = page.locator("body").inner_text()
    assert "Something went wrong" not in body and "Бірдеңе дұрыс болмады" not in body


@pytest.mark.parametrize("size", ["1366", "1920"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_notifications_tab_keeps_the_token_write_only(staff_server, new_page, size, lang):
    page = new_page(SIZES[size])
    sign_in(page, staff_server.url, "admin", lang)
    page.click("[data-tab=notifications]")
    form = page.locator("#notify-form")
    if not staff_server.session("admin").get(staff_server.url + "/api/v1/notify/settings").json()["telegram_token_set"]:
        form.locator("[name=telegram_bot]").fill("KezekAbayBot")
        form.locator("[name=telegram_token]").fill(BOT_TOKEN)
        form.locator("[name=ahead_default]").fill("4")
        form.locator("button[type=submit]").click()
        expect(page.locator("#notify-token-state")).to_contain_text("1234…:")
    expect(form.locator("[name=telegram_token]")).to_have_value("")
    assert BOT_TOKEN.split(":")[1] not in page.content()
    expect(form.locator("[name=sms_enabled]")).to_be_enabled()     # the server has a gateway
    page.click("#n-link")
    expect(page.locator("#secret-value")).to_contain_text("https://t.me/KezekAbayBot?start=m_")
    page.click("#secret-close")
    expect(page.locator("#n-managers tr")).not_to_have_count(0)
    screenshot(page, f"admin_notifications_{lang}_{size}")


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_audit_reads_in_words_with_local_times_and_the_raw_entry_a_click_away(staff_server, new_page, lang):
    page = new_page(SIZES["1920"] if lang == "en" else SIZES["1366"])
    sign_in(page, staff_server.url, "manager", lang)
    page.click("[data-tab=audit]")
    expect(page.locator("#a-rows tr").first).to_be_visible()
    text = page.locator("#a-rows").inner_text()
    assert not re.search(r"\b(ticket|desk|booking|user|device)\.[a-z_]+\b", text)    # no raw event names
    assert not re.search(r"\b[a-z]+_[a-z_]+\b", page.locator("#a-rows dl").first.inner_text())
    assert not re.search(r"\d{4}-\d\d-\d\dT", text.replace(page.locator("#a-rows").evaluate(
        "e => [...e.querySelectorAll('pre')].map(p => p.textContent).join('')"), ""))
    page.fill("#audit-form [name=user]", "operator1")     # the operator's own day: calls, then the lunch break
    page.click("#audit-form button[type=submit]")
    paused = page.locator("#a-rows tr", has_text={"kk": "Түскі үзіліс", "ru": "Обед", "en": "Lunch"}[lang]).first
    expect(paused).to_be_visible()
    raw = paused.locator("details")
    raw.locator("summary").click()
    expect(raw.locator("pre")).to_contain_text('"name": "desk.paused"')
    expect(raw.locator("pre")).to_contain_text("Z\"")
    screenshot(page, f"admin_audit_words_{lang}")


@pytest.mark.parametrize("size", ["1366", "1920"])
def test_the_monitor_pages_a_long_queue_and_filters_it(staff_server, new_page, size):
    page = new_page(SIZES[size])
    sign_in(page, staff_server.url, "manager", "kk")
    expect(page.locator("#m-tickets li")).to_have_count(50)
    expect(page.locator("#m-page")).to_contain_text("1–50")
    assert page.evaluate("document.documentElement.scrollHeight") < 3000
    page.click("#m-next")
    expect(page.locator("#m-page")).to_contain_text("51–100")
    page.select_option("#m-filter [name=state]", "called")
    wait_js(page, "() => document.querySelectorAll('#m-tickets li').length > 0 && "
                  "document.querySelectorAll('#m-tickets li').length <= 6")
    page.select_option("#m-filter [name=state]", "waiting")
    service = page.locator("#m-service option").nth(2)
    page.select_option("#m-service", service.get_attribute("value"))
    prefix = service.inner_text().split(" ")[0]
    wait_js(page, "p => [...document.querySelectorAll('#m-tickets li strong')].every(s => s.textContent.startsWith(p))"
                  " && document.querySelectorAll('#m-tickets li').length > 0", prefix)
    staff_server.issue(int(service.get_attribute("value")))          # still live
    screenshot(page, f"admin_monitor_paged_kk_{size}")
