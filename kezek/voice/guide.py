"""The kiosk's voice guide: the text of each phrase it speaks, numbers in words, and recorded clips that replace them.

A phrase is a msgid of the kiosk's catalogue (English), translated into the visitor's
language, with its %(n)s / %(min)s values read as words; or a service's name; or a ticket
number read as the display reads it. A recorded clip `<clips_dir>/<lang>/kiosk-<hash>.wav`
(the hash of `clip_key()`) replaces the synthesised phrase; `docs/kiosk.md` lists the keys.
"""
from __future__ import annotations

import hashlib
import os
from pathlib import Path

from kezek.base import i18n
from kezek.voice import speech, words

MAX_NUMBER = 999   # people ahead, minutes, a digit of a code: read in words up to this


def ticket_number_text(number: str, lang: str) -> str:
    """A ticket number as spoken: kk А017 → «А нөл он жеті»."""
    return "".join(p.glue + p.text for p in words.ticket_parts(number, lang)).strip()


def phrase_text(msgid: str, lang: str, values: dict[str, int] | None = None) -> str:
    """The spoken text of a kiosk phrase in `lang`, each value in words."""
    lang = words.check_lang(lang)
    spoken = {name: words.cardinal(int(value), lang) for name, value in (values or {}).items()}
    return i18n.gettext(lang, msgid, **spoken)


def clip_key(text: str, lang: str) -> str:
    """The recorded-clip file name that replaces a phrase: kiosk-<first 16 hex of sha256(lang, text)>.wav."""
    return "kiosk-" + hashlib.sha256(f"{lang}\n{text}".encode("utf-8")).hexdigest()[:16] + ".wav"


def audio(text: str, lang: str, cache_dir: str | os.PathLike | None = None,
          clips_dir: str | os.PathLike | None = None) -> bytes:
    """The WAV of a phrase: its recorded clip when there is one, else espeak-ng through speech's cache."""
    lang = words.check_lang(lang)
    if clips_dir is not None:
        clip = Path(clips_dir) / lang / clip_key(text, lang)
        if clip.is_file():
            return clip.read_bytes()
    return speech.synthesise(text, lang, cache_dir)
