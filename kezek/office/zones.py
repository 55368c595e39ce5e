"""A hall display's zone (which services and desks a TV shows), what its layout can hold, and zones for a big hall.

The sizes follow display/static/display.js and waiting.js: capitals of 11 mm a metre of viewing distance,
queue cells in at most 4 columns (2 on a portrait TV), the waiting band at most 40 % of the height (34 %
portrait), a page turned every 8 s, and at most 3 pages of services before the band shows one cell per body.
The display measures itself (its staff panel says what it holds); this is the same rule worked out ahead.
"""
from __future__ import annotations

import json
import math

from kezek.base.errors import Invalid
from kezek.office import store

CAP_MM_PER_M = 11           # ADA 703.5.5 scaled by distance: 55 mm at 5 m, 86 mm at 8 m
CAP_RATIO = 0.729           # DejaVu Sans Bold: capital height over font size
MAX_SERVICE_PAGES = 3       # waiting.js: more, and the band summarises per body
PAGE_S = 8
SCREEN_IN = (20, 120)       # a TV's diagonal, inches
VIEWING_M = (1, 30)
ZONE_KEYS = ("services", "desks")


def panel_mm(screen_in: float) -> float:
    """The long side of a 16:9 panel of this diagonal, in millimetres."""
    return screen_in * 25.4 * 16 / math.hypot(16, 9)


def layout(screen_in: float = 55, viewing_m: float = 5, portrait: bool = False) -> dict:
    """What a 1080p TV of this size shows of the waiting part when read from `viewing_m`."""
    width, height = (1080, 1920) if portrait else (1920, 1080)
    u = min(width, height) / 100
    legible = CAP_MM_PER_M * viewing_m / (panel_mm(screen_in) / max(width, height)) / CAP_RATIO
    columns = max(1 if portrait else 2, min(2 if portrait else 4, math.floor(width / (legible * 3.4))))
    budget = (0.34 if portrait else 0.40) * height - (3 * u * 1.17 + 0.8 * u) - 1.5 * u - 8
    name = max(2.2 * u, 0.35 * legible)            # long official names: the smallest name size
    room = budget - legible - 1.6 * u
    lines = max(0, min(2, math.floor(room / (name * 1.15))))
    cell = legible + lines * name * 1.15 + 1.6 * u
    rows = max(1, math.floor((budget + u) / (cell + u)))
    return {"screen_in": screen_in, "viewing_m": viewing_m, "orientation": "portrait" if portrait else "landscape",
            "cap_mm": round(CAP_MM_PER_M * viewing_m), "legible_px": round(legible, 1), "columns": columns,
            "rows": rows, "cells": rows * columns, "max_pages": MAX_SERVICE_PAGES, "page_s": PAGE_S}


def _number(settings: dict, key: str, default: float, bounds: tuple[float, float]) -> float:
    value = settings.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not bounds[0] <= value <= bounds[1]:
        raise Invalid(f"{key}: a number from {bounds[0]} to {bounds[1]}.", "bad_setting", field=key)
    return float(value)


def check_settings(db, office_id: str, settings: dict) -> None:
    """Invalid unless the zone and size settings make sense: ids of this office's services and desks, sizes in range."""
    for key, rows in (("services", store.services(db, office_id)), ("desks", store.desks(db, office_id))):
        if key not in settings:
            continue
        ids = settings[key]
        if not isinstance(ids, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in ids):
            raise Invalid(f"{key}: a list of ids.", "bad_setting", field=key)
        unknown = set(ids) - {r["id"] for r in rows}
        if unknown:
            raise Invalid(f"{key}: not of this office: {sorted(unknown)}.", "bad_setting", field=key)
    _number(settings, "screen_in", 55, SCREEN_IN)
    _number(settings, "viewing_m", 5, VIEWING_M)
    if settings.get("orientation", "landscape") not in ("landscape", "portrait"):
        raise Invalid("orientation: landscape or portrait.", "bad_setting", field="orientation")


def _body(service: dict) -> str:
    return service["group_kk"] or service["name_kk"]


