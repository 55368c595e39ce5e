"""The admin screen's week with its lunch break, the office's holidays and users' full names, in real Chromium:
set as an admin would, each refusal at its field in the error colour with the value kept, at 1366 and 1920 in
kk, ru and en (axe-core on each screen)."""
from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import LiveServer, screenshot
from tests.e2e.test_admin_staff import BAD, SIZES, sign_in

pytestmark = pytest.mark.e2e
WORDS = {"kk": ("Апта күндері бойынша жұмыс уақыты", "Дүйсенбі", "Аты-жөні"),
         "ru": ("Часы работы по дням недели", "Понедельник", "ФИО"),
         "en": ("Opening hours per weekday", "Monday", "Full name")}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("office-hours"))
    server.start()
    yield server
    server.stop()


def hours(server) -> list[dict]:
    return server.session("admin").get(server.url + "/api/v1/offices/demo/hours", timeout=5).json()["days"]


def no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    wide = page.evaluate("""() => [...document.querySelectorAll('#tab-office .ad-scroll')]
        .filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.scrollWidth - e.clientWidth)""")
    assert wide == [], wide


def test_the_admin_sets_the_week_with_a_lunch_break_and_a_bad_day_is_refused_at_its_field(server, new_page):
    page = new_page(SIZES["1366"])
    sign_in(page, server.url, "admin", "en")
    page.click("[data-tab=office]")
    rows = page.locator("#h-rows tr")
    expect(rows).to_have_count(7)
    expect(page.locator("#hours-same")).to_contain_text("open every day, all day")
    form = page.locator("#hours-form")
    for weekday in range(1, 6):
        for key, value in (("opens", "09:00"), ("closes", "18:00"), ("lunch_from", "13:00"), ("lunch_to", "14:00")):
            form.locator(f"[name={key}-{weekday}]").fill(value)
    form.locator("[name=opens-6]").fill("10:00")
    form.locator("[name=closes-6]").fill("14:00")
    form.locator("[name=open-7]").uncheck()
    expect(form.locator("[name=opens-7]")).to_be_disabled()
    # Tuesday's lunch has no end: refused at Tuesday's "Lunch until", in the error colour, nothing saved.
    form.locator("[name=lunch_to-2]").fill("")
    form.locator("button[type=submit]").click()
    slot = form.locator("[data-error-for=lunch_to-2]")
    expect(slot).to_contain_text("Give both ends of the lunch break, or neither.")
    assert slot.evaluate("e => getComputedStyle(e).color") == BAD
    expect(form.locator("[name=lunch_to-2]")).to_have_attribute("aria-invalid", "true")
    expect(form.locator("[name=lunch_from-2]")).to_have_value("13:00")         # the values stay for correcting
    assert hours(server) == []
    # A lunch outside the day is refused at that day's "Lunch from".
    form.locator("[name=lunch_to-2]").fill("14:00")
    form.locator("[name=lunch_from-3]").fill("08:00")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for=lunch_from-3]")).to_contain_text("within the opening hours")
    expect(form.locator("[data-error-for=lunch_to-2]")).to_be_empty()
    form.locator("[name=lunch_from-3]").fill("13:00")
    form.locator("[name=closes-4]").fill("9")
    form.locator("button[type=submit]").click()
    expect(form.locator("[data-error-for=closes-4]")).to_contain_text("A time as HH:MM")
    form.locator("[name=closes-4]").fill("18:00")
    form.locator("button[type=submit]").click()
    expect(page.locator("#notice")).to_have_text("Saved.")
    week = hours(server)
    assert [d["weekday"] for d in week] == [1, 2, 3, 4, 5, 6]
    assert week[1] == {"weekday": 2, "opens": "09:00", "closes": "18:00", "lunch_from": "13:00", "lunch_to": "14:00"}
    assert week[5] == {"weekday": 6, "opens": "10:00", "closes": "14:00", "lunch_from": None, "lunch_to": None}
    # The screen shows what was saved after a reload; the kiosk's services carry today's hours.
    page.reload()
    page.click("[data-tab=office]")
    expect(page.locator("[name=lunch_from-1]")).to_have_value("13:00")
    expect(page.locator("[name=open-7]")).not_to_be_checked()
    expect(page.locator("#hours-same")).to_be_empty()
    screenshot(page, "admin_office_hours_en_1366")
    page.click("#hours-reset")                                              # back to the office's hours every day
    expect(page.locator("#hours-same")).to_contain_text("open every day, all day")
    assert hours(server) == []


