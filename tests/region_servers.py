"""Several real `server.py run` processes sharing one database (a SQLite file or a PostgreSQL URL).

    servers = Region(tmp_path, db_target, count=3)
    servers.start()
    servers.urls          # ["http://127.0.0.1:PORT", ...], one per process
    servers.stop()

Each process is its own Python with its own connections and its own memory: whatever they
agree on, the database made them agree. Setting up goes through the commands a person types
(`init-db`, `demo`), so it works on either store.
"""
from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "region-pass-123"
START_TIMEOUT_S = 60

# Limits kept in one process's memory would refuse the test's own load, not a race: off.
QUIET_LIMITS = {"KEZEK_ISSUE_RATE_LIMIT": "0", "KEZEK_BOOKINGS_PER_HOUR": "0", "KEZEK_SLOT_READS_PER_MINUTE": "0",
                "KEZEK_TICKET_LOOKUPS_PER_MINUTE": "0", "KEZEK_LOGIN_ATTEMPTS": "1000"}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def command(*args: str, env: dict | None = None, timeout: float = 120) -> str:
    """Run `python server.py ARGS…`; its output (raises with the output when it fails)."""
    done = subprocess.run([sys.executable, "server.py", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"server.py {' '.join(args)} exited {done.returncode}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


class Region:
    """`count` server processes on free loopback ports, all on `db`."""

    def __init__(self, tmp_path: Path, db: str, count: int = 3, env: dict | None = None):
        self.tmp, self.db, self.count = Path(tmp_path), db, count
        self.log_key = str(self.tmp / "log.key")
        self.env = {**os.environ, **QUIET_LIMITS, "KEZEK_SECRET_KEY": "region-test-secret",
                    "KEZEK_LOG_KEY": self.log_key, "KEZEK_DB": db, "KEZEK_MEDIA_DIR": str(self.tmp / "media"),
                    **(env or {})}
        self.procs: list[subprocess.Popen] = []
        self.ports: list[int] = []
        self.logs: list[Path] = []
        self.credentials: dict = {}

    @property
    def urls(self) -> list[str]:
        return [f"http://127.0.0.1:{p}" for p in self.ports]

    def load_demo(self) -> dict:
        """init-db and the demo office (its password PASSWORD), through the commands."""
        command("init-db", "--db", self.db, env=self.env)
        creds = self.tmp / "demo-credentials.json"
        command("demo", "--db", self.db, "--password", PASSWORD, "--credentials", str(creds), env=self.env)
        self.credentials = json.loads(creds.read_text(encoding="utf-8"))
        return self.credentials

    def start(self) -> None:
        for i in range(self.count):
            port = free_port()
            log = self.tmp / f"server-{i}.log"
            with log.open("a") as out:
                proc = subprocess.Popen([sys.executable, "server.py", "run", "--db", self.db, "--port", str(port),
                                         "--quiet"], cwd=ROOT, env=self.env, stdout=out, stderr=subprocess.STDOUT)
            self.procs.append(proc)
            self.ports.append(port)
            self.logs.append(log)
        for i, url in enumerate(self.urls):
            self._wait_ready(i, url)

    def _wait_ready(self, i: int, url: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline and self.procs[i].poll() is None:
            try:
                if requests.get(url + "/api/v1/services", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"server {i} did not start:\n" + self.logs[i].read_text()[-3000:])

    def output(self) -> str:
        """Every process's log, for a failing assertion's message."""
        return "\n".join(f"--- server {i}\n{log.read_text()[-4000:]}" for i, log in enumerate(self.logs))

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(20)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(10)

    # -- clients ---------------------------------------------------------------------------------

    def kiosk(self) -> dict:
        return {"Authorization": f"Bearer {self.credentials['kiosk_token']}"}

    def sign_in(self, i: int, username: str) -> tuple[requests.Session, dict]:
        """A browser signed in as `username` at process i: (session, headers with its CSRF token)."""
        session = requests.Session()
        answer = session.post(self.urls[i] + "/api/v1/login", json={"username": username, "password": PASSWORD},
                              timeout=30)
        answer.raise_for_status()
        return session, {"X-CSRF-Token": answer.json()["csrf_token"]}
