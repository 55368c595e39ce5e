"""The office's notifications as the admin sets them: the bot's token write-only, Telegram mode, SMS on/off and
its text, N ahead, and which alerts each manager gets — checked against local fakes of Telegram and an SMS gateway."""
from __future__ import annotations

import pytest
from helpers import login
from notify_fakes import SmsGateway, TelegramApi

from kezek.base.events import Event
from kezek.web.live import notify as live_notify
from kezek.web.live.broadcast import publish

BOT_TOKEN = "123456789:AAE-fake_token_for_tests_0123456789"
CHAT = 7301


def _start(app, **config):
    app.config.update(NOTIFY_BACKOFF_S="0.05", NOTIFY_TIMEOUT_S="1", TELEGRAM_POLL_S=1, NOTIFY_TICK_S="3600",
                      **config)
    return live_notify.start(app)


def test_the_token_is_write_only_and_shown_masked(admin):
    c, h = admin
    before = c.get("/api/v1/notify/settings").get_json()
    assert before["telegram_token_set"] is False and before["telegram_token_masked"] is None
    r = c.patch("/api/v1/notify/settings", json={"telegram_token": BOT_TOKEN, "telegram_bot": "KezekAlmalyBot",
                                                 "ahead_default": 5}, headers=h)
    assert r.status_code == 200
    for answer in (r, c.get("/api/v1/notify/settings")):
        text = answer.get_data(as_text=True)
        assert BOT_TOKEN not in text and BOT_TOKEN.split(":")[1] not in text and "123456789" not in text
        assert answer.get_json()["telegram_token_masked"] == "1234…:••••••••••"
        assert answer.get_json()["ahead_default"] == 5
    # Saving other settings keeps the token; null removes it.
    c.patch("/api/v1/notify/settings", json={"sms_enabled": False}, headers=h)
    assert c.get("/api/v1/notify/settings").get_json()["telegram_token_set"] is True
    c.patch("/api/v1/notify/settings", json={"telegram_token": None}, headers=h)
    assert c.get("/api/v1/notify/settings").get_json()["telegram_token_set"] is False
    # Who changed the bot is in the audit log (a new token could send visitors' messages elsewhere); the token is not.
    events = c.get("/api/v1/audit?lang=en&limit=10").get_json()["events"]
    changes = [e for e in events if e["name"] == "notify.settings_changed"]
    assert len(changes) == 3 and all(e["username"] == "admin" for e in changes)
    assert changes[-1]["details"]["telegram_token"] == "changed" and changes[0]["details"]["telegram_token"] == "removed"
    assert ["Telegram bot token (from BotFather)", "changed"] in changes[-1]["words"]["details"]
    assert BOT_TOKEN.split(":")[1] not in c.get("/api/v1/audit?limit=1000").get_data(as_text=True)


@pytest.mark.parametrize("values,field", [
    ({"telegram_mode": "smoke-signals"}, "telegram_mode"),
    ({"telegram_mode": "webhook"}, "telegram_mode"),              # the test server is not https
    ({"sms_template": "Kezek: no message"}, "sms_template"),
    ({"sms_template": "Kezek {text} {phone}"}, "sms_template"),   # only {text} is filled
    ({"sms_template": "x" * 301 + "{text}"}, "sms_template"),
    ({"sms_enabled": "yes"}, "sms_enabled"),
    ({"ahead_default": 99}, "ahead"),
    ({"telegram_token": "not a token"}, "telegram_token"),
    ({"sms_enabled": False, "telegram_token": "not a token"}, "telegram_token"),   # nothing of it is saved
])
def test_bad_settings_are_refused_at_their_field_and_change_nothing(admin, values, field):
    c, h = admin
    before = c.get("/api/v1/notify/settings").get_json()
    r = c.patch("/api/v1/notify/settings", json=values, headers=h)
    assert r.status_code == 422
    assert r.get_json()["error"]["details"]["field"] == field and r.get_json()["error"]["message"]
    assert c.get("/api/v1/notify/settings").get_json() == before


def test_a_webhook_needs_https_and_is_registered_then_removed_for_polling(app, admin):
    c, h = admin
    with TelegramApi(BOT_TOKEN) as telegram:
        app.config["PUBLIC_URL"] = "https://q.example.kz"
        running = _start(app, TELEGRAM_API=telegram.url, TELEGRAM_MODE="polling")
        try:
            c.patch("/api/v1/notify/settings", json={"telegram_token": BOT_TOKEN, "telegram_bot": "KezekAlmalyBot"},
                    headers=h)
            r = c.patch("/api/v1/notify/settings", json={"telegram_mode": "webhook"}, headers=h)
            assert r.status_code == 200 and r.get_json()["telegram_mode_in_use"] == "webhook"
            assert _eventually(lambda: telegram.webhook and telegram.webhook["url"].startswith(
                "https://q.example.kz/api/v1/notify/telegram/"))
            c.patch("/api/v1/notify/settings", json={"telegram_mode": "polling"}, headers=h)
            assert _eventually(lambda: telegram.webhook is None)
        finally:
            running.stop()


def _eventually(check, timeout=5.0):
    import time
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(0.02)
    return False


