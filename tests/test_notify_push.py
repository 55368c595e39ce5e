"""Web Push to a visitor's phone, through a local push service that checks VAPID and decrypts every message."""
from __future__ import annotations

import pytest
from notify_fakes import PushService

from kezek.base import database
from kezek.notify import push
from kezek.notify import store as notify_store
from kezek.web.live import notify as live_notify

KIOSK_LANGS = ("kk", "ru", "en")
TEXTS = {
    "called": {"kk": "1-терезеге келіңіз", "ru": "Пройдите к окну 1", "en": "Please go to desk 1"},
    "recalled": {"kk": "Сізді қайта шақырды: 1-терезеге келіңіз", "ru": "Вас вызывают повторно: пройдите к окну 1",
                 "en": "You are called again: please go to desk 1"},
    "no_show": {"kk": "Сіз шақырылғанда келмедіңіз. Терминалдан жаңа талон алыңыз.",
                "ru": "Вы не подошли по вызову. Возьмите новый талон в терминале.",
                "en": "You did not come when called. Please take a new ticket at the kiosk."},
}


@pytest.fixture
def vapid(tmp_path):
    path = tmp_path / "vapid.pem"
    public = push.generate_key_file(path)
    return path, public


@pytest.fixture
def service(vapid):
    with PushService(vapid[1]) as fake:
        yield fake


@pytest.fixture
def notifier(app, vapid, service):
    app.config.update(VAPID_KEY_FILE=str(vapid[0]), PUSH_SERVICES=service.url + "/push/",
                      VAPID_SUBJECT="mailto:it@akimat.example.kz", NOTIFY_BACKOFF_S="0.05", NOTIFY_TIMEOUT_S="1")
    running = live_notify.start(app)
    yield running
    running.stop()


def issue(client, kiosk_headers, lang="kk", service=1):
    r = client.post("/api/v1/tickets", json={"service": service, "lang": lang}, headers=kiosk_headers)
    assert r.status_code == 201, r.get_json()
    return r.get_json()


def subscribe(client, ticket, browser, **extra):
    return client.post(f"/api/v1/tickets/{ticket['token']}/push",
                       json={"subscription": browser.subscription(), **extra})


def personal_rows(app) -> int:
    db = database.open_db(app.config["DB"])
    try:
        return notify_store.personal_count(db)
    finally:
        db.close()


def test_the_ticket_page_learns_the_servers_key_and_what_it_can_offer(client, kiosk_headers, notifier, vapid):
    t = issue(client, kiosk_headers)
    offer = client.get(f"/api/v1/tickets/{t['token']}/notify").get_json()
    assert offer["push_key"] == vapid[1] and offer["ahead_default"] == 3
    assert offer["telegram"] is None and offer["sms"] is False
    assert offer["following"] == {"push": False, "telegram": False, "sms": False}


def test_n_ahead_call_recall_and_no_show_arrive_encrypted_in_the_tickets_language(
        client, kiosk_headers, operator, notifier, service):
    op, h = operator
    for _ in range(3):
        issue(client, kiosk_headers)
    mine = {lang: issue(client, kiosk_headers, lang) for lang in KIOSK_LANGS}   # 3, 4 and 5 ahead
    assert live_notify.wait_idle(notifier)            # the issues' queue changes are behind us
    for lang, ticket in mine.items():
        assert subscribe(client, ticket, service.browser(lang)).status_code == 201
    assert service.messages("kk") == []               # told at the next change of the queue, not at once
    op.post("/api/v1/desks/1/call-next", headers=h)   # kk: 2 ahead, ru: 3 ahead
    assert live_notify.wait_idle(notifier)            # (calls within 0.1 s are looked at together)
    op.post("/api/v1/desks/1/call-next", headers=h)   # en: 3 ahead
    ahead = {"kk": "Сіздің алдыңызда: 2 адам", "ru": "Перед вами: 3 чел.", "en": "People ahead of you: 3"}
    for lang in KIOSK_LANGS:
        first = service.wait_for(lang, 1)[0]
        assert first["title"] == {"kk": "Талон А004", "ru": "Талон А005", "en": "Ticket А006"}[lang]
        assert first["body"] == ahead[lang]
        assert first["url"] == f"http://kezek.test/t/{mine[lang]['token']}"
    op.post("/api/v1/desks/1/call-next", headers=h)   # the third one before them
    for lang in KIOSK_LANGS:
        ticket = op.post("/api/v1/desks/1/call-next", headers=h).get_json()
        assert ticket["id"] == mine[lang]["id"]
        assert service.wait_for(lang, 2)[1]["body"] == TEXTS["called"][lang]
        op.post(f"/api/v1/tickets/{ticket['id']}/recall", headers=h)
        assert service.wait_for(lang, 3)[2]["body"] == TEXTS["recalled"][lang]
        op.post(f"/api/v1/tickets/{ticket['id']}/no-show", headers=h)
        assert service.wait_for(lang, 4)[3]["body"] == TEXTS["no_show"][lang]
    assert live_notify.wait_idle(notifier)
    assert service.errors == [] and all(len(service.messages(lang)) == 4 for lang in KIOSK_LANGS)   # once each
    assert personal_rows(notifier.app) == 0           # each subscription went with its ticket's no-show


