"""Kazakh wording a resident would use: one word for the office, today's word for disability, whole words."""
from __future__ import annotations

from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[1]


def kazakh() -> dict[str, str]:
    found = {}
    for po in (ROOT / "translations").glob("*/kk/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            found |= {m.id: m.string for m in read_po(f, locale="kk") if m.id and m.string}
    return found


@pytest.mark.parametrize("word, instead", [
    ("Ведомств", "the office is «Кеңсе» on every screen"), ("Мекеме", "the office is «Кеңсе» on every screen"),
    ("Мүмкіндігі шектеулі", "the law's word since 2021 is «мүгедектігі бар адам»"),
    (" с кейін", "«секундтан кейін», not an abbreviation a voice or a resident stumbles on")])
def test_no_kazakh_string_uses(word, instead):
    assert [s for s in kazakh().values() if word in s] == [], instead


def test_kazakh_says_where_to_go_and_when_registration_opens_as_residents_do():
    kk = kazakh()
    assert kk["Person with a disability"] == "Мүгедектігі бар адам"
    assert kk["Booking settings of the office"] == "Кеңсенің алдын ала жазылу баптаулары"
    # The kiosk fills in the time with its suffix (Kezek.timeFrom: 17:15-тен): the sentence then reads right.
    assert kk["You are early. Please come back at %(time)s."].endswith("%(time)s бастап ашылады.")
