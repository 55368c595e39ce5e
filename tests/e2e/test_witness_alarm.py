"""A witness's alarm in real Chromium: the manager's monitor shows it in their language, with the log and the sizes."""
from __future__ import annotations

import pytest
import requests
from playwright.sync_api import expect

from kezek.log import merkle, note, witness
from tests.e2e.conftest import DEMO_PASSWORD, LiveServer, screenshot

pytestmark = pytest.mark.e2e
ORIGIN = "queue.district-3.example.kz/district-3"


@pytest.fixture(scope="module")
def witness_server(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("witness_e2e")
    log = note.generate(ORIGIN)
    (tmp / "logs.txt").write_text(f"{ORIGIN} {log.verifier().encode()}\n")
    witness.write_key(tmp / "witness.key", "witness.region.example.kz")
    server = LiveServer(tmp, env={"KEZEK_WITNESS_LOGS": str(tmp / "logs.txt"),
                                  "KEZEK_WITNESS_KEY": str(tmp / "witness.key")})
    server.start()
    yield server, log
    server.stop()


def _checkpoint(log: note.Signer, leaves: list[bytes], size: int) -> str:
    subtree = lambda level, index: (leaves[index] if level == 0 else
                                    merkle.node_hash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1)))
    return note.sign(note.Checkpoint(ORIGIN, size, merkle.root(subtree, size)).text(), log)


def test_the_monitor_shows_a_fork_the_witness_refused(witness_server, new_page):
    server, log = witness_server
    true = [merkle.leaf_hash(f"event {i}".encode()) for i in range(8)]
    other = true[:3] + [merkle.leaf_hash(f"rewritten {i}".encode()) for i in range(3, 8)]
    post = lambda body: requests.post(server.url + "/witness/add-checkpoint", data=body, timeout=10)
    assert post(witness.submission_body(0, [], _checkpoint(log, true, 8))).status_code == 200
    page = new_page("desk")
    page.goto(f"{server.url}/admin/?lang=ru")
    page.fill("input[name=username]", "manager")
    page.fill("input[name=password]", DEMO_PASSWORD)
    page.click("#login-form button[type=submit]")
    expect(page.locator("#app")).to_be_visible()
    expect(page.locator("#m-desks tr").first).to_be_visible()
    expect(page.locator("#m-witness")).to_be_hidden()     # nothing wrong yet
    # The log's owner signs another history of the same size.
    assert post(witness.submission_body(8, [], _checkpoint(log, other, 8))).status_code == 409
    page.reload()
    alarm = page.locator("#m-witness")
    expect(alarm).to_be_visible()
    expect(alarm.locator("h2")).to_have_text("Тревога свидетеля")
    expect(alarm.locator("li")).to_contain_text(ORIGIN)
    expect(alarm.locator("li")).to_contain_text("другая история того же размера")
    expect(alarm.locator("li")).to_contain_text("8")
    screenshot(page, "admin_witness_alarm")
