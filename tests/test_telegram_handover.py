"""The Telegram bot across a region's processes: whichever holds the polling lease goes on from the offset
kept in the database, so a visitor's every message is answered exactly once, however often the poller changes."""
from __future__ import annotations

import signal
import subprocess
import time

import pytest
from notify_fakes import TelegramApi
from server_processes import ServerProcess, Sibling

from kezek.base import database, leases
from kezek.notify import telegram as bot

pytestmark = pytest.mark.slow

BOT_TOKEN = "123456789:AAE-fake_token_for_tests_0123456789"
CHAT = 7001


def _until(condition, seconds: float = 60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.05)
    raise AssertionError(f"not within {seconds} s")


def _poller(server) -> int:
    db = database.open_db(server.db)
    try:
        row = leases.holder(db, "telegram")
    finally:
        db.close()
    return int(row["holder"].split(":")[1]) if row else 0


@pytest.fixture(params=["sqlite", "postgresql"])
def bot_region(request, tmp_path):
    """The fake Bot API and two processes polling it in turn (leases of 10 minutes: only a release moves them)."""
    db = request.getfixturevalue("pg_url") if request.param == "postgresql" else None
    with TelegramApi(BOT_TOKEN) as telegram:
        env = {"KEZEK_TELEGRAM_API": telegram.url, "KEZEK_TELEGRAM_MODE": "polling", "KEZEK_TELEGRAM_POLL_S": "1",
               "KEZEK_NOTIFY_TIMEOUT_S": "10", "KEZEK_LEASE_TTL_S": "600", "KEZEK_DATA_DIR": str(tmp_path)}
        first = ServerProcess(tmp_path, env=env, db=db)
        first.start()
        admin = first.session("admin")
        answer = admin.patch(first.url + "/api/v1/notify/settings", json={"telegram_token": BOT_TOKEN}, timeout=10)
        assert answer.status_code == 200, answer.text
        second = Sibling(first)
        second.start()
        try:
            yield telegram, first, second
        finally:
            for server in (first, second):
                server.stop()


def _ticket(server) -> str:
    answer = server.kiosk().post(server.url + "/api/v1/tickets", json={"service": 1, "lang": "en"}, timeout=10)
    assert answer.status_code == 201, answer.text
    return answer.json()["token"]


def test_the_next_poller_answers_each_message_once_after_a_handover(bot_region):
    telegram, first, second = bot_region
    assert _poller(first) == first.proc.pid
    for _ in range(4):
        _ticket(first)
    token = _ticket(first)             # four people ahead: over the bot's "ahead" alert, so no alert is sent
    # Telegram becomes unreachable right after giving the first process the visitor's /start: the offset
    # that would confirm it never reaches Telegram, which will give that update again to whoever asks.
    telegram.outage_after_delivery = True
    telegram.user_says(CHAT, "/start " + token)
    assert len(telegram.wait_for(CHAT, 1, timeout=40)) == 1          # answered by the first process
    first.stop()                                                        # SIGTERM: a deploy
    _until(lambda: _poller(second) == second.proc.pid, seconds=30)
    with telegram.lock:
        telegram.outage_after_delivery = telegram.outage = False
    telegram.user_says(CHAT, "/status")
    _until(lambda: any("People ahead of you: 4" in m for m in telegram.to(CHAT)), seconds=40)
    time.sleep(3)                      # the second process's next polls: nothing more is answered
    said = telegram.to(CHAT)
    assert len(said) == 2 and "/status" in said[0] and "People ahead of you: 4" in said[1], said
    assert telegram.delivered == {1: 1, 2: 1}       # each update given once: the second went on from 2
    # And back: the first process restarted, the second stopped, a third message answered once by the first.
    first.start()
    second.stop()
    _until(lambda: _poller(first) == first.proc.pid, seconds=30)
    telegram.user_says(CHAT, "/status")
    telegram.wait_for(CHAT, 3, timeout=40)
    time.sleep(3)
    said = telegram.to(CHAT)
    assert len(said) == 3 and "People ahead of you: 4" in said[2], said
    assert telegram.delivered == {1: 1, 2: 1, 3: 1}


def _offset(server) -> int:
    db = database.open_db(server.db)
    try:
        return bot.saved_offset(db, "demo", BOT_TOKEN)
    finally:
        db.close()


def test_a_server_stopped_cleanly_sends_the_answers_it_had_queued(bot_region):
    telegram, first, _second = bot_region
    for _ in range(4):
        _ticket(first)
    token = _ticket(first)
    telegram.sending.clear()                  # the Bot API is slow: the first answer hangs, the next waits behind it
    telegram.user_says(CHAT, "/start " + token)
    telegram.user_says(CHAT, "/status")
    _until(lambda: _offset(first) == 3, seconds=40)     # both handled by the first process, their answers queued
    proc = first.proc
    proc.send_signal(signal.SIGTERM)          # a deploy, while the answers are on their way
    try:
        proc.wait(4)                          # a server that just exits is gone by now, its queue with it
    except subprocess.TimeoutExpired:
        pass                                  # still sending what it had queued
    telegram.sending.set()
    assert proc.wait(30) == 0
    _until(lambda: len(telegram.to(CHAT)) >= 2, seconds=10)
    said = telegram.to(CHAT)
    assert len(said) == 2 and "/status" in said[0] and "People ahead of you: 4" in said[1], said
