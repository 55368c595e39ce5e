"""Local fakes of a browser push service, the Telegram Bot API and an SMS gateway, each as strict as the real one.

The push service checks the VAPID JWT (RFC 8292: ES256 against the server's public key, aud, exp,
sub) and decrypts the RFC 8291 aes128gcm body with the subscription's private key and auth secret,
which the test generates as a browser does. The decryption here is written from the RFC, not the
library the server sends with.
"""
from __future__ import annotations

import base64
import json
import os
import struct
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _hkdf(salt: bytes, ikm: bytes, info: bytes, length: int) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=length, salt=salt, info=info).derive(ikm)


class Browser:
    """A browser's side of one push subscription: its P-256 key pair and auth secret (RFC 8291 §2)."""

    def __init__(self, endpoint: str):
        self.endpoint = endpoint
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.public = self.key.public_key().public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint)

    def subscription(self) -> dict:
        """What PushSubscription.toJSON() gives the page."""
        return {"endpoint": self.endpoint, "keys": {"p256dh": b64url(self.public), "auth": b64url(self.auth)}}

    def decrypt(self, body: bytes) -> bytes:
        """RFC 8291 §3.4 / RFC 8188: one aes128gcm record, keyed by ECDH with the sender's key in the header."""
        salt, rs, idlen = body[:16], struct.unpack(">I", body[16:20])[0], body[20]
        sender = body[21:21 + idlen]
        ciphertext = body[21 + idlen:]
        assert idlen == 65 and sender[0] == 4, "keyid must be the sender's uncompressed P-256 key"
        assert len(ciphertext) <= rs, "one record only"
        shared = self.key.exchange(ec.ECDH(), ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), sender))
        ikm = _hkdf(self.auth, shared, b"WebPush: info\x00" + self.public + sender, 32)
        cek = _hkdf(salt, ikm, b"Content-Encoding: aes128gcm\x00", 16)
        nonce = _hkdf(salt, ikm, b"Content-Encoding: nonce\x00", 12)
        padded = AESGCM(cek).decrypt(nonce, ciphertext, None)
        unpadded = padded.rstrip(b"\x00")
        assert unpadded.endswith(b"\x02"), "the last record ends with the 0x02 delimiter"
        return unpadded[:-1]


def check_vapid(header: str, server_public: str, audience: str) -> dict:
    """Check `Authorization: vapid t=<JWT>, k=<key>` as a push service does; answer the claims."""
    assert header.startswith("vapid "), header
    parts = dict(p.strip().split("=", 1) for p in header[len("vapid "):].split(","))
    assert parts["k"] == server_public, "k is not the server's VAPID public key"
    head_b64, claims_b64, sig_b64 = parts["t"].split(".")
    head = json.loads(unb64url(head_b64))
    assert head["alg"] == "ES256" and head.get("typ", "JWT") == "JWT", head
    sig = unb64url(sig_b64)
    assert len(sig) == 64, "ES256 signature is r || s, 64 bytes"
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    key = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(parts["k"]))
    try:
        key.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature:
        raise AssertionError("the VAPID JWT's signature does not verify") from None
    claims = json.loads(unb64url(claims_b64))
    assert claims["aud"] == audience, claims
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
    assert claims["sub"].startswith(("mailto:", "https:")), claims
    return claims


class _Server:
    def __init__(self, handler_class):
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), handler_class)
        self.httpd.daemon_threads = True
        self.httpd.fake = self
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.lock = threading.Lock()
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.close()

    def close(self):
        self.release()
        self.httpd.shutdown()
        self.httpd.server_close()

    def release(self):
        pass


class _Handler(BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def _answer(self, status: int, data: dict | None = None):
        raw = json.dumps(data or {}).encode()
        try:
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(raw)))
            self.end_headers()
            self.wfile.write(raw)
        except OSError:   # a hung request the server gave up on: its connection is closed already
            pass

    def _body(self) -> bytes:
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))


