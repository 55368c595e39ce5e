"""The gevent HTTP server of `server.py run`: header and idle timeouts, a connection cap, an access log without secrets.

Without them 1,100 half-sent requests held every file descriptor of a process under the
usual `ulimit -n 1024` and no visitor, kiosk or desk got an answer again. Each connection
now has KEZEK_IDLE_TIMEOUT_S to start a request and KEZEK_HEADER_TIMEOUT_S to finish its
request line and headers; at most KEZEK_MAX_CONNECTIONS are served at once (the others wait
in the listen backlog, not in a file descriptor each). A WebSocket, once upgraded, is no
longer under either timeout: Socket.IO's own pings watch it.
"""
from __future__ import annotations

import logging
import re
import signal
import socket
import sys
from pathlib import Path

import gevent
from gevent import pywsgi
from gevent.pool import Pool

DEFAULTS = {"HEADER_TIMEOUT_S": 10.0, "IDLE_TIMEOUT_S": 75.0, "MAX_CONNECTIONS": 4000}

# Secrets that reach a server in its address: ?token= (a kiosk's pairing link), passwords, keys, booking
# codes, and the long random tokens in paths (/t/<ticket token>, /qr/<token>.svg, /api/v1/tickets/<token>).
_SECRET_QUERY = re.compile(r"(?i)([?&](?:token|secret|password|key|code|sig|auth)[^=&\s]*=)[^&\s]*")
_SECRET_PATH = re.compile(r"(?<=/)(?:[A-Za-z0-9_-]{16,}|\d{6,12})(?=[/?.\s]|$)")


def redact(text: str) -> str:
    """An access-log line with every token, secret and booking code in its address replaced by '…'."""
    return _SECRET_PATH.sub("…", _SECRET_QUERY.sub(r"\1…", text))


class RedactingFilter(logging.Filter):
    """Redacts the request lines Werkzeug's development server logs (KEZEK_ASYNC_MODE=threading)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.args:
            record.args = tuple(redact(a) if isinstance(a, str) else a for a in record.args)
        record.msg = redact(str(record.msg))
        return True


class Handler(pywsgi.WSGIHandler):
    """TCP_NODELAY (else each keep-alive answer waits ~40 ms), timeouts, and a redacted access log."""

    def __init__(self, sock, address, server, rfile=None):
        try:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        except OSError:
            pass
        self._headers_deadline = None
        super().__init__(sock, address, server, rfile)

    def read_requestline(self):
        """Wait up to the idle timeout for a request to begin, then the header timeout for all of its head."""
        began = False
        with gevent.Timeout(self.server.kezek["IDLE_TIMEOUT_S"], False):
            self.rfile.peek(1)
            began = True
        if not began:
            return ""   # idle too long: the connection closes
        self._headers_deadline = gevent.Timeout(self.server.kezek["HEADER_TIMEOUT_S"])
        self._headers_deadline.start()
        return super().read_requestline()

    def read_request(self, raw_requestline):
        try:
            return super().read_request(raw_requestline)
        finally:
            self._stop_deadline()   # the head is in: the body and the app (a WebSocket's life) are not under it

    def _stop_deadline(self) -> None:
        if self._headers_deadline is not None:
            self._headers_deadline.close()
            self._headers_deadline = None

    def handle_one_request(self):
        try:
            return super().handle_one_request()
        except gevent.Timeout as timeout:
            if timeout is not self._headers_deadline:
                raise
            self._stop_deadline()
            return None   # a head that never ended: drop the connection
        finally:
            self._stop_deadline()

    def format_request(self):
        return redact(super().format_request())


def access_log_file(path: str):
    """The access log opened for appending, a line at a time (the terminal keeps errors and addresses only)."""
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    return open(path, "a", encoding="utf-8", buffering=1)


def make_server(app, host: str, port: int, *, quiet: bool, settings: dict | None = None,
                access_log: str | None = None) -> pywsgi.WSGIServer:
    """The gevent WSGI server for `app`, with its limits (settings: HEADER_TIMEOUT_S, IDLE_TIMEOUT_S, MAX_CONNECTIONS)."""
    limits = {**DEFAULTS, **(settings or {})}
    log = None if quiet else (access_log_file(access_log) if access_log else "default")
    server = pywsgi.WSGIServer((host, port), app, handler_class=Handler, spawn=Pool(int(limits["MAX_CONNECTIONS"])),
                               log=log, backlog=1024)
    server.kezek = {k: float(v) for k, v in limits.items()}
    return server


def serve_forever(server: pywsgi.WSGIServer) -> None:
    """Serve until SIGTERM or SIGINT."""
    gevent.signal_handler(signal.SIGTERM, server.stop)
    gevent.signal_handler(signal.SIGINT, server.stop)
    server.serve_forever()


def serve_threaded(app, socketio, host: str, port: int, *, quiet: bool, access_log: str | None = None) -> None:
    """Werkzeug's development server (KEZEK_ASYNC_MODE=threading), its access log redacted; SIGTERM ends it as Ctrl-C does."""
    logging.getLogger("werkzeug").addFilter(RedactingFilter())   # no tokens in the access log
    if access_log:
        logging.getLogger("werkzeug").addHandler(logging.StreamHandler(access_log_file(access_log)))
        logging.getLogger("werkzeug").propagate = False
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(0))   # the caller's `finally` gives the leases up
    socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, log_output=not quiet)
