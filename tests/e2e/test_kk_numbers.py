"""Kazakh and Russian numbers on the screens: a decimal comma ("6,1 мин") and "17:15-тен бастап"."""
from __future__ import annotations

import pytest
from conftest import wait_js

pytestmark = pytest.mark.e2e

# The ablative after a time follows its last spoken word: он бес, отыз, он, қырық, елу, алты, тоғыз, (он жеті) нөл нөл.
FROM = {"17:15": "17:15-тен", "17:30": "17:30-дан", "09:10": "09:10-нан", "08:40": "08:40-тан", "11:50": "11:50-ден",
        "10:06": "10:06-дан", "12:09": "12:09-дан", "17:00": "17:00-ден", "10:00": "10:00-нан", "20:00": "20:00-дан",
        "14:03": "14:03-тен", "09:02": "09:02-ден", "13:37": "13:37-ден"}
# The dative ("14:00-ке дейін", until) likewise: он төрт, отыз, қырық, елу, он, жиырма, он алты, он жеті, бес, нөл.
UNTIL = {"14:00": "14:00-ке", "13:30": "13:30-ға", "10:40": "10:40-қа", "13:50": "13:50-ге", "10:00": "10:00-ға",
         "20:00": "20:00-ға", "16:00": "16:00-ға", "17:00": "17:00-ге", "14:05": "14:05-ке", "00:00": "00:00-ге",
         "12:00": "12:00-ге", "19:00": "19:00-ға"}


def test_kazakh_and_russian_screens_write_a_decimal_comma_and_kazakh_times_take_their_suffix(live_server, new_page):
    page = new_page("phone")
    page.goto(f"{live_server.url}/board/demo?lang=kk")
    wait_js(page, "typeof Kezek === 'object' && typeof Kezek.number === 'function'")
    shown = page.evaluate("""() => ({
        kk: [Kezek.number(6.1, 1, 'kk'), Kezek.number(12345.6, 1, 'kk'), Kezek.number(4.25, 1, 'kk')],
        ru: [Kezek.number(6.1, 1, 'ru'), Kezek.number(0.5, 1, 'ru')],
        en: [Kezek.number(6.1, 1, 'en'), Kezek.number(12345.6, 1, 'en')]})""")
    assert shown["kk"][0] == "6,1" and shown["kk"][1].replace("\u00a0", " ").replace("\u202f", " ") == "12 345,6"
    assert shown["ru"] == ["6,1", "0,5"] and shown["en"] == ["6.1", "12,345.6"]
    times = page.evaluate("(times) => times.map((t) => Kezek.timeFrom(t, 'kk'))", list(FROM))
    assert dict(zip(FROM, times)) == FROM
    assert page.evaluate("Kezek.timeFrom('17:15', 'ru')") == "17:15"
    until = page.evaluate("(times) => times.map((t) => Kezek.timeUntil(t, 'kk'))", list(UNTIL))
    assert dict(zip(UNTIL, until)) == UNTIL
    assert page.evaluate("Kezek.timeUntil('14:00', 'ru')") == "14:00"
