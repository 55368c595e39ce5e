"""A Kezek server run as a witness answers C2SP tlog-witness add-checkpoint as the spec says, and alarms on a log that forks."""
from __future__ import annotations

import base64

import pytest
import requests

from bench._load import ServerProcess
from kezek.log import merkle, note, witness

ORIGIN = "akimat.example.kz/district-7"
LEAVES = [merkle.leaf_hash(f"event {i}".encode()) for i in range(64)]
FORKED = LEAVES[:10] + [merkle.leaf_hash(f"rewritten {i}".encode()) for i in range(10, 64)]


def _subtree(leaves):
    def subtree(level: int, index: int) -> bytes:
        if level == 0:
            return leaves[index]
        return merkle.node_hash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1))
    return subtree


class Log:
    """A log of this test's own: its key signs checkpoints of a tree kept in memory."""

    def __init__(self, signer: note.Signer, leaves=LEAVES):
        self.signer, self.leaves = signer, leaves

    def checkpoint(self, size: int) -> str:
        root = merkle.root(_subtree(self.leaves), size)
        return note.sign(note.Checkpoint(self.signer.name, size, root).text(), self.signer)

    def proof(self, old: int, new: int) -> list[bytes]:
        return merkle.consistency_proof(_subtree(self.leaves), old, new)


