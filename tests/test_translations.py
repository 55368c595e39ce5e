"""Every string a person sees exists in kk, ru and en."""
from __future__ import annotations

import importlib
import re
from pathlib import Path

import pytest

from kezek.base import i18n
from kezek.web.screens import rendering as screens

ROOT = Path(__file__).resolve().parents[1]
TEMPLATE_CALL = re.compile(r"""\b_\(\s*(["'])(.+?)\1\s*[,)]""")


def catalogue_ids(lang: str) -> dict[str, str]:
    from babel.messages.pofile import read_po
    found: dict[str, str] = {}
    for po in (ROOT / "translations").glob(f"*/{lang}/LC_MESSAGES/messages.po"):
        with po.open("rb") as f:
            for message in read_po(f, locale=lang):
                if message.id and message.string:
                    found[message.id] = message.string
    return found


def browser_strings() -> set[str]:
    messages = set(screens.COMMON_STRINGS)
    for screen in screens.SCREENS:
        if (ROOT / "kezek" / "web" / "screens" / f"{screen}.py").exists():
            messages |= set(importlib.import_module(f"kezek.web.screens.{screen}").STRINGS)
    return messages


def template_strings() -> set[str]:
    found = set()
    for folder in ("kiosk", "display", "operator", "ticket", "admin", "board", "kezek/web/templates"):
        for path in (ROOT / folder).rglob("*.html"):
            found |= {m.group(2) for m in TEMPLATE_CALL.finditer(path.read_text(encoding="utf-8"))}
    return found


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_browser_and_template_string_is_translated(lang):
    known = catalogue_ids(lang)
    missing = sorted(m for m in browser_strings() | template_strings() if m not in known)
    assert not missing, f"{lang} lacks: {missing}"


def test_catalogues_compile_and_translate():
    i18n.compile_catalogues()
    assert i18n.gettext("kk", "Electronic queue") == "Электрондық кезек"
    assert i18n.gettext("ru", "Electronic queue") == "Электронная очередь"
    assert i18n.gettext("en", "Electronic queue") == "Electronic queue"


def test_language_fallback_order():
    assert i18n.normalise_lang("ru-RU") == "ru"
    assert i18n.normalise_lang("fr") == "kk"
    assert i18n.normalise_lang(None) == "kk"


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_one_message_has_one_translation_across_areas(lang):
    """The areas' catalogues are merged: the same English text must read the same everywhere."""
    from babel.messages.pofile import read_po
    seen: dict[str, tuple[str, str]] = {}
    clashes = []
    for po in sorted((ROOT / "translations").glob(f"*/{lang}/LC_MESSAGES/messages.po")):
        with po.open("rb") as f:
            for message in read_po(f, locale=lang):
                if not (message.id and message.string):
                    continue
                area = po.parts[-4]
                if message.id in seen and seen[message.id][1] != message.string:
                    clashes.append(f"{message.id!r}: {seen[message.id]} vs {(area, message.string)}")
                seen.setdefault(message.id, (area, message.string))
    assert not clashes, "\n".join(clashes)
