"""Telegram and SMS for visitors, alerts for managers, and no personal datum left once a ticket or its day ends."""
from __future__ import annotations

import json

import pytest
from helpers import login
from notify_fakes import PushService, SmsGateway, TelegramApi

from kezek.base import database
from kezek.base.migrations import store as migrations_store
from kezek.notify import push
from kezek.notify import store as notify_store
from kezek.web.live import notify as live_notify

BOT_TOKEN = "123456789:AAE-fake_token_for_tests_0123456789"
CHAT = 7001


@pytest.fixture
def telegram():
    with TelegramApi(BOT_TOKEN) as fake:
        yield fake


@pytest.fixture
def gateway():
    with SmsGateway() as fake:
        yield fake


def _start(app, **config):
    app.config.update(NOTIFY_BACKOFF_S="0.05", NOTIFY_TIMEOUT_S="1", TELEGRAM_POLL_S=1, NOTIFY_TICK_S="3600",
                      **config)
    return live_notify.start(app)


@pytest.fixture
def bot(app, telegram, admin):
    c, h = admin
    r = c.patch("/api/v1/notify/settings", json={"telegram_token": BOT_TOKEN, "telegram_bot": "@KezekAlmalyBot"},
                headers=h)
    assert r.status_code == 200 and {k: r.get_json()[k] for k in ("ahead_default", "telegram_bot", "telegram_token_set")} \
        == {"ahead_default": 3, "telegram_bot": "KezekAlmalyBot", "telegram_token_set": True}
    assert BOT_TOKEN not in c.get("/api/v1/notify/settings").get_data(as_text=True)   # never answered back
    running = _start(app, TELEGRAM_API=telegram.url, TELEGRAM_MODE="polling")
    yield running
    running.stop()


def issue(client, kiosk_headers, lang="kk", service=1):
    r = client.post("/api/v1/tickets", json={"service": service, "lang": lang}, headers=kiosk_headers)
    assert r.status_code == 201
    return r.get_json()


def personal(app) -> int:
    db = database.open_db(app.config["DB"])
    try:
        return notify_store.personal_count(db)
    finally:
        db.close()


def everything_stored(app) -> str:
    """Every row of every table, as text: to look for a phone number or a chat id anywhere."""
    db = database.open_db(app.config["DB"])
    try:
        tables = sorted(migrations_store.table_names(db))      # on either store
        return json.dumps({t: db.execute(f"SELECT * FROM {t}").fetchall() for t in tables}, default=str)
    finally:
        db.close()


def test_follow_in_telegram_status_and_cancel_in_russian(client, kiosk_headers, bot, telegram):
    issue(client, kiosk_headers)
    t = issue(client, kiosk_headers, "ru")
    assert live_notify.wait_idle(bot)
    offer = client.get(f"/api/v1/tickets/{t['token']}/notify").get_json()
    assert offer["telegram"] == f"https://t.me/KezekAlmalyBot?start={t['token']}"
    telegram.user_says(CHAT, f"/start {t['token']}", "en")   # the ticket's language wins over the app's
    assert telegram.wait_for(CHAT, 1)[0] == ("Талон А002\nСообщения об этом талоне будут приходить сюда. "
                                             "/status — ваше место в очереди. /cancel — отменить талон.")
    assert live_notify.wait_idle(bot)
    told = len(telegram.to(CHAT))   # 2 when the issue's queue change was looked at after /start: "1 ahead"
    telegram.user_says(CHAT, "/status")
    assert telegram.wait_for(CHAT, told + 1)[told].startswith(
        "Талон А002\nПеред вами: 1 чел.\nПримерное время ожидания:")
    assert personal(bot.app) == 1
    telegram.user_says(CHAT, "/cancel")
    assert telegram.wait_for(CHAT, told + 2)[told + 1] == "Талон А002\nВаш талон отменён"
    assert client.get(f"/api/v1/tickets/{t['token']}").get_json()["status"] == "cancelled"
    assert live_notify.wait_idle(bot)
    assert personal(bot.app) == 0 and str(CHAT) not in everything_stored(bot.app)
    telegram.user_says(CHAT, "/cancel")   # nothing is followed any more
    assert telegram.wait_for(CHAT, told + 3)[told + 2] == "This ticket was not found or has ended."


