"""Make tests/samples/first_release.db: one office day written by Kezek's first release (stop 11, 1b3aaa8).

Run inside a checkout of that commit, with this repository's .venv (its packages are a superset):

    git worktree add --detach /tmp/kezek-first-release 1b3aaa8
    cd /tmp/kezek-first-release && /path/to/kezek/.venv/bin/python \
        /path/to/kezek/tests/samples/make_first_release_db.py /path/to/kezek/tests/samples/first_release.db

It drives that release's own API through its own Flask app (a kiosk's Bearer token, operators signed in
with cookies and CSRF tokens, Idempotency-Keys as the screens send them) on a clock that walks through
Monday 23 November 2026 in Almaty: tickets issued, called, recalled, started, finished, no-shows, a
transfer, a postponed visitor, a call out of order with its reason, a cancel from the ticket page, a
priority ticket, ratings, a desk paused and resumed, a booking checked in at the kiosk and one cancelled.
At 16:40 the copy is taken: one visitor called to desk 3, seven waiting. tests/test_first_release_upgrade.py
reads the facts it prints at the end from the database itself; nothing here is needed by the tests.
"""
from __future__ import annotations

import json
import sqlite3
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))          # the first release's kezek/, not this repository's

from kezek import demo, store                # noqa: E402  (the first release's modules)
from kezek.web.app import create_app         # noqa: E402

PASSWORD = "demo-pass-123"                    # tests/helpers.py's DEMO_PASSWORD
START = datetime(2026, 11, 23, 3, 50, tzinfo=timezone.utc)    # 08:50 in Almaty, a Monday


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now

    def at(self, hhmm: str):
        hours, minutes = map(int, hhmm.split(":"))
        self.now = START.replace(hour=hours - 5, minute=minutes)


