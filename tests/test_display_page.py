"""The display page: served to anyone, in kk (default), ru and en, with every browser string translated."""
import json
import re

import pytest

from kezek.base import i18n
from kezek.web.screens import display as screen_display


def page_strings(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="kezek-strings">(.*?)</script>', html, re.S)
    return json.loads(match.group(1))


@pytest.mark.parametrize("lang,title", [("kk", "Электрондық кезек"), ("ru", "Электронная очередь"),
                                        ("en", "Electronic queue")])
def test_the_display_page_is_public_and_speaks_the_asked_language(client, lang, title):
    response = client.get("/display/", query_string={"lang": lang})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert f'<html lang="{lang}">' in html
    assert f">{title}</span>" in html
    assert "/display/static/display.js" in html


def test_kazakh_is_the_default(client):
    html = client.get("/display/").get_data(as_text=True)
    assert '<html lang="kk">' in html and "Соңғы шақырулар" in html


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_display_string_is_translated(lang):
    i18n.compile_catalogues()
    missing = [m for m in screen_display.STRINGS if i18n.gettext(lang, m) == m]
    assert not missing


def test_the_page_carries_its_strings_in_all_three_languages(client):
    strings = page_strings(client.get("/display/").get_data(as_text=True))
    assert strings["kk"]["Please go to desk %(desk)s"] == "%(desk)s-терезеге келіңіз"
    assert strings["ru"]["Waiting"] == "Ожидают"
    assert strings["en"]["Tap to enable sound"] == "Tap to enable sound"


@pytest.mark.parametrize("name", ["display.js", "display.css"])
def test_the_display_script_and_style_are_served(client, name):
    response = client.get(f"/display/static/{name}")
    assert response.status_code == 200
    response.close()  # a file response keeps its file open until closed
