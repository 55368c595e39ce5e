"""Several real `server.py run` processes on one database (a region's processes).

    first = ServerProcess(tmp_path, env=...)      # bench/_load.py: makes the demo database
    second = Sibling(first, env=...)               # another process on the same database
"""
from __future__ import annotations

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