def main(out: str) -> None:
    target = Path(out)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    clock = Clock()
    db = store.init_db(str(target))
    creds = demo.load_demo(db, clock(), password=PASSWORD)
    db.close()
    app = create_app({"DB": str(target), "TESTING": True, "SECRET_KEY": "first-release-fixture",
                      "ASYNC_MODE": "threading", "CLOCK": clock, "PUBLIC_URL": "http://kezek.test",
                      "QUEUE_PUSH_DELAY_S": 0, "ISSUE_RATE_LIMIT": 0})
    kiosk = app.test_client()
    kiosk_headers = {"Authorization": f"Bearer {creds['kiosk_token']}"}
    staff = {}
    for name in ("operator1", "operator2"):
        client = app.test_client()
        answer = client.post("/api/v1/login", json={"username": name, "password": PASSWORD})
        assert answer.status_code == 200, answer.get_json()
        staff[name] = (client, {"X-CSRF-Token": answer.get_json()["csrf_token"]})
    services = {s["prefix"]: s["id"] for s in kiosk.get("/api/v1/services", headers=kiosk_headers)
                .get_json()["services"]}
    desks = {d["name"]: d["id"] for d in store.init_db(str(target)).query("SELECT id, name FROM desks")}

    def post(who, path, body=None, expect=(200, 201, 204)):
        client, headers = (kiosk, kiosk_headers) if who == "kiosk" else staff[who]
        answer = client.post(path, json=body or {}, headers={**headers, "Idempotency-Key": str(uuid.uuid4())})
        assert answer.status_code in expect, (path, answer.status_code, answer.get_json())
        return answer.get_json() if answer.status_code != 204 else None

    def issue(prefix, **extra):
        return post("kiosk", "/api/v1/tickets", {"service": services[prefix], "lang": extra.pop("lang", "kk"),
                                                 **extra})

    def visit(who, desk, *, ends="finish"):
        ticket = post(who, f"/api/v1/desks/{desks[desk]}/call-next")
        if ticket is None:
            return None
        clock.now += timedelta(minutes=1)
        if ends == "no-show":
            return post(who, f"/api/v1/tickets/{ticket['id']}/no-show")
        post(who, f"/api/v1/tickets/{ticket['id']}/start")
        clock.now += timedelta(minutes=6)
        return post(who, f"/api/v1/tickets/{ticket['id']}/{ends}")

    # Morning: a booking for 11:00 made from a phone at 08:55, another made and cancelled.
    clock.at("08:55")
    booking_client = app.test_client()
    slot = (START.replace(hour=11 - 5, minute=0)).isoformat().replace("+00:00", "Z")
    booked = booking_client.post("/api/v1/bookings", json={"service": services["А"], "at": slot, "lang": "ru"})
    assert booked.status_code == 201, booked.get_json()
    other_slot = (START.replace(hour=12 - 5, minute=0)).isoformat().replace("+00:00", "Z")
    second = booking_client.post("/api/v1/bookings", json={"service": services["Ж"], "at": other_slot})
    assert second.status_code == 201, second.get_json()
    booking_client.post(f"/api/v1/bookings/{second.get_json()['code']}/cancel", json={})

    clock.at("09:00")
    tickets = []
    for i, prefix in enumerate("ААБВГДЕАВГББАЕДГ"):
        clock.now += timedelta(minutes=3)
        tickets.append(issue(prefix, lang=("kk", "ru", "en")[i % 3]))
    clock.now += timedelta(minutes=1)
    tickets.append(issue("В", priority=True, priority_reason="elderly", lang="ru"))

    clock.at("09:45")
    visit("operator1", "1")
    visit("operator2", "3")
    visit("operator1", "1", ends="no-show")
    # A recall, then the visitor comes and is served.
    called = post("operator2", f"/api/v1/desks/{desks['3']}/call-next")
    clock.now += timedelta(minutes=2)
    post("operator2", f"/api/v1/tickets/{called['id']}/recall")
    clock.now += timedelta(minutes=1)
    post("operator2", f"/api/v1/tickets/{called['id']}/start")
    clock.now += timedelta(minutes=5)
    post("operator2", f"/api/v1/tickets/{called['id']}/finish")
    # A transfer to another service, first in line there.
    called = post("operator1", f"/api/v1/desks/{desks['1']}/call-next")
    post("operator1", f"/api/v1/tickets/{called['id']}/start")
    clock.now += timedelta(minutes=4)
    post("operator1", f"/api/v1/tickets/{called['id']}/transfer", {"service": services["Е" if called["service_id"] != services["Е"] else "Б"],
                                                                  "first": True})
    # A visitor postponed (back to the queue) while they fetch a document.
    called = post("operator2", f"/api/v1/desks/{desks['3']}/call-next")
    post("operator2", f"/api/v1/tickets/{called['id']}/return")

    clock.at("10:30")
    post("operator1", f"/api/v1/desks/{desks['1']}/pause", {"reason": "Обед / lunch break"})
    clock.at("10:45")
    post("operator1", f"/api/v1/desks/{desks['1']}/resume")
    # The booked visitor checks in at the kiosk (10 minutes early) and is called.
    clock.at("10:50")
    checked = post("kiosk", f"/api/v1/bookings/{booked.get_json()['code']}/check-in", {"lang": "ru"})
    clock.at("11:00")
    visit("operator1", "1")
    # A visitor cancels from the ticket page.
    waiting = [t for t in tickets if store.init_db(str(target)).execute(
        "SELECT status FROM tickets WHERE id = ?", (t["id"],)).fetchone()[0] == "waiting"]
    cancelled = waiting[-1]
    answer = app.test_client().post(f"/api/v1/tickets/{cancelled['token']}/cancel", json={})
    assert answer.status_code == 200, answer.get_json()
    # A call out of order, with its reason.
    target_ticket = next(t for t in reversed(waiting[:-1]) if t["service_id"] in (services["Б"], services["В"]))
    post("operator2", f"/api/v1/desks/{desks['3']}/call", {"ticket": target_ticket["id"],
                                                            "reason": "Мүгедектігі бар адам, ертерек"})
    post("operator2", f"/api/v1/tickets/{target_ticket['id']}/start")
    clock.now += timedelta(minutes=7)
    post("operator2", f"/api/v1/tickets/{target_ticket['id']}/finish")

    clock.at("13:00")
    for i, prefix in enumerate("АВГБДАЕВ"):
        clock.now += timedelta(minutes=5)
        tickets.append(issue(prefix, lang=("ru", "kk")[i % 2]))
    clock.at("14:00")
    for _ in range(4):
        visit("operator1", "1")
        visit("operator2", "3")
    visit("operator2", "3", ends="no-show")
    for _ in range(3):
        visit("operator1", "5")

    # Ratings from the ticket pages of three finished visits.
    finished = [t for t in tickets if store.init_db(str(target)).execute(
        "SELECT status FROM tickets WHERE id = ?", (t["id"],)).fetchone()[0] == "done"]
    for stars, ticket in zip((5, 4, 2), finished):
        answer = app.test_client().post(f"/api/v1/tickets/{ticket['token']}/rating",
                                        json={"stars": stars, "comment": "Рақмет!" if stars > 3 else "Ұзақ күттім"})
        assert answer.status_code == 201, answer.get_json()

    clock.at("16:30")
    tickets.append(issue("Б", lang="ru"))
    clock.at("16:40")
    post("operator2", f"/api/v1/desks/{desks['3']}/call-next")      # the copy is taken with this visitor at desk 3

    db = store.init_db(str(target))
    facts = {
        "tickets": db.execute("SELECT status, count(*) FROM tickets GROUP BY status").fetchall(),
        "events": db.execute("SELECT count(*) FROM events").fetchone()[0],
        "log_head": store.get_setting(db, "log_head"),
        "checked_in": checked["number"],
    }
    db.close()
    conn = sqlite3.connect(str(target))
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")             # a small file to keep in the repository
    conn.close()
    print(json.dumps(facts, ensure_ascii=False))


if __name__ == "__main__":
    main(sys.argv[1])
