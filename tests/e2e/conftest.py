"""Browser tests: the real server in a subprocess on a free loopback port, real Chromium."""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
DEMO_PASSWORD = "demo-pass-123"
SIZES = {"kiosk_portrait": (1080, 1920), "kiosk_landscape": (1920, 1080), "tv": (1920, 1080),
         "phone": (360, 740), "desk": (1366, 768)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LiveServer:
    """`python server.py run` on a demo database; can be stopped and started again on the same port."""

    def __init__(self, tmp: Path, env: dict | None = None):
        self.db = tmp / "kezek.db"
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "KEZEK_PUBLIC_URL": self.url, "KEZEK_SECRET_KEY": "e2e-secret", **(env or {})}
        self.log = tmp / "server.log"
        out = subprocess.run([sys.executable, "server.py", "demo", "--db", str(self.db), "--password", DEMO_PASSWORD],
                             cwd=ROOT, env=self.env, capture_output=True, text=True, check=True).stdout
        self.demo = json.loads(out[out.index("{"):])
        self.proc = None

    def start(self) -> None:
        with self.log.open("a") as log:   # the child keeps its own copy of the descriptor
            self.proc = subprocess.Popen(
                [sys.executable, "server.py", "run", "--db", str(self.db), "--port", str(self.port), "--quiet"],
                cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                if requests.get(self.url + "/api/v1/services", timeout=1).status_code == 200:
                    return
            except requests.RequestException:
                time.sleep(0.1)
        raise RuntimeError("server did not start:\n" + self.log.read_text())

    def stop(self) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc = None

    # API helpers for driving the office from a test
    def session(self, username: str) -> requests.Session:
        s = requests.Session()
        r = s.post(self.url + "/api/v1/login", json={"username": username, "password": DEMO_PASSWORD}, timeout=5)
        r.raise_for_status()
        s.headers["X-CSRF-Token"] = r.json()["csrf_token"]
        return s

    def issue(self, service: int, **extra) -> dict:
        r = requests.post(self.url + "/api/v1/tickets", json={"service": service, **extra}, timeout=5,
                          headers={"Authorization": f"Bearer {self.demo['kiosk_token']}"})
        r.raise_for_status()
        return r.json()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory):
    server = LiveServer(tmp_path_factory.mktemp("live"))
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: run `apt-get install chromium` (make test does this as root).")
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield b
        b.close()


@pytest.fixture
def new_page(browser):
    """new_page(size_name or (w, h), **context_options) -> a page in a fresh context."""
    contexts = []

    def make(size="desk", **options):
        width, height = SIZES[size] if isinstance(size, str) else size
        context = browser.new_context(viewport={"width": width, "height": height}, **options)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Keep a screenshot to look at: tests/e2e/screenshots/<name>.png."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    return path
