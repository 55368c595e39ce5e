"""The command line's export-office and import-office."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.base.errors import KezekError
from kezek.moving import office_move


def media_dir(db_target: str) -> Path:
    """KEZEK_MEDIA_DIR, else <db dir>/media (the server's own rule, kezek/web/api/media.py)."""
    explicit = os.environ.get("KEZEK_MEDIA_DIR", "")
    if explicit:
        return Path(explicit)
    return Path(db_target).resolve().parent / "media" if "://" not in db_target else Path("media")


def cmd_export_office(args, log_key) -> int:
    """Write one office with its whole history (rows, users, log, checkpoints, media) to an office file."""
    target = Path(args.to)
    if target.exists():
        print(f"error: {target} exists; choose a new file", file=sys.stderr)
        return 1
    signer, _made = log_key(args)
    db = database.init_db(args.db)
    try:
        data = office_move.export_office(db, args.id, signer, utcnow(), media_dir(args.db))
    except KezekError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        db.close()
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)   # it holds the users' password hashes
    with os.fdopen(fd, "wb") as f:
        f.write(data)
    print(f"office {args.id} written: {target.resolve()} ({len(data)} bytes)")
    return 0


def cmd_import_office(args) -> int:
    """Add the office of an office file to this database, its history and log intact."""
    data = Path(args.file).read_bytes()
    db = database.init_db(args.db)
    try:
        done = office_move.import_office(db, data, utcnow(), media_dir(args.db), rename_users=args.rename_users)
    except KezekError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"office {done['office_id']} imported: {done['counts']['tickets']} tickets, {done['events']} events,"
          f" {done['counts']['users']} users")
    for old, new in done["renamed_users"].items():
        print(f"user {old} is now {new} (the name was taken here)")
    print("check it with: python server.py verify-log")
    return 0


def register(command, log_key) -> None:
    """Add these commands to the server's parser (`command(name, func, help)`; `log_key(args)` gives the signer)."""
    export = command("export-office", lambda args: cmd_export_office(args, log_key),
                     "write one office with its whole history to a file")
    export.add_argument("id")
    export.add_argument("--to", required=True, help="the office file to write (a new file)")
    imp = command("import-office", cmd_import_office, "add the office of an office file, its history intact")
    imp.add_argument("file")
    imp.add_argument("--rename-users", action="store_true",
                     help="give users whose names are taken here the suffix .<office>")