@pytest.mark.parametrize("lang, ticket, welcome, ahead, cancelled", [
    ("kk", "Талон А002", "Осы талон туралы хабарламалар осында келеді. /status — кезектегі орныңыз. /cancel — талонды болдырмау.",
     "Сіздің алдыңызда: 1 адам", "Талоныңыз жойылды"),
    ("en", "Ticket А002", "You will get messages about this ticket here. /status: your place in line. /cancel: cancel the ticket.",
     "People ahead of you: 1", "Your ticket has been cancelled"),
])
def test_follow_status_and_cancel_answer_in_the_tickets_kazakh_or_english(client, kiosk_headers, bot, telegram,
                                                                          lang, ticket, welcome, ahead, cancelled):
    issue(client, kiosk_headers)
    t = issue(client, kiosk_headers, lang)
    assert live_notify.wait_idle(bot)
    telegram.user_says(CHAT, f"/start {t['token']}", "ru")    # the ticket's language wins over the app's
    assert telegram.wait_for(CHAT, 1)[0] == f"{ticket}\n{welcome}"
    assert live_notify.wait_idle(bot)
    told = len(telegram.to(CHAT))
    telegram.user_says(CHAT, "/status")
    assert telegram.wait_for(CHAT, told + 1)[told].startswith(f"{ticket}\n{ahead}\n")
    telegram.user_says(CHAT, "/cancel")
    assert telegram.wait_for(CHAT, told + 2)[told + 1] == f"{ticket}\n{cancelled}"
    assert client.get(f"/api/v1/tickets/{t['token']}").get_json()["status"] == "cancelled"


def test_a_stranger_cannot_follow_or_cancel_someone_elses_ticket(client, kiosk_headers, bot, telegram):
    t = issue(client, kiosk_headers)
    telegram.user_says(CHAT + 1, "/start А001", "kk")           # the number is not the token
    telegram.user_says(CHAT + 1, "/cancel", "kk")
    replies = telegram.wait_for(CHAT + 1, 2)
    assert replies == ["Талон табылмады немесе жабылды."] * 2
    assert client.get(f"/api/v1/tickets/{t['token']}").get_json()["status"] == "waiting"


def test_the_webhook_needs_its_secret_and_answers_through_the_bot(app, client, kiosk_headers, telegram, admin):
    c, h = admin
    c.patch("/api/v1/notify/settings", json={"telegram_token": BOT_TOKEN, "telegram_bot": "KezekAlmalyBot"},
            headers=h)
    running = _start(app, TELEGRAM_API=telegram.url, TELEGRAM_MODE="webhook", PUBLIC_URL="https://q.example.kz")
    try:
        db = database.open_db(app.config["DB"])
        secret = notify_store.settings(db, app.demo["office"])["telegram_secret"]
        db.close()
        for _ in range(100):
            if telegram.webhook:
                break
            live_notify.time.sleep(0.02)
        assert telegram.webhook == {"url": f"https://q.example.kz/api/v1/notify/telegram/{secret}",
                                    "secret_token": secret, "allowed_updates": ["message"]}
        t = issue(client, kiosk_headers, "en")
        assert live_notify.wait_idle(running)
        update = {"update_id": 1, "message": {"message_id": 1, "text": f"/start {t['token']}",
                                              "chat": {"id": CHAT, "type": "private"}, "from": {"id": CHAT}}}
        assert client.post(f"/api/v1/notify/telegram/{secret}", json=update).status_code == 404   # no header
        assert client.post(f"/api/v1/notify/telegram/{secret}", json=update,
                           headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}).status_code == 404
        assert personal(app) == 0
        r = client.post(f"/api/v1/notify/telegram/{secret}", json=update,
                        headers={"X-Telegram-Bot-Api-Secret-Token": secret})
        assert r.status_code == 200 and personal(app) == 1
        assert telegram.wait_for(CHAT, 1)[0].startswith("Ticket А001\nYou will get messages about this ticket here.")
    finally:
        running.stop()


