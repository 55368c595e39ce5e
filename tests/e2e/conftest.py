"""Browser tests: the real server in a subprocess on a free loopback port, real Chromium."""
from __future__ import annotations

import json
import os
import shutil
import time
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import requests

from bench._load import DEMO_PASSWORD, ServerProcess, free_port  # noqa: F401  (re-exported for tests)

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = Path(__file__).resolve().parent / "screenshots"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SIZES = {"kiosk_portrait": (1080, 1920), "kiosk_landscape": (1920, 1080), "tv": (1920, 1080),
         "phone": (360, 740), "desk": (1366, 768)}


def _patient_expect() -> None:
    """A screen has 15 s to show what a test expects (Playwright's default, 5 s, is short on CI)."""
    from playwright.sync_api import expect
    expect.set_options(timeout=15_000)


_patient_expect()


OFFICE_ZONE = ZoneInfo("Asia/Almaty")     # the demo office's
CLOCKED: list["LiveServer"] = []         # running servers on a test clock: new_page gives browsers their time


def test_day() -> date:
    """The office day the browser tests take as today: KEZEK_E2E_CLOCK's (to try an hour, e.g. 23:50), else the wall's."""
    return _e2e_now().date()


def _e2e_now() -> datetime:
    """Now, in the office's zone, as the browser tests see it: KEZEK_E2E_CLOCK (HH:MM today) or the wall clock."""
    wall = datetime.now(OFFICE_ZONE)
    wanted = os.environ.get("KEZEK_E2E_CLOCK")
    if not wanted:
        return wall
    hour, minute = (int(x) for x in wanted.split(":"))
    return wall.replace(hour=hour, minute=minute, second=0, microsecond=0)


_DEMO_TEMPLATE: dict = {}               # the first wall-clock server's fresh demo database and credentials


def _sqlite_sidecars(db: Path) -> list[Path]:
    """A database's -wal/-journal files: while any is there, the file alone is not the whole database."""
    return [p for p in (db.with_name(db.name + "-wal"), db.with_name(db.name + "-journal")) if p.exists()]


