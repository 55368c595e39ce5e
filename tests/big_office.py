"""A big front office for the tests: 20 state bodies, 120 services, 40 desks, built through the engine."""
from __future__ import annotations

from datetime import datetime

from kezek.office import accounts, catalogue, config

OFFICE_ID = "abay"
# 20 state bodies (kk, ru, en) and, for each, what its six services are about (kk, ru, en).
BODIES = [
    (("Әділет департаменті", "Департамент юстиции", "Department of Justice"),
     [("Баланың тууын тіркеу", "Регистрация рождения ребёнка", "Birth registration"),
      ("Некені тіркеу", "Регистрация брака", "Marriage registration"),
      ("Ажырасуды тіркеу", "Регистрация расторжения брака", "Divorce registration"),
      ("Тегін ауыстыру", "Перемена фамилии", "Change of surname"),
      ("Қайтыс болуды тіркеу", "Регистрация смерти", "Death registration"),
      ("Әкелікті анықтау", "Установление отцовства", "Paternity establishment")]),
    (("Көші-қон қызметі", "Миграционная служба", "Migration Service"),
     [("Жеке куәлік беру", "Выдача удостоверения личности", "Identity card"),
      ("Шетелдік төлқұжат беру", "Выдача заграничного паспорта", "Passport for travel abroad"),
      ("Тұрғылықты жері бойынша тіркеу", "Регистрация по месту жительства", "Residence registration"),
      ("Уақытша тіркеу", "Временная регистрация", "Temporary registration"),
      ("Шетелдіктерге ықтиярхат", "Вид на жительство иностранцу", "Residence permit for foreigners"),
      ("Азаматтық алу", "Приём в гражданство", "Citizenship")]),
]
TOPICS = [
    ("Салық", "Налоги", "Taxes", "Мемлекеттік кірістер басқармасы", "Управление государственных доходов",
     "State Revenue Office"),
    ("Жер", "Земля", "Land", "Жер қатынастары бөлімі", "Отдел земельных отношений", "Land Relations Office"),
    ("Жылжымайтын мүлік", "Недвижимость", "Real estate", "Жылжымайтын мүлік орталығы", "Центр недвижимости",
     "Real Estate Centre"),
    ("Көлік", "Транспорт", "Vehicles", "Көлікті тіркеу бөлімі", "Отдел регистрации транспорта",
     "Vehicle Registration Office"),
    ("Жүргізуші куәлігі", "Водительское удостоверение", "Driving licence", "Жүргізушілерді куәландыру бөлімі",
     "Отдел водительских удостоверений", "Driving Licence Office"),
    ("Зейнетақы", "Пенсия", "Pension", "Зейнетақы қоры", "Пенсионный фонд", "Pension Fund"),
    ("Жәрдемақы", "Пособие", "Benefits", "Әлеуметтік қорғау бөлімі", "Отдел социальной защиты",
     "Social Protection Office"),
    ("Жұмыспен қамту", "Занятость", "Employment", "Жұмыспен қамту орталығы", "Центр занятости",
     "Employment Centre"),
    ("Білім беру", "Образование", "Education", "Білім бөлімі", "Отдел образования", "Education Office"),
    ("Балабақша", "Детский сад", "Kindergarten", "Мектепке дейінгі білім бөлімі", "Отдел дошкольного образования",
     "Pre-school Office"),
    ("Денсаулық", "Здоровье", "Health", "Денсаулық сақтау басқармасы", "Управление здравоохранения",
     "Health Office"),
    ("Тұрғын үй", "Жильё", "Housing", "Тұрғын үй-коммуналдық шаруашылық бөлімі", "Отдел жилищно-коммунального хозяйства",
     "Housing and Utilities Office"),
    ("Құрылыс", "Строительство", "Construction", "Сәулет және қала құрылысы бөлімі", "Отдел архитектуры и градостроительства",
     "Architecture and Planning Office"),
    ("Кәсіпкерлік", "Предпринимательство", "Business", "Кәсіпкерлік бөлімі", "Отдел предпринимательства",
     "Business Office"),
    ("Ауыл шаруашылығы", "Сельское хозяйство", "Agriculture", "Ауыл шаруашылығы бөлімі", "Отдел сельского хозяйства",
     "Agriculture Office"),
    ("Ветеринария", "Ветеринария", "Veterinary", "Ветеринария бөлімі", "Отдел ветеринарии", "Veterinary Office"),
    ("Әскери есеп", "Воинский учёт", "Military registration", "Қорғаныс істері басқармасы",
     "Управление по делам обороны", "Defence Affairs Office"),
    ("Мұрағат", "Архив", "Archive", "Мемлекеттік мұрағат", "Государственный архив", "State Archive"),
]
ACTIONS = [
    ("{kk} бойынша анықтама беру", "Выдача справки: {ru}", "Certificate: {en}"),
    ("{kk}: құжаттарды қабылдау", "Приём документов: {ru}", "Documents: {en}"),
    ("{kk}: өтінішті тіркеу", "Регистрация заявления: {ru}", "Application: {en}"),
    ("{kk}: қайта ресімдеу", "Переоформление: {ru}", "Re-issue: {en}"),
    ("{kk}: кеңес беру", "Консультация: {ru}", "Advice: {en}"),
    ("{kk}: телнұсқа беру", "Выдача дубликата: {ru}", "Duplicate: {en}"),
]
# An official name as long as a service name may be (120 characters), to see that it fits.
LONG_NAME = ("Мемлекеттік кірістер органдарында салық төлеуші ретінде тіркеу есебіне қою және тіркеу деректерін "
             "өзгерту туралы өтініш")[:120]