def test_sms_from_the_page_and_from_the_operator_through_the_gateway(app, client, kiosk_headers, operator, gateway):
    op, h = operator
    running = _start(app, SMS_URL=gateway.url + "/send", SMS_USER="kezek", SMS_PASSWORD="gateway-secret",
                     SMS_TEMPLATE='{"to": "{phone}", "text": "{text}"}')
    try:
        first = issue(client, kiosk_headers, "kk")
        second = issue(client, kiosk_headers, "en")
        assert live_notify.wait_idle(running)   # the issues' queue changes are behind us
        assert client.post(f"/api/v1/tickets/{first['token']}/sms", json={"phone": "8 701 234 56 78"}).status_code == 201
        bad = client.post(f"/api/v1/tickets/{second['token']}/sms", json={"phone": "call me"})
        assert bad.status_code == 422 and bad.get_json()["error"]["code"] == "bad_phone"
        assert op.post(f"/api/v1/tickets/{second['id']}/phone", json={"phone": "+77017654321", "ahead": 0},
                       headers=h).status_code == 201
        op.post("/api/v1/desks/1/call-next", headers=h)
        assert live_notify.wait_idle(running)
        sent = gateway.wait_for(2)
        assert {"to": "+77012345678", "text": "Талон А001\n1-терезеге келіңіз"} in sent
        assert {"to": "+77017654321", "text": "Ticket А002\nYou are next"} in sent
        op.post("/api/v1/desks/1/call-next", headers=h)   # the first becomes a no-show: its phone goes
        op.post("/api/v1/desks/1/call-next", headers=h)   # and the second's
        assert live_notify.wait_idle(running)
        stored = everything_stored(app)
        assert "7012345678" not in stored and "7017654321" not in stored   # not in the log, reports or anywhere
        assert personal(app) == 0
    finally:
        running.stop()


def test_nothing_personal_outlives_the_day_even_when_no_event_says_so(app, client, kiosk_headers, clock, gateway,
                                                                      tmp_path):
    public = push.generate_key_file(tmp_path / "vapid.pem")
    with PushService(public) as service:
        running = _start(app, VAPID_KEY_FILE=str(tmp_path / "vapid.pem"), PUSH_SERVICES=service.url + "/push/",
                         SMS_URL=gateway.url + "/send", SMS_USER="kezek", SMS_PASSWORD="gateway-secret")
        try:
            t = issue(client, kiosk_headers)
            client.post(f"/api/v1/tickets/{t['token']}/push", json={"subscription": service.browser("d").subscription()})
            client.post(f"/api/v1/tickets/{t['token']}/sms", json={"phone": "+77011112233"})
            running.events.put(None)   # the dispatcher stops: events alone would never delete them now
            assert personal(app) == 2
            running.tick()
            assert personal(app) == 2   # the ticket still lives today
            clock.advance(days=1)
            running.tick()   # the next morning's sweep (every NOTIFY_TICK_S in a server)
            assert personal(app) == 0 and "7011112233" not in everything_stored(app)
        finally:
            running.stop()


def test_managers_are_told_of_a_long_wait_once_and_of_a_failed_printer(app, client, kiosk_headers, clock, telegram):
    manager = app.test_client()
    h = login(manager, "manager")
    db = database.open_db(app.config["DB"])
    with database.transaction(db):
        notify_store.save_settings(db, {"office_id": app.demo["office"], "ahead_default": 3,
                                        "telegram_token": BOT_TOKEN, "telegram_bot": "KezekAlmalyBot",
                                        "telegram_secret": "s" * 24})
    db.close()
    running = _start(app, TELEGRAM_API=telegram.url, TELEGRAM_MODE="polling")
    try:
        link = manager.post("/api/v1/notify/manager/telegram", json={"lang": "ru"}, headers=h).get_json()["link"]
        assert link.startswith("https://t.me/KezekAlmalyBot?start=m_")
        telegram.user_says(CHAT + 5, "/start " + link.split("start=")[1], "ru")
        assert telegram.wait_for(CHAT + 5, 1) == ["Оповещения офиса будут приходить сюда."]
        issue(client, kiosk_headers)
        clock.advance(minutes=16)   # over the 15-minute target
        running.tick()
        running.tick()              # told once, not every minute
        got = telegram.wait_for(CHAT + 5, 2)
        assert got[1] == ("Оповещение офиса\nЗАГС: регистрация рождения, брака, смерти: самое долгое ожидание "
                          "16 мин, норматив — 15 мин")
        from kezek.base.events import Event
        from kezek.web.live.broadcast import publish
        publish([Event("printer.changed", app.demo["office"],
                       data={"device_id": app.demo["kiosk_id"], "name": "Kiosk 1", "state": "paper_out",
                             "detail": "out of paper"})])
        got = telegram.wait_for(CHAT + 5, 3)
        assert got[2] == "Оповещение офиса\nТерминал Kiosk 1: принтер не печатает (закончилась бумага)"
        assert live_notify.wait_idle(running) and len(telegram.to(CHAT + 5)) == 3
    finally:
        running.stop()


