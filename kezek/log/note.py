"""Signed notes (C2SP signed-note), checkpoints (C2SP tlog-checkpoint) and cosignatures (C2SP tlog-cosignature v1).

A note is text ending in a newline, a blank line, and signature lines
"— <key name> base64(4-byte key ID || signature)". Keys are Ed25519; a key's ID is the first
four bytes of SHA-256(name || 0x0A || type || public key), type 0x01 for a log's note
signature and 0x04 for a witness's timestamped cosignature. Keys are written as Go's
sumdb/note writes them: "name+hex ID+base64(type || key)", private ones "PRIVATE+KEY+…".
"""
from __future__ import annotations

import base64
import hashlib
import struct
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, NoEncryption, PrivateFormat, PublicFormat

ED25519 = 0x01
COSIGNATURE_V1 = 0x04
DASH = "\u2014 "


class NoteError(ValueError):
    """A note, key or checkpoint that is malformed or whose signature does not verify."""


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


def _unb64(text: str) -> bytes:
    try:
        return base64.b64decode(text, validate=True)
    except (ValueError, TypeError) as exc:
        raise NoteError(f"not base64: {text[:40]!r}") from exc


def _check_name(name: str) -> None:
    if not name or any(c in name for c in " +\n\t") or not name.isprintable():
        raise NoteError(f"a key name has no spaces, plus signs or control characters: {name!r}")


def key_id(name: str, kind: int, public: bytes) -> int:
    """The 32-bit ID of a key: SHA-256(name || 0x0A || type || key)[:4]."""
    return struct.unpack(">I", hashlib.sha256(name.encode() + b"\n" + bytes([kind]) + public).digest()[:4])[0]


@dataclass(frozen=True)
class Signer:
    """A private Ed25519 key with its name and kind (note signature or cosignature)."""

    name: str
    private: Ed25519PrivateKey
    kind: int = ED25519

    @property
    def public(self) -> bytes:
        """The raw 32-byte public key."""
        return self.private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)

    @property
    def id(self) -> int:
        """The key ID."""
        return key_id(self.name, self.kind, self.public)

    def verifier(self) -> Verifier:
        """The matching public key."""
        return Verifier(self.name, self.public, self.kind)

    def encode(self) -> str:
        """'PRIVATE+KEY+name+hexid+base64(type || seed)', to keep in a key file."""
        seed = self.private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        return f"PRIVATE+KEY+{self.name}+{self.id:08x}+{_b64(bytes([self.kind]) + seed)}"


@dataclass(frozen=True)
class Verifier:
    """A public Ed25519 key with its name and kind."""

    name: str
    public: bytes
    kind: int = ED25519

    @property
    def id(self) -> int:
        """The key ID."""
        return key_id(self.name, self.kind, self.public)

    def encode(self) -> str:
        """'name+hexid+base64(type || key)', the form auditors and witnesses are given."""
        return f"{self.name}+{self.id:08x}+{_b64(bytes([self.kind]) + self.public)}"

    def check(self, message: bytes, signature: bytes) -> bool:
        """Whether `signature` is this key's over `message`."""
        try:
            Ed25519PublicKey.from_public_bytes(self.public).verify(signature, message)
            return True
        except (InvalidSignature, ValueError):
            return False


def generate(name: str, kind: int = ED25519) -> Signer:
    """A new random key."""
    _check_name(name)
    return Signer(name, Ed25519PrivateKey.generate(), kind)


