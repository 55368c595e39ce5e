"""`make run-region`'s script (deploy/run-region.sh; make adds only its set-up step) starts PostgreSQL, Redis, two processes and HAProxy
with the three demo offices, serves through the balancer, and stops all of it on SIGTERM (Ctrl-C)."""
from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import pytest
import requests

import pg_cluster
from bench._load import ROOT, free_port

pytestmark = pytest.mark.slow


def listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_run_region_serves_three_offices_through_the_balancer_and_stops_cleanly():
    if not pg_cluster.available():
        pytest.skip("PostgreSQL is not installed")
    # Not under pytest's tmp dir: that one is private to root, and PostgreSQL runs as `postgres`.
    base = Path(tempfile.mkdtemp(prefix="kezek-region-"))
    base.chmod(0o755)
    ports = {"REGION_PORT": free_port(), "REGION_PG_PORT": free_port(), "REGION_REDIS_PORT": free_port()}
    apps = [free_port(), free_port()]
    env = {**os.environ, "REGION_DIR": str(base / "region"), "PYTHON": str(ROOT / ".venv" / "bin" / "python"),
           "REGION_APP_PORTS": " ".join(map(str, apps)), **{k: str(v) for k, v in ports.items()}}
    out = base / "out.txt"
    with out.open("w") as sink:
        proc = subprocess.Popen(["bash", "deploy/run-region.sh"], cwd=ROOT, env=env, stdout=sink,
                                stderr=subprocess.STDOUT, start_new_session=True)
    try:
        deadline = time.monotonic() + 240
        while "Region: 2 processes" not in out.read_text() and time.monotonic() < deadline:
            assert proc.poll() is None, out.read_text()
            time.sleep(0.5)
        text = out.read_text()
        assert "Region: 2 processes" in text, text
        url = f"http://127.0.0.1:{ports['REGION_PORT']}"
        for office in ("esil", "saryarka"):
            assert f"{url}/board/{office}" in text
            services = requests.get(f"{url}/api/v1/services", params={"office": office}, timeout=10).json()
            assert services["office"] == office and services["services"], services   # the demo's services
        for port in apps:   # both processes answer, each on its own
            assert requests.get(f"http://127.0.0.1:{port}/api/v1/health", timeout=10).json() == {"status": "ok"}
    finally:
        os.killpg(proc.pid, signal.SIGTERM)   # as Ctrl-C reaches the whole foreground group
        proc.wait(60)
    assert "region stopped" in out.read_text()
    assert not any(listening(p) for p in [*ports.values(), *apps])
    shutil.rmtree(base, ignore_errors=True)
