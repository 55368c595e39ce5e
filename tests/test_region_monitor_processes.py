"""The live regional monitor across a region's processes (real `server.py run` processes, Redis, HAProxy):
a change committed in one process reaches a region admin's monitor on another, once, with the true figures."""
from __future__ import annotations

import time

import pytest
import requests
import socketio
from region import Region
from test_region_live import Screen, cookie_of, issue, until

from bench._load import DEMO_PASSWORD

pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings("ignore::ResourceWarning"),
              pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")]


@pytest.fixture(scope="module")
def region(tmp_path_factory):
    with Region(tmp_path_factory.mktemp("region-monitor"), processes=2) as r:
        r.cli("create-user", "regional", "--role", "region_admin", "--password", DEMO_PASSWORD)
        yield r


def _pushes(screen: Screen) -> list[dict]:
    with screen.lock:
        return [data for name, data in screen.received if name == "region.monitor"]


def _waiting(payload: dict) -> int:
    return payload["totals"]["waiting"]


def test_a_change_in_one_process_reaches_the_monitor_on_another_once(region):
    regional = region.session("regional", base=region.servers[0].url)
    monitor = Screen(region.servers[0].url, {"screen": "region-monitor"}, cookie_of(regional))
    try:
        snapshot = monitor.last("snapshot")
        before = _waiting(snapshot)
        issue(region.servers[1].url, region.demo["kiosk_token"])          # committed in the other process
        assert until(lambda: _pushes(monitor) and _waiting(_pushes(monitor)[-1]) == before + 1)
        time.sleep(2.5)      # past the next push window: the one push came once, not once per process or hop
        assert len(_pushes(monitor)) == 1
        # A burst through both processes: the last push shows the truth; never more pushes than changes.
        for i in range(6):
            issue(region.servers[i % 2].url, region.demo["kiosk_token"])
        truth = regional.get(region.servers[1].url + "/api/v1/region/monitor", timeout=10).json()
        counts = lambda view: [(o["id"], o["waiting"], o["open_desks"], o["served_today"]) for o in view["offices"]]  # noqa: E731
        assert until(lambda: counts(_pushes(monitor)[-1]) == counts(truth))
        assert _waiting(truth) == before + 7 and len(_pushes(monitor)) <= 7
    finally:
        monitor.close()


def test_an_office_admins_or_anonymous_socket_is_refused_on_every_process(region):
    admin = region.session("admin", base=region.servers[1].url)
    for server in region.servers:
        for cookie in ("", cookie_of(admin)):
            client = socketio.Client(reconnection=False)
            with pytest.raises(socketio.exceptions.ConnectionError):
                client.connect(server.url, transports=["websocket"], wait_timeout=10,
                               auth={"screen": "region-monitor"}, headers={"Cookie": cookie} if cookie else {})
            client.disconnect()
    assert requests.get(region.servers[0].url + "/api/v1/health", timeout=5).status_code == 200
