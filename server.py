"""Kezek's server and command line: run, init-db, demo, create-user, create-device, verify-log, backup, print-agent."""
from __future__ import annotations

import sys

if __name__ == "__main__" and sys.argv[1:2] == ["run"]:
    import os
    if os.environ.get("KEZEK_ASYNC_MODE", "gevent") == "gevent":
        # Before anything else imports socket or threading: greenlets need the patched versions.
        from gevent import monkey
        monkey.patch_all()

import argparse  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import sqlite3  # noqa: E402
from contextlib import closing  # noqa: E402
from pathlib import Path  # noqa: E402

from kezek import demo, setting_up, verification  # noqa: E402
from kezek.base import database  # noqa: E402
from kezek.base.migrations import revisions  # noqa: E402
from kezek.base.clock import utcnow  # noqa: E402
from kezek.base.errors import KezekError  # noqa: E402
from kezek.log import chain, keyfile, note, tree_check, witness, witness_check, witness_client  # noqa: E402
from kezek.notify import push as notify_push  # noqa: E402
from kezek.moving import commands as moving_commands, store as moving_store  # noqa: E402
from kezek.office import accounts, store as office_store  # noqa: E402
from kezek.printers import agent as print_agent  # noqa: E402
from kezek.web.app import create_app, socketio  # noqa: E402,F401  (the factory and the Socket.IO server)
from kezek.web.live import background  # noqa: E402

__all__ = ["create_app", "socketio", "main"]


def _env(name: str, default: str) -> str:
    return os.environ.get(f"KEZEK_{name}", default)


def _open(args):
    return database.init_db(args.db)


def _log_key(args) -> tuple[note.Signer, bool]:
    """The log's signing key (made when missing): --log-key, KEZEK_LOG_KEY, or beside the database."""
    return keyfile.ensure(args.log_key or keyfile.default_path(args.db),
                          keyfile.log_name(_env("LOG_NAME", ""), _env("PUBLIC_URL", "")))


def cmd_init_db(args) -> int:
    """Create the database, or upgrade an older one to this Kezek's schema; the log's signing key if missing."""
    from kezek.base.migrations import runner   # Alembic and SQLAlchemy, for this command alone (not for run)
    print(f"database ready: {revisions.where(args.db)} ({revisions.said(runner.upgrade_db(args.db))})")
    signer, made = _log_key(args)
    print(f"log signing key {'made' if made else 'kept'}: {Path(args.log_key or keyfile.default_path(args.db))}"
          f" (mode 600, outside the database and its backups; log name {signer.name})")
    return 0


def cmd_log_key(args) -> int:
    """Print each office's log verifier key, for auditors and witnesses to keep."""
    signer, _made = _log_key(args)
    with closing(_open(args)) as db:
        offices = [o["id"] for o in office_store.offices(db)]
    for office in offices:
        print(f"{keyfile.origin(signer.name, office)} {keyfile.office_verifier(signer, office).encode()}")
    return 0


def _verify_checkpoints(args, db) -> int:
    """verify-log's checkpoints: the kept files (--checkpoint) and the stored ones; 0 when the log extends all."""
    path = Path(args.log_key or keyfile.default_path(args.db))
    signer = keyfile.load(path) if path.exists() else None
    if signer is None and not args.key and args.checkpoint:
        print(f"error: no log key at {path}: give the office's key with --key name+id+base64", file=sys.stderr)
        return 1
    try:
        ok, lines = tree_check.report(db, args.checkpoint, args.key, signer, moving_store.moved_checkpoints(db))
    except (OSError, note.NoteError) as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in lines:
        print(line)
    return 0 if ok else 3


def _verify_witnesses(args, db) -> int:
    """verify-log --witness: the log must extend the newest checkpoint each witness cosigned; 0 when it does."""
    path = Path(args.log_key or keyfile.default_path(args.db))
    signer = keyfile.load(path) if path.exists() else None
    fetched = witness_check.fetch(args.witness, witness_check.origins(db, signer), args.witness_key)
    try:
        findings = tree_check.check_notes(db, fetched.notes, tree_check.verifiers_for(db, signer, args.key))
    except note.NoteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    for line in fetched.lines:
        print(line)
    for f in findings:
        print(f"checkpoint {f.source}, size {f.size}: {'OK, ' if f.ok else 'FAILED: '}{f.message}")
    return 0 if fetched.ok and all(f.ok for f in findings) else 4


