"""A throwaway redis-server for tests: 127.0.0.1, a free port, no persistence; can be stopped and started again.

    with RedisServer(tmp_path) as redis:      # or the `redis_url` fixture in a conftest
        url = redis.url                        # redis://127.0.0.1:<port>/0

`restart()` keeps the port, so clients that reconnect find it again (the Redis-restart drill).
"""
from __future__ import annotations

import shutil
import socket
import subprocess
import time
from pathlib import Path

REDIS_SERVER = shutil.which("redis-server") or "/usr/bin/redis-server"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    """redis-server on a free loopback port, nothing written to disk."""

    def __init__(self, tmp: Path, port: int | None = None):
        if not Path(REDIS_SERVER).exists():
            raise RuntimeError("redis-server is missing: run `apt-get install redis-server` (make test does this as root)")
        self.dir = Path(tmp)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = port or _free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None
        self.log = self.dir / f"redis-{self.port}.log"

    def start(self, timeout: float = 10) -> "RedisServer":
        """Start it and wait until it answers PING."""
        args = [REDIS_SERVER, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no",
                "--dir", str(self.dir), "--protected-mode", "yes", "--daemonize", "no", "--logfile", str(self.log)]
        self.proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                break
            if self.ping():
                return self
            time.sleep(0.02)
        self.stop()
        raise RuntimeError("redis-server did not start: " + (self.log.read_text()[-2000:] if self.log.exists() else ""))

    def ping(self) -> bool:
        """True when the server answers PING (a raw RESP exchange: no client library needed)."""
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        """Stop it at once (SIGKILL: nothing is persisted anyway) and wait until the port is closed."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(10)
        self.proc = None

    def restart(self, down_s: float = 0.0) -> None:
        """Stop, stay away `down_s` seconds, start again on the same port (everything in it is gone)."""
        self.stop()
        time.sleep(down_s)
        self.start()

    def __enter__(self) -> "RedisServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()
