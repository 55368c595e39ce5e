"""The office file of export-office / import-office: a ZIP archive, versioned (docs/moving.md).

    manifest.json          {"format": "kezek-office", "version": 1, "office_id", "exported_at",
                            "origin", "verifier", "counts": {table: rows}}
    tables/<table>.json    the office's rows of each table, as JSON objects (column: value)
    users.json             its users (with password hashes) and the users its rows name
    events.json            its events, oldest first: {"row": {…}, "entry": text, "import": id or null}
    imports.json           the moves it came through before: {"id", "origin", "verifier", "ids": [[kind, old, new]…]}
    checkpoints.json       its checkpoints: {"import": id or null (signed here), "size", "root", "note", "made_at", "day"}
    media/<sha256>.<ext>   the hall display's media files
"""
from __future__ import annotations

import io
import json
import re
import zipfile
from dataclasses import dataclass, field

from kezek.base.errors import Invalid

FORMAT = "kezek-office"
VERSION = 1
MEDIA_NAME = re.compile(r"^media/[0-9a-f]{64}\.[a-z0-9]{1,8}$")
LIMIT = 4 * 1024 ** 3      # uncompressed bytes read from one file: a ZIP bomb stops here


@dataclass
class OfficeFile:
    """An office's rows, log and media as moved."""

    manifest: dict
    tables: dict[str, list[dict]]
    users: list[dict]
    events: list[dict]
    imports: list[dict]
    checkpoints: list[dict]
    media: dict[str, bytes] = field(default_factory=dict)     # "<sha256>.<ext>" -> bytes


def _dump(value) -> bytes:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def write(office: OfficeFile) -> bytes:
    """The archive's bytes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
        z.writestr("manifest.json", json.dumps({"format": FORMAT, "version": VERSION, **office.manifest},
                                               ensure_ascii=False, indent=2))
        for table, rows in office.tables.items():
            z.writestr(f"tables/{table}.json", _dump(rows))
        for name in ("users", "events", "imports", "checkpoints"):
            z.writestr(f"{name}.json", _dump(getattr(office, name)))
        for name, data in office.media.items():
            z.writestr(f"media/{name}", data, compress_type=zipfile.ZIP_STORED)   # videos do not shrink
    return out.getvalue()


def read(data: bytes) -> OfficeFile:
    """Parse an archive; Invalid when it is not an office file of a version this code reads."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
        if sum(i.file_size for i in z.infolist()) > LIMIT:
            raise Invalid("The office file is too large.", "bad_office_file")
        manifest = json.loads(z.read("manifest.json"))
        if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
            raise Invalid("Not a Kezek office file.", "bad_office_file")
        if manifest.get("version") != VERSION:
            raise Invalid(f"Office file version {manifest.get('version')!r}: this server reads version {VERSION}.",
                          "office_file_version")
        names = set(z.namelist())
        tables = {n[len("tables/"):-len(".json")]: json.loads(z.read(n))
                  for n in names if n.startswith("tables/") and n.endswith(".json")}
        parts = {n: json.loads(z.read(f"{n}.json")) for n in ("users", "events", "imports", "checkpoints")}
        media = {n[len("media/"):]: z.read(n) for n in names if MEDIA_NAME.match(n)}
    except (zipfile.BadZipFile, KeyError, ValueError, UnicodeDecodeError) as err:
        raise Invalid(f"Not a readable office file: {err}", "bad_office_file")
    if not all(isinstance(v, list) for v in [*tables.values(), *parts.values()]):
        raise Invalid("Not a readable office file: a part is not a list.", "bad_office_file")
    return OfficeFile(manifest, tables, parts["users"], parts["events"], parts["imports"], parts["checkpoints"], media)