def _key_parts(text: str) -> tuple[str, int, bytes]:
    """(name, key ID, type || key) of 'name+hexid+base64' (the base64 may hold plus signs too)."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3 or len(parts[1]) != 8:
        raise NoteError("a key is written name+hexid+base64")
    name, hex_id, blob = parts
    _check_name(name)
    raw = _unb64(blob)
    if len(raw) != 33 or raw[0] not in (ED25519, COSIGNATURE_V1):
        raise NoteError("only Ed25519 keys (type 0x01 or 0x04) are supported")
    try:
        wanted = int(hex_id, 16)
    except ValueError as exc:
        raise NoteError("the key ID is not hexadecimal") from exc
    return name, wanted, raw


def parse_signer(text: str) -> Signer:
    """A Signer from 'PRIVATE+KEY+name+hexid+base64(type || seed)'."""
    if not text.startswith("PRIVATE+KEY+"):
        raise NoteError("a private key starts with PRIVATE+KEY+")
    name, wanted, raw = _key_parts(text[len("PRIVATE+KEY+"):])
    signer = Signer(name, Ed25519PrivateKey.from_private_bytes(raw[1:]), raw[0])
    if signer.id != wanted:
        raise NoteError("the key ID does not match the key")
    return signer


def parse_verifier(text: str) -> Verifier:
    """A Verifier from 'name+hexid+base64(type || key)'."""
    name, wanted, raw = _key_parts(text)
    verifier = Verifier(name, raw[1:], raw[0])
    if verifier.id != wanted:
        raise NoteError("the key ID does not match the key")
    return verifier


def sign(text: str, signer: Signer) -> str:
    """The signed note of `text` (which must end in a newline) with one signature."""
    if not text.endswith("\n") or "\n\n" in text:
        raise NoteError("a note's text ends with a newline and has no blank line")
    if signer.kind != ED25519:
        raise NoteError("a note is signed with a note key (type 0x01)")
    signature = signer.private.sign(text.encode("utf-8"))
    return f"{text}\n{DASH}{signer.name} {_b64(struct.pack('>I', signer.id) + signature)}\n"


@dataclass(frozen=True)
class Signature:
    """One signature line of a note."""

    name: str
    id: int
    blob: bytes     # what follows the key ID: the signature (or timestamp and signature)

    def line(self) -> str:
        """The line as written in a note."""
        return f"{DASH}{self.name} {_b64(struct.pack('>I', self.id) + self.blob)}"


def split(note: str) -> tuple[str, list[Signature]]:
    """(text, signature lines) of a signed note, unverified."""
    text, sep, tail = note.rpartition("\n\n")
    if not sep or not tail.endswith("\n"):
        raise NoteError("a signed note is text, a blank line and signature lines")
    signatures = []
    for line in tail[:-1].split("\n"):
        if not line.startswith(DASH) or line.count(" ") != 2:
            raise NoteError(f"not a signature line: {line[:60]!r}")
        name, blob = line[len(DASH):].split(" ")
        raw = _unb64(blob)
        if len(raw) < 5:
            raise NoteError("a signature line is too short")
        signatures.append(Signature(name, struct.unpack(">I", raw[:4])[0], raw[4:]))
    return text + "\n", signatures


def verify(note: str, verifier: Verifier) -> str:
    """The note's text if `verifier` signed it; NoteError otherwise."""
    text, signatures = split(note)
    for s in signatures:
        if s.name == verifier.name and s.id == verifier.id and verifier.check(text.encode("utf-8"), s.blob):
            return text
    raise NoteError(f"the note carries no valid signature of {verifier.name}")


@dataclass(frozen=True)
class Checkpoint:
    """A log's state: its origin line, size and root hash (and any extension lines)."""

    origin: str
    size: int
    root: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        """The checkpoint body as signed."""
        return "".join(f"{line}\n" for line in (self.origin, str(self.size), _b64(self.root), *self.extensions))


def parse_checkpoint(text: str) -> Checkpoint:
    """A Checkpoint from its body (the note text)."""
    lines = text.split("\n")
    if len(lines) < 4 or lines[-1] != "" or not lines[0]:
        raise NoteError("a checkpoint is an origin, a size and a root hash, one a line")
    size = lines[1]
    if not size.isdigit() or (size != "0" and size.startswith("0")):
        raise NoteError("the tree size is a decimal number")
    root = _unb64(lines[2])
    if len(root) != 32:
        raise NoteError("the root hash is 32 bytes")
    return Checkpoint(lines[0], int(size), root, tuple(lines[3:-1]))


def cosignature_message(checkpoint_text: str, timestamp: int) -> bytes:
    """What a witness signs: 'cosignature/v1', 'time <seconds>', then the checkpoint body."""
    return f"cosignature/v1\ntime {timestamp}\n{checkpoint_text}".encode("utf-8")


def cosign(checkpoint_text: str, witness: Signer, timestamp: int) -> Signature:
    """A witness's timestamped cosignature of a checkpoint body."""
    if witness.kind != COSIGNATURE_V1:
        raise NoteError("a cosignature is made with a cosignature key (type 0x04)")
    signature = witness.private.sign(cosignature_message(checkpoint_text, timestamp))
    return Signature(witness.name, witness.id, struct.pack(">Q", timestamp) + signature)


def verify_cosignature(checkpoint_text: str, signature: Signature, witness: Verifier) -> int:
    """The cosignature's timestamp if `witness` made it over this checkpoint; NoteError otherwise."""
    if signature.name != witness.name or signature.id != witness.id or len(signature.blob) != 72:
        raise NoteError(f"not a cosignature of {witness.name}")
    timestamp = struct.unpack(">Q", signature.blob[:8])[0]
    if not witness.check(cosignature_message(checkpoint_text, timestamp), signature.blob[8:]):
        raise NoteError(f"the cosignature of {witness.name} does not verify")
    return timestamp
