"""One language rule for every public page (board, booking page, ticket page): Kazakh unless the visitor chose."""
from __future__ import annotations

import pytest


PAGES = ["/board/", "/book/"]


def lang_of(response) -> str:
    html = response.get_data(as_text=True)
    return html.split('<html lang="', 1)[1].split('"', 1)[0]


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("phone", ["ru", "en-US,en;q=0.9", "ru-RU,ru;q=0.9,kk;q=0.5"])
def test_a_public_page_opens_in_kazakh_whatever_the_phone_speaks(client, path, phone):
    assert lang_of(client.get(path, headers={"Accept-Language": phone})) == "kk"


@pytest.mark.parametrize("path", PAGES)
@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
def test_the_visitors_choice_is_kept_across_public_pages(client, path, lang):
    client.set_cookie("kezek_lang", lang)                  # set by the language buttons of any public page
    assert lang_of(client.get(path, headers={"Accept-Language": "en"})) == lang


@pytest.mark.parametrize("path", PAGES)
def test_the_address_names_the_language_first(client, path):
    client.set_cookie("kezek_lang", "ru")
    assert lang_of(client.get(path + "?lang=en")) == "en"
    assert lang_of(client.get(path + "?lang=xx")) == "ru"     # an unknown language is no choice


def test_the_ticket_page_follows_the_language_chosen_at_the_kiosk(client, kiosk_headers):
    ticket = client.post("/api/v1/tickets", json={"service": 2, "lang": "ru"}, headers=kiosk_headers).get_json()
    client.set_cookie("kezek_lang", "en")
    assert lang_of(client.get(f"/t/{ticket['token']}", headers={"Accept-Language": "kk"})) == "ru"
    assert lang_of(client.get(f"/t/{ticket['token']}?lang=kk")) == "kk"
