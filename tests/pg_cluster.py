"""A throwaway PostgreSQL cluster for the tests: started on first use, stopped at exit.

    from pg_cluster import cluster
    url = cluster().new_database()        # a fresh, empty database: postgresql://...

Or through the session fixtures in conftest.py (`pg_cluster`, `pg_url`).

The cluster's data lives in a temporary directory, listens on 127.0.0.1 at a free port
and runs with fsync=off (a test cluster: nothing in it must survive a power cut).
PostgreSQL refuses to run as root: when we are root, initdb/pg_ctl/postgres run as the
`postgres` user (runuser); otherwise as ourselves.
"""
from __future__ import annotations

import atexit
import glob
import itertools
import os
import shutil
import signal
import socket
import subprocess
import tempfile
import threading
import time
from pathlib import Path

START_TIMEOUT_S = 60


def bin_dir() -> Path:
    """The newest installed PostgreSQL's binaries (KEZEK_PG_BIN overrides)."""
    if os.environ.get("KEZEK_PG_BIN"):
        return Path(os.environ["KEZEK_PG_BIN"])
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"),
                   key=lambda p: int(Path(p).parent.parent.name))
    if not found:
        raise RuntimeError("PostgreSQL is not installed (apt-get install postgresql)")
    return Path(found[-1]).parent


def available() -> bool:
    try:
        bin_dir()
        return True
    except RuntimeError:
        return False


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Cluster:
    """One PostgreSQL server in a temporary directory."""

    def __init__(self):
        self.bin = bin_dir()
        self.as_root = os.geteuid() == 0
        self.user = "postgres" if self.as_root else None
        self.tmp = Path(tempfile.mkdtemp(prefix="kezek-pg-"))
        self.data = self.tmp / "data"
        self.socket_dir = self.tmp / "run"
        self.socket_dir.mkdir()
        self.port = None
        self.running = False
        self._names = itertools.count(1)
        self._lock = threading.RLock()
        self._admin = None
        if self.as_root:
            shutil.chown(self.tmp, "postgres")
            shutil.chown(self.socket_dir, "postgres")
            os.chmod(self.tmp, 0o755)

    # -- running the server's own programs ------------------------------------------------

    def _run(self, *args: str, check: bool = True, timeout: float = START_TIMEOUT_S, input: str | None = None):
        cmd = [str(self.bin / args[0]), *args[1:]]
        if self.as_root:
            cmd = ["runuser", "-u", "postgres", "--", *cmd]
        return subprocess.run(cmd, check=check, timeout=timeout, capture_output=True, text=True,
                              cwd=str(self.tmp), input=input)

    def init(self) -> None:
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "--auth=trust",
                  "--encoding=UTF8", "--locale=C.UTF-8", "--no-sync")
        with open(self.data / "postgresql.conf", "a", encoding="utf-8") as conf:
            conf.write("\n# kezek tests\nfsync = off\nsynchronous_commit = off\n"
                       "full_page_writes = off\nmax_connections = 200\n"
                       "shared_buffers = 64MB\nlisten_addresses = '127.0.0.1'\n"
                       f"unix_socket_directories = '{self.socket_dir}'\n")

    def start(self) -> None:
        """Start (or start again after stop(), on the same port and data)."""
        if self.port is None:
            self.port = free_port()
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.tmp / "server.log"), "-w",
                  "-t", str(START_TIMEOUT_S), "-o", f"-p {self.port}", "start")
        self.running = True

    def stop(self, mode: str = "fast") -> None:
        if self._admin is not None:
            self._admin.close()
            self._admin = None
        if self.running:
            self._run("pg_ctl", "-D", str(self.data), "-m", mode, "-w", "stop", check=False)
            self.running = False

    def destroy(self) -> None:
        self.stop("immediate")
        shutil.rmtree(self.tmp, ignore_errors=True)

    # -- databases --------------------------------------------------------------------------

    def url(self, dbname: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{dbname}"

    def sql(self, statement: str, dbname: str = "postgres") -> str:
        """Run one statement with psql (no Python driver needed); its output."""
        done = self._run("psql", "-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1",
                         "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "-d", dbname, "-c", statement)
        return done.stdout.strip()

    def admin(self, statement: str) -> None:
        """Run one statement on the maintenance database, through a kept connection (psql's start
        costs more than a CREATE DATABASE on a loaded machine); psql when psycopg is missing."""
        try:
            import psycopg
        except ImportError:
            self.sql(statement)
            return
        with self._lock:
            if self._admin is None or self._admin.closed or self._admin.broken:
                self._admin = psycopg.connect(self.url(), autocommit=True, connect_timeout=10)
            self._admin.execute(statement)

    def new_database(self, template: str | None = None) -> str:
        """Create a fresh database (empty, or a copy of `template`); its URL."""
        with self._lock:
            name = f"kezek_{os.getpid()}_{next(self._names)}"
        # FILE_COPY: a small database is copied fastest as files (no fsync here to pay for).
        clause = f" TEMPLATE {template} STRATEGY FILE_COPY" if template else ""
        self.admin(f"CREATE DATABASE {name}{clause}")
        return self.url(name)

    def drop_database(self, url_or_name: str) -> None:
        name = url_or_name.rsplit("/", 1)[-1]
        self.admin(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")

    def dump(self, url_or_name: str) -> str:
        """A database's backup as its owner takes one: pg_dump's plain SQL."""
        name = url_or_name.rsplit("/", 1)[-1]
        return self._run("pg_dump", "-h", "127.0.0.1", "-p", str(self.port), "-U", "postgres",
                         "--no-owner", name).stdout

    def restore(self, url_or_name: str, dumped: str) -> None:
        """Put a dump() back in place of the database of that name (dropped first, as an owner does)."""
        name = url_or_name.rsplit("/", 1)[-1]
        self.drop_database(name)
        self.admin(f"CREATE DATABASE {name} TEMPLATE template0")
        self._run("psql", "-X", "-q", "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                  "-U", "postgres", "-d", name, input=dumped)


_cluster: Cluster | None = None
_cluster_lock = threading.Lock()


def cluster() -> Cluster:
    """This process's test cluster, started on first use and stopped when the process ends."""
    global _cluster
    with _cluster_lock:
        if _cluster is None:
            made = Cluster()
            try:
                made.init()
                made.start()
            except BaseException:
                made.destroy()
                raise
            atexit.register(made.destroy)
            _stop_on_sigterm()
            _cluster = made
        return _cluster


def _interrupted(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


def _stop_on_sigterm() -> None:
    """A run ended by SIGTERM (a `timeout`, CI's stop) stops as after Ctrl-C and runs atexit: the cluster
    does not outlive it. (SystemExit would not do: pytest takes it for one test's failure and goes on.)"""
    if threading.current_thread() is not threading.main_thread():
        return
    if signal.getsignal(signal.SIGTERM) is signal.SIG_DFL:
        signal.signal(signal.SIGTERM, _interrupted)


def wait_until_accepting(port: int, timeout: float = START_TIMEOUT_S) -> None:
    """Wait until something accepts TCP connections on 127.0.0.1:port."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.05)
