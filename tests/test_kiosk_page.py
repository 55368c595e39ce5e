"""The kiosk's page, its strings in kk/ru, and the QR code of a ticket page."""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pytest

from kezek.base import i18n
from kezek.web.screens.kiosk import STRINGS

PLACEHOLDER = re.compile(r"%\(\w+\)s")


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_kiosk_string_is_translated_with_its_placeholders(app, lang):
    for msgid in STRINGS:
        text = i18n.gettext(lang, msgid)
        assert text != msgid, f"{lang}: {msgid!r} is not translated"
        assert sorted(PLACEHOLDER.findall(text)) == sorted(PLACEHOLDER.findall(msgid)), (lang, msgid, text)


def test_the_page_carries_the_idle_time_and_every_language(app, client):
    app.config["KIOSK_IDLE_S"] = 45
    page = client.get("/kiosk/").get_data(as_text=True)
    assert 'data-idle-s="45"' in page
    assert "user-scalable=no" in page
    for word in ("Қызметті таңдаңыз", "Выберите услугу", "Select a service", "Талон басылып жатыр…"):
        assert word in page


def test_the_qr_code_is_an_svg_of_the_ticket_page(client, kiosk_headers):
    ticket = client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers).get_json()
    answer = client.get(f"/qr/{ticket['token']}.svg")
    assert answer.status_code == 200
    assert answer.mimetype == "image/svg+xml"
    svg = ET.fromstring(answer.data)
    assert svg.tag.endswith("svg") and svg.get("viewBox")
    assert ticket["url"] == f"http://kezek.test/t/{ticket['token']}"


def test_an_unknown_ticket_has_no_qr_code(client):
    assert client.get("/qr/no-such-token.svg").status_code == 404
