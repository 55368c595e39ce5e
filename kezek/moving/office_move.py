"""export-office / import-office: one office with its whole history, from one database into another.

Ids collide between databases, so every integer id is given anew on the way in and every row
that names one is rewritten (kezek/moving/store.py lists them). The event log cannot be
rewritten without breaking what its checkpoints sign, so the moved events are appended to
this database's chain as new rows and each keeps, as its leaf in the office's log, the entry it
was first written with; the id map that turns one into the other is kept and verify-log checks
every row against it (kezek/log/imported.py). The office's earlier checkpoints come along with
the key that signed them: they verify here, and this server's next checkpoint extends them.
"""
from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path

from kezek.base import database
from kezek.base import store as base_store
from kezek.base.clock import iso
from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.content.media import stored_path
from kezek.log import chain, checkpoints, keyfile, note
from kezek.log import store as log_store
from kezek.moving import archive, store
from kezek.moving import check as imported
from kezek.office import accounts, config
from kezek.office import store as office_store

ROW_FIELDS = ("id", *chain.FIELDS[1:], "hash")


def export_office(db, office_id: str, signer: note.Signer, now: datetime, media_dir: Path) -> bytes:
    """The office file of one office: its rows, users, log with checkpoints, and media (the source is left as it is)."""
    checkpoints.make_due(db, signer, now)      # the whole log signed as it leaves: the move is proven against it
    with database.snapshot(db):
        if not office_store.office_exists(db, office_id):
            raise NotFound("No such office.", "office_not_found")
        tables = {}
        for table, where, _own, _refs in store.TABLES:
            rows = store.office_rows(db, table, where, office_id)
            for column in store.LEFT_BEHIND.get(table, ()):
                for row in rows:
                    row[column] = None
            tables[table] = rows
        events = store.office_events(db, office_id)
        members = set(store.member_ids(db, office_id))
        named = {u for table, _w, _o, refs in store.TABLES for row in tables[table]
                 for column, kind in refs.items() if kind == "users" and row.get(column) is not None
                 for u in [row[column]]}
        named |= _event_users(events)
        users = [dict(u, member=u["id"] in members) for u in store.users(db, sorted(members | named))]
        imports = [dict(i, ids=[[r["kind"], r["old_id"], r["new_id"]] for r in store.import_ids(db, i["id"])])
                   for i in store.office_imports(db, office_id)]
        kept = [dict(c, **{"import": c.pop("import_id")}) for c in store.imported_checkpoints(db, office_id)]
        own = [dict(c, **{"import": None}) for c in store.own_checkpoints(db, office_id)]
        ports = store.printer_ports_setting(db, office_id)
    media = {}
    for row in tables["media_files"]:
        path = stored_path(media_dir, row["sha256"], row["ext"])
        if path.exists():
            media[path.name] = path.read_bytes()
    manifest = {"office_id": office_id, "exported_at": iso(now), "origin": keyfile.origin(signer.name, office_id),
                "verifier": keyfile.office_verifier(signer, office_id).encode(), "printer_ports": ports,
                "counts": {t: len(r) for t, r in tables.items()} | {"events": len(events), "users": len(users)}}
    moved = [{"row": {k: e[k] for k in ROW_FIELDS}, "entry": e["entry"] or chain.canonical(e).decode("utf-8"),
              "import": e["import_id"]} for e in events]
    return archive.write(archive.OfficeFile(manifest, tables, users, moved, imports, kept + own, media))


def _event_users(events: list[dict]) -> set[int]:
    found = {e["user_id"] for e in events if e["user_id"] is not None}
    for e in events:
        _collect(json.loads(e["details"]), found)
    return found


def _collect(value, found: set[int], key: str | None = None) -> None:
    if isinstance(value, dict):
        for k, v in value.items():
            _collect(v, found, k)
    elif isinstance(value, list):
        for v in value:
            _collect(v, found, key)
    elif imported.DETAIL_IDS.get(key) == "users" and isinstance(value, int) and not isinstance(value, bool):
        found.add(value)


