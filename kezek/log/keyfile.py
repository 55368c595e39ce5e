"""The log's signing key: one Ed25519 key in a file outside the database (mode 0600), named per office.

The file holds one line, "PRIVATE+KEY+<log name>+<hex id>+<base64>" (Go's sumdb/note form).
Each office's log signs with that key under its own origin as the key name, as C2SP
tlog-checkpoint asks (the key name matches the origin): origin "<log name>/<office id>",
the log name being the key's own name, chosen when the key is made: KEZEK_LOG_NAME, else the
host of KEZEK_PUBLIC_URL, else "kezek.local" (so origins stay put when the address changes).
The default path is beside the database ("kezek.db" -> "kezek.db.logkey"); `backup` copies
the database file only, so a backup never holds the key.
"""
from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

from kezek.log import note

DEFAULT_NAME = "kezek.local"


def default_path(db_path: str | Path, folder: str | Path | None = None) -> Path:
    """Where the key lives when no path is given: beside the database file (a PostgreSQL
    database has none: `folder`/<database name>.logkey)."""
    if str(db_path).startswith(("postgresql://", "postgres://")):
        name = str(db_path).rsplit("/", 1)[-1].split("?", 1)[0] or "kezek"
        return Path(folder or os.environ.get("KEZEK_DATA_DIR") or "var").resolve() / f"{name}.logkey"
    return Path(f"{Path(db_path).resolve()}.logkey")


def log_name(explicit: str = "", public_url: str = "") -> str:
    """The log's name: the one given, else the public address's host, else kezek.local."""
    name = explicit or (urlsplit(public_url).hostname or "" if public_url else "") or DEFAULT_NAME
    return name.strip("/")


def origin(name: str, office_id: str) -> str:
    """An office's origin line (and key name)."""
    return f"{name}/{office_id}"


def ensure(path: str | Path, name: str) -> tuple[note.Signer, bool]:
    """The key in `path`, made (mode 0600, never overwritten) when the file does not exist; (key, made)."""
    path = Path(path)
    if path.exists():
        return load(path), False
    signer = note.generate(name)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as f:
        f.write(signer.encode() + "\n")
    return signer, True


def load(path: str | Path) -> note.Signer:
    """The key kept in `path` (NoteError when it is not a key)."""
    return note.parse_signer(Path(path).read_text(encoding="ascii").strip())


def office_signer(signer: note.Signer, office_id: str) -> note.Signer:
    """The key as an office's log signs with it: the same private key named by the office's origin."""
    return note.Signer(origin(signer.name, office_id), signer.private)


def office_verifier(signer: note.Signer, office_id: str) -> note.Verifier:
    """An office's public key, as auditors and witnesses keep it."""
    return office_signer(signer, office_id).verifier()
