"""The ticket page's real service worker in real Chromium turns a Web Push message into a notification."""
from __future__ import annotations

import json

import pytest
from playwright.sync_api import expect

from kezek.notify import push
from tests.e2e.conftest import LiveServer, screenshot, wait_js

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def push_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("push")
    push.generate_key_file(tmp / "vapid.pem")
    server = LiveServer(tmp, env={"KEZEK_VAPID_KEY_FILE": str(tmp / "vapid.pem")})
    server.start()
    yield server
    server.stop()


def _registration_id(session, page, scope_url: str) -> str:
    found = {}
    session.on("ServiceWorker.workerRegistrationUpdated",
               lambda event: found.update({r["scopeURL"]: r["registrationId"] for r in event["registrations"]}))
    session.send("ServiceWorker.enable")
    page.evaluate("() => navigator.serviceWorker.register('/ticket/static/ticket-sw.js')")
    wait_js(page, "async () => !!((await navigator.serviceWorker.getRegistration('/ticket/static/')) || {}).active")
    deadline = 200
    while scope_url not in found and deadline:
        page.wait_for_timeout(50)
        deadline -= 1
    assert scope_url in found, found
    return found[scope_url]


def test_a_push_message_becomes_a_notification_through_the_pages_service_worker(new_page, push_server):
    ticket = push_server.issue(1, lang="ru")
    page = new_page("phone")
    page.context.grant_permissions(["notifications"], origin=push_server.url)
    page.goto(f"{ticket['url']}")
    expect(page.locator("#notify")).to_be_visible()          # push is offered: https-like origin, a key, support
    expect(page.locator("#notify")).to_have_text("Уведомить меня")
    expect(page.locator("#notify-why")).to_be_hidden()
    screenshot(page, "ticket_notify_ru")
    session = page.context.new_cdp_session(page)
    scope = f"{push_server.url}/ticket/static/"
    registration = _registration_id(session, page, scope)
    message = {"title": f"Талон {ticket['number']}", "body": "Пройдите к окну 5", "tag": f"kezek-{ticket['number']}",
               "url": ticket["url"]}
    session.send("ServiceWorker.deliverPushMessage", {"origin": push_server.url, "registrationId": registration,
                                                      "data": json.dumps(message, ensure_ascii=False)})
    shown = "async () => (await (await navigator.serviceWorker.getRegistration('/ticket/static/')).getNotifications())" \
            ".map(n => ({title: n.title, body: n.body, tag: n.tag}))"
    wait_js(page, f"async () => (await ({shown})()).length > 0")
    assert page.evaluate(shown) == [{"title": message["title"], "body": message["body"], "tag": message["tag"]}]
    # A newer message for the same ticket replaces it: one notification per ticket, never a pile.
    message["body"] = "Вас вызывают повторно: пройдите к окну 5"
    session.send("ServiceWorker.deliverPushMessage", {"origin": push_server.url, "registrationId": registration,
                                                      "data": json.dumps(message, ensure_ascii=False)})
    wait_js(page, f"async () => (await ({shown})()).some(n => n.body.startsWith('Вас вызывают'))")
    assert len(page.evaluate(shown)) == 1


def test_without_a_push_key_the_page_says_so_and_keeps_the_page_notice(new_page, live_server):
    ticket = live_server.issue(1, lang="en")
    page = new_page("phone")
    page.goto(ticket["url"])
    expect(page.locator("#notify-why")).to_have_text("Push notifications are not set up on this server.")
    expect(page.locator("#notify")).to_be_hidden()
    page.get_by_role("button", name="Қазақша").click()
    expect(page.locator("#notify-why")).to_have_text("Бұл серверде хабарламалар бапталмаған.")
