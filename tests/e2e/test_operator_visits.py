"""The operator desk in Chromium: transfer to a service (by body, with search), a desk or a specialist with a
note the receiver reads; the visit's outcome; the layout at 1366×768 and 1920×1080; the paused time; SMS."""
from __future__ import annotations

import json
import sqlite3

import pytest
import requests

from tests.e2e.conftest import DEMO_PASSWORD, SCREENSHOTS, LiveServer, axe_check, wait_js

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.filterwarnings(r"ignore:Exception ignored in. <_io.FileIO name=.*server\.log"
                               r":pytest.PytestUnraisableExceptionWarning"),
]

WAIT_MS = 15000
NOTE = "She brought the plan; only the stamp is left"
SIZES = {"1366": (1366, 768), "1920": (1920, 1080)}


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # An SMS gateway is configured (nothing listens there: sending happens off the request, and may fail).
    live = LiveServer(tmp_path_factory.mktemp("visits"), env={"KEZEK_ISSUE_RATE_LIMIT": "0",
                                                              "KEZEK_SMS_URL": "http://127.0.0.1:9/send"})
    live.start()
    yield live
    live.stop()


@pytest.fixture(scope="module")
def staff(server):
    return server.session("operator2")


def shot(page, name: str) -> None:
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"operator_{name}.png"))
    axe_check(page, f"operator_{name}")


def clear(server, staff, desk: int) -> None:
    state = staff.get(f"{server.url}/api/v1/desks/{desk}/state", timeout=5).json()
    if state["desk"]["paused"]:
        staff.post(f"{server.url}/api/v1/desks/{desk}/resume", json={}, timeout=5).raise_for_status()
    for _ in range(500):
        if staff.post(f"{server.url}/api/v1/desks/{desk}/call-next", json={}, timeout=5).status_code == 204:
            return
    raise AssertionError("the desk's queue did not drain")


def open_desk(new_page, server, desk: int, lang="en", user="operator1", size="1366", state="idle"):
    page = new_page(SIZES[size])
    page.goto(f"{server.url}/operator/?lang={lang}")
    page.wait_for_selector("#op-login-form", state="visible", timeout=WAIT_MS)
    page.fill("#op-username", user)
    page.fill("#op-password", DEMO_PASSWORD)
    page.click("#op-login-submit")
    page.click(f'.op-desk-choice[data-desk="{desk}"]', timeout=WAIT_MS)
    wait_state(page, state)
    return page


def wait_state(page, state: str) -> None:
    page.wait_for_selector(f'body[data-desk-state="{state}"]', state="attached", timeout=WAIT_MS)


def act(page, name: str) -> None:
    page.click(f'#op-actions [data-action="{name}"]')


def serve_next(page) -> None:
    act(page, "call-next")
    wait_state(page, "called")
    act(page, "start")
    wait_state(page, "serving")


def test_transfer_to_a_desk_with_a_note_reaches_only_that_desk_and_it_reads_the_note(new_page, server, staff):
    for desk in (3, 4):
        clear(server, staff, desk)
    ticket = server.issue(3)          # В: desks 3 and 4 both serve it
    sender = open_desk(new_page, server, 3)
    serve_next(sender)
    act(sender, "transfer")
    sender.wait_for_selector("#op-transfer[open]", timeout=WAIT_MS)
    sender.click('#op-transfer-kinds label:has(input[value="desk"])')
    # A body's name, in any language, finds the desks that serve it: Г (social support) at desks 4 and 5.
    for query in ("әлеумет", "социальн", "social"):
        sender.fill("#op-transfer-search", query)
        wait_js(sender, "() => [...document.querySelectorAll('#op-transfer-services input')].map(i => i.value)"
                        ".join() === '4,5'")
    sender.fill("#op-transfer-search", "4")
    sender.check('#op-transfer-services input[value="4"]')
    assert "Land and housing · Social support" in sender.text_content("#op-transfer-services")
    sender.fill("#op-transfer-note", NOTE)
    shot(sender, "dialog_transfer_desk_en")
    sender.click("#op-transfer-submit")
    wait_state(sender, "idle")
    with sqlite3.connect(server.db) as db:
        details = json.loads(db.execute("SELECT details FROM events WHERE name = 'ticket.transferred'"
                                        " AND ticket_id = ?", (ticket["id"],)).fetchone()[0])
    assert details["to_desk_id"] == 4 and NOTE not in json.dumps(details, ensure_ascii=False)
    # Desk 3 serves В too, but this visitor is desk 4's: its queue does not show them, call-next passes them by.
    assert not sender.is_visible(f'#op-queue [data-number="{ticket["number"]}"]')
    receiver = open_desk(new_page, server, 4, user="operator2")
    receiver.wait_for_selector(f'#op-queue [data-number="{ticket["number"]}"]', timeout=WAIT_MS)
    act(receiver, "call-next")
    wait_state(receiver, "called")
    assert receiver.text_content("#op-current-number").strip() == ticket["number"]
    for lang, words in (("kk", "3-терезеден бағытталды"), ("ru", "Перенаправлен из окна 3"),
                        ("en", "Transferred from desk 3")):
        for size in SIZES:
            page = open_desk(new_page, server, 4, lang=lang, user="operator2", size=size, state="called")
            assert page.text_content("#op-received") == f"{words}: {NOTE}"
            shot(page, f"received_transfer_{lang}_{size}")
    # The visitor's own page and the hall display never show it.
    public = requests.get(f"{server.url}/api/v1/tickets/{ticket['token']}", timeout=5).text
    state = requests.get(f"{server.url}/api/v1/state", timeout=5).text
    assert NOTE not in public and NOTE not in state


