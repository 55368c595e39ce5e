"""#19's small items: Kezek's favicon, `addresses` without a placeholder link, `run`'s access log in a file."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

import server
from bench._load import free_port

ROOT = Path(__file__).resolve().parents[1]


def test_every_screen_has_kezeks_favicon(client):
    for path in ("/kiosk/", "/display/", "/operator/", "/admin/", "/board/demo", "/book/"):
        assert 'rel="icon" href="/favicon.svg"' in client.get(path).get_data(as_text=True), path
    with client.get("/favicon.ico") as ico:
        assert ico.status_code == 200 and ico.data[:4] == b"\x00\x00\x01\x00"      # an ICO file
    with client.get("/favicon.svg") as svg:
        assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data


def test_addresses_prints_no_placeholder_pairing_link(tmp_path, capsys, clock):
    db = tmp_path / "kezek.db"
    creds = tmp_path / "creds.json"
    assert server.main(["demo", "--db", str(db), "--credentials", str(creds)]) == 0
    capsys.readouterr()
    assert server.main(["addresses", "--db", str(db), "--base", "http://h:5000"]) == 0
    plain = capsys.readouterr().out
    assert "<kiosk token>" not in plain and "?token=" not in plain                # nothing a newcomer clicks in vain
    assert server.main(["addresses", "--db", str(db), "--base", "http://h:5000", "--credentials", str(creds)]) == 0
    with_demo = capsys.readouterr().out
    links = [line for line in with_demo.splitlines() if "?token=" in line]
    token = json.loads(creds.read_text())["kiosk_token"]
    assert links and all("<" not in line for line in links) and any(token in line for line in links)


def test_run_writes_the_access_log_to_its_file_and_keeps_the_terminal_for_addresses_and_errors(tmp_path):
    db = tmp_path / "kezek.db"
    assert server.main(["demo", "--db", str(db), "--password", "demo-pass-123"]) == 0
    port, log = free_port(), tmp_path / "var" / "access.log"
    env = {**os.environ, "KEZEK_SECRET_KEY": "s", "PYTHONPATH": str(ROOT)}
    proc = subprocess.Popen([sys.executable, "server.py", "run", "--db", str(db), "--port", str(port),
                             "--access-log", str(log)], cwd=ROOT, env=env, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/api/v1/services", timeout=2)
                break
            except requests.ConnectionError:
                assert time.monotonic() < deadline and proc.poll() is None, "the server did not start"
                time.sleep(0.2)
        for path in ("/kiosk/", "/display/", "/t/NOTATOKENbutlongenough123", "/api/v1/state"):
            requests.get(f"http://127.0.0.1:{port}{path}", timeout=5)
    finally:
        proc.terminate()
        terminal = proc.communicate(timeout=20)[0]
    assert "Kezek serving on" in terminal and "access log:" in terminal
    assert "GET /" not in terminal                                                  # no request lines on the terminal
    written = log.read_text()
    assert written.count("GET /") >= 5 and "/kiosk/" in written
    assert "NOTATOKENbutlongenough123" not in written                              # the file is redacted too
