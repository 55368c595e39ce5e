"""A region on one machine for tests and benches: N `server.py run` processes on one database and one Redis,
behind HAProxy with the repository's deploy/haproxy.cfg. Every server is a real process that can be SIGKILLed.

    with Region(tmp_path, processes=2) as region:
        region.url                 # through the balancer
        region.servers[0].url      # one process directly
"""
from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from bench._load import DEMO_PASSWORD, ROOT, free_port
from redis_server import RedisServer

HAPROXY = shutil.which("haproxy") or "/usr/sbin/haproxy"
CONFIG = ROOT / "deploy" / "haproxy.cfg"


def haproxy_config(count: int) -> str:
    """deploy/haproxy.cfg with one `server appN` line for each of `count` processes (KEZEK_APP1…N)."""
    text = CONFIG.read_text()
    lines = [line for line in text.splitlines() if re.match(r"\s*server app\d+ ", line)]
    template = lines[0]
    servers = "\n".join(template.replace("app1", f"app{i}").replace("KEZEK_APP1", f"KEZEK_APP{i}")
                        for i in range(1, count + 1))
    kept = [line for line in text.splitlines() if line not in lines[1:]]
    return "\n".join(servers if line == template else line for line in kept) + "\n"


class Process:
    """One `server.py run` of the region."""

    def __init__(self, region: "Region", index: int):
        self.region, self.index = region, index
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = region.dir / f"server{index}.log"
        self.proc: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("a") as log:
            self.proc = subprocess.Popen(
                [sys.executable, "server.py", "run", "--db", self.region.db, "--port", str(self.port), "--quiet"],
                cwd=ROOT, env=self.region.env, stdout=log, stderr=subprocess.STDOUT)

    def ready(self) -> bool:
        try:
            return requests.get(self.url + "/api/v1/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def kill(self) -> None:
        """SIGKILL: no clean-up, as in a crash."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait()
        self.proc = None

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None


class Region:
    """N processes, one SQLite file or PostgreSQL URL (`db`), one Redis, one HAProxy."""

    def __init__(self, tmp: Path, processes: int = 2, db: str | None = None, env: dict | None = None):
        self.dir = Path(tmp)
        self.db = db or str(self.dir / "region.db")
        self.redis = RedisServer(self.dir / "redis")
        self.lb_port = free_port()
        self.url = f"http://127.0.0.1:{self.lb_port}"
        self.env = {**os.environ, "KEZEK_SECRET_KEY": "region-secret", "KEZEK_PUBLIC_URL": self.url,
                    "KEZEK_ASYNC_MODE": "gevent", "KEZEK_PROXY_HOPS": "1", "KEZEK_ISSUE_RATE_LIMIT": "0",
                    "KEZEK_MESSAGE_QUEUE": self.redis.url, **(env or {})}
        self.servers = [Process(self, i + 1) for i in range(processes)]
        self.haproxy: subprocess.Popen | None = None
        self.demo: dict = {}
        self.sessions: list[requests.Session] = []   # closed at stop: no socket left to the GC

    def cli(self, *args: str) -> subprocess.CompletedProcess:
        return subprocess.run([sys.executable, "server.py", args[0], "--db", self.db, *args[1:]], cwd=ROOT,
                              env=self.env, capture_output=True, text=True, check=True, timeout=120)

    def start(self, timeout: float = 120) -> "Region":
        self.redis.start()
        out = self.cli("demo", "--password", DEMO_PASSWORD).stdout
        self.demo = json.loads(out[out.index("{"):])
        for server in self.servers:
            server.start()
        config = self.dir / "haproxy.cfg"
        config.write_text(haproxy_config(len(self.servers)))
        lb_env = {**os.environ, "KEZEK_LB_BIND": f"127.0.0.1:{self.lb_port}",
                  **{f"KEZEK_APP{s.index}": f"127.0.0.1:{s.port}" for s in self.servers}}
        with (self.dir / "haproxy.log").open("a") as log:   # the child keeps its own copy of the descriptor
            self.haproxy = subprocess.Popen([HAPROXY, "-db", "-f", str(config)], env=lb_env, stdout=log,
                                            stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if all(s.ready() for s in self.servers) and self._lb_ready():
                return self
            dead = [s for s in self.servers if s.proc.poll() is not None]
            if dead or self.haproxy.poll() is not None:
                break
            time.sleep(0.1)
        self.stop()
        logs = "\n".join(s.log.read_text()[-2000:] for s in self.servers if s.log.exists())
        raise RuntimeError("the region did not start:\n" + logs)

    def _lb_ready(self) -> bool:
        try:
            return requests.get(self.url + "/api/v1/health", timeout=2).status_code == 200
        except requests.RequestException:
            return False

    def stop(self) -> None:
        if self.haproxy and self.haproxy.poll() is None:
            self.haproxy.terminate()
            self.haproxy.wait(10)
        for server in self.servers:
            server.stop()
        self.redis.stop()
        for s in self.sessions:
            s.close()

    def session(self, username: str, base: str | None = None) -> requests.Session:
        """A signed-in session (through the balancer unless `base` names a process) with its CSRF header."""
        s = requests.Session()
        self.sessions.append(s)
        r = s.post((base or self.url) + "/api/v1/login", json={"username": username, "password": DEMO_PASSWORD},
                   timeout=10)
        r.raise_for_status()
        s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return s

    def __enter__(self) -> "Region":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