def test_transfer_to_a_specialist_is_called_only_by_them(new_page, server, staff):
    for desk in (1, 2):
        clear(server, staff, desk)
    ticket = server.issue(1)
    page = open_desk(new_page, server, 1)
    serve_next(page)
    act(page, "transfer")
    page.click('#op-transfer-kinds label:has(input[value="user"])')
    names = page.eval_on_selector_all("#op-transfer-services .op-choice-name", "ns => ns.map(n => n.textContent)")
    assert names == ["operator2"]                                       # not themselves, not the manager
    page.check("#op-transfer-services input >> nth=0")
    page.click("#op-transfer-submit")
    wait_state(page, "idle")
    # Desk 2 serves А: operator1 there does not get the visitor sent to operator2, operator2 does.
    assert staff.post(f"{server.url}/api/v1/desks/2/call-next", json={}, timeout=5).json()["id"] == ticket["id"]


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_service_list_is_grouped_by_body_sorted_and_searchable(new_page, server, staff, lang, size):
    clear(server, staff, 5)
    server.issue(5)
    page = open_desk(new_page, server, 5, lang=lang, size=size)
    serve_next(page)
    act(page, "transfer")
    page.wait_for_selector("#op-transfer[open]", timeout=WAIT_MS)
    groups = page.eval_on_selector_all("#op-transfer-services .op-group-name", "ns => ns.map(n => n.textContent)")
    # Five bodies less the ticket's own service's one (Business: Д, nothing else in it), in alphabetical order.
    assert len(groups) == 4, groups
    assert groups == page.evaluate("([g, l]) => [...g].sort(new Intl.Collator(l).compare)", [groups, lang])
    assert page.evaluate("() => { const b = document.querySelector('#op-transfer .op-dialog-buttons').getBoundingClientRect();"
                         " return b.bottom <= innerHeight; }"), "the dialog's buttons are off screen"
    shot(page, f"dialog_transfer_{lang}_{size}")
    query = {"kk": "неке", "ru": "брак", "en": "marriage"}[lang]
    page.fill("#op-transfer-search", query)
    wait_js(page, "() => document.querySelectorAll('#op-transfer-services .op-choice').length === 1")
    assert page.get_attribute("#op-transfer-services .op-choice input", "value") == "1"
    page.keyboard.press("Escape")