@pytest.mark.parametrize("lang,text", [
    ("kk", "Сіз басқа қызметке бағытталдыңыз: Жер қатынастары. Шақыруды күтіңіз"),
    ("ru", "Вас направили на другую услугу: Земельные отношения. Ожидайте вызова"),
    ("en", "You have been sent to another service: Land relations. Please wait to be called")])
def test_a_transfer_is_told_with_the_new_service(client, kiosk_headers, operator, notifier, service, lang, text):
    op, h = operator
    t = issue(client, kiosk_headers, lang)
    assert live_notify.wait_idle(notifier)   # the issue's queue change is behind us
    subscribe(client, t, service.browser(lang), ahead=0)
    op.post("/api/v1/desks/1/call-next", headers=h)
    op.post(f"/api/v1/tickets/{t['id']}/start", headers=h)
    assert op.post(f"/api/v1/tickets/{t['id']}/transfer", json={"service": 2}, headers=h).status_code == 200
    got = [m["body"] for m in service.wait_for(lang, 3)]   # in order: one address, one worker
    assert got[0] == {"kk": "1-терезеге келіңіз", "ru": "Пройдите к окну 1", "en": "Please go to desk 1"}[lang]
    assert got[1:] == [text, {"kk": "Келесі кезек — сіздікі", "ru": "Вы следующий в очереди",
                              "en": "You are next"}[lang]]   # and told anew in the new queue


def test_a_gone_subscription_is_removed_and_calls_go_on(client, kiosk_headers, operator, notifier, service):
    op, h = operator
    tickets = [issue(client, kiosk_headers) for _ in range(4)]
    assert live_notify.wait_idle(notifier)
    for n, t in enumerate(tickets):
        subscribe(client, t, service.browser(f"b{n}"), ahead=0)
    assert personal_rows(notifier.app) == 4
    service.mode = "410"
    op.post("/api/v1/desks/1/call-next", headers=h)   # b0 called, b1 next: both answered 410
    assert live_notify.wait_idle(notifier)
    db = database.open_db(notifier.app.config["DB"])
    try:
        left = {s["ticket_id"] for s in notify_store.for_ticket(db, tickets[0]["id"])
                + notify_store.for_ticket(db, tickets[1]["id"])}
    finally:
        db.close()
    assert left == set() and personal_rows(notifier.app) == 2
    notifier.flush_counts()
    counts = op.get("/api/v1/notify/counts", headers=h)
    assert counts.status_code == 403   # an operator is not a manager
    manager = notifier.app.test_client()
    from helpers import login
    login(manager, "manager")
    counts = manager.get("/api/v1/notify/counts").get_json()
    assert counts["gone"] == 2 and counts["channels"]["push"]["gone"] == 2
    assert manager.get("/api/v1/monitor").get_json()["notifications"]["gone"] == 2   # the manager's monitor


