"""What witnesses cost an office: issue and call latency with no witness, a live witness and one that never answers; the witness's add-checkpoint time.

Real servers (`server.py run`, gevent) on 127.0.0.1, the checkpoint job every second so that
pushes overlap the load. Prints medians and p95 in milliseconds.
Usage: python bench/bench_witness.py [--tickets 300]
"""
from __future__ import annotations

import argparse
import socket
import statistics
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from _load import ServerProcess, percentile  # noqa: E402

from kezek.log import merkle, note, witness  # noqa: E402


class Office:
    """A fresh office server and its kiosk and desk sessions."""

    def __init__(self, tmp: Path, env: dict, before_start=None):
        self.server = ServerProcess(tmp, env={"KEZEK_CHECKPOINT_EVERY_S": "1", "KEZEK_ISSUE_RATE_LIMIT": "0", **env})
        if before_start:
            before_start(self.server)
        self.server.start()
        self.kiosk, self.desk = self.server.kiosk(), self.server.session("operator1")
        self.issue: list[float] = []
        self.call: list[float] = []

    def one(self) -> None:
        """Issue a ticket and call it, timing each."""
        t0 = time.perf_counter()
        assert self.kiosk.post(self.server.url + "/api/v1/tickets", json={"service": 1}, timeout=30).status_code == 201
        t1 = time.perf_counter()
        assert self.desk.post(self.server.url + "/api/v1/desks/1/call-next", timeout=30).status_code == 200
        self.issue.append((t1 - t0) * 1000)
        self.call.append((time.perf_counter() - t1) * 1000)


def witness_env(tmp: Path, origin_lines: str) -> tuple[dict, note.Verifier]:
    key = witness.write_key(tmp / "witness.key", "bench.witness")
    (tmp / "logs.txt").write_text(origin_lines)
    return {"KEZEK_WITNESS_LOGS": str(tmp / "logs.txt"), "KEZEK_WITNESS_KEY": str(tmp / "witness.key")}, key.verifier()


def add_checkpoint_ms(rounds: int) -> list[float]:
    """add-checkpoint round trips on a witness server, each extending the last by 100 leaves."""
    log = note.generate("bench.example/log")
    leaves = [merkle.leaf_hash(str(i).encode()) for i in range(100 * rounds + 1)]
    level_cache: dict = {}

    def subtree(level, index):
        if level == 0:
            return leaves[index]
        if (level, index) not in level_cache:
            level_cache[level, index] = merkle.node_hash(subtree(level - 1, 2 * index), subtree(level - 1, 2 * index + 1))
        return level_cache[level, index]

    with tempfile.TemporaryDirectory() as tmp:
        env, _ = witness_env(Path(tmp), f"bench.example/log {log.verifier().encode()}\n")
        server = ServerProcess(Path(tmp), env=env)
        server.start()
        try:
            http, old, times = requests.Session(), 0, []
            for r in range(1, rounds + 1):
                size = 100 * r
                signed = note.sign(note.Checkpoint(log.name, size, merkle.root(subtree, size)).text(), log)
                body = witness.submission_body(old, merkle.consistency_proof(subtree, old, size) if old else [], signed)
                t0 = time.perf_counter()
                answer = http.post(server.url + "/witness/add-checkpoint", data=body, timeout=30)
                times.append((time.perf_counter() - t0) * 1000)
                assert answer.status_code == 200, answer.text
                old = size
            return times
        finally:
            server.stop()


def show(name: str, values: list[float]) -> None:
    print(f"  {name:44} median {statistics.median(values):7.2f} ms   p95 {percentile(values, 95):7.2f} ms")


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--tickets", type=int, default=300)
    args = p.parse_args()
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(256)   # accepts and never answers
    silent_key = note.generate("silent.example", note.COSIGNATURE_V1).verifier()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        for name in ("w", "a", "b", "c"):
            (tmp / name).mkdir()
        w_env, w_key = witness_env(tmp / "w", "")
        w = ServerProcess(tmp / "w", env=w_env)
        w.start()
        offices = {}
        try:
            offices["no witness"] = Office(tmp / "a", {})
            offices["a witness that never answers"] = Office(tmp / "b", {
                "KEZEK_WITNESSES": f"http://127.0.0.1:{silent.getsockname()[1]}/witness {silent_key.encode()}"})
            offices["a live witness"] = Office(tmp / "c", {"KEZEK_WITNESSES": f"{w.url}/witness {w_key.encode()}"},
                                               lambda s: (tmp / "w" / "logs.txt").write_text(s.cli("log-key").stdout))
            # Round-robin, so that the machine's other load falls on the three alike.
            for _ in range(args.tickets):
                for office in offices.values():
                    office.one()
            # How long after the last event the newest checkpoint is published with the witness's cosignature.
            t0, waited = time.monotonic(), None
            while time.monotonic() - t0 < 30:
                published = requests.get(offices["a live witness"].server.url + "/api/v1/log/checkpoint", timeout=5)
                if f"\u2014 {w_key.name} " in published.text:
                    waited = time.monotonic() - t0
                    break
                time.sleep(0.1)
        finally:
            for office in offices.values():
                office.server.stop()
            w.stop()
            silent.close()
    print(f"issue + call-next, {args.tickets} tickets on each office, round-robin, checkpoint job every second:")
    for name, office in offices.items():
        show(f"{name}: issue", office.issue)
        show(f"{name}: call-next", office.call)
    print("  the newest checkpoint published with the live witness's cosignature: "
          + (f"{waited:.1f} s after the last call" if waited is not None else "not within 30 s"))
    print("the witness itself:")
    show("add-checkpoint (+100 leaves, proof checked, stored)", add_checkpoint_ms(100))


if __name__ == "__main__":
    main()
