"""Shared by the crash test and the soak bench: a real server subprocess and load clients."""
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
DEMO_PASSWORD = "demo-pass-123"


def free_port() -> int:
    """A free TCP port on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def percentile(values: list[float], p: float) -> float:
    """The p-th percentile (0..100) of values, nearest rank; 0.0 when empty."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(0, min(len(ordered) - 1, round(p / 100 * len(ordered)) - 1))
    return ordered[rank]


class ServerProcess:
    """`python server.py run` (gevent) on a demo database; can be killed and started again on the same port."""

    entry = "server.py"     # the browser tests' clocked servers run tests/e2e/clocked_server.py instead

    def __init__(self, tmp: Path, env: dict | None = None, root: Path = ROOT, db: str | Path | None = None):
        self.root = root
        self.db = db or Path(tmp) / "kezek.db"     # or a postgresql:// URL (KEZEK_DATA_DIR: where the key goes)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KEZEK_PUBLIC_URL": self.url, "KEZEK_SECRET_KEY": "load-secret",
                    "KEZEK_ASYNC_MODE": "gevent", **(env or {})}
        self.log = Path(tmp) / "server.log"
        self.demo = self.load_demo()
        self.proc = None
        self.sessions: list[requests.Session] = []   # closed when the server stops: no socket left to the GC

    def load_demo(self) -> dict:
        """`server.py demo` on this database; returns its credentials and device tokens."""
        out = self.cli("demo", "--password", DEMO_PASSWORD).stdout
        return json.loads(out[out.index("{"):])

    def cli(self, *args: str, check: bool = True) -> subprocess.CompletedProcess:
        """Run a server.py command on this database."""
        return subprocess.run([sys.executable, self.entry, args[0], "--db", str(self.db), *args[1:]],
                              cwd=self.root, env=self.env, capture_output=True, text=True, check=check)

    def start(self, timeout: float = 30) -> None:
        """Start the server and wait until it answers."""
        with self.log.open("a") as log:   # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, self.entry, "run", "--db", str(self.db), "--port", str(self.port), "--quiet"],
                cwd=self.root, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            try:
                if requests.get(self.url + "/api/v1/services", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("server did not start:\n" + self.log.read_text()[-3000:])

    def kill(self) -> None:
        """SIGKILL: no clean-up, no flush, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None
        self.close_sessions()

    def stop(self) -> None:
        """Stop cleanly (SIGTERM), killing after 10 s."""
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None
        self.close_sessions()

    def close_sessions(self) -> None:
        """Close the keep-alive connections of every session handed out (a session still works after)."""
        for s in self.sessions:
            s.close()

    def session(self, username: str) -> requests.Session:
        """A signed-in requests session carrying its CSRF header."""
        s = requests.Session()
        self.sessions.append(s)
        r = s.post(self.url + "/api/v1/login", json={"username": username, "password": DEMO_PASSWORD}, timeout=5)
        r.raise_for_status()
        s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return s

    def kiosk(self) -> requests.Session:
        """A session with the demo kiosk's bearer token."""
        s = requests.Session()
        self.sessions.append(s)
        s.headers["Authorization"] = f"Bearer {self.demo['kiosk_token']}"
        return s