@pytest.mark.parametrize("mode", ["hang", "500"])
def test_a_hanging_or_failing_push_service_never_delays_a_call(client, kiosk_headers, operator, notifier, service,
                                                               mode):
    import time
    op, h = operator
    tickets = [issue(client, kiosk_headers) for _ in range(30)]
    for n, t in enumerate(tickets):
        subscribe(client, t, service.browser(f"h{n}"), ahead=5)
    service.mode = mode
    took = []
    for t in tickets:
        start = time.perf_counter()
        r = op.post("/api/v1/desks/1/call-next", headers=h)
        took.append(time.perf_counter() - start)
        assert r.status_code == 200 and r.get_json()["id"] == t["id"]
    assert service.hits > 0                 # the server did try to send meanwhile
    assert max(took) < 1.0, took            # timeout is 1 s: not one call waited for the push service
    service.release()


def test_an_endpoint_outside_the_known_push_services_is_refused(client, kiosk_headers, notifier, service):
    t = issue(client, kiosk_headers)
    browser = service.browser("x")
    for endpoint in ("http://127.0.0.1:5000/api/v1/desks/1/call-next", "file:///etc/passwd",
                     "https://fcm.googleapis.com.evil.example/x", service.url + "/other/x"):
        sub = {**browser.subscription(), "endpoint": endpoint}
        r = client.post(f"/api/v1/tickets/{t['token']}/push", json={"subscription": sub})
        assert r.status_code == 422 and r.get_json()["error"]["code"] == "push_service_not_allowed", endpoint
    bad_keys = {**browser.subscription(), "keys": {"p256dh": "AAAA", "auth": "BBBB"}}
    assert client.post(f"/api/v1/tickets/{t['token']}/push", json={"subscription": bad_keys}).status_code == 422
    assert personal_rows(notifier.app) == 0


def test_an_ended_ticket_cannot_subscribe_and_unsubscribing_deletes_at_once(client, kiosk_headers, notifier, service):
    t = issue(client, kiosk_headers)
    assert subscribe(client, t, service.browser("u")).status_code == 201
    assert client.get(f"/api/v1/tickets/{t['token']}/notify").get_json()["following"]["push"] is True
    assert client.delete(f"/api/v1/tickets/{t['token']}/push").status_code == 200
    assert personal_rows(notifier.app) == 0
    client.post(f"/api/v1/tickets/{t['token']}/cancel")
    r = subscribe(client, t, service.browser("u2"))
    assert r.status_code == 409 and r.get_json()["error"]["code"] == "ticket_ended"


def test_a_500_is_retried_with_backoff_then_counted_as_failed(client, kiosk_headers, operator, notifier, service):
    op, h = operator
    t = issue(client, kiosk_headers)
    subscribe(client, t, service.browser("r"), ahead=0)
    assert live_notify.wait_idle(notifier)
    service.mode, before = "500", service.hits
    op.post("/api/v1/desks/1/call-next", headers=h)
    assert live_notify.wait_idle(notifier)
    assert service.hits - before == 4             # KEZEK_NOTIFY_ATTEMPTS tries of the one call message
    notifier.flush_counts()
    from helpers import login
    manager = notifier.app.test_client()
    login(manager, "manager")
    assert manager.get("/api/v1/notify/counts").get_json()["channels"]["push"]["failed"] == 1


def test_a_manager_gets_an_encrypted_push_when_a_kiosks_printer_fails(app, notifier, service):
    from helpers import login

    from kezek.base.events import Event
    from kezek.web.live.broadcast import publish
    manager = app.test_client()
    h = login(manager, "manager")
    r = manager.post("/api/v1/notify/manager/push", json={"subscription": service.browser("m").subscription(),
                                                           "lang": "kk"}, headers=h)
    assert r.status_code == 201
    publish([Event("printer.changed", app.demo["office"], data={
        "device_id": app.demo["kiosk_id"], "name": "Kiosk 1", "state": "cover_open", "detail": ""})])
    got = service.wait_for("m", 1)
    assert got == [{"title": "Кеңсе ескертуі", "body": "Терминал Kiosk 1: принтер басып шығармайды (қақпағы ашық)",
                    "tag": f"kezek-printer-{app.demo['kiosk_id']}", "url": ""}]
    assert manager.delete("/api/v1/notify/manager", headers=h).get_json() == {"removed": 1}
