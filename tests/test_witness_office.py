"""An office server pushes its checkpoints to a witness server (two processes on 127.0.0.1): cosigned, rollback caught, a dead witness harmless."""
from __future__ import annotations

import shutil
import socket
import time

import pytest
import requests

from bench._load import ServerProcess
from kezek.log import note, witness

pytestmark = pytest.mark.slow   # two real servers, restarts, waiting for the checkpoint job


def _until(what, timeout: float = 40.0, every: float = 0.2):
    """Poll `what()` until it returns something true; that value."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = what()
        if value:
            return value
        time.sleep(every)
    raise AssertionError(f"timed out waiting for {what.__doc__ or what}")


class Pair:
    """A witness server and an office server that pushes to it."""

    def __init__(self, tmp):
        (tmp / "w").mkdir()
        (tmp / "o").mkdir()
        self.key = witness.write_key(tmp / "w" / "witness.key", "witness.region.example.kz").verifier()
        self.logs = tmp / "w" / "logs.txt"
        self.logs.write_text("")
        self.witness = ServerProcess(tmp / "w", env={"KEZEK_WITNESS_LOGS": str(self.logs),
                                                     "KEZEK_WITNESS_KEY": str(tmp / "w" / "witness.key")})
        self.prefix = self.witness.url + "/witness"
        self.office = ServerProcess(tmp / "o", env={"KEZEK_WITNESSES": f"{self.prefix} {self.key.encode()}",
                                                    "KEZEK_CHECKPOINT_EVERY_S": "1", "KEZEK_ISSUE_RATE_LIMIT": "0"})
        line = self.office.cli("log-key").stdout.strip().splitlines()[0]
        self.origin, office_key = line.split(" ")
        self.office_key = note.parse_verifier(office_key)
        self.logs.write_text(f"{self.origin} {office_key}\n")   # the witness serves this office's log
        self.witness.start()
        self.office.start()
        self.kiosk = self.office.kiosk()
        self.desk = self.office.session("operator1")

    def stop(self):
        self.office.stop()
        self.witness.stop()

    def issue(self, n: int) -> None:
        for _ in range(n):
            r = self.kiosk.post(self.office.url + "/api/v1/tickets", json={"service": 1}, timeout=10)
            assert r.status_code == 201, r.text

    def call(self) -> None:
        r = self.desk.post(self.office.url + "/api/v1/desks/1/call-next", timeout=10)
        assert r.status_code in (200, 204), r.text

    def office_checkpoint(self) -> note.Checkpoint | None:
        r = requests.get(self.office.url + "/api/v1/log/checkpoint", timeout=5)
        return note.parse_checkpoint(note.split(r.text)[0]) if r.status_code == 200 else None

    def witnessed(self) -> tuple[note.Checkpoint, str] | None:
        r = requests.get(self.prefix + "/checkpoint", params={"origin": self.origin}, timeout=5)
        return (note.parse_checkpoint(note.split(r.text)[0]), r.text) if r.status_code == 200 else None

    def cosigned_size(self) -> int:
        seen = self.witnessed()
        return seen[0].size if seen else 0

    def alarms(self) -> list[dict]:
        return self.witness.session("manager").get(self.witness.url + "/api/v1/witness/alarms",
                                                   timeout=5).json()["alarms"]

    def verify(self):
        return self.office.cli("verify-log", "--witness", self.prefix, "--witness-key", self.key.encode(),
                               check=False)


@pytest.fixture
def pair(tmp_path):
    p = Pair(tmp_path)
    yield p
    p.stop()


def _cosignature_ok(signed: str, key: note.Verifier) -> bool:
    text, signatures = note.split(signed)
    for s in signatures:
        try:
            note.verify_cosignature(text, s, key)
            return True
        except note.NoteError:
            continue
    return False


def test_the_office_pushes_each_checkpoint_and_publishes_the_cosignature(pair):
    pair.issue(3)
    pair.call()
    size = _until(lambda: (cp := pair.office_checkpoint()) and cp.size >= 4 and cp.size)
    _until(lambda: pair.cosigned_size() >= size)
    pair.issue(2)
    bigger = _until(lambda: (cp := pair.office_checkpoint()) and cp.size > size and cp.size)
    # The witness extended its view with a consistency proof from what it held.
    _until(lambda: pair.cosigned_size() >= bigger)

    # The office publishes the witness's cosignature appended to its checkpoint, verifiable with the witness's key.
    def published_cosigned():
        r = requests.get(pair.office.url + "/api/v1/log/checkpoint", timeout=5)
        return _cosignature_ok(r.text, pair.key) and r.text
    published = _until(published_cosigned)
    note.verify(published, pair.office_key)
    assert pair.alarms() == []
    result = pair.verify()
    assert result.returncode == 0, result.stdout + result.stderr
    assert "extends it" in result.stdout


def test_restoring_an_old_backup_and_carrying_on_is_refused_alarmed_and_fails_verify_log(pair, tmp_path):
    pair.issue(2)
    first = _until(lambda: (cp := pair.office_checkpoint()) and cp.size)
    _until(lambda: pair.cosigned_size() >= first)
    backup = tmp_path / "yesterday.db"
    pair.office.cli("backup", "--to", str(backup))
    pair.issue(4)
    pair.call()
    held = _until(lambda: (cp := pair.office_checkpoint()) and cp.size >= first + 5 and cp.size)
    held = _until(lambda: pair.cosigned_size() >= held and pair.cosigned_size())

    # The attack: put the old backup back and carry on as if nothing happened.
    pair.office.stop()
    for suffix in ("", "-wal", "-shm"):
        (pair.office.db.parent / f"kezek.db{suffix}").unlink(missing_ok=True)
    shutil.copy(backup, pair.office.db)
    assert pair.verify().returncode != 0, "verify-log must see that the log is shorter than the witness's"
    pair.office.start()
    pair.kiosk, pair.desk = pair.office.kiosk(), pair.office.session("operator1")
    # One new event: the new history's first checkpoint is smaller than what the witness holds. (The
    # backup's own newest checkpoint, which the witness did cosign, is no evidence: anyone can replay it.)
    pair.issue(1)
    smaller = _until(lambda: [a for a in pair.alarms() if a["kind"] in ("rollback", "fork")])
    assert smaller[0]["known_size"] == held and first < smaller[0]["size"] < held
    pair.issue(held - first + 2)     # more than was lost: the new history grows past what was cosigned
    _until(lambda: (cp := pair.office_checkpoint()) and cp.size > held)

    alarms = _until(lambda: [a for a in pair.alarms() if a["kind"] == "inconsistent"])
    assert alarms[0]["origin"] == pair.origin and alarms[0]["known_size"] == held
    note.verify(alarms[0]["note"], pair.office_key)   # the evidence carries the office's own signature
    # The witness never cosigned the new history: it still holds the old one.
    assert pair.cosigned_size() == held
    # The alarm is in the witness's own event log.
    audit = pair.witness.session("manager").get(pair.witness.url + "/api/v1/audit",
                                                params={"name": witness.ALARM_EVENT}, timeout=5).json()
    assert any(e["details"]["origin"] == pair.origin for e in audit["events"])
    result = pair.verify()
    assert result.returncode != 0
    assert "rewritten" in result.stdout or "rolled back" in result.stdout, result.stdout
    assert pair.prefix in result.stdout


def test_a_witness_that_never_answers_does_not_stop_issuing_or_calling(tmp_path):
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)          # connections are queued and never read: every push hangs until its timeout
    key = note.generate("silent.example", note.COSIGNATURE_V1).verifier()
    office = ServerProcess(tmp_path, env={"KEZEK_WITNESSES": f"http://127.0.0.1:{silent.getsockname()[1]}/witness"
                                                             f" {key.encode()}", "KEZEK_CHECKPOINT_EVERY_S": "1"})
    office.start()
    try:
        kiosk, desk = office.kiosk(), office.session("operator1")
        for round_ in range(15):
            assert kiosk.post(office.url + "/api/v1/tickets", json={"service": 1}, timeout=10).status_code == 201
            assert desk.post(office.url + "/api/v1/desks/1/call-next", timeout=10).status_code == 200
            time.sleep(0.2 if round_ % 5 else 1.1)    # let the checkpoint job and its pushes run between
        r = requests.get(office.url + "/api/v1/log/checkpoint", timeout=5)
        assert r.status_code == 200 and note.parse_checkpoint(note.split(r.text)[0]).size >= 15
    finally:
        office.stop()
        silent.close()
