"""Fixtures: a fresh app and database per test, clients per role, a controllable clock.

KEZEK_TEST_STORE=postgresql runs the db/app fixtures on PostgreSQL (tests/pg_cluster.py): each
test gets a fresh database copied from a template that holds the schema. A test about SQLite
itself carries @pytest.mark.sqlite_only (with its reason) and is skipped there.
"""
from __future__ import annotations

import atexit
import os
import shutil
import tempfile

from datetime import datetime, timedelta, timezone

# python-escpos parses its printer database (YAML, ~0.6 s idle, over 1 s on a busy CI machine) in every process
# that imports it, caching the result in a temporary folder of its own each time. One cache for this run instead,
# written here before any server subprocess starts: each of them (they inherit the variable) loads it in ms.
if "ESCPOS_CAPABILITIES_PICKLE_DIR" not in os.environ:
    os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"] = tempfile.mkdtemp(prefix="kezek-tests-escpos-")
    atexit.register(shutil.rmtree, os.environ["ESCPOS_CAPABILITIES_PICKLE_DIR"], True)
import escpos.capabilities  # noqa: E402,F401  (writes the cache now, before any subprocess reads it)

import pytest
from helpers import DEMO_PASSWORD, login

import pg_cluster as _pg

from kezek import demo
from kezek.base import database
from kezek.office import accounts
from kezek.web.app import create_app, socketio

# Hashing with scrypt costs ~0.1 s a password; the tests create many users.
accounts.PASSWORD_METHOD = "pbkdf2:sha256:1000"


class Clock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime):
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta) -> datetime:
        self.now += timedelta(**delta)
        return self.now


@pytest.fixture(scope="session")
def pg_cluster_session():
    """This test run's throwaway PostgreSQL cluster (tests/pg_cluster.py), started once."""
    if not _pg.available():
        pytest.skip("PostgreSQL is not installed")
    return _pg.cluster()


STORE = os.environ.get("KEZEK_TEST_STORE", "sqlite")
if STORE not in ("sqlite", "postgresql"):
    raise RuntimeError(f"KEZEK_TEST_STORE: sqlite or postgresql, not {STORE!r}")


def pytest_collection_modifyitems(config, items):
    if STORE != "postgresql":
        return
    for item in items:
        marker = item.get_closest_marker("sqlite_only")
        if marker:
            item.add_marker(pytest.mark.skip(reason=f"SQLite only: {marker.args[0] if marker.args else ''}"))


@pytest.fixture(scope="session")
def pg_template(pg_cluster_session):
    """A database holding the current schema, copied for each test (CREATE DATABASE ... TEMPLATE)."""
    url = pg_cluster_session.new_database()
    database.init_db(url).close()
    from kezek.base import postgres
    postgres.forget_idle(url)    # a template must have no connections when it is copied
    return url.rsplit("/", 1)[-1]


@pytest.fixture
def pg_url(pg_cluster_session):
    """A fresh, empty PostgreSQL database's URL, dropped after the test."""
    url = pg_cluster_session.new_database()
    yield url
    pg_cluster_session.drop_database(url)


@pytest.fixture
def clock():
    # 10:00 in Almaty (UTC+5) on a weekday
    return Clock(datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc))


@pytest.fixture
def db_path(request, tmp_path):
    """The test's database: a SQLite file in tmp_path, or (KEZEK_TEST_STORE=postgresql) a fresh
    PostgreSQL database's URL."""
    if STORE != "postgresql":
        return str(tmp_path / "kezek.db")
    cluster = request.getfixturevalue("pg_cluster_session")
    url = cluster.new_database(template=request.getfixturevalue("pg_template"))
    os.environ["KEZEK_DATA_DIR"] = str(tmp_path)     # the log key and media beside "the database"

    def drop():
        from kezek.base import postgres
        postgres.forget_idle(url)
        cluster.drop_database(url)
        os.environ.pop("KEZEK_DATA_DIR", None)
    request.addfinalizer(drop)
    return url


@pytest.fixture
def db(db_path, clock):
    """An engine handle on a fresh database with the demo office."""
    handle = database.init_db(db_path)
    handle.demo = demo.load_demo(handle, clock(), password=DEMO_PASSWORD)
    yield handle
    handle.close()


@pytest.fixture
def app(db_path, clock):
    """The app on a fresh database with the demo office loaded."""
    application = create_app({"DB": db_path, "TESTING": True, "SECRET_KEY": "test-secret",
                              "ASYNC_MODE": "threading", "CLOCK": clock, "PUBLIC_URL": "http://kezek.test",
                              "QUEUE_PUSH_DELAY_S": 0, "DESK_PUSH_DELAY_S": 0,
                              "PRINTER_ALLOW_LOCAL": 1})   # the fake printers listen on 127.0.0.1
    handle = database.init_db(db_path)
    application.demo = demo.load_demo(handle, clock(), password=DEMO_PASSWORD)
    handle.close()
    yield application


@pytest.fixture
def region_app(db_path, clock):
    """The app on a fresh database with the demo region (three offices and a region admin)."""
    application = create_app({"DB": db_path, "TESTING": True, "SECRET_KEY": "test-secret", "ASYNC_MODE": "threading",
                              "CLOCK": clock, "PUBLIC_URL": "http://kezek.test", "QUEUE_PUSH_DELAY_S": 0,
                              "DESK_PUSH_DELAY_S": 0, "REGION_PUSH_DELAY_S": 0, "ISSUE_RATE_LIMIT": 0})
    handle = database.init_db(db_path)
    application.demo = demo.load_region_demo(handle, clock(), password=DEMO_PASSWORD)
    handle.close()
    return application


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def operator(app):
    """A signed-in operator: (client, headers)."""
    c = app.test_client()
    return c, login(c, "operator1")


@pytest.fixture
def admin(app):
    c = app.test_client()
    return c, login(c, "admin")


@pytest.fixture
def kiosk_headers(app):
    return {"Authorization": f"Bearer {app.demo['kiosk_token']}"}


@pytest.fixture
def socket_client(app):
    """Make Socket.IO test clients: socket_client(auth, flask_client=None)."""
    yield from socket_clients_of(app)


@pytest.fixture
def region_socket_client(region_app):
    """socket_client for the demo region's app."""
    yield from socket_clients_of(region_app)


def socket_clients_of(app):
    """The Socket.IO test clients' maker for an app; those still connected are closed after the test."""
    made = []

    def make(auth, flask_client=None):
        sc = socketio.test_client(app, flask_test_client=flask_client, auth=auth)
        made.append(sc)
        return sc

    yield make
    for sc in made:
        if sc.is_connected():
            sc.disconnect()
