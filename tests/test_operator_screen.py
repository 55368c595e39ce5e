"""The operator desk's page: served in three languages, every string translated, CSP-clean."""
from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

from kezek.printers import driver
from kezek.queue import desks
from kezek.web.screens import operator as screen_operator

ROOT = Path(__file__).resolve().parents[1]


def _catalogue(lang: str):
    with (ROOT / "translations" / "operator" / lang / "LC_MESSAGES" / "messages.po").open("rb") as f:
        return read_po(f, locale=lang)


def test_the_page_is_served_in_kazakh_by_default_and_in_russian_on_request(client):
    kk = client.get("/operator/")
    assert kk.status_code == 200
    assert 'data-lang="kk"' in kk.text and "Оператордың жұмыс орны" in kk.text
    ru = client.get("/operator/?lang=ru")
    assert 'data-lang="ru"' in ru.text and "Рабочее место оператора" in ru.text


def test_every_operator_string_has_a_kazakh_and_a_russian_translation():
    for lang in ("kk", "ru"):
        catalogue = _catalogue(lang)
        missing = [m for m in screen_operator.STRINGS if not (catalogue.get(m) and catalogue.get(m).string)]
        assert missing == [], (lang, missing)
        # Placeholders survive translation, or the browser shows %(n)s to the operator.
        for message in catalogue:
            if message.id:
                assert sorted(re.findall(r"%\(\w+\)s", message.id)) == sorted(
                    re.findall(r"%\(\w+\)s", message.string)), (lang, message.id)


def test_the_page_carries_its_strings_for_the_browser_in_all_three_languages(client):
    page = client.get("/operator/").text
    assert '"Келесі клиентті шақыру"' in page and '"Вызвать следующего"' in page and '"Call next"' in page


def test_the_page_has_no_inline_script_code_for_the_content_security_policy(client):
    page = client.get("/operator/").text
    for tag in re.findall(r"<script[^>]*>", page):
        assert "src=" in tag or 'type="application/json"' in tag, tag
    assert " style=" not in page


def test_the_pause_reasons_offered_are_the_ones_the_engine_accepts():
    assert set(screen_operator.PAUSE_REASON_LABELS) == set(desks.PAUSE_REASONS)


def test_printer_problems_named_on_the_screen_are_real_printer_states():
    assert set(screen_operator.PRINTER_PROBLEMS) <= set(driver.STATES)


def test_every_error_code_the_screen_explains_is_one_the_server_sends():
    source = "\n".join(p.read_text() for p in (ROOT / "kezek").rglob("*.py")
                       if p.name != "operator.py")
    unknown = [code for code in screen_operator.ERROR_MESSAGES if f'"{code}"' not in source]
    assert unknown == []