def cmd_demo(args) -> int:
    """Load the demo office into a fresh database and print its credentials."""
    db = _open(args)
    try:
        if office_store.offices(db):
            if args.if_empty:
                print("database already has an office: demo not loaded")
                return 0
            print("error: the database is not empty; use a fresh --db", file=sys.stderr)
            return 1
        load = demo.load_region_demo if args.region else demo.load_demo
        creds = load(db, utcnow(), password=args.password)
    finally:
        db.close()
    text = json.dumps(creds, ensure_ascii=False, indent=2)
    if args.credentials:
        Path(args.credentials).write_text(text + "\n", encoding="utf-8")
        os.chmod(args.credentials, 0o600)
    print(f"Demo {'region (three offices)' if args.region else 'office'} loaded."
          " DEMO credentials (for trying Kezek only):")
    print(text)
    return 0


def cmd_create_user(args) -> int:
    """Create a user; prints the password once when it was generated."""
    db = _open(args)
    try:
        user, password = accounts.create_user(db, args.name, args.role, utcnow(), password=args.password,
                                              full_name=args.full_name)
    except KezekError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"user {user['username']} ({user['role']}) created")
    if not args.password:
        print(f"password (shown once): {password}")
    return 0


def cmd_create_device(args) -> int:
    """Create a kiosk or display; its token alone on the last line."""
    db = _open(args)
    try:
        offices = [o["id"] for o in office_store.offices(db)]
        office = args.office or (offices[0] if len(offices) == 1 else None)
        if office is None:
            print("error: say which office with --office", file=sys.stderr)
            return 1
        device, token = accounts.create_device(db, office, args.kind, args.name, utcnow(),
                                               printer_url=args.printer or "none")
    except KezekError as err:
        print(f"error: {err.message}", file=sys.stderr)
        return 1
    finally:
        db.close()
    print(f"{device['kind']} #{device['id']} '{device['name']}' in office {office}")
    print(f"pair it by opening /{device['kind']}/?token=<token> on the device; token:")
    print(token)
    return 0


def cmd_verify_log(args) -> int:
    """Check the event log's hash chain and replay it against the rows: exit 0 when both hold."""
    db = _open(args)
    try:
        report = verification.verify(db)
    finally:
        db.close()
    result = report.chain
    if not result.ok:
        print(f"event log BROKEN at row {result.bad_id}: {result.reason} ({result.checked} rows checked before it)")
    for mismatch in report.mismatches:
        print(f"row differs from the log: {mismatch}")
    if report.mismatch_count > len(report.mismatches):
        print(f"… and {report.mismatch_count - len(report.mismatches)} more rows differ")
    if report.ok:
        print(f"event log OK: {result.checked} rows, chain whole; every ticket, desk and booking row agrees with it")
    db = _open(args)
    try:
        kept = _verify_checkpoints(args, db)     # kept and stored checkpoints, even when the chain is broken
        witnessed = _verify_witnesses(args, db) if args.witness else 0
    finally:
        db.close()
    return 2 if not report.ok else (kept or witnessed)


def cmd_backup(args) -> int:
    """Copy the database while the server runs (SQLite's online backup: a consistent snapshot)."""
    target = Path(args.to)
    if target.exists():
        print(f"error: {target} exists; choose a new file", file=sys.stderr)
        return 1
    if not Path(args.db).exists():
        print(f"error: no database at {args.db}", file=sys.stderr)
        return 1
    source = sqlite3.connect(f"file:{Path(args.db).resolve()}?mode=ro", uri=True, timeout=30)
    copy = sqlite3.connect(str(target))
    try:
        source.backup(copy)
        ok = copy.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    finally:
        copy.close()
        source.close()
    db = database.open_db(target)
    try:
        log = chain.verify(db)
    finally:
        db.close()
    print(f"backup written: {target.resolve()} (integrity {'ok' if ok else 'FAILED'}, "
          f"event log {'whole' if log.ok else 'BROKEN'}, {log.checked} events)")
    return 0 if ok and log.ok else 2


def cmd_addresses(args) -> int:
    """Print every screen's address (and the demo credentials when a file of them is given)."""
    with closing(_open(args)) as db:
        offices, devices = office_store.offices(db), accounts.list_devices(db)
    base = args.base.rstrip("/")
    print("Kezek screens:")
    # No placeholder link: a kiosk is paired once with its own link (below, the admin screen, or create-device).
    print(f"  kiosk         {base}/kiosk/ (paired once with its pairing link)")
    print(f"  hall display  {base}/display/")
    print(f"  operator      {base}/operator/")
    print(f"  admin         {base}/admin/")
    for office in offices:
        print(f"  open board    {base}/board/{office['id']}")
    print(f"  booking       {base}/book/")
    print(f"  API           {base}/api/v1/openapi.json")
    if args.credentials and Path(args.credentials).exists():
        creds = json.loads(Path(args.credentials).read_text(encoding="utf-8"))
        print("DEMO credentials (generated for this demo database; for trying Kezek only):")
        for username, password in creds["users"].items():
            print(f"  {username:10} {password}")
        print(f"  kiosk pairing link: {base}/kiosk/?token={creds['kiosk_token']}")
        print(f"  display pairing link: {base}/display/?token={creds['display_token']}")
    print(f"({len(devices)} devices registered)")
    return 0


