"""Settings from the environment, and the proxy setting that keeps per-address limits per visitor."""
from __future__ import annotations

from kezek.web.app import create_app


def test_environment_overrides_defaults_and_config_overrides_environment(monkeypatch, db_path):
    monkeypatch.setenv("KEZEK_ISSUE_RATE_LIMIT", "7")
    monkeypatch.setenv("KEZEK_KIOSK_IDLE_S", "45")
    app = create_app({"DB": db_path, "SECRET_KEY": "s", "KIOSK_IDLE_S": 30})
    assert app.config["ISSUE_RATE_LIMIT"] == 7 and app.config["KIOSK_IDLE_S"] == 30


def test_behind_a_proxy_the_forwarded_address_is_the_callers(monkeypatch, db_path):
    seen = []
    for hops in ("0", "1"):
        monkeypatch.setenv("KEZEK_PROXY_HOPS", hops)
        app = create_app({"DB": db_path, "SECRET_KEY": "s"})

        @app.get("/_addr_test")
        def addr():
            from flask import request
            return request.remote_addr or ""
        addr.kezek_access = ("public",)
        seen.append(app.test_client().get("/_addr_test", headers={"X-Forwarded-For": "203.0.113.9"},
                                          environ_base={"REMOTE_ADDR": "127.0.0.1"}).get_data(as_text=True))
    assert seen == ["127.0.0.1", "203.0.113.9"]


def test_the_secret_key_is_generated_once_and_kept(db_path, monkeypatch):
    monkeypatch.delenv("KEZEK_SECRET_KEY", raising=False)
    first = create_app({"DB": db_path}).config["SECRET_KEY"]
    again = create_app({"DB": db_path}).config["SECRET_KEY"]
    assert first == again and len(first) >= 32
