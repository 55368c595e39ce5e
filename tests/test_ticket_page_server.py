"""The ticket page as the server sends it: language, not-found page, no personal data, lookup limits."""
from __future__ import annotations

import json
import re

import pytest



def issue(client, kiosk_headers, **extra):
    return client.post("/api/v1/tickets", json={"service": 2, **extra}, headers=kiosk_headers).get_json()


def boot_data(html: str) -> dict:
    return json.loads(re.search(r'id="ticket-data">(.*?)</script>', html, re.S).group(1))


def test_the_page_speaks_the_tickets_language_until_the_visitor_switches(client, kiosk_headers):
    t = issue(client, kiosk_headers, lang="ru")
    page = client.get(f"/t/{t['token']}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and '<html lang="ru">' in html
    assert "Перед вами: 0 чел." in html and "Земельные отношения" in html
    assert page.headers["Cache-Control"] == "no-store"
    assert '<html lang="en">' in client.get(f"/t/{t['token']}?lang=en").get_data(as_text=True)


def test_the_page_carries_numbers_and_counts_only(client, kiosk_headers):
    t = issue(client, kiosk_headers, priority=True, priority_reason="disability")
    html = client.get(f"/t/{t['token']}").get_data(as_text=True)
    boot = boot_data(html)
    assert set(boot["ticket"]) == {"token", "number", "service_id", "status", "people_ahead", "estimated_wait_s",
                                   "desk_id", "desk", "called_at", "recalls", "now_serving", "issued_time", "lunch_until"}
    assert "disability" not in html and "priority_reason" not in html and "user_id" not in html


@pytest.mark.parametrize("lang, text", [("kk", "Талон табылмады"), ("ru", "Талон не найден"),
                                        ("en", "Ticket not found")])
def test_an_unknown_token_gets_a_404_page_in_the_language_the_visitor_chose(client, lang, text):
    client.set_cookie("kezek_lang", lang)
    page = client.get("/t/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept-Language": "ru,en;q=0.5"})
    assert page.status_code == 404 and page.mimetype == "text/html"
    assert text in page.get_data(as_text=True)


@pytest.mark.parametrize("phone", ["ru", "en-US,en;q=0.9", "ru-RU,ru;q=0.9,en;q=0.5"])
def test_the_not_found_page_is_kazakh_whatever_the_phone_speaks(client, phone):
    page = client.get("/t/AAAAAAAAAAAAAAAAAAAAAA", headers={"Accept-Language": phone})
    assert page.status_code == 404 and '<html lang="kk">' in page.get_data(as_text=True)
    assert "Талон табылмады" in page.get_data(as_text=True)


def test_without_any_language_hint_the_not_found_page_is_kazakh(client):
    assert "Талон табылмады" in client.get("/t/unknown").get_data(as_text=True)


def test_guessing_tokens_on_the_page_is_limited_per_address(app, client, kiosk_headers):
    t = issue(client, kiosk_headers)
    app.config["TICKET_LOOKUPS_PER_MINUTE"] = 5
    answers = [client.get(f"/t/guess-{n}").status_code for n in range(5)]
    assert answers == [404] * 5
    assert client.get(f"/t/guess-5").status_code == 429
    assert client.get(f"/t/{t['token']}").status_code == 429          # a real token waits too
    assert client.get(f"/api/v1/tickets/{t['token']}").status_code == 429


def test_the_ticket_socket_is_no_unlimited_oracle(app, client, kiosk_headers, socket_client):
    t = issue(client, kiosk_headers)
    app.config["TICKET_LOOKUPS_PER_MINUTE"] = 3
    assert not socket_client({"screen": "ticket", "token": "guess-1"}).is_connected()
    assert not socket_client({"screen": "ticket", "token": "guess-2"}).is_connected()
    assert socket_client({"screen": "ticket", "token": t["token"]}).is_connected()
    assert not socket_client({"screen": "ticket", "token": t["token"]}).is_connected()   # over the budget


def fetch(client, path: str) -> bytes:
    with client.get(path) as response:     # static files are streamed: close them
        return response.get_data()


def test_the_ticket_page_and_its_script_are_small(client, kiosk_headers):
    t = issue(client, kiosk_headers)
    html = client.get(f"/t/{t['token']}").get_data()
    script, style = (fetch(client, f"/ticket/static/{name}") for name in ("ticket.js", "ticket.css"))
    # 28 kB: the page carries "Notify me"'s strings in three languages too (it was under 20 kB without them).
    assert len(html) < 28_000 and len(script) < 15_000 and len(style) < 8_000
    assert re.findall(rb'<script src="([^"]+)"', html) == [b"/vendor/socket.io.min.js", b"/static/kezek.js",
                                                           b"/ticket/static/ticket.js",
                                                           b"/ticket/static/ticket-notify.js",
                                                           b"/static/kezek_service_info.js"]   # what to bring
    assert len(fetch(client, "/ticket/static/ticket-notify.js")) < 8_000
