"""Helpers shared by the tests (importable by name; conftest modules are not)."""
from __future__ import annotations

DEMO_PASSWORD = "demo-pass-123"


def login(client, username: str, password: str = DEMO_PASSWORD) -> dict:
    """Sign in on a Flask test client; returns headers that carry the CSRF token."""
    response = client.post("/api/v1/login", json={"username": username, "password": password})
    assert response.status_code == 200, response.get_json()
    return {"X-CSRF-Token": response.get_json()["csrf_token"]}