def fit(db, office_id: str, settings: dict) -> dict:
    """Whether a display with these settings can show its zone: how many pages its queues take when all wait.

    `level` is "fits" (every service in at most 3 pages), "summarised" (one cell per body, in at most 3 pages),
    or "too_big" (even per body more than 3 pages: a visitor may wait half a minute for their line).
    `unserved` are services of the zone that no desk of the zone serves: their calls would never show.
    """
    check_settings(db, office_id, settings)
    size = layout(_number(settings, "screen_in", 55, SCREEN_IN), _number(settings, "viewing_m", 5, VIEWING_M),
                  settings.get("orientation") == "portrait")
    services = [s for s in store.services(db, office_id) if s["active"]]
    desks = [d for d in store.desks(db, office_id) if d["active"]]
    if settings.get("services"):
        services = [s for s in services if s["id"] in settings["services"]]
    if settings.get("desks"):
        desks = [d for d in desks if d["id"] in settings["desks"]]
    served = {i for d in desks for i in d["service_ids"]}
    bodies = sorted({_body(s) for s in services})
    pages = math.ceil(len(services) / size["cells"]) if services else 0
    body_pages = math.ceil(len(bodies) / size["cells"]) if bodies else 0
    level = "fits" if pages <= MAX_SERVICE_PAGES else "summarised" if body_pages <= MAX_SERVICE_PAGES else "too_big"
    return {"layout": size, "services": len(services), "desks": len(desks), "bodies": len(bodies),
            "pages": pages, "body_pages": body_pages, "level": level, "fits": level == "fits",
            "most_services": size["cells"] * MAX_SERVICE_PAGES,
            "unserved": [s["id"] for s in services if s["id"] not in served]}


def propose(db, office_id: str, screen_in: float = 55, viewing_m: float = 5, portrait: bool = False) -> dict:
    """Zones for a big hall: whole bodies packed in order onto TVs so that each TV shows all its services
    within 3 pages; a body too big for one TV is split. Each zone's desks are those serving its services."""
    size = layout(screen_in, viewing_m, portrait)
    most = size["cells"] * MAX_SERVICE_PAGES
    by_body: dict[str, list[dict]] = {}
    for s in store.services(db, office_id):
        if s["active"]:
            by_body.setdefault(_body(s), []).append(s)
    zones: list[list[dict]] = []
    for services in by_body.values():
        for start in range(0, len(services), most):
            part = services[start:start + most]
            if zones and len(zones[-1]) + len(part) <= most:
                zones[-1].extend(part)
            else:
                zones.append(list(part))
    desks = [d for d in store.desks(db, office_id) if d["active"]]
    out = []
    for services in zones:
        ids = [s["id"] for s in services]
        names = {}
        for s in services:   # each body once, in kk, ru and en
            names.setdefault(_body(s), {lang: s[f"group_{lang}"] or s[f"name_{lang}"] for lang in ("kk", "ru", "en")})
        out.append({"services": ids, "desks": [d["id"] for d in desks if set(d["service_ids"]) & set(ids)],
                    "bodies": list(names.values())})
    return {"layout": size, "most_services": most, "zones": out}


def _zone(settings) -> tuple[list, list]:
    settings = json.loads(settings) if isinstance(settings, str) else (settings or {})
    return (list(settings.get("services") or []) if isinstance(settings.get("services"), list) else [],
            list(settings.get("desks") or []) if isinstance(settings.get("desks"), list) else [])


def zones_showing(db, office_id: str, service_id: int) -> list[str]:
    """The names of the zoned hall displays (TVs given services or desks) that show this service's calls.

    A call shows on a TV when its service and its desk are in the TV's zone (display.js `shows`); so a
    service is in a zone when the zone takes it (or names no services) and one of the desks serving it
    (or any, when it names no desks). A TV with no zone shows every call: naming it tells a visitor nothing.
    """
    zoned = [(device["name"], *_zone(device["settings"])) for device in store.devices_of_office(db, office_id)
             if device["kind"] == "display" and not device["revoked_at"]]
    zoned = [z for z in zoned if z[1] or z[2]]
    if not zoned:          # the usual office: one read on the issuing kiosk's answer, nothing more
        return []
    serving = {d["id"] for d in store.desks(db, office_id) if d["active"] and service_id in d["service_ids"]}
    return [name for name, services, desks in zoned
            if (not services or service_id in services) and (not desks or set(desks) & serving)]
