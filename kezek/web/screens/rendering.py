"""Rendering a screen's page: its template (in the screen's folder), its language and its browser strings.

A screen module `kezek/web/screens/<name>.py` defines a blueprint `bp` with its page routes
and `STRINGS`, the browser strings it needs in kk, ru and en (marked with N_).
"""
from __future__ import annotations

import json

from flask import render_template, request
from markupsafe import Markup

from kezek.base import i18n
from kezek.base.i18n import N_

# The screens whose folders (kiosk/, display/, …) hold templates and static files served at /<screen>/static/.
SCREENS = ("kiosk", "display", "operator", "ticket", "admin", "board", "region")

# Strings every screen's script may need.
COMMON_STRINGS = [
    N_("Connection lost. Reconnecting…"),
    N_("Connected"),
    N_("Something went wrong. Please try again."),
    N_("Қазақша"), N_("Русский"), N_("English"),
    # staff screens: a kiosk's call for help (kezek/web/static/kezek_help.js)
    N_("%(kiosk)s: a visitor needs help"), N_("I am going"),
]


def strings_json(messages) -> Markup:
    """The page's browser strings in every language, safe inside <script type=application/json>."""
    data = i18n.catalogue(list(dict.fromkeys([*COMMON_STRINGS, *messages])))
    text = json.dumps(data, ensure_ascii=False).replace("<", "\\u003c").replace(">", "\\u003e")
    return Markup(text)


def visitor_lang(chosen: str | None = None) -> str:
    """A public page's language: ?lang=, else what the visitor chose (`chosen`, then the kept choice), else Kazakh."""
    # One rule for the board, the booking page and the ticket page: never the phone's Accept-Language.
    for lang in (request.args.get("lang"), chosen, request.cookies.get("kezek_lang")):
        if i18n.normalise_lang(lang, ""):
            return i18n.normalise_lang(lang)
    return i18n.DEFAULT_LANG


def render_screen(screen: str, template: str, strings, lang: str, **context) -> str:
    """Render a screen's template with its strings and language."""
    return render_template(f"{screen}/{template}", screen=screen, lang=lang, strings=strings_json(strings),
                           **context)
