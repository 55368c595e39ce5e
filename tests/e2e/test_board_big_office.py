"""The open board of a big office: on a phone services under their body's heading, a search, figures in line; on a TV, pages."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import (
    big_office as the_csv,  # the office an admin imports from tests/samples/big_office.csv
)
from tests.e2e.conftest import screenshot

pytestmark = pytest.mark.e2e

BODIES = [(b["name_kk"], b["name_ru"], b["name_en"]) for b in the_csv.bodies()]
JUSTICE = BODIES[1]
FOUND = {"kk": "Табылған қызметтер: {}", "ru": "Найдено услуг: {}", "en": "Services found: {}"}
NOTHING = {"kk": "Ештеңе табылмады. Басқа сөзбен іздеп көріңіз.", "ru": "Ничего не найдено. Попробуйте другое слово.",
           "en": "Nothing found. Try another word."}
LANG_BUTTON = {"kk": "Қазақша", "ru": "Русский", "en": "English"}

# The bottom of each figure's text in every service card: one line per card, whatever its labels' lengths.
FIGURES_SPREAD = """() => {
  const spreads = [];
  document.querySelectorAll('#rows tr').forEach((tr) => {
    const cells = Array.from(tr.querySelectorAll('td.num'));
    if (!cells.length || tr.hidden) return;
    const bottoms = cells.map((td) => {
      const walker = document.createTreeWalker(td, NodeFilter.SHOW_TEXT);
      let last = null;
      while (walker.nextNode()) if (walker.currentNode.data.trim()) last = walker.currentNode;
      const range = document.createRange();
      range.selectNodeContents(last);
      const rects = range.getClientRects();
      return rects[rects.length - 1].bottom;
    });
    spreads.push(Math.max(...bottoms) - Math.min(...bottoms));
  });
  return spreads;
}"""


@pytest.fixture(scope="module")
def big_office(live_server):
    """The demo office with the CSV's 20 bodies, 120 services and 40 desks imported into it (dry run first)."""
    live_server.hall = the_csv.build_through_api(live_server.url, live_server.session("admin"))
    return live_server


# Each visible row of the board top to bottom: ["head" or "service", its body].
ROWS = """() => Array.from(document.querySelectorAll('#rows tr')).filter((tr) => tr.getClientRects().length)
  .map((tr) => [tr.classList.contains('body-head') ? 'head' : 'service', tr.dataset.body])"""


def test_a_big_office_board_is_grouped_by_body_on_a_phone(big_office, new_page):
    page = new_page("phone")
    page.goto(f"{big_office.url}/board/")
    headings = page.locator("#rows tr.body-head th")
    expect(headings).to_have_count(5 + len(BODIES))            # the demo's 5 bodies, then the 20
    names = headings.all_inner_texts()
    assert names[:5] == ["Құжаттар", "Жер және тұрғын үй", "Әлеуметтік көмек", "Бизнес", "Кеңес"]
    assert names[-20:] == [b[0] for b in BODIES]
    # Each heading is followed by its own services only.
    heading = None
    for kind, body in page.evaluate(ROWS):
        if kind == "head":
            heading = body
        else:
            assert body == heading
    justice = page.locator(f'#rows tr.service-row[data-body="{JUSTICE[0]}"]')
    expect(justice).to_have_count(6)
    screenshot(page, "board-big-phone-kk")
    for lang in ("ru", "en"):
        page.get_by_role("button", name=LANG_BUTTON[lang]).click()
        expect(headings.last).to_have_text(BODIES[-1][{"ru": 1, "en": 2}[lang]])
        screenshot(page, f"board-big-phone-{lang}")


@pytest.mark.parametrize("typed, lang", [("адилет", "kk"), ("ӘДІЛЕТ", "kk"), ("юстиции", "ru"), ("ЮСТИЦИ", "ru"),
                                         ("justice", "en"), ("adilet", "kk"), ("ädılet", "kk")])
def test_the_search_finds_a_body_whatever_the_script_and_case(big_office, new_page, typed, lang):
    page = new_page("phone")
    page.goto(f"{big_office.url}/board/?lang={lang}")
    expect(page.locator("#rows tr.service-row").first).to_be_visible()
    page.get_by_label({"kk": "Қызметті немесе мемлекеттік органды іздеу", "ru": "Поиск услуги или госоргана",
                       "en": "Search for a service or body"}[lang]).fill(typed)
    expect(page.locator("#find-count")).to_have_text(FOUND[lang].format(6))
    shown = page.locator("#rows tr.service-row:visible")
    expect(shown).to_have_count(6)
    expect(page.locator("#rows tr.body-head:visible")).to_have_count(1)
    expect(page.locator("#rows tr.body-head:visible")).to_have_text(JUSTICE[{"kk": 0, "ru": 1, "en": 2}[lang]])
    if typed in ("адилет", "юстиции", "justice"):
        screenshot(page, f"board-big-search-{lang}")