def test_finishing_records_the_outcome_and_the_report_counts_it(new_page, server, staff):
    clear(server, staff, 1)
    ticket = server.issue(1)
    page = open_desk(new_page, server, 1, lang="kk")
    serve_next(page)
    act(page, "finish")
    page.wait_for_selector("#op-finish[open]", timeout=WAIT_MS)
    page.click("#op-finish-submit")                                        # nothing chosen: it asks
    assert page.is_visible("#op-finish-error")
    page.check("#op-finish-outcomes input >> nth=1")                       # needs documents
    page.click("#op-finish-more summary")
    page.check('#op-finish-services input[value="6"]')                     # and a legal consultation
    page.fill("#op-finish-note", "Told her which certificate")
    for size in SIZES:
        page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
        shot(page, f"dialog_finish_kk_{size}")
    page.click("#op-finish-submit")
    wait_state(page, "idle")
    manager = server.session("manager")
    outcomes = {o["code"]: o for o in manager.get(f"{server.url}/api/v1/stats", timeout=5).json()["outcomes"]}
    assert outcomes["documents"]["visits"] >= 1 and outcomes["documents"]["services"] >= 2
    with sqlite3.connect(server.db) as db:
        assert db.execute("SELECT note FROM visit_outcomes WHERE ticket_id = ?", (ticket["id"],)).fetchone()[0] \
            == "Told her which certificate"


@pytest.mark.parametrize("lang", ["kk", "ru", "en"])
@pytest.mark.parametrize("size", list(SIZES))
def test_the_desk_fits_its_screen_without_page_scroll_and_names_are_whole(new_page, server, staff, lang, size):
    clear(server, staff, 4)
    for service in (4, 3, 4, 3, 4, 3, 4, 3, 4, 3, 4, 3):
        server.issue(service)
    page = open_desk(new_page, server, 4, lang=lang, size=size)
    serve_next(page)
    page.wait_for_selector("#op-queue li:nth-child(8)", timeout=WAIT_MS)
    assert page.evaluate("() => document.scrollingElement.scrollHeight <= innerHeight + 1"), "the page scrolls"
    cut = page.evaluate("""() => [...document.querySelectorAll('.op-ticket-service, .op-service-name, .op-service')]
        .filter(n => n.offsetParent && n.scrollWidth > n.clientWidth + 1).map(n => n.textContent)""")
    assert cut == []
    number = page.evaluate("() => parseFloat(getComputedStyle(document.getElementById('op-current-number')).fontSize)")
    actions = page.evaluate("() => document.getElementById('op-actions').getBoundingClientRect().bottom")
    if size == "1920":
        assert number >= 140, number                 # large type on a large monitor
        assert actions >= 1080 * 0.6, actions       # the card uses the height, not the top half
    shot(page, f"serving_{lang}_{size}")


@pytest.mark.parametrize("lang, space", [("kk", "Пробел"), ("ru", "Пробел"), ("en", "Space")])
def test_the_paused_desk_shows_how_long_and_keys_are_named_as_keys(new_page, server, staff, lang, space):
    clear(server, staff, 6)
    page = open_desk(new_page, server, 6, lang=lang)
    assert space in page.text_content('#op-actions [data-action="call-next"] .op-key')
    act(page, "pause")
    page.check('#op-pause-reasons input[value="lunch"]')
    page.click("#op-pause-submit")
    wait_state(page, "paused")
    wait_js(page, "() => /0:0[2-9]/.test(document.getElementById('op-paused-for').textContent)")
    label = {"kk": "Үзіліс ұзақтығы", "ru": "На перерыве", "en": "Paused for"}[lang]
    assert label in page.text_content("#op-paused-for")
    for size in SIZES:
        page.set_viewport_size(dict(zip(("width", "height"), SIZES[size])))
        shot(page, f"paused_for_{lang}_{size}")
    act(page, "resume")
    wait_state(page, "idle")
    assert "Қоңырау шалушыны" not in page.content()


def test_the_operator_enters_a_callers_phone_for_sms_and_it_is_never_shown_back(new_page, server, staff):
    clear(server, staff, 2)
    ticket = server.issue(1)
    page = open_desk(new_page, server, 2)
    act(page, "call-next")
    wait_state(page, "called")
    page.wait_for_selector('#op-actions [data-action="sms"]:not([hidden])', timeout=WAIT_MS)
    act(page, "sms")
    page.wait_for_selector("#op-sms[open]", timeout=WAIT_MS)
    page.fill("#op-sms-phone", "12")
    page.click("#op-sms-submit")
    page.wait_for_selector("#op-sms-error:not([hidden])", timeout=WAIT_MS)
    page.fill("#op-sms-phone", "+7 701 765 43 21")
    shot(page, "dialog_sms_en")
    page.click("#op-sms-submit")
    page.wait_for_selector("#op-sms", state="hidden", timeout=WAIT_MS)
    assert "765 43 21" not in page.content() and "7654321" not in page.content()
    follows = requests.get(f"{server.url}/api/v1/tickets/{ticket['token']}/notify", timeout=5).json()
    assert follows["following"]["sms"] is True
    act(page, "sms")
    assert "…21" in page.text_content("#op-sms-title")
    state = staff.get(f"{server.url}/api/v1/tickets/{ticket['id']}/phone", timeout=5).json()
    assert state == {"sms": True, "phone_ends": "21"}
    log = server.log.read_text(encoding="utf-8", errors="replace") if server.log.exists() else ""
    assert "765 43 21" not in log and "7017654321" not in log
    with sqlite3.connect(server.db) as db:
        assert not [r for r in db.execute("SELECT details FROM events") if "7654321" in r[0].replace(" ", "")]


