"""Public pages in Chromium ask nothing that answers 4xx: no /favicon.ico 404, no /api/v1/me 401 on a visit."""
from __future__ import annotations

import pytest
from conftest import wait_js

from tests.e2e.test_booking import book_on_phone, office  # noqa: F401  (office: the booking fixture)

pytestmark = pytest.mark.e2e


def visit(new_page, url: str, size: str) -> list[tuple[int, str]]:
    page = new_page(size)
    failed: list[tuple[int, str]] = []
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.on("response", lambda r: failed.append((r.status, r.url)) if r.status >= 400 else None)
    page.goto(url)
    wait_js(page, "document.readyState === 'complete'")
    page.wait_for_timeout(1500)          # the page's first fetches and its favicon
    return failed + [(0, u) for u in asked if "/api/v1/me" in u]


def test_no_public_page_gets_a_404_favicon_or_a_401_from_api_me(live_server, new_page):
    ticket = live_server.issue(1)
    pages = [(f"{live_server.url}/board/demo", "phone"), (f"{live_server.url}/book/?office=demo", "phone"),
             (ticket["url"], "phone"), (f"{live_server.url}/display/", "tv"),
             (f"{live_server.url}/kiosk/?token={live_server.demo['kiosk_token']}", "kiosk_portrait")]
    found = {url: visit(new_page, url, size) for url, size in pages}
    assert {url: bad for url, bad in found.items() if bad} == {}


def test_a_signed_in_clerk_books_for_a_caller_on_the_public_booking_page_without_asking_api_me(live_server, new_page):
    page = new_page("phone")
    page.goto(f"{live_server.url}/operator/")
    answer = page.request.post(f"{live_server.url}/api/v1/login",
                               data={"username": "operator1", "password": live_server.demo["users"]["operator1"]})
    assert answer.status == 200
    asked: list[str] = []
    page.on("request", lambda r: asked.append(r.url))
    page.goto(f"{live_server.url}/book/?office=demo")
    wait_js(page, "document.readyState === 'complete'")
    token = page.evaluate("JSON.parse(document.getElementById('book-boot').textContent).csrf")
    assert token and token == answer.json()["csrf_token"]          # the page carries the session's own token
    assert not [u for u in asked if "/api/v1/me" in u]


def test_a_visitor_books_on_the_phone_without_a_401_from_api_me(office, new_page):
    page = new_page("phone")
    refused: list[tuple[int, str]] = []
    page.on("response", lambda r: refused.append((r.status, r.url)) if r.status >= 400 or "/api/v1/me" in r.url
            else None)
    book_on_phone(page, office, "kk")
    assert refused == []
