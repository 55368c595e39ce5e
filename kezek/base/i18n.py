"""Translation catalogues shared by the engine and the web adapter (kk default, ru, en)."""
from __future__ import annotations

import functools
import os
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from babel.support import Translations

ROOT = Path(__file__).resolve().parents[2]
TRANSLATIONS = ROOT / "translations"
LANGS = ("kk", "ru", "en")
DEFAULT_LANG = "kk"


def N_(message: str) -> str:
    """Mark a string for extraction without translating it (used for browser strings)."""
    return message


def normalise_lang(lang: str | None, default: str = DEFAULT_LANG) -> str:
    """Return a supported language code for `lang`, or `default`."""
    if lang:
        lang = lang.strip().lower().replace("_", "-").split("-")[0]
        if lang in LANGS:
            return lang
    return default


def catalogue_dirs() -> list[Path]:
    """Every area's catalogue folder: translations/<area>/ (each holds <lang>/LC_MESSAGES)."""
    return sorted(p for p in TRANSLATIONS.iterdir() if p.is_dir()) if TRANSLATIONS.is_dir() else []


def compile_catalogues() -> int:
    """Compile every .po whose .mo is missing or older; return how many were written."""
    written = 0
    for po_path in TRANSLATIONS.glob("*/*/LC_MESSAGES/messages.po"):
        mo_path = po_path.with_suffix(".mo")
        if mo_path.exists() and mo_path.stat().st_mtime >= po_path.stat().st_mtime:
            continue
        with po_path.open("rb") as po_file:
            catalog = read_po(po_file, locale=po_path.parent.parent.name)
        # One temporary file per process: a region's processes started together compile at the same moment.
        tmp = mo_path.with_suffix(f".mo.{os.getpid()}.tmp")
        with tmp.open("wb") as mo_file:
            write_mo(mo_file, catalog)
        tmp.replace(mo_path)
        written += 1
    translations.cache_clear()
    return written


@functools.lru_cache(maxsize=None)
def translations(lang: str) -> Translations:
    """All areas' catalogues for one language, merged."""
    merged = Translations()
    for directory in catalogue_dirs():
        loaded = Translations.load(str(directory), [lang])
        if isinstance(loaded, Translations):
            merged.merge(loaded)
    return merged


def gettext(lang: str, message: str, **values) -> str:
    """Translate `message` into `lang`, then fill %(name)s placeholders from `values`."""
    text = translations(normalise_lang(lang)).gettext(message) if lang != "en" else message
    return text % values if values else text


def catalogue(messages, langs=LANGS) -> dict[str, dict[str, str]]:
    """{lang: {msgid: text}} for browser scripts, which switch language without a reload."""
    return {lang: {m: gettext(lang, m) for m in messages} for lang in langs}