def import_office(db, data: bytes, now: datetime, media_dir: Path, *, rename_users: bool = False) -> dict:
    """Add the office of an office file to this database (one transaction); what came in."""
    moved = archive.read(data)
    office_id = moved.manifest.get("office_id")
    if not isinstance(office_id, str) or not config.OFFICE_ID.match(office_id):
        raise Invalid("The office file names no office.", "bad_office_file")
    renamed: dict[str, str] = {}
    with database.transaction(db):
        if office_store.office_exists(db, office_id):
            raise Conflict(f"Office {office_id} exists here already.", "office_exists")
        maps: dict[str, dict[int, int]] = {}
        desk_tickets: list[tuple[int, int]] = []
        _insert_table(db, "offices", moved.tables.get("offices", []), office_id, None, {}, maps)
        maps["users"] = _insert_users(db, moved.users, office_id, rename_users, renamed)
        for table, _where, own, refs in store.TABLES[1:]:
            rows = moved.tables.get(table, [])
            if table == "desks":
                desk_tickets = [(r["id"], r["current_ticket_id"]) for r in rows if r.get("current_ticket_id")]
            _insert_table(db, table, rows, office_id, own, refs, maps)
        for desk, ticket in desk_tickets:
            store.set_desk_ticket(db, maps["desks"][desk], _required(maps, "tickets", ticket))
        events = _append_events(db, moved, office_id, maps, now)
        if moved.manifest.get("printer_ports"):
            store.set_printer_ports_setting(db, office_id, str(moved.manifest["printer_ports"]))
        chain.append(db, now, office_id, "office.imported",
                     details={"origin": moved.manifest.get("origin", ""), "size": events,
                              "exported_at": moved.manifest.get("exported_at", "")})
    media_dir = Path(media_dir)
    for name, content in moved.media.items():
        media_dir.mkdir(parents=True, exist_ok=True)
        if not (media_dir / name).exists():
            (media_dir / name).write_bytes(content)
    return {"office_id": office_id, "events": events, "renamed_users": renamed,
            "counts": {t: len(moved.tables.get(t, [])) for t, *_ in store.TABLES} | {"users": len(moved.users)}}


def _required(maps: dict, kind: str, old) -> int:
    if old not in maps.get(kind, {}):
        raise Invalid(f"The office file names {kind} #{old}, which it does not hold.", "bad_office_file")
    return maps[kind][old]


def _insert_table(db, table: str, rows: list, office_id: str, own: str | None, refs: dict, maps: dict) -> None:
    columns = store.columns(db, table) - {"closed_at"} if table == "offices" else store.columns(db, table)
    for row in rows:
        if not isinstance(row, dict) or not set(row) <= columns | {"closed_at"}:
            raise Invalid(f"The office file's {table} has a row this database cannot hold.", "bad_office_file")
        if row.get("office_id", office_id) != office_id or (table == "offices" and row.get("id") != office_id):
            raise Invalid(f"The office file's {table} holds a row of another office.", "bad_office_file")
        values = {k: v for k, v in row.items() if k in columns and not (own and k == "id")}
        for column, kind in refs.items():
            if values.get(column) is not None:
                values[column] = _required(maps, kind, values[column])
        if table == "desks":
            values["current_ticket_id"] = None      # its ticket is not in yet
        if table == "devices" and values.get("settings"):
            values["settings"] = _device_settings(values["settings"], maps)
        new_id = store.insert(db, table, values)
        if own:
            maps.setdefault(own, {})[row["id"]] = new_id