def test_sms_off_stops_offering_it_and_the_template_frames_the_text(app, client, admin, kiosk_headers):
    c, h = admin
    with SmsGateway() as gateway:
        running = _start(app, SMS_URL=gateway.url + "/send", SMS_USER="kezek", SMS_PASSWORD="gateway-secret")
        try:
            t = client.post("/api/v1/tickets", json={"service": 1, "lang": "en"}, headers=kiosk_headers).get_json()
            assert client.get(f"/api/v1/tickets/{t['token']}/notify").get_json()["sms"] is True
            c.patch("/api/v1/notify/settings", json={"sms_enabled": False}, headers=h)
            assert client.get(f"/api/v1/tickets/{t['token']}/notify").get_json()["sms"] is False
            assert client.post(f"/api/v1/tickets/{t['token']}/sms", json={"phone": "+77015550001"}).status_code == 409
            r = c.patch("/api/v1/notify/settings", json={"sms_enabled": True, "sms_template": "Akimat: {text}"},
                        headers=h)
            assert r.get_json()["sms_template"] == "Akimat: {text}" and r.get_json()["sms_gateway"] is True
            assert client.post(f"/api/v1/tickets/{t['token']}/sms", json={"phone": "+77015550001", "ahead": 0}) \
                .status_code == 201
            op = app.test_client()
            oh = login(op, "operator1")
            op.post("/api/v1/desks/1/call-next", headers=oh)
            assert live_notify.wait_idle(running)
            assert {"to": "+77015550001", "text": "Akimat: Ticket А001\nPlease go to desk 1"} in gateway.wait_for(1)
        finally:
            running.stop()


def test_managers_get_only_the_alerts_chosen_for_them(app, admin, kiosk_headers, client, clock):
    c, h = admin
    c.patch("/api/v1/notify/settings", json={"telegram_token": BOT_TOKEN, "telegram_bot": "KezekAlmalyBot"},
            headers=h)
    manager = app.test_client()
    mh = login(manager, "manager")
    with TelegramApi(BOT_TOKEN) as telegram:
        running = _start(app, TELEGRAM_API=telegram.url, TELEGRAM_MODE="polling")
        try:
            link = manager.post("/api/v1/notify/manager/telegram", json={"lang": "en"}, headers=mh).get_json()["link"]
            telegram.user_says(CHAT, "/start " + link.split("start=")[1], "en")
            assert telegram.wait_for(CHAT, 1)
            subs = c.get("/api/v1/notify/managers").get_json()["subscriptions"]
            assert [(s["username"], s["channel"], s["wait_over_target"], s["printer_failure"]) for s in subs] \
                == [("manager", "telegram", True, True)]
            assert str(CHAT) not in c.get("/api/v1/notify/managers").get_data(as_text=True)   # no chat ids
            r = c.patch(f"/api/v1/notify/managers/{subs[0]['id']}", json={"printer_failure": False}, headers=h)
            assert r.status_code == 200 and r.get_json()["printer_failure"] is False
            publish([Event("printer.changed", app.demo["office"],
                           data={"device_id": app.demo["kiosk_id"], "name": "Kiosk 1", "state": "paper_out"})])
            client.post("/api/v1/tickets", json={"service": 1}, headers=kiosk_headers)
            clock.advance(minutes=16)
            running.tick()
            assert live_notify.wait_idle(running)
            got = telegram.wait_for(CHAT, 2)
            assert len(got) == 2 and "longest wait is 16 min" in got[1]
            assert not any("printer" in m for m in telegram.to(CHAT))   # turned off for this manager
        finally:
            running.stop()


def test_who_may_change_what(app, admin):
    c, h = admin
    manager = app.test_client()
    mh = login(manager, "manager")
    assert manager.get("/api/v1/notify/settings").status_code == 403
    assert manager.patch("/api/v1/notify/settings", json={"sms_enabled": False}, headers=mh).status_code == 403
    assert manager.get("/api/v1/notify/managers").status_code == 403
    op = app.test_client()
    oh = login(op, "operator1")
    assert op.get("/api/v1/notify/manager").status_code == 403
    assert op.patch("/api/v1/notify/managers/1", json={"printer_failure": False}, headers=oh).status_code == 403
    # A manager cannot touch another's subscription, nor an id that is a visitor's.
    c.patch("/api/v1/notify/settings", json={"telegram_token": BOT_TOKEN, "telegram_bot": "KezekAlmalyBot"},
            headers=h)
    c.post("/api/v1/notify/manager/telegram", json={}, headers=h)   # the admin's own (pending) link
    theirs = c.get("/api/v1/notify/managers").get_json()["subscriptions"][0]["id"]
    assert manager.patch(f"/api/v1/notify/managers/{theirs}", json={"printer_failure": False},
                         headers=mh).status_code == 404
    assert manager.delete(f"/api/v1/notify/managers/{theirs}", headers=mh).status_code == 404
    assert c.delete(f"/api/v1/notify/managers/{theirs}", headers=h).status_code == 200
    assert c.get("/api/v1/notify/managers").get_json()["subscriptions"] == []