class PushService(_Server):
    """A push service: /push/<id> endpoints; mode ok (201), 500, 410 or hang (answers only when released)."""

    def __init__(self, server_public: str):
        super().__init__(_PushHandler)
        self.server_public = server_public
        self.browsers: dict[str, Browser] = {}
        self.received: dict[str, list[dict]] = {}
        self.errors: list[str] = []
        self.mode = "ok"
        self.hits = 0
        self._released = threading.Event()

    def browser(self, name: str) -> Browser:
        browser = Browser(f"{self.url}/push/{name}")
        self.browsers[name] = browser
        return browser

    def release(self):
        self._released.set()

    def messages(self, name: str) -> list[dict]:
        with self.lock:
            return list(self.received.get(name, []))

    def wait_for(self, name: str, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            got = self.messages(name)
            if len(got) >= count:
                return got
            time.sleep(0.02)
        raise AssertionError(f"{name}: {len(self.messages(name))} of {count} messages; errors {self.errors}")


class _PushHandler(_Handler):
    def do_POST(self):
        fake: PushService = self.server.fake
        body = self._body()
        with fake.lock:
            fake.hits += 1
        if fake.mode == "hang":
            fake._released.wait(60)
            return self._answer(503)
        if fake.mode == "500":
            return self._answer(500)
        name = self.path.rsplit("/", 1)[-1]
        if fake.mode == "410" or name not in fake.browsers:
            return self._answer(410)
        try:
            check_vapid(self.headers.get("Authorization", ""), fake.server_public, fake.url)
            assert self.headers.get("Content-Encoding") == "aes128gcm", self.headers.get("Content-Encoding")
            assert int(self.headers["TTL"]) >= 0
            payload = json.loads(fake.browsers[name].decrypt(body))
        except Exception as err:   # an unsigned, mis-signed or undecryptable message: refused
            with fake.lock:
                fake.errors.append(repr(err))
            return self._answer(403 if "VAPID" in repr(err) or "signature" in repr(err) else 400)
        with fake.lock:
            fake.received.setdefault(name, []).append(payload)
        self._answer(201)


class TelegramApi(_Server):
    """The Bot API for one bot token: sendMessage, getUpdates (long polling), setWebhook.

    getUpdates as Telegram's: a call with `offset` confirms every update before it, and a
    confirmed update is never given again. `delivered` counts how often each update was given;
    `outage` makes getUpdates fail (502, confirming nothing), `outage_after_delivery` turns it on
    once a batch was given (Telegram unreachable just after a batch: its offset never reaches it).
    """

    def __init__(self, token: str):
        super().__init__(_TelegramHandler)
        self.token = token
        self.sent: list[dict] = []
        self.updates: list[dict] = []
        self.webhook: dict | None = None
        self.mode = "ok"
        self._next_id = 1
        self.confirmed = 0
        self.delivered: dict[int, int] = {}
        self.outage = False
        self.outage_after_delivery = False
        self.sending = threading.Event()   # cleared: sendMessage waits (a slow Bot API) until it is set again
        self.sending.set()

    def user_says(self, chat_id: int, text: str, language_code: str = "en") -> None:
        with self.lock:
            self.updates.append({"update_id": self._next_id, "message": {
                "message_id": self._next_id, "date": int(time.time()), "text": text,
                "chat": {"id": chat_id, "type": "private"},
                "from": {"id": chat_id, "is_bot": False, "first_name": "A", "language_code": language_code}}})
            self._next_id += 1

    def to(self, chat_id: int) -> list[str]:
        with self.lock:
            return [m["text"] for m in self.sent if m["chat_id"] == str(chat_id)]

    def wait_for(self, chat_id: int, count: int, timeout: float = 10.0) -> list[str]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if len(self.to(chat_id)) >= count:
                return self.to(chat_id)
            time.sleep(0.02)
        raise AssertionError(f"chat {chat_id}: {self.to(chat_id)}")


class _TelegramHandler(_Handler):
    def do_POST(self):
        fake: TelegramApi = self.server.fake
        prefix = f"/bot{fake.token}/"
        if not self.path.startswith(prefix):
            return self._answer(401, {"ok": False, "error_code": 401, "description": "Unauthorized"})
        method = self.path[len(prefix):]
        data = json.loads(self._body() or b"{}")
        if method == "sendMessage":
            if not isinstance(data.get("chat_id"), (str, int)) or not isinstance(data.get("text"), str) \
                    or not data["text"] or len(data["text"]) > 4096:
                return self._answer(400, {"ok": False, "description": "Bad Request"})
            if fake.mode == "blocked":
                return self._answer(403, {"ok": False, "description": "Forbidden: bot was blocked by the user"})
            fake.sending.wait(30)
            with fake.lock:
                fake.sent.append({"chat_id": str(data["chat_id"]), "text": data["text"]})
            return self._answer(200, {"ok": True, "result": {"message_id": 1}})
        if method == "getUpdates":
            offset = int(data.get("offset") or 0)
            deadline = time.monotonic() + min(float(data.get("timeout") or 0), 1.0)
            while True:
                with fake.lock:
                    if fake.outage:
                        return self._answer(502, {"ok": False, "description": "Bad Gateway"})
                    if offset > fake.confirmed:   # confirmed: forgotten for good
                        fake.confirmed = offset
                        fake.updates = [u for u in fake.updates if u["update_id"] >= offset]
                    fresh = [u for u in fake.updates if u["update_id"] >= offset]
                    if fresh or time.monotonic() >= deadline:
                        for u in fresh:
                            fake.delivered[u["update_id"]] = fake.delivered.get(u["update_id"], 0) + 1
                        if fresh and fake.outage_after_delivery:
                            fake.outage = True
                        return self._answer(200, {"ok": True, "result": fresh})
                time.sleep(0.02)
        if method == "setWebhook":
            fake.webhook = data
            return self._answer(200, {"ok": True, "result": True})
        if method == "deleteWebhook":
            fake.webhook = None
            return self._answer(200, {"ok": True, "result": True})
        return self._answer(404, {"ok": False, "description": "Not Found"})


class SmsGateway(_Server):
    """An SMS gateway: POST /send with HTTP basic auth and a JSON body {to, text}."""

    def __init__(self, user: str = "kezek", password: str = "gateway-secret"):
        super().__init__(_SmsHandler)
        self.auth = "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()
        self.sent: list[dict] = []

    def wait_for(self, count: int, timeout: float = 10.0) -> list[dict]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.sent) >= count:
                    return list(self.sent)
            time.sleep(0.02)
        raise AssertionError(f"{len(self.sent)} of {count} SMS")


class _SmsHandler(_Handler):
    def do_POST(self):
        fake: SmsGateway = self.server.fake
        if self.headers.get("Authorization") != fake.auth:
            return self._answer(401, {"error": "unauthorised"})
        data = json.loads(self._body() or b"{}")
        if self.path != "/send" or set(data) != {"to", "text"} or not str(data["to"]).startswith("+"):
            return self._answer(400, {"error": "bad request"})
        with fake.lock:
            fake.sent.append(data)
        self._answer(200, {"id": len(fake.sent)})