def _serve_gevent(app, host: str, port: int, quiet: bool, access_log: str | None = None) -> None:
    # Not a cycle: gevent is imported here, not at the top, because only this server mode uses it
    # (KEZEK_ASYNC_MODE=threading runs without it); the `run` command monkey-patched it in first.
    import gevent

    from kezek.web import serving

    # A commit's fsync runs in a native thread, so the hub serves other requests meanwhile.
    database.commit_runner = lambda fn, *args: gevent.get_hub().threadpool.apply(fn, args)
    # Header and idle timeouts, a connection cap, no secrets in the access log (kezek/web/serving.py).
    limits = {name: _env(name, str(default)) for name, default in serving.DEFAULTS.items()}
    serving.serve_forever(serving.make_server(app, host, port, quiet=quiet, settings=limits, access_log=access_log))


def cmd_run(args) -> int:
    """Run the server."""
    mode = _env("ASYNC_MODE", "gevent")
    app = create_app({"DB": args.db, "ASYNC_MODE": mode, **({"LOG_KEY": args.log_key} if args.log_key else {})})
    try:   # before the checkpoint job; it catches up in the process holding the checkpoints' lease
        pusher = witness_client.start(app.config["WITNESSES"], app.config["DB"], catch_up=False)
    except note.NoteError as err:
        print(f"error: KEZEK_WITNESSES: {err}", file=sys.stderr)
        return 1
    keeper = background.start(app, pusher)
    try:
        _serve(app, args, mode, pusher)
    finally:   # SIGTERM (a deploy, a restart) or Ctrl-C: the region's other processes take the work at once
        background.stop(app, keeper)
    return 0


def _serve(app, args, mode: str, pusher) -> None:
    print(f"Kezek serving on http://{args.host}:{args.port}/ (async mode {mode}, database {app.config['DB']})",
          flush=True)
    if pusher:
        print(f"pushing checkpoints to {len(pusher.witnesses)} witness(es)", flush=True)
    if args.access_log and not args.quiet:
        print(f"access log: {Path(args.access_log).resolve()}", flush=True)
    if mode == "gevent":
        _serve_gevent(app, args.host, args.port, args.quiet, args.access_log or None)
    else:
        from kezek.web import serving
        serving.serve_threaded(app, socketio, args.host, args.port, quiet=args.quiet, access_log=args.access_log)


def cmd_witness_key(args) -> int:
    """Make this server's witness cosignature key (a file outside the database) and print its public key."""
    try:
        signer = witness.write_key(args.key, args.name)
    except FileExistsError:
        print(f"error: {args.key} exists; a witness keeps its key (choose another --key to make a new one)",
              file=sys.stderr)
        return 1
    except note.NoteError as err:
        print(f"error: {err}", file=sys.stderr)
        return 1
    print(f"witness key written: {Path(args.key).resolve()} (mode 600; keep it out of database backups)")
    print("give this public key to the offices (KEZEK_WITNESSES) and to auditors:")
    print(signer.verifier().encode())
    return 0


def cmd_vapid_keys(args) -> int:
    """Make the Web Push (VAPID) key file and print its public key (the ticket pages get it from the server)."""
    try:
        public = notify_push.generate_key_file(args.key)
    except FileExistsError:
        print(f"error: {args.key} exists; keep it (phones' subscriptions are bound to it)", file=sys.stderr)
        return 1
    print(f"VAPID key written: {Path(args.key).resolve()} (mode 600); run with KEZEK_VAPID_KEY_FILE={args.key}")
    print(public)
    return 0


