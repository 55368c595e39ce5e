"""A fake ESC/POS network printer on 127.0.0.1 that records what it is sent and answers DLE EOT."""
from __future__ import annotations

import socket
import threading
import time

# Answers to DLE EOT 1 (printer), 2 (offline cause), 3 (error cause), 4 (paper sensor),
# bit for bit as an Epson TM printer gives them: bits 1 and 4 are always set.
ANSWERS = {
    "ok": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x12},
    "paper_near_end": {1: 0x12, 2: 0x12, 3: 0x12, 4: 0x1E},  # near-end sensor: bits 2, 3
    # Paper end: the printer goes offline (bit 3), stops (bit 5), sensor bits 5, 6 (+ near end).
    "paper_out": {1: 0x1A, 2: 0x32, 3: 0x12, 4: 0x7E},
    "cover_open": {1: 0x1A, 2: 0x16, 3: 0x12, 4: 0x12},  # offline, cover open (bit 2)
}
MODES = (*ANSWERS, "silent", "refused")


class FakePrinter:
    """Listens on a free 127.0.0.1 port in a background thread; `received` holds every byte."""

    def __init__(self, mode: str = "ok", runs_out_at: int | None = None):
        assert mode in MODES, mode
        self.mode = mode
        self.runs_out_at = runs_out_at  # paper ends once this many bytes have arrived
        self.received = bytearray()
        self.queries: list[int] = []  # n of every DLE EOT n seen, in order
        self.connections = 0
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._server.bind(("127.0.0.1", 0))
        self.port = self._server.getsockname()[1]
        if mode == "refused":
            # Nothing listens on the port: connecting gets ECONNREFUSED at once.
            self._server.close()
            self._thread = None
            return
        self._server.listen(4)
        self._server.settimeout(0.1)
        self._thread = threading.Thread(target=self._serve, name="fake printer", daemon=True)
        self._thread.start()

    @property
    def url(self) -> str:
        return f"tcp://127.0.0.1:{self.port}"

    def set_mode(self, mode: str) -> None:
        """Change state as a person would: load paper, open the cover…"""
        assert mode in ANSWERS or mode == "silent", mode
        self.mode = mode

    def data(self) -> bytes:
        with self._lock:
            return bytes(self.received)

    def _serve(self) -> None:
        while not self._stop.is_set():
            try:
                conn, _ = self._server.accept()
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            self.connections += 1
            with conn:
                self._talk(conn)

    def _talk(self, conn: socket.socket) -> None:
        conn.settimeout(0.1)
        tail = b""  # the last two bytes of the previous chunk: a query may straddle chunks
        while not self._stop.is_set():
            try:
                chunk = conn.recv(65536)
            except (TimeoutError, socket.timeout):
                continue
            except OSError:
                return
            if not chunk:
                return
            with self._lock:
                self.received += chunk
            if self.runs_out_at is not None and len(self.received) >= self.runs_out_at:
                self.mode = "paper_out"
            # Like a real Epson, real-time commands are acted on wherever they appear,
            # even inside image data.
            window = tail + chunk
            for i in range(len(window) - 2):
                if window[i] == 0x10 and window[i + 1] == 0x04 and 1 <= window[i + 2] <= 4:
                    if i + 2 < len(tail):
                        continue  # already answered with the previous chunk
                    n = window[i + 2]
                    self.queries.append(n)
                    if self.mode in ANSWERS:
                        conn.sendall(bytes([ANSWERS[self.mode][n]]))
            tail = window[-2:]

    def wait_quiet(self, seconds: float = 0.3) -> None:
        """Wait until no bytes have arrived for `seconds` (a late job would show up here)."""
        last = -1
        while len(self.received) != last:
            last = len(self.received)
            time.sleep(seconds)

    def close(self) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(2)
            self._server.close()

    def __enter__(self) -> "FakePrinter":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