def test_the_search_finds_a_service_across_bodies_and_says_when_nothing_matches(big_office, new_page):
    page = new_page("phone")
    page.goto(f"{big_office.url}/board/?lang=ru")
    search = page.get_by_label("Поиск услуги или госоргана")
    search.fill("регистрация")                       # one kind of service in ten bodies (the demo's civil registry too)
    expect(page.locator("#rows tr.service-row:visible")).to_have_count(12)
    expect(page.locator("#rows tr.body-head:visible")).to_have_count(10)
    search.fill("регистрация миграц")                           # every word must match (a body's name too)
    expect(page.locator("#rows tr.service-row:visible")).to_have_count(1)
    search.fill("щщщ")
    expect(page.locator("#nothing-found")).to_have_text(NOTHING["ru"])
    expect(page.locator("#board-table")).to_be_hidden()
    screenshot(page, "board-big-nothing-ru")
    search.fill("")
    expect(page.locator("#rows tr.service-row:visible")).to_have_count(7 + 120)


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_on_a_phone_the_three_figures_of_a_service_line_up(big_office, new_page, lang):
    big_office.issue(1)
    for size in ((360, 740), (412, 915), (320, 640)):
        page = new_page(size)
        page.goto(f"{big_office.url}/board/?lang={lang}")
        expect(page.locator("#rows td.num").first).to_be_visible()
        spreads = page.evaluate(FIGURES_SPREAD)
        assert spreads and max(spreads) <= 1, f"{lang} at {size}: figures at different heights {max(spreads)} px"


@pytest.mark.parametrize("large_font", [False, True], ids=["zoom200", "zoom200-largest-font"])
def test_the_big_board_and_its_search_fit_a_phone_at_200_percent(big_office, new_page, large_font):
    from tests.e2e.test_phone_zoom import ZOOMED, check

    page = new_page(ZOOMED)
    page.goto(f"{big_office.url}/board/")
    expect(page.locator("#find-input")).to_be_visible()
    page.locator("#find-input").fill("жер")
    expect(page.locator("#find-count")).to_contain_text("Табылған қызметтер:")
    check(page, "phone-zoom-board-big-search" + ("-font" if large_font else ""), large_font)


# The page a TV shows now, read at one moment (the pages also turn by themselves): its "k / N", each visible
# row's kind, body and prefix top to bottom, and whether the page scrolls.
TV_PAGE = """() => {
  const rows = Array.from(document.querySelectorAll('#rows tr')).filter((tr) => tr.getClientRects().length);
  return {page: document.getElementById('page-of').textContent,
          rows: rows.map((tr) => [tr.classList.contains('body-head') ? 'head' : 'service', tr.dataset.body,
                                  tr.classList.contains('body-head') ? '' : tr.querySelector('.prefix').textContent,
                                  tr.getBoundingClientRect().bottom]),
          scrolls: document.documentElement.scrollHeight > window.innerHeight, height: window.innerHeight};
}"""


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_on_a_tv_the_big_board_pages_every_service_once_under_its_body(big_office, new_page, lang):
    page = new_page("tv")
    page.goto(f"{big_office.url}/board/?lang={lang}")
    expect(page.locator("#pager")).to_be_visible()
    expect(page.locator("#page-of")).to_have_text(re.compile(r"^1 / \d+$"))
    pages = int(page.locator("#page-of").inner_text().split(" / ")[1])
    assert pages > 1
    seen: dict[int, list[str]] = {}
    for _ in range(3 * pages):
        shown = page.evaluate(TV_PAGE)
        number = int(shown["page"].split(" / ")[0])
        assert shown["page"] == f"{number} / {pages}"
        assert not shown["scrolls"], f"page {number} is taller than the TV"
        assert all(bottom <= shown["height"] for *_, bottom in shown["rows"])
        assert shown["rows"][0][0] == "head", "a page begins with a body's heading"
        assert shown["rows"][-1][0] == "service", "no heading left at the foot of a page"
        heading, prefixes = None, []
        for kind, body, prefix, _ in shown["rows"]:
            if kind == "head":
                heading = body
            else:
                assert body == heading, f"{prefix} on page {number} is under another body's heading"
                prefixes.append(prefix)
        seen[number] = prefixes
        if number <= 2 and not page.evaluate("document.body.dataset.shot" + str(number) + " === '1'"):
            screenshot(page, f"board-big-tv-{lang}-page{number}")
            page.evaluate("document.body.dataset.shot" + str(number) + " = '1'")
        if len(seen) == pages:
            break
        page.get_by_role("button", name={"kk": "Келесі", "ru": "Следующая"}[lang], exact=True).click()
    assert sorted(seen) == list(range(1, pages + 1))
    every = [p for number in sorted(seen) for p in seen[number]]
    assert len(every) == 7 + 120 and len(set(every)) == len(every), "every service once over the pages"
    print(f"{lang}: 127 services on {pages} pages of a 1920x1080 TV")


def test_a_tv_turns_the_boards_pages_by_itself_and_a_search_shows_every_match(big_office, new_page):
    page = new_page("tv")
    page.goto(f"{big_office.url}/board/?lang=ru")
    expect(page.locator("#page-of")).to_have_text(re.compile(r"^1 / "))
    expect(page.locator("#page-of")).to_have_text(re.compile(r"^2 / "), timeout=25_000)   # a page every 10 s
    page.get_by_label("Поиск услуги или госоргана").fill("регистрация")
    expect(page.locator("#pager")).to_be_hidden()
    expect(page.locator("#rows tr.service-row:visible")).to_have_count(12)    # all at once, the page scrolls
    page.get_by_label("Поиск услуги или госоргана").fill("")
    expect(page.locator("#pager")).to_be_visible()
    screenshot(page, "board-big-tv-ru-after-search")
