"""The command line's setting up of an office: create-office, import-office-config, export-office-config."""
from __future__ import annotations

import sys
from pathlib import Path

from kezek.base import database
from kezek.base.clock import utcnow
from kezek.base.errors import KezekError
from kezek.bookings import public_holidays
from kezek.office import accounts, config, importing, officefile
from kezek.office import store as office_store


def _open(args):
    return database.init_db(args.db)


def cmd_create_office(args) -> int:
    """Create an office (names kk/ru/en, time zone) with Kazakhstan's public holidays of the coming years."""
    db = _open(args)
    try:
        office = config.create_office(db, args.id, {"name_kk": args.name_kk, "name_ru": args.name_ru,
                                                    "name_en": args.name_en, "timezone": args.timezone}, utcnow())
        added = [] if args.no_holidays else public_holidays.preload(db, office["id"], utcnow())
        adopted = accounts.adopt_unplaced_admins(db, office["id"], utcnow())   # an admin made before any office
    except KezekError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"office {office['id']} created: {office['name_kk']} / {office['name_ru']} / {office['name_en']}"
          f" ({office['timezone']}); {len(added)} public holidays loaded")
    if adopted:
        print(f"admins who had no office now work in it: {', '.join(adopted)}")
    return 0


def cmd_rename_office(args) -> int:
    """Change an office's names (kk, ru, en: any of them) or its time zone."""
    values = {k: v for k, v in (("name_kk", args.name_kk), ("name_ru", args.name_ru), ("name_en", args.name_en),
                                ("timezone", args.timezone)) if v is not None}
    return _office_change(args, lambda db: config.update_office(db, args.id, values, utcnow()), "changed")


def cmd_close_office(args) -> int:
    """Close an office: its kiosks and booking page stop issuing; its history stays readable."""
    return _office_change(args, lambda db: config.close_office(db, args.id, utcnow()), "closed")


def cmd_reopen_office(args) -> int:
    """Open a closed office again."""
    return _office_change(args, lambda db: config.reopen_office(db, args.id, utcnow()), "reopened")


def _office_change(args, change, what: str) -> int:
    db = _open(args)
    try:
        office = change(db)
    except KezekError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"office {office['id']} {what}: {office['name_kk']} / {office['name_ru']} / {office['name_en']}"
          f" ({office['timezone']}){'; closed since ' + office['closed_at'] if office['closed_at'] else ''}")
    return 0


def _one_office(db, asked: str | None) -> str | None:
    offices = [o["id"] for o in office_store.offices(db)]
    if asked:
        return asked if asked in offices else None
    return offices[0] if len(offices) == 1 else None


def cmd_import_office_config(args) -> int:
    """Import groups, services and desks from a CSV or XLSX file (one transaction); --dry-run only lists errors."""
    data = Path(args.file).read_bytes()
    db = _open(args)
    try:
        office = _one_office(db, args.office)
        if office is None:
            print("error: say which office with --office (create one with create-office)", file=sys.stderr)
            return 1
        outcome = importing.import_file(db, office, data, utcnow(), dry_run=args.dry_run, lang=args.lang)
    finally:
        db.close()
    for e in outcome.errors:
        print(f"row {e['row']}, column {e['column']}: {e['message']} ({e['code']})")
    what = "would create" if args.dry_run else "created"
    print(f"{'dry run: ' if args.dry_run else ''}{len(outcome.errors)} errors; "
          + (f"{what} {outcome.created['services']} services in {outcome.created['groups']} groups and"
             f" {outcome.created['desks']} desks, changed {outcome.updated['services']} services and"
             f" {outcome.updated['desks']} desks" if outcome.ok else "nothing changed"))
    return 0 if outcome.ok else 1


def cmd_export_office_config(args) -> int:
    """Write an office's groups, services and desks to a CSV or XLSX file (by its extension)."""
    db = _open(args)
    try:
        office = _one_office(db, args.office)
        if office is None:
            print("error: say which office with --office", file=sys.stderr)
            return 1
        rows = importing.export_rows(db, office)
    finally:
        db.close()
    data = officefile.to_xlsx(rows) if args.to.lower().endswith(".xlsx") else officefile.to_csv(rows)
    Path(args.to).write_bytes(data)
    print(f"{len(rows)} rows written: {Path(args.to).resolve()}")
    return 0


def register(command) -> None:
    """Add these commands to the server's parser (`command(name, func, help)` adds --db and --log-key)."""
    office = command("create-office", cmd_create_office, "create an office (and load its public holidays)")
    office.add_argument("id", help="lower-case letters, digits and dashes, e.g. abay-cso")
    for lang in ("kk", "ru", "en"):
        office.add_argument(f"--name-{lang}", required=True)
    office.add_argument("--timezone", default="Asia/Almaty")
    office.add_argument("--no-holidays", action="store_true", help="do not load Kazakhstan's public holidays")
    rename = command("rename-office", cmd_rename_office, "change an office's names or time zone")
    rename.add_argument("id")
    for lang in ("kk", "ru", "en"):
        rename.add_argument(f"--name-{lang}")
    rename.add_argument("--timezone")
    command("close-office", cmd_close_office, "close an office: no more tickets or bookings; history kept"
            ).add_argument("id")
    command("reopen-office", cmd_reopen_office, "open a closed office again").add_argument("id")
    imp = command("import-office-config", cmd_import_office_config,
                  "import groups, services and desks from a CSV or XLSX file")
    imp.add_argument("file")
    imp.add_argument("--office")
    imp.add_argument("--dry-run", action="store_true", help="list every error by row and column; change nothing")
    imp.add_argument("--lang", default="en", choices=["kk", "ru", "en"], help="the language of the messages")
    exp = command("export-office-config", cmd_export_office_config,
                  "write groups, services and desks to a CSV or XLSX file")
    exp.add_argument("--to", required=True, help="the file; .xlsx for a workbook, else CSV")
    exp.add_argument("--office")