LETTERS = "АБВГДЕЖЗИКЛМНОПРСТУФ"
SYNONYMS = {"Identity card": ["паспорт", "жеке куәлік", "удостоверение", "ID"],
            "Birth registration": ["туу туралы куәлік", "свидетельство о рождении"]}


def bodies() -> list[tuple[tuple, list[tuple]]]:
    """The 20 bodies with their 6 services each: (kk, ru, en) names."""
    out = list(BODIES)
    for kk, ru, en, body_kk, body_ru, body_en in TOPICS:
        out.append(((body_kk, body_ru, body_en),
                    [(a[0].format(kk=kk), a[1].format(ru=ru.lower()), a[2].format(en=en.lower())) for a in ACTIONS]))
    first = out[2][1]
    out[2] = (out[2][0], [(LONG_NAME, first[0][1], first[0][2]), *first[1:]])
    return out


def build(db, now: datetime, *, printer_url: str = "none") -> dict:
    """Create the office; returns {"services": {en name: id}, "kiosk_token", "bodies": [(kk, ru, en)]}."""
    config.create_office(db, OFFICE_ID, {"name_kk": "«Ашық Абай» қабылдау орны", "name_ru": "Приёмная «Открытый Абай»",
                                         "name_en": "Open Abay public reception"}, now)
    ids: dict[str, int] = {}
    order = 0
    for b, (body, services) in enumerate(bodies()):
        for s, (kk, ru, en) in enumerate(services):
            service = config.create_service(db, OFFICE_ID, {
                "prefix": LETTERS[b] + "АБВГДЕ"[s], "name_kk": kk, "name_ru": ru, "name_en": en,
                "group_kk": body[0], "group_ru": body[1], "group_en": body[2], "sort_order": order}, now)
            ids[en] = service["id"]
            order += 1
    all_ids = list(ids.values())
    for d in range(40):
        config.create_desk(db, OFFICE_ID, {"name": str(d + 1), "service_ids": all_ids[3 * d: 3 * d + 3]}, now)
    for en, words in SYNONYMS.items():
        catalogue.set_synonyms(db, ids[en], words, now)
    # Birth registration is also done at the public service centre's body: listed there too.
    catalogue.set_extra_bodies(db, ids["Birth registration"], [
        {"group_kk": "Көші-қон қызметі", "group_ru": "Миграционная служба", "group_en": "Migration Service"}], now)
    _, token = accounts.create_device(db, OFFICE_ID, "kiosk", "Abay kiosk", now, printer_url=printer_url)
    return {"services": ids, "kiosk_token": token, "bodies": [b[0] for b in bodies()]}
