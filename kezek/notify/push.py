"""Web Push: the server's VAPID key (RFC 8292) and one encrypted message (RFC 8291, aes128gcm) via pywebpush."""
from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from py_vapid import Vapid02
from pywebpush import WebPusher

from kezek.base.errors import Invalid

# The push services of the browsers people carry (Chrome/Android, Firefox, Edge/Windows, Safari/iOS).
# Anything else is refused: a subscription's endpoint is a URL a stranger hands the server to POST to.
DEFAULT_SERVICES = ("https://fcm.googleapis.com/", "https://updates.push.services.mozilla.com/",
                    "https://*.notify.windows.com/", "https://web.push.apple.com/")
MAX_ENDPOINT = 1024


def generate_key_file(path: str | Path) -> str:
    """Write a new VAPID private key (P-256, PEM, mode 600) to `path`; answer its public key for browsers."""
    key = ec.generate_private_key(ec.SECP256R1())
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(pem)
    return public_key(load_key(path))


def load_key(path: str | Path) -> Vapid02:
    """The VAPID key from its PEM file."""
    return Vapid02.from_file(private_key_file=str(path))


def public_key(vapid: Vapid02) -> str:
    """The applicationServerKey a page subscribes with: the uncompressed P-256 point, base64url."""
    raw = vapid.public_key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _allowed(endpoint: str, services: tuple[str, ...]) -> bool:
    parts = urlsplit(endpoint)
    for service in services:
        allowed = urlsplit(service)
        host = allowed.hostname or ""
        matches_host = (parts.hostname == host or (host.startswith("*.") and (parts.hostname or "").endswith(host[1:])))
        if (parts.scheme == allowed.scheme and matches_host and (allowed.port or None) == (parts.port or None)
                and parts.path.startswith(allowed.path or "/")):
            return True
    return False


def _b64_bytes(text, size: int | None, name: str) -> None:
    try:
        raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (ValueError, TypeError):
        raise Invalid(f"keys.{name} is not base64url.", "bad_field", field="subscription") from None
    if size and len(raw) != size:
        raise Invalid(f"keys.{name} has the wrong length.", "bad_field", field="subscription")


def checked_subscription(value, services: tuple[str, ...]) -> str:
    """A browser's PushSubscription (JSON) made safe to keep: its endpoint at a known push service; as JSON text."""
    if not isinstance(value, dict):
        raise Invalid("subscription must be a PushSubscription object.", "bad_field", field="subscription")
    endpoint, keys = value.get("endpoint"), value.get("keys")
    if not isinstance(endpoint, str) or len(endpoint) > MAX_ENDPOINT or not isinstance(keys, dict):
        raise Invalid("subscription needs an endpoint and keys.", "bad_field", field="subscription")
    if not _allowed(endpoint, services):
        raise Invalid("This push service is not allowed.", "push_service_not_allowed", field="subscription")
    p256dh, auth = keys.get("p256dh"), keys.get("auth")
    if not isinstance(p256dh, str) or not isinstance(auth, str):
        raise Invalid("subscription keys need p256dh and auth.", "bad_field", field="subscription")
    _b64_bytes(p256dh, 65, "p256dh")
    _b64_bytes(auth, 16, "auth")
    return json.dumps({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}}, separators=(",", ":"))


def send(address: str, payload: dict, vapid: Vapid02, subject: str, *, timeout: float, ttl: int,
         session: requests.Session | None = None) -> str:
    """Send one push; answer 'sent', 'gone' (404/410: drop the subscription), 'retry' (429/5xx) or 'failed'."""
    subscription = json.loads(address)
    parts = urlsplit(subscription["endpoint"])
    claims = {"sub": subject, "aud": f"{parts.scheme}://{parts.netloc}", "exp": int(time.time()) + 12 * 3600}
    headers = {**vapid.sign(claims), "Urgency": "high"}
    data = json.dumps(payload, ensure_ascii=False)
    response = WebPusher(subscription, requests_session=session).send(
        data, headers, ttl=ttl, content_encoding="aes128gcm", timeout=timeout)
    status = response.status_code
    if status in (200, 201, 202):
        return "sent"
    if status in (404, 410):
        return "gone"
    if status == 429 or status >= 500:
        return "retry"
    return "failed"