def admin_sign_in(page, server, lang):
    page.goto(f"{server.url}/admin/?lang={lang}")
    page.fill("input[name=username]", "admin")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    page.wait_for_selector("#app", state="visible", timeout=WAIT_MS)


def test_the_admin_edits_the_outcome_list_and_the_desk_offers_what_is_in_use(new_page, server, staff):
    page = new_page(SIZES["1366"])
    admin_sign_in(page, server, "en")
    page.click('[data-tab="services"]')
    page.wait_for_selector("#outcomes:not([hidden]) #o-rows tr:nth-child(4)", timeout=WAIT_MS)
    page.fill("#outcome-form [name=name_ru]", "Заявление принято")
    page.fill("#outcome-form [name=name_en]", "Application accepted")
    page.click("#outcome-form button[type=submit]")          # no Kazakh name: refused at that field
    wait_js(page, "() => document.querySelector('#outcome-form [data-error-for=name_kk]').textContent.length > 0")
    page.fill("#outcome-form [name=name_kk]", "Өтініш қабылданды")
    page.click("#outcome-form button[type=submit]")
    page.wait_for_selector("#o-rows tr:nth-child(5)", timeout=WAIT_MS)
    other = page.locator('#o-rows tr[data-outcome="other"]')
    other.locator("input[type=checkbox]").uncheck()
    other.locator("button", has_text="Save").click()
    wait_js(page, "() => !document.querySelector('#o-rows tr[data-outcome=\"other\"] input[type=checkbox]').checked")
    for lang in ("kk", "ru", "en"):
        for size in SIZES:
            view = new_page(SIZES[size])
            admin_sign_in(view, server, lang)
            view.click('[data-tab="services"]')
            view.wait_for_selector("#o-rows tr:nth-child(5)", timeout=WAIT_MS)
            view.locator("#outcomes").scroll_into_view_if_needed()
            shot(view, f"admin_outcomes_{lang}_{size}")
    clear(server, staff, 1)
    server.issue(1)
    desk = open_desk(new_page, server, 1, lang="ru")
    serve_next(desk)
    act(desk, "finish")
    desk.wait_for_selector("#op-finish[open]", timeout=WAIT_MS)
    offered = desk.eval_on_selector_all("#op-finish-outcomes .op-choice-name", "ns => ns.map(n => n.textContent)")
    assert "Заявление принято" in offered and "Другое" not in offered
    desk.keyboard.press("Escape")


@pytest.mark.parametrize("lang, bodies", [("kk", "Жер және тұрғын үй · Әлеуметтік көмек"),
                                          ("ru", "Земля и жильё · Социальная помощь"),
                                          ("en", "Land and housing · Social support")])
def test_the_desk_list_names_each_desk_by_the_bodies_it_serves(new_page, server, lang, bodies):
    for size in SIZES:
        page = new_page(SIZES[size])
        page.goto(f"{server.url}/operator/?lang={lang}")
        page.wait_for_selector("#op-login-form", state="visible", timeout=WAIT_MS)
        page.evaluate("() => localStorage.removeItem('kezek.operator.desk')")
        page.fill("#op-username", "operator1")
        page.fill("#op-password", DEMO_PASSWORD)
        page.click("#op-login-submit")
        page.wait_for_selector('.op-desk-choice[data-desk="4"]', timeout=WAIT_MS)
        assert page.text_content('.op-desk-choice[data-desk="4"] .op-desk-services') == bodies
        assert "В Г" not in page.text_content("#op-desk-list")            # letters were all it said
        shot(page, f"desks_{lang}_{size}")