@pytest.fixture(scope="module")
def setup(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("witness")
    log_key = note.generate(ORIGIN)
    other = note.generate("other.example/log")
    (tmp / "logs.txt").write_text(f"# the logs this witness serves\n{ORIGIN} {log_key.verifier().encode()}\n"
                                  f"other.example/log {other.verifier().encode()}\n")
    key = witness.write_key(tmp / "witness.key", "witness.region.example.kz")
    server = ServerProcess(tmp, env={"KEZEK_WITNESS_LOGS": str(tmp / "logs.txt"),
                                     "KEZEK_WITNESS_KEY": str(tmp / "witness.key")})
    server.start()
    yield server, Log(log_key), key.verifier(), Log(other)
    server.stop()


def _post(server, body: bytes) -> requests.Response:
    return requests.post(server.url + "/witness/add-checkpoint", data=body, timeout=10)


def _body(log: Log, old: int, new: int, proof=None) -> bytes:
    return witness.submission_body(old, log.proof(old, new) if proof is None else proof, log.checkpoint(new))


def _cosigned(answer: requests.Response, signed: str, verifier: note.Verifier) -> int:
    assert answer.status_code == 200, answer.text
    lines = answer.text.splitlines()
    assert lines and all(line.startswith("\u2014 ") for line in lines) and answer.text.endswith("\n")
    signature = note.split(f"x\n\n{lines[0]}\n")[1][0]
    return note.verify_cosignature(note.split(signed)[0], signature, verifier)


def test_the_witness_answers_each_case_of_the_protocol(setup):
    server, log, verifier, other = setup
    # First sight of a log: old 0, no proof, cosigned.
    first = log.checkpoint(5)
    _cosigned(_post(server, witness.submission_body(0, [], first)), first, verifier)
    # The client thinks the witness has nothing: 409 with the size it holds, as text/x.tlog.size.
    stale = _post(server, _body(log, 0, 9))
    assert stale.status_code == 409
    assert stale.headers["Content-Type"].startswith("text/x.tlog.size") and stale.text == "5\n"
    # From the size it holds, with a consistency proof: cosigned, and it now holds 9.
    nine = log.checkpoint(9)
    _cosigned(_post(server, witness.submission_body(5, log.proof(5, 9), nine)), nine, verifier)
    # A proof that does not verify: 422, nothing cosigned.
    wrong = log.proof(5, 13)
    assert _post(server, witness.submission_body(9, wrong, log.checkpoint(13))).status_code == 422
    # Signed by a key the witness does not trust for that origin: 403.
    forged = note.sign(note.Checkpoint(ORIGIN, 13, merkle.root(_subtree(LEAVES), 13)).text(), note.generate(ORIGIN))
    assert _post(server, witness.submission_body(9, log.proof(9, 13), forged)).status_code == 403
    # A log the witness does not serve: 404 (C2SP: unknown origin).
    stranger = Log(note.generate("stranger.example/log"))
    assert _post(server, _body(stranger, 0, 3)).status_code == 404
    # Malformed bodies: 400.
    for body in (b"", b"old 09\n\n" + log.checkpoint(13).encode(), b"new 9\n\n" + log.checkpoint(13).encode(),
                 b"old 9\nnot base64!\n\n" + log.checkpoint(13).encode(), b"old 9\n\nnot a checkpoint\n",
                 witness.submission_body(20, [], log.checkpoint(13)), b"\xff\xfe"):
        assert _post(server, body).status_code == 400, body
    # The witness still holds 9 and extends from there.
    assert _post(server, _body(log, 9, 13)).status_code == 200
    # Another log is kept apart.
    assert _post(server, _body(other, 0, 4)).status_code == 200
    latest = requests.get(server.url + "/witness/checkpoint", params={"origin": ORIGIN}, timeout=5)
    assert latest.status_code == 200
    text, signatures = note.split(latest.text)
    assert note.parse_checkpoint(text).size == 13
    note.verify(latest.text, log.signer.verifier())
    note.verify_cosignature(text, signatures[-1], verifier)
    assert requests.get(server.url + "/witness/checkpoint", params={"origin": "nobody"},
                        timeout=5).status_code == 404


def test_a_fork_is_refused_and_raises_the_alarm_on_the_monitor_and_in_the_log(setup):
    server, log, _, _ = setup
    held = int(_post(server, _body(log, 0, 1)).text)   # a 409 tells what it holds
    if held < 20:
        assert _post(server, _body(log, held, 20)).status_code == 200
        held = 20
    manager = server.session("manager")
    before = manager.get(server.url + "/api/v1/witness/alarms", timeout=5).json()["open"]
    # The log's owner rewrote history after leaf 10 and signs a bigger tree with the same key.
    forked = Log(log.signer, FORKED)
    answer = _post(server, witness.submission_body(held, forked.proof(held, 30), forked.checkpoint(30)))
    assert answer.status_code == 422
    # The same size with another root: a fork, 409.
    assert _post(server, witness.submission_body(held, [], forked.checkpoint(held))).status_code == 409
    alarms = manager.get(server.url + "/api/v1/witness/alarms", timeout=5).json()
    assert alarms["open"] == before + 2
    newest = alarms["alarms"][:2]
    assert {a["kind"] for a in newest} == {"inconsistent", "fork"}
    assert all(a["origin"] == ORIGIN and a["known_size"] == held for a in newest)
    # The evidence is kept: the log's own signature on the checkpoint that does not extend.
    note.verify(newest[0]["note"], log.signer.verifier())
    # Its own event log has them too, and its chain is whole.
    audit = manager.get(server.url + "/api/v1/audit", params={"name": witness.ALARM_EVENT}, timeout=5).json()
    assert len(audit["events"]) >= 2 and audit["events"][0]["details"]["origin"] == ORIGIN
    assert server.cli("verify-log", check=False).returncode == 0
    # Still cosigning the true log, from what it holds.
    assert _post(server, _body(log, held, 31)).status_code == 200
    # The alarm list is for managers and admins only.
    assert requests.get(server.url + "/api/v1/witness/alarms", timeout=5).status_code == 401
    assert server.session("operator1").get(server.url + "/api/v1/witness/alarms", timeout=5).status_code == 403


def test_a_garbage_proof_from_a_stranger_raises_an_alarm_the_true_proof_resolves(setup):
    server, log, _, _ = setup
    held = int(_post(server, _body(log, 0, 1)).text)
    size = held + 2
    garbage = [base64.b64decode(base64.b64encode(b"\x00" * 32))] * 3
    assert _post(server, witness.submission_body(held, garbage, log.checkpoint(size))).status_code == 422
    manager = server.session("manager")
    mine = [a for a in manager.get(server.url + "/api/v1/witness/alarms", timeout=5).json()["alarms"]
            if a["size"] == size and a["kind"] == "inconsistent"]
    assert mine and mine[0]["resolved_at"] is None
    assert _post(server, _body(log, held, size)).status_code == 200
    mine = [a for a in manager.get(server.url + "/api/v1/witness/alarms", timeout=5).json()["alarms"]
            if a["size"] == size and a["kind"] == "inconsistent"]
    assert mine[0]["resolved_at"] is not None
