"""Several real `server.py run` processes on one database (a region's processes), and a throwaway Redis.

    first = ServerProcess(tmp_path, env=...)      # bench/_load.py: makes the demo database
    second = Sibling(first, env=...)               # another process on the same database
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

from bench._load import ServerProcess, free_port


class Sibling(ServerProcess):
    """Another `server.py run` on the first process's database, on a port of its own."""

    def __init__(self, first: ServerProcess, env: dict | None = None):   # no demo: the database is there
        self.root, self.db, self.demo = first.root, first.db, first.demo
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**first.env, "KEZEK_PUBLIC_URL": self.url, **(env or {})}
        self.log = first.log.with_name(f"server-{self.port}.log")
        self.proc = None
        self.sessions = []


class Redis:
    """redis-server on a free loopback port, nothing persisted (until tests/redis_server.py is on main)."""

    def __init__(self, tmp: Path):
        self.dir, self.port = Path(tmp), free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc = None

    def start(self) -> Redis:
        binary = shutil.which("redis-server") or "/usr/bin/redis-server"
        self.proc = subprocess.Popen([binary, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "",
                                      "--appendonly", "no", "--dir", str(self.dir)],
                                     stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return self
            except OSError:
                time.sleep(0.02)
        raise RuntimeError("redis-server did not start")

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None