def test_kazakhstans_public_holidays_load_once_and_are_edited_like_any_day(server, new_page):
    page = new_page(SIZES["1920"])
    sign_in(page, server.url, "admin", "ru")
    page.click("[data-tab=office]")
    page.click("#holidays-public")
    expect(page.locator("#holidays-result")).to_contain_text("Добавлено государственных праздников")
    independence = page.locator("#b-holidays tr", has_text="Тәуелсіздік").first
    expect(independence).to_be_visible()
    day = independence.get_attribute("data-day")
    assert day.endswith("-12-16")
    page.click("#holidays-public")                                        # a second load adds nothing
    expect(page.locator("#holidays-result")).to_have_text("Все государственные праздники этих лет уже в списке.")
    independence.get_by_role("button", name="Удалить").click()
    expect(page.locator(f"#b-holidays tr[data-day='{day}']")).to_have_count(0)
    config = server.session("admin").get(server.url + "/api/v1/booking-config", timeout=5).json()
    assert day not in {h["day"] for h in config["holidays"]} and len(config["holidays"]) > 20
    form = page.locator("#holiday-form")
    form.locator("[name=name]").fill("x" * 20)
    form.locator("button[type=submit]").click()                            # no date: refused at the date
    expect(form.locator("[data-error-for=day]")).to_contain_text("Выберите дату.")
    assert form.locator("[data-error-for=day]").evaluate("e => getComputedStyle(e).color") == BAD
    form.locator("[name=day]").fill(day)
    form.locator("[name=name]").fill("День Независимости (перенос)")
    form.locator("button[type=submit]").click()
    expect(page.locator(f"#b-holidays tr[data-day='{day}']")).to_contain_text("перенос")
    screenshot(page, "admin_office_holidays_ru_1920")


def test_an_admin_gives_users_full_names_and_a_too_long_one_is_refused_in_its_row(server, new_page):
    page = new_page(SIZES["1366"])
    sign_in(page, server.url, "admin", "kk")
    page.click("[data-tab=users]")
    form = page.locator("#user-form")
    form.locator("[name=username]").fill("clerk9")
    form.locator("[name=full_name]").fill("Сейітова  Әсел Болатқызы")
    form.locator("button[type=submit]").click()
    expect(page.locator("#secret")).to_be_visible()
    page.click("#secret-close")
    row = page.locator("#u-rows tr", has_text="operator1")
    field = row.locator("input[name=full_name]")
    field.fill("x" * 121)
    row.get_by_role("button", name="Сақтау").click()
    slot = row.locator(".ad-row-error")
    expect(slot).to_contain_text("Аты-жөні 120 таңбадан аспауы керек.")
    assert slot.evaluate("e => getComputedStyle(e).color") == BAD
    expect(field).to_have_value("x" * 121)
    field.fill("Әлиев Нұрлан Серікұлы")
    row.get_by_role("button", name="Сақтау").click()
    expect(slot).to_be_empty()
    users = {u["username"]: u for u in server.session("admin").get(server.url + "/api/v1/users", timeout=5).json()["users"]}
    assert users["operator1"]["full_name"] == "Әлиев Нұрлан Серікұлы"
    assert users["clerk9"]["full_name"] == "Сейітова Әсел Болатқызы"
    expect(page.locator("#u-rows tr", has_text="clerk9").locator("input[name=full_name]")).to_have_value(
        "Сейітова Әсел Болатқызы")
    screenshot(page, "admin_users_full_names_kk_1366")


@pytest.mark.parametrize("size", ["1366", "1920"])
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_office_tab_and_the_users_tab_read_in_each_language_and_fit(server, new_page, lang, size):
    page = new_page(SIZES[size])
    sign_in(page, server.url, "admin", lang)
    page.click("[data-tab=office]")
    title, monday, full_name = WORDS[lang]
    expect(page.locator("#hours-title")).to_have_text(title)
    expect(page.locator("#h-rows tr[data-weekday='1'] th")).to_have_text(monday)
    page.locator("#hours-form").scroll_into_view_if_needed()
    no_sideways_scroll(page)
    screenshot(page, f"admin_office_hours_{lang}_{size}")
    page.locator("#holidays-card").scroll_into_view_if_needed()
    screenshot(page, f"admin_office_holidays_{lang}_{size}")
    page.click("[data-tab=users]")
    expect(page.locator("#tab-users thead")).to_contain_text(full_name)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, f"admin_users_{lang}_{size}")
