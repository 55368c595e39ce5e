"""A big hall for browser tests: 20 state bodies of 6 services each (120) and 40 desks, entered through the admin API."""
from __future__ import annotations

# (kk, ru, en) of 20 bodies under one roof, as in the "Open Abay" public reception
BODIES = [
    ("Әділет департаменті", "Департамент юстиции", "Justice department"),
    ("Жер қатынастары бөлімі", "Отдел земельных отношений", "Land relations department"),
    ("Тұрғын үй-коммуналдық шаруашылық бөлімі", "Отдел жилищно-коммунального хозяйства", "Housing and utilities"),
    ("Жұмыспен қамту орталығы", "Центр занятости населения", "Employment centre"),
    ("Әлеуметтік қорғау бөлімі", "Отдел социальной защиты", "Social protection department"),
    ("Білім бөлімі", "Отдел образования", "Education department"),
    ("Денсаулық сақтау басқармасы", "Управление здравоохранения", "Health department"),
    ("Мемлекеттік кірістер басқармасы", "Управление государственных доходов", "State revenue office"),
    ("Көші-қон қызметі", "Миграционная служба", "Migration service"),
    ("Азаматтық хал актілерін тіркеу бөлімі", "Отдел регистрации актов гражданского состояния", "Civil registry"),
    ("Сәулет және қала құрылысы бөлімі", "Отдел архитектуры и градостроительства", "Architecture and planning"),
    ("Ауыл шаруашылығы бөлімі", "Отдел сельского хозяйства", "Agriculture department"),
    ("Кәсіпкерлік бөлімі", "Отдел предпринимательства", "Entrepreneurship department"),
    ("Мәдениет және тілдерді дамыту бөлімі", "Отдел культуры и развития языков", "Culture and languages"),
    ("Дене шынықтыру және спорт бөлімі", "Отдел физической культуры и спорта", "Sport department"),
    ("Ветеринария бөлімі", "Отдел ветеринарии", "Veterinary department"),
    ("Қорғаныс істері жөніндегі бөлім", "Отдел по делам обороны", "Defence affairs department"),
    ("Бірыңғай жинақтаушы зейнетақы қоры", "Единый накопительный пенсионный фонд", "Pension fund"),
    ("Құқықтық көмек орталығы", "Центр правовой помощи", "Legal aid centre"),
    ("Жастар ресурстық орталығы", "Молодёжный ресурсный центр", "Youth resource centre"),
]
KINDS = [
    ("Анықтама беру", "Выдача справки", "Certificates"),
    ("Өтініштерді қабылдау", "Приём заявлений", "Applications"),
    ("Мамандың кеңесі", "Консультация специалиста", "Consultation"),
    ("Мемлекеттік қызмет көрсету нәтижелерін беру", "Выдача результатов оказания государственных услуг",
     "Results of public services"),
    ("Рұқсат беру", "Выдача разрешений", "Permits"),
    ("Есепке қою және есептен шығару", "Постановка и снятие с учёта", "Registration and deregistration"),
]
# Two-letter prefixes: a body's letter and a service's letter, Cyrillic only (no look-alikes of Latin letters)
BODY_LETTERS = "БГДЖЗИЛПФЦЧШЩЫЭЮЯӘҒҚ"
KIND_LETTERS = "БГДЖЗЛ"


def build(url: str, admin) -> dict:
    """Create the 120 services and 40 desks; returns {"services": [ids by body], "desks": [ids], "bodies": [kk]}."""
    by_body, desks = [], []
    for b, (body, letter) in enumerate(zip(BODIES, BODY_LETTERS)):
        ids = []
        for k, (kind, second) in enumerate(zip(KINDS, KIND_LETTERS)):
            r = admin.post(f"{url}/api/v1/services", timeout=10, json={
                "prefix": letter + second, "name_kk": kind[0], "name_ru": kind[1], "name_en": kind[2],
                "group_kk": body[0], "group_ru": body[1], "group_en": body[2], "sort_order": 100 + b * 10 + k})
            assert r.status_code == 201, r.text
            ids.append(r.json()["id"])
        by_body.append(ids)
        for half in (ids[:3], ids[3:]):
            r = admin.post(f"{url}/api/v1/desks", json={"name": str(10 + len(desks)), "service_ids": half},
                           timeout=10)
            assert r.status_code == 201, r.text
            desks.append(r.json()["id"])
    return {"services": by_body, "desks": desks, "bodies": [b[0] for b in BODIES]}
