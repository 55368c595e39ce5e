"""The phone pages (ticket, booking, open board) at 200 % zoom and with the phone's largest font, on a 360 px phone:
no sideways scroll, nothing cut off, every target at least 44 px."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import SCREENSHOTS, screenshot

pytestmark = pytest.mark.e2e

# 200 % zoom of a 360×740 phone: the page lays out in 180×370 CSS px (each drawn twice as large).
ZOOMED = (180, 370)
CHECK = """() => {
  const s = document.scrollingElement;
  const bad = [];
  document.querySelectorAll('body *').forEach((el) => {
    if (!el.getClientRects().length) return;
    const style = getComputedStyle(el);
    if (style.visibility === 'hidden' || el.closest('[hidden], [aria-hidden=true], .visually-hidden')) return;
    const r = el.getBoundingClientRect();
    if (r.width === 0 || r.height === 0) return;
    const target = el.matches('button, a[href], input:not([type=hidden]), select, [role=button]');
    if (target && (r.width < 44 || r.height < 44)) bad.push('small ' + el.tagName + ' ' + (el.id || el.className) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
    if (r.right > innerWidth + 1 || r.left < -1) bad.push('outside ' + el.tagName + ' ' + (el.id || el.className) + ' ' + Math.round(r.left) + '..' + Math.round(r.right));
    const clips = ['hidden', 'clip'].includes(style.overflowX) || ['hidden', 'clip'].includes(style.overflow);
    if (clips && el.scrollWidth > el.clientWidth + 2 && !/ellipsis/.test(style.textOverflow)) bad.push('cut ' + el.tagName + ' ' + (el.id || el.className));
  });
  return {scroll: s.scrollWidth - innerWidth, bad};
}"""


def check(page, name: str, large_font: bool) -> None:
    if large_font:
        # The phone's largest font: text twice the size (Android's 200 % font scale), as a browser sets it.
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        page.wait_for_timeout(200)
    result = page.evaluate(CHECK)
    if result["scroll"] > 0 or result["bad"]:
        screenshot(page, f"{name}-does-not-fit")
    assert result["scroll"] <= 0, f"{name}: scrolls {result['scroll']} px sideways"
    assert result["bad"] == [], f"{name}: {result['bad']}"
    screenshot(page, name)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"), full_page=True)   # the whole page, to look at


@pytest.mark.parametrize("large_font", [False, True], ids=["zoom200", "zoom200-largest-font"])
def test_the_ticket_page_at_200_percent(live_server, new_page, large_font):
    ticket = live_server.issue(3, lang="kk")
    page = new_page(ZOOMED)
    page.goto(ticket["url"])
    expect(page.locator("#number")).to_have_text(ticket["number"])
    check(page, "phone-zoom-ticket" + ("-font" if large_font else ""), large_font)


@pytest.mark.parametrize("large_font", [False, True], ids=["zoom200", "zoom200-largest-font"])
def test_the_ticket_pages_rating_at_200_percent(live_server, new_page, large_font):
    """After the visit: the stars, the choice in words, the comment and the send button all fit."""
    ticket = live_server.issue(7, lang="ru")                     # Ж: only desk 6 serves it
    staff = live_server.session("operator1")
    called = staff.post(f"{live_server.url}/api/v1/desks/6/call-next", timeout=5).json()
    assert called["number"] == ticket["number"]
    for step in ("start", "finish"):
        staff.post(f"{live_server.url}/api/v1/tickets/{called['id']}/{step}", timeout=5).raise_for_status()
    page = new_page(ZOOMED)
    page.goto(ticket["url"])
    expect(page.locator("#rate")).to_be_visible()
    page.locator(".tk-star[data-stars='5']").click()
    expect(page.locator("#rate-chosen")).to_have_text("5 из 5 — Отлично")
    check(page, "phone-zoom-ticket-rating" + ("-font" if large_font else ""), large_font)


@pytest.mark.parametrize("large_font", [False, True], ids=["zoom200", "zoom200-largest-font"])
def test_the_booking_page_at_200_percent(live_server, new_page, large_font):
    """Every step: the services, the days and times, the check, the booking with its code and QR."""
    name = "phone-zoom-book" + ("-font" if large_font else "")
    page = new_page(ZOOMED)
    page.goto(live_server.url + "/book/")
    page.wait_for_load_state("networkidle")
    check(page, name, large_font)
    page.locator("#services .service").first.click()
    expect(page.locator("#times .time").first).to_be_visible()
    check(page, name + "-slots", large_font)
    page.locator("#times .time").first.click()
    expect(page.locator("#step-confirm")).to_be_visible()
    check(page, name + "-confirm", large_font)
    page.locator("#btn-book").click()
    expect(page.locator("#booking-code")).to_have_text(re.compile(r"\d{4} \d{4}"))
    page.wait_for_load_state("networkidle")
    check(page, name + "-booking", large_font)


@pytest.mark.parametrize("large_font", [False, True], ids=["zoom200", "zoom200-largest-font"])
def test_the_open_board_at_200_percent(live_server, new_page, large_font):
    page = new_page(ZOOMED)
    page.goto(live_server.url + "/board/")
    page.wait_for_load_state("networkidle")
    check(page, "phone-zoom-board" + ("-font" if large_font else ""), large_font)