def parser() -> argparse.ArgumentParser:
    """The command line."""
    p = argparse.ArgumentParser(prog="server.py", description="Kezek, the electronic queue.")
    sub = p.add_subparsers(dest="command", required=True)

    def command(name, func, help_text):
        c = sub.add_parser(name, help=help_text)
        c.add_argument("--db", default=_env("DB", "kezek.db"), help="database file (KEZEK_DB)")
        c.add_argument("--log-key", default=_env("LOG_KEY", ""), help="the log's signing key file (KEZEK_LOG_KEY;"
                       " default beside the database)")
        c.set_defaults(func=func)
        return c

    run = command("run", cmd_run, "run the server")
    run.add_argument("--host", default=_env("HOST", "127.0.0.1"))
    run.add_argument("--port", type=int, default=int(_env("PORT", "5000")))
    run.add_argument("--quiet", action="store_true", help="no access log")
    run.add_argument("--access-log", default=_env("ACCESS_LOG", ""), help="write the access log to this file, not the"
                     " terminal (KEZEK_ACCESS_LOG)")
    command("init-db", cmd_init_db, "create the database, or upgrade an older one")
    demo = command("demo", cmd_demo, "load the demo office into a fresh database")
    demo.add_argument("--password", help="one password for every demo user (default: generated)")
    demo.add_argument("--if-empty", action="store_true", help="do nothing when an office exists")
    demo.add_argument("--credentials", help="also write the credentials to this file (mode 600)")
    demo.add_argument("--region", action="store_true",
                      help="the demo region: three offices, each with an admin, and a region admin (user 'region')")
    setting_up.register(command)   # create-office, import-office-config, export-office-config
    user = command("create-user", cmd_create_user, "create a user")
    user.add_argument("name")
    user.add_argument("--role", required=True, choices=list(accounts.ROLES),
                      help="region_admin: works in every office, creates and closes offices")
    user.add_argument("--password")
    user.add_argument("--full-name", "--name", dest="full_name", help="the name reports and the audit show, e.g. 'Айгүл Серікқызы'")
    device = command("create-device", cmd_create_device, "create a kiosk or display; prints its token")
    device.add_argument("kind", choices=["kiosk", "display"])
    device.add_argument("name")
    device.add_argument("--printer", help="printer URL, e.g. tcp://192.0.2.10:9100")
    device.add_argument("--office")
    addresses = command("addresses", cmd_addresses, "print the screens' addresses")
    addresses.add_argument("--base", default="http://127.0.0.1:5000")
    addresses.add_argument("--credentials", help="a credentials file written by demo")
    verify = command("verify-log", cmd_verify_log,
                     "check the event log's hash chain, replay it against the rows, and check kept checkpoints")
    verify.add_argument("--checkpoint", action="append", default=[], metavar="FILE",
                        help="a kept checkpoint note the log must extend (repeatable)")
    verify.add_argument("--key", action="append", default=[], metavar="NAME+ID+BASE64",
                        help="an office's log key, for an auditor without the key file (repeatable)")
    verify.add_argument("--witness", action="append", default=[], metavar="URL",
                        help="a witness's prefix (e.g. https://region.example/witness): the log must extend the"
                             " newest checkpoint it cosigned (repeatable)")
    verify.add_argument("--witness-key", action="append", default=[], metavar="NAME+ID+BASE64",
                        help="a witness's cosignature key: its cosignature must verify (repeatable)")
    command("log-key", cmd_log_key, "print each office's log verifier key")
    moving_commands.register(command, _log_key)   # export-office, import-office
    backup = command("backup", cmd_backup, "copy the database while the server runs")
    backup.add_argument("--to", required=True, help="the new backup file")
    wkey = command("witness-key", cmd_witness_key, "make this server's witness key; prints its public key")
    wkey.add_argument("--name", required=True, help="the witness's name, e.g. witness.region.example.kz")
    wkey.add_argument("--key", default=_env("WITNESS_KEY", "witness.key"), help="key file (KEZEK_WITNESS_KEY)")
    vapid = command("vapid-keys", cmd_vapid_keys, "make the Web Push (VAPID) key; prints its public key")
    vapid.add_argument("--key", default=_env("VAPID_KEY_FILE", "") or "var/vapid.pem", help="KEZEK_VAPID_KEY_FILE")
    agent = sub.add_parser("print-agent", help="print a kiosk's tickets on a printer attached to this PC")
    agent.add_argument("--server", required=True)
    agent.add_argument("--token", required=True)
    agent.add_argument("--printer", required=True)
    agent.set_defaults(func=lambda a: print_agent.run(a.server, a.token, a.printer))   # this kiosk's tickets
    return p


def main(argv=None) -> int:
    """Entry point; the browser tests' clock is their launcher's (tests/e2e/clocked_server.py), never a setting here."""
    if found := [v for v in ("KEZEK_TEST_CLOCK_START", "KEZEK_TEST_CLOCK_AT") if v in os.environ]:
        sys.exit(f"{', '.join(found)}: a test launcher's variable, not a server setting; unset it.")   # exit 1
    try:
        return (args := parser().parse_args(argv)).func(args)
    except database.SchemaMismatch as err:     # an older or newer database: the message names what to do
        print(f"error: {err.message}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
