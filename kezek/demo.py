"""The demo office: a district akimat's front office with seven services and six desks."""
from __future__ import annotations

from datetime import datetime

from kezek.bookings import rules
from kezek.office import accounts, config
from kezek.office import store as office_store

OFFICE_ID = "demo"
OFFICE = {
    "name_kk": "Алмалы ауданы әкімдігінің халыққа қызмет көрсету орталығы",
    "name_ru": "Фронт-офис акимата Алмалинского района",
    "name_en": "Almaly District Akimat Front Office",
    "timezone": "Asia/Almaty",
    "ticker_kk": "Қош келдіңіз! Талоныңызды алып, табло мен дыбыстық хабарландыруды қадағалаңыз.",
    "ticker_ru": "Добро пожаловать! Возьмите талон и следите за табло и объявлениями.",
    "ticker_en": "Welcome! Take a ticket and watch the screen and listen for your number.",
}
# prefix, kk, ru, en, group (kk, ru, en)
SERVICES = [
    ("А", "АХАЖ: туу, неке, қайтыс болуды тіркеу", "ЗАГС: регистрация рождения, брака, смерти",
     "Civil registration: births, marriages, deaths", ("Құжаттар", "Документы", "Documents")),
    ("Б", "Жер қатынастары", "Земельные отношения", "Land relations", ("Жер және тұрғын үй", "Земля и жильё", "Land and housing")),
    ("В", "Тұрғын үй-коммуналдық шаруашылық", "Жилищно-коммунальное хозяйство", "Housing and utilities",
     ("Жер және тұрғын үй", "Земля и жильё", "Land and housing")),
    ("Г", "Жұмыспен қамту және әлеуметтік бағдарламалар", "Занятость и социальные программы",
     "Employment and social programmes", ("Әлеуметтік көмек", "Социальная помощь", "Social support")),
    ("Д", "Бизнесті қолдау", "Поддержка бизнеса", "Business support", ("Бизнес", "Бизнес", "Business")),
    ("Е", "Заңгер кеңесі", "Консультация юриста", "Legal consultation", ("Кеңес", "Консультации", "Advice")),
    ("Ж", "Әкімнің қабылдауы", "Приём акима", "Reception of the akim", ("Кеңес", "Консультации", "Advice")),
]
# desk name -> prefixes it serves (overlapping, so that a busy service gets help)
DESKS = {"1": "АЕ", "2": "А", "3": "БВ", "4": "ВГ", "5": "ГДЕ", "6": "Ж"}
BOOKABLE = "АЖ"
USERS = [("operator1", "operator"), ("operator2", "operator"), ("manager", "manager"), ("admin", "admin")]


def load_demo(db, now: datetime, *, password: str | None = None) -> dict:
    """Create the demo office on a fresh database; returns credentials and device tokens.

    Passwords are generated unless `password` is given (tests); they are demo credentials.
    """
    if office_store.office(db, OFFICE_ID):
        raise RuntimeError("The demo office exists already: use a fresh database.")
    config.create_office(db, OFFICE_ID, OFFICE, now)
    ids = {}
    for order, (prefix, kk, ru, en, group) in enumerate(SERVICES):
        service = config.create_service(db, OFFICE_ID, {
            "prefix": prefix, "name_kk": kk, "name_ru": ru, "name_en": en, "group_kk": group[0],
            "group_ru": group[1], "group_en": group[2], "sort_order": order}, now)
        ids[prefix] = service["id"]
    # Booking: civil registration and the akim's reception take appointments (15-minute slots).
    for prefix in BOOKABLE:
        rules.set_rule(db, ids[prefix], {"enabled": True, "slot_minutes": 15, "capacity": 1,
                                                  "days_ahead": 14}, now)
    for name, prefixes in DESKS.items():
        config.create_desk(db, OFFICE_ID, {"name": name, "service_ids": [ids[p] for p in prefixes]}, now)
    users = {}
    for username, role in USERS:
        _, users[username] = accounts.create_user(db, username, role, now, password=password)
    kiosk, kiosk_token = accounts.create_device(db, OFFICE_ID, "kiosk", "Kiosk 1 (demo)", now)
    display, display_token = accounts.create_device(db, OFFICE_ID, "display", "Hall TV (demo)", now)
    return {"office": OFFICE_ID, "users": users, "kiosk_token": kiosk_token, "display_token": display_token,
            "kiosk_id": kiosk["id"], "display_id": display["id"]}


# The demo region (`demo --region`, make run-region): the demo office and two more district offices.
REGION_OFFICES = {
    "esil": ({"name_kk": "Есіл ауданы әкімдігінің халыққа қызмет көрсету орталығы",
              "name_ru": "Фронт-офис акимата района Есиль", "name_en": "Esil District Akimat Front Office",
              "timezone": "Asia/Almaty"}, "АБГЕ"),
    "saryarka": ({"name_kk": "Сарыарқа ауданы әкімдігінің халыққа қызмет көрсету орталығы",
                  "name_ru": "Фронт-офис акимата района Сарыарка", "name_en": "Saryarka District Akimat Front Office",
                  "timezone": "Asia/Almaty"}, "АВДЖ"),
}


def load_region_demo(db, now: datetime, *, password: str | None = None) -> dict:
    """Three offices, each with its services, desks, admin, kiosk and display, and a region admin over them."""
    creds = load_demo(db, now, password=password)
    offices = {OFFICE_ID: {"kiosk_token": creds["kiosk_token"], "display_token": creds["display_token"]}}
    for office_id, (names, prefixes) in REGION_OFFICES.items():
        config.create_office(db, office_id, names, now)
        ids = []
        for order, (prefix, kk, ru, en, group) in enumerate(s for s in SERVICES if s[0] in prefixes):
            ids.append(config.create_service(db, office_id, {
                "prefix": prefix, "name_kk": kk, "name_ru": ru, "name_en": en, "group_kk": group[0],
                "group_ru": group[1], "group_en": group[2], "sort_order": order}, now)["id"])
        for n, service_id in enumerate(ids, start=1):
            config.create_desk(db, office_id, {"name": str(n), "service_ids": [service_id, ids[0]]}, now)
        _, creds["users"][f"admin-{office_id}"] = accounts.create_user(
            db, f"admin-{office_id}", "admin", now, password=password, offices=[office_id])
        _, creds["users"][f"operator-{office_id}"] = accounts.create_user(
            db, f"operator-{office_id}", "operator", now, password=password, offices=[office_id])
        _, kiosk_token = accounts.create_device(db, office_id, "kiosk", f"Kiosk 1 ({office_id})", now)
        _, display_token = accounts.create_device(db, office_id, "display", f"Hall TV ({office_id})", now)
        offices[office_id] = {"kiosk_token": kiosk_token, "display_token": display_token}
    _, creds["users"]["region"] = accounts.create_user(db, "region", "region_admin", now, password=password)
    creds["offices"] = offices
    return creds