@pytest.mark.parametrize("lang,text", [
    ("kk", "Талон А001\nКеңсе жабылатын уақыт — 10:10: бүгін сізге қызмет көрсетілмеуі мүмкін."),
    ("ru", "Талон А001\nОфис закрывается в 10:10: сегодня вас могут не успеть обслужить."),
    ("en", "Ticket А001\nThe office closes at 10:10: you may not be served today.")])
def test_a_waiting_visitor_is_told_once_that_the_office_is_about_to_close(app, client, kiosk_headers, clock, gateway,
                                                                         lang, text):
    from kezek.office import config
    running = _start(app, SMS_URL=gateway.url + "/send", SMS_USER="kezek", SMS_PASSWORD="gateway-secret")
    try:
        db = database.open_db(app.config["DB"])
        config.update_office(db, app.demo["office"], {"opens": "09:00", "closes": "10:20"}, clock())
        t = issue(client, kiosk_headers, lang)
        client.post(f"/api/v1/tickets/{t['token']}/sms", json={"phone": "+77015550000", "ahead": 0})
        running.tick()                      # 10:00: closing at 10:20 is not "about to" yet
        config.update_office(db, app.demo["office"], {"opens": "09:00", "closes": "10:10"}, clock())
        db.close()
        running.tick()
        running.tick()                      # told once
        assert live_notify.wait_idle(running)
        assert [m["text"] for m in gateway.sent if m["text"] == text] == [text]   # (and "you are next")
    finally:
        running.stop()


def test_two_processes_looking_at_closing_time_at_once_tell_each_visitor_once(app, client, kiosk_headers, clock,
                                                                              gateway):
    """A frozen lease holder that wakes up may tick beside its successor: each subscription is claimed once."""
    import threading

    from kezek.notify import rules
    from kezek.office import config
    running = _start(app, SMS_URL=gateway.url + "/send", SMS_USER="kezek", SMS_PASSWORD="gateway-secret")
    running.stop()   # subscribing needs a gateway set up; the closing notices are asked for by hand below
    for n in range(10):
        t = issue(client, kiosk_headers)
        r = client.post(f"/api/v1/tickets/{t['token']}/sms", json={"phone": f"+7701555000{n}"})
        assert r.status_code == 201, r.get_json()
    db = database.open_db(app.config["DB"])
    config.update_office(db, app.demo["office"], {"opens": "09:00", "closes": "10:10"}, clock())
    db.close()
    told, start = [], threading.Barrier(8)

    def process() -> None:
        handle = database.open_db(app.config["DB"])
        try:
            start.wait()
            told.extend(m.subscription_id for m in rules.closing_messages(handle, app.demo["office"], clock()))
        finally:
            handle.close()

    threads = [threading.Thread(target=process) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(told) == 10 and len(set(told)) == 10


def test_one_phone_a_ticket_the_newest_replaces_the_last(app, client, kiosk_headers, gateway):
    running = _start(app, SMS_URL=gateway.url + "/send", SMS_USER="kezek", SMS_PASSWORD="gateway-secret")
    try:
        t = issue(client, kiosk_headers)
        for phone in ("+77010000001", "+77010000002", "+77010000003"):
            assert client.post(f"/api/v1/tickets/{t['token']}/sms", json={"phone": phone}).status_code == 201
        stored = everything_stored(app)
        assert "77010000003" in stored and "77010000001" not in stored and "77010000002" not in stored
        assert personal(app) == 1
    finally:
        running.stop()


@pytest.mark.parametrize("lang", ["kk", "ru"])
def test_every_notification_string_is_translated(lang):
    from kezek.base import i18n
    from kezek.notify.messages import STRINGS
    i18n.compile_catalogues()
    assert [m for m in STRINGS if i18n.gettext(lang, m) == m] == []
