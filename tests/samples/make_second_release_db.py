"""Make tests/samples/second_release.db: a morning written by Kezek's second release (stop 21, b135b46), with
its signed checkpoints, an auditor's kept checkpoint (second_release.checkpoint) and the office's public log
key (second_release.key). The private key is thrown away: only the public one is kept, as an auditor has it.

    git worktree add --detach /tmp/kezek-second-release b135b46
    cd /tmp/kezek-second-release && /path/to/kezek/.venv/bin/python \
        /path/to/kezek/tests/samples/make_second_release_db.py /path/to/kezek/tests/samples/second_release

It drives that release's own API (a kiosk, two operators, Idempotency-Keys) and its own minute checkpoint job
on a clock through Tuesday 24 November 2026 in Almaty, then closes the day the next morning.
"""
from __future__ import annotations

import sqlite3
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path.cwd()))          # the second release's kezek/, not this repository's

from kezek import demo                        # noqa: E402  (the second release's modules)
from kezek.base import database               # noqa: E402
from kezek.log import checkpoints, keyfile    # noqa: E402
from kezek.web.app import create_app          # noqa: E402
from kezek.web.live import checkpointing      # noqa: E402

PASSWORD = "demo-pass-123"
START = datetime(2026, 11, 24, 4, 0, tzinfo=timezone.utc)    # 09:00 in Almaty


class Clock:
    def __init__(self):
        self.now = START

    def __call__(self):
        return self.now


def main(stem: str) -> None:
    out = Path(f"{stem}.db")
    for suffix in ("", "-wal", "-shm", ".logkey"):
        Path(f"{out}{suffix}").unlink(missing_ok=True)
    clock = Clock()
    db = database.init_db(str(out))
    creds = demo.load_demo(db, clock(), password=PASSWORD)
    db.close()
    app = create_app({"DB": str(out), "TESTING": True, "SECRET_KEY": "second-release-fixture",
                      "ASYNC_MODE": "threading", "CLOCK": clock, "PUBLIC_URL": "http://kezek.test",
                      "QUEUE_PUSH_DELAY_S": 0, "ISSUE_RATE_LIMIT": 0})
    kiosk, kiosk_headers = app.test_client(), {"Authorization": f"Bearer {creds['kiosk_token']}"}
    operator = app.test_client()
    csrf = operator.post("/api/v1/login", json={"username": "operator1", "password": PASSWORD}).get_json()
    headers = {"X-CSRF-Token": csrf["csrf_token"]}

    def post(client, path, body=None, extra=None):
        answer = client.post(path, json=body or {}, headers={**(extra or {}), "Idempotency-Key": str(uuid.uuid4())})
        assert answer.status_code in (200, 201, 204), (path, answer.status_code, answer.get_json())
        return answer.get_json() if answer.status_code != 204 else None

    services = {s["prefix"]: s["id"] for s in kiosk.get("/api/v1/services", headers=kiosk_headers)
                .get_json()["services"]}
    conn = sqlite3.connect(str(out))
    desk = conn.execute("SELECT id FROM desks WHERE name = '1'").fetchone()[0]
    conn.close()
    for prefix in "ААЕАЕ":
        clock.now += timedelta(minutes=4)
        post(kiosk, "/api/v1/tickets", {"service": services[prefix], "lang": "kk"}, kiosk_headers)
    clock.now += timedelta(minutes=1)
    checkpointing.checkpoint_once(app)
    for _ in range(3):
        ticket = post(operator, f"/api/v1/desks/{desk}/call-next", extra=headers)
        clock.now += timedelta(minutes=1)
        post(operator, f"/api/v1/tickets/{ticket['id']}/start", extra=headers)
        clock.now += timedelta(minutes=5)
        post(operator, f"/api/v1/tickets/{ticket['id']}/finish", extra=headers)
        clock.now += timedelta(minutes=1)
        made = checkpointing.checkpoint_once(app)
    db = database.open_db(str(out))
    kept = checkpoints.published(db, made[-1])                     # the one an auditor printed and kept
    db.close()
    clock.now = START.replace(hour=19, minute=5)                  # 00:05 the next day in Almaty: the day closes
    checkpointing.checkpoint_once(app)
    signer = app.extensions["kezek_log_key"]
    Path(f"{stem}.checkpoint").write_text(kept, encoding="utf-8")
    Path(f"{stem}.key").write_text(keyfile.office_verifier(signer, "demo").encode() + "\n", encoding="utf-8")
    Path(app.config["LOG_KEY"]).unlink()                          # no private key in the repository
    conn = sqlite3.connect(str(out))
    print(conn.execute("SELECT count(*) FROM events").fetchone()[0], "events;",
          conn.execute("SELECT count(*), sum(day IS NOT NULL) FROM checkpoints").fetchone(), "checkpoints, daily")
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.execute("VACUUM")
    conn.close()


if __name__ == "__main__":
    main(sys.argv[1])