class LiveServer(ServerProcess):
    """`python server.py run` on a demo database (bench/_load.py); can be stopped and started again.

    `clock="10:00"` runs the server on a test clock that reads 10:00 (office time) of today now and runs on from
    there (tests/e2e/clocked_server.py); without it the server runs on KEZEK_E2E_CLOCK when that is set, else on
    the wall clock. Browsers opened by new_page while it runs read the same time; `now()` is the server's time.
    """

    def __init__(self, tmp: Path, env: dict | None = None, clock: str | None = None):
        # A kiosk asks "Need more time?" after its idle time: 2 minutes here, so that a slow machine running
        # axe-core on each screen is not taken for a visitor who left (tests of the idle time set their own).
        # One demo kiosk issues every test's tickets, far faster than visitors can: its per-kiosk limit
        # (tested in tests/test_security.py and the API tests) would refuse a module's later tickets.
        wall = datetime.now(timezone.utc)
        start = _e2e_now()
        if clock:
            hour, minute = (int(x) for x in clock.split(":"))
            start = start.replace(hour=hour, minute=minute, second=0, microsecond=0)
        self.shift = start - wall if clock or os.environ.get("KEZEK_E2E_CLOCK") else timedelta(0)
        timed = {}
        if self.shift:
            self.entry = "tests/e2e/clocked_server.py"
            timed = {"KEZEK_TEST_CLOCK_START": start.isoformat(), "KEZEK_TEST_CLOCK_AT": repr(wall.timestamp())}
        super().__init__(tmp, env={"KEZEK_SECRET_KEY": "e2e-secret", "KEZEK_PRINTER_ALLOW_LOCAL": "1",
                                   "KEZEK_KIOSK_IDLE_S": "120", "KEZEK_ISSUE_RATE_LIMIT": "0", **timed, **(env or {})})

    def load_demo(self) -> dict:
        """The demo office, loaded once per run and copied: `server.py demo` costs seconds, a copy milliseconds.

        The copy is the demo database file as `demo` left it (closed), made on the wall clock: its records carry
        the time they were made, so a server takes it only when that time is of its own office day and not
        after its own now (a server on a test clock set earlier than the wall loads its own demo).
        """
        template, made = _DEMO_TEMPLATE.get("db"), _DEMO_TEMPLATE.get("made")
        now = self.now()
        if (not isinstance(self.db, Path) or template is None or not template.is_file()
                or not (made <= now and made.date() == now.date())):
            demo = super().load_demo()
            made = datetime.now(OFFICE_ZONE)     # every record of the demo is older
            if not self.shift and isinstance(self.db, Path) and not _sqlite_sidecars(self.db):
                template = self.db.with_name("demo-template.db")
                shutil.copyfile(self.db, template)
                _DEMO_TEMPLATE.update(db=template, demo=demo, made=made)
            return demo
        shutil.copyfile(template, self.db)
        return json.loads(json.dumps(_DEMO_TEMPLATE["demo"]))

    def now(self) -> datetime:
        """The server's time, in the office's zone."""
        return (datetime.now(timezone.utc) + self.shift).astimezone(OFFICE_ZONE)

    def start(self, timeout: float = 30) -> None:
        super().start(timeout)
        if self.shift and self not in CLOCKED:
            CLOCKED.append(self)

    def stop(self) -> None:
        super().stop()
        if self in CLOCKED:
            CLOCKED.remove(self)

    def issue(self, service: int, **extra) -> dict:
        """A ticket from the demo kiosk, as the kiosk's API call would issue it."""
        r = requests.post(self.url + "/api/v1/tickets", json={"service": service, **extra}, timeout=5,
                          headers={"Authorization": f"Bearer {self.demo['kiosk_token']}"})
        r.raise_for_status()
        return r.json()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory, request):
    """The module's server; a module that needs an hour of the day sets SERVER_CLOCK = "HH:MM" (office time)."""
    server = LiveServer(tmp_path_factory.mktemp("live"), clock=getattr(request.module, "SERVER_CLOCK", None))
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
        context.add_init_script(path=str(AXE))   # injected by the browser, so the screens' CSP stays as served
        if CLOCKED:                               # the browser reads the test server's time (timers run as usual)
            context.clock.set_system_time(CLOCKED[-1].now())
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    """Keep a screenshot to look at: tests/e2e/screenshots/<name>.png (and check the screen with axe-core)."""
    SCREENSHOTS.mkdir(exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path))
    if not name.endswith("does-not-fit"):
        axe_check(page, name)
    return path


# axe-core, pinned in package.json, read from node_modules by the tests only (never served by Kezek).
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_FAILS = ("critical", "serious")


def axe_check(page, name: str) -> list[dict]:
    """Run axe-core on the page as it is now; fail on any critical or serious violation."""
    if not AXE.is_file():
        pytest.fail("axe-core is missing: run `npm ci` (make setup does).")
    if not page.evaluate("typeof window.axe === 'object'"):
        page.evaluate(AXE.read_text(encoding="utf-8"))
    violations = page.evaluate("""async () => {
      const result = await axe.run(document, {resultTypes: ['violations']});
      return result.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                           nodes: v.nodes.slice(0, 5).map(n => n.target.join(' '))}));
    }""")
    bad = [v for v in violations if v["impact"] in AXE_FAILS]
    assert bad == [], f"axe-core on {name}: {bad}"
    return violations


def wait_js(page, expression: str, arg=None, timeout: float = 20000) -> None:
    """Wait until `expression` (or `fn => ...` called with `arg`) is truthy in the page.

    Polls page.evaluate from Python. Playwright's wait_for_function re-checks with
    eval() inside the page, which the screens' Content-Security-Policy forbids: it
    passes only when the first check is already true, so it flakes on a slow machine.
    """
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(expression, arg):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout / 1000:g} s: {expression} ({arg!r})")
        page.wait_for_timeout(50)