def _device_settings(text: str, maps: dict) -> str:
    """A display's settings name the services and desks it shows: by their ids here."""
    settings = json.loads(text)
    for key, kind in (("services", "services"), ("desks", "desks")):
        if isinstance(settings.get(key), list):
            settings[key] = [_required(maps, kind, v) for v in settings[key]]
    if isinstance(settings.get("desk"), int):
        settings["desk"] = _required(maps, "desks", settings["desk"])
    return json.dumps(settings, ensure_ascii=False)


def _insert_users(db, users: list, office_id: str, rename: bool, renamed: dict) -> dict[int, int]:
    """The office's users (members) and those its rows name; a name taken here is refused, or renamed when asked."""
    ids: dict[int, int] = {}
    taken = [u["username"] for u in users if u.get("member") and store.username_taken(db, u["username"])]
    if taken and not rename:
        raise Conflict(f"These user names are taken here: {', '.join(taken)}. Import with --rename-users to"
                       f" give them the suffix .{office_id}.", "username_taken", usernames=taken)
    for user in users:
        name = user["username"]
        if store.username_taken(db, name) or not accounts.USERNAME.match(name):
            name = f"{name}.{office_id}"[:40]
            renamed[user["username"]] = name
        if user.get("role") not in ("operator", "manager", "admin"):
            raise Invalid("The office file holds a user of no office role.", "bad_office_file")
        # A user the office's rows name who did not work in it (a region admin) comes in disabled, in no office.
        active = user["active"] if user.get("member") else 0
        new_id = store.insert(db, "users", {"username": name, "password_hash": user["password_hash"],
                                            "role": user["role"], "active": active, "created_at": user["created_at"]})
        if user.get("full_name"):
            store.insert(db, "user_names", {"user_id": new_id, "full_name": user["full_name"]})
        if user.get("member"):
            store.insert(db, "user_offices", {"user_id": new_id, "office_id": office_id})
        ids[user["id"]] = new_id
    return ids


def _append_events(db, moved: archive.OfficeFile, office_id: str, maps: dict, now: datetime) -> int:
    """The office's events onto this chain, each keeping its first entry; its imports' id maps and checkpoints."""
    origin, verifier = str(moved.manifest.get("origin", "")), str(moved.manifest.get("verifier", ""))
    try:
        note.parse_verifier(verifier)
    except note.NoteError:
        raise Invalid("The office file's log key is not a key.", "bad_office_file")
    here = {None: store.insert_import(db, office_id, origin, verifier, iso(now))}
    store.insert_import_ids(db, here[None], [(k, old, new) for k, m in maps.items() for old, new in m.items()])
    for earlier in moved.imports:
        here[earlier["id"]] = store.insert_import(db, office_id, earlier["origin"], earlier["verifier"], iso(now))
        # Its entries name the ids of where it was first: through the source's ids, to this database's.
        store.insert_import_ids(db, here[earlier["id"]], [
            (kind, old, maps[kind][mid]) for kind, old, mid in earlier["ids"] if mid in maps.get(kind, {})])
    head = log_store.log_head(db)
    for event in moved.events:
        row, entry = event["row"], event["entry"]
        if event.get("import") not in here or row.get("office_id") != office_id:
            raise Invalid("The office file's log names another office or an unknown move.", "bad_office_file")
        fields = imported.mapped_fields(row, maps)
        fields["id"] = (head["id"] + 1) if head else 1
        fields["prev_hash"] = head["hash"] if head else chain.GENESIS
        fields["hash"] = chain.row_hash(fields)
        log_store.insert_event(db, fields)
        store.insert_entry(db, fields["id"], here[event.get("import")], entry)
        head = {"id": fields["id"], "hash": fields["hash"]}
    if head:
        base_store.set_setting(db, "log_head", f"{head['id']}:{head['hash']}")
    for kept in moved.checkpoints:
        if kept.get("import") not in here:
            raise Invalid("The office file's checkpoint names an unknown move.", "bad_office_file")
        store.insert_imported_checkpoint(db, here[kept.get("import")], office_id, kept)
    return len(moved.events)
