"""The transparency log, published: checkpoints, the key, consistency proofs, leaves, a ticket's inclusion proof."""
from __future__ import annotations

import base64

from flask import Blueprint, Response, current_app, jsonify, request

from kezek.base.errors import Conflict, Invalid, NotFound
from kezek.log import checkpoints, keyfile, merkle, store, tree
from kezek.office import accounts
from kezek.office import store as office_store
from kezek.printers.checkpoint_paper import CheckpointPrint, render_checkpoint
from kezek.printing import jobs as print_jobs
from kezek.queue import store as queue_store
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db
from kezek.web.live.printing import print_page
from kezek.web.payloads import body, field

bp = Blueprint("api_log", __name__, url_prefix="/api/v1")
PAGE = 1000      # leaves or entries per answer
HOW = ("leaf hash = SHA-256(0x00 || entry as UTF-8); node = SHA-256(0x01 || left || right); check each audit path"
       " as RFC 9162 section 2.1.3.2 says, against the checkpoint's root, and the note's Ed25519 signature"
       " (C2SP signed-note) with the key")


def signer():
    """This server's log key (made by create_app)."""
    return current_app.extensions["kezek_log_key"]


def _b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def _int_arg(name: str, default: int | None = None) -> int:
    value = request.args.get(name)
    if value is None and default is not None:
        return default
    if value is None or not value.isdigit() or len(value) > 15:
        raise Invalid(f"{name}: a whole number.", "bad_field", field=name)
    return int(value)


def _latest(db, office_id: str) -> dict:
    row = checkpoints.latest(db, office_id)
    if row is None:
        raise NotFound("No checkpoint yet: one is made within a minute of the first event.", "no_checkpoint")
    return row


@bp.get("/log/checkpoint")
@access("public")
def checkpoint():
    db = get_db()
    return Response(checkpoints.published(db, _latest(db, auth.office_id(db))), mimetype="text/plain")


@bp.get("/log/key")
@access("public")
def key():
    db = get_db()
    return Response(checkpoints.verifier_line(signer(), auth.office_id(db)) + "\n", mimetype="text/plain")


@bp.get("/log/consistency")
@access("public")
def consistency():
    db = get_db()
    office_id = auth.office_id(db)
    old, new = _int_arg("old"), _int_arg("new", tree.size(db, office_id))
    if not 0 <= old <= new <= tree.size(db, office_id):
        raise Invalid("0 <= old <= new <= the tree's size.", "bad_field", field="old")
    proof = tree.consistency(db, office_id, old, new)
    return jsonify({"origin": keyfile.origin(signer().name, office_id), "old": old, "new": new,
                    "proof": [_b64(h) for h in proof]})


def _range(office_id: str) -> tuple[int, int]:
    size = tree.size(get_db(), office_id)
    start = _int_arg("start", 0)
    end = min(_int_arg("end", start + PAGE), start + PAGE, size)
    if start > size:
        raise Invalid("start is beyond the tree.", "bad_field", field="start")
    return start, max(start, end)


@bp.get("/log/leaves")
@access("public")
def leaves():
    db = get_db()
    office_id = auth.office_id(db)
    start, end = _range(office_id)
    return jsonify({"start": start, "leaf_hashes": [_b64(h) for h in store.leaf_hashes(db, office_id, start, end)]})


@bp.get("/log/entries")
@access("manager")
def entries():
    db = get_db()
    office_id = auth.office_id(db)
    start, end = _range(office_id)
    rows = store.leaf_events(db, office_id, start, end)
    return jsonify({"start": start, "entries": [tree.entry(r).decode("utf-8") for r in rows]})


@bp.get("/tickets/<token>/proof")
@access("public")
def ticket_proof(token):
    db = get_db()
    auth.spend_lookup()
    ticket = queue_store.ticket_by_token(db, token)
    if ticket is None:
        raise NotFound("Ticket not found.", "ticket_not_found")
    office_id = ticket["office_id"]
    row = _latest(db, office_id)
    events = store.ticket_event_rows(db, ticket["id"])
    positions = store.leaf_positions(db, [e["id"] for e in events])
    proved = []
    for event in events:
        index = positions.get(event["id"])
        if index is None or index >= row["size"]:
            continue
        entry = tree.entry(event)
        proved.append({"event": event["name"], "index": index, "entry": entry.decode("utf-8"),
                       "leaf_hash": _b64(merkle.leaf_hash(entry)),
                       "audit_path": [_b64(h) for h in tree.inclusion(db, office_id, index, row["size"])]})
    return jsonify({"checkpoint": checkpoints.published(db, row), "key": checkpoints.verifier_line(signer(), office_id),
                    "size": row["size"], "root": checkpoints.root_b64(row), "entries": proved,
                    "pending": len(events) - len(proved), "how": HOW})


@bp.post("/log/print")
@access("admin")
def print_checkpoint():
    """Print the day's closing checkpoint (or the latest) on a kiosk's network printer, for the notice board."""
    db = get_db()
    office_id = auth.office_id(db)
    data = body()
    device = accounts.get_device(db, field(data, "device", int, required=True))
    if device is None or device["kind"] != "kiosk" or device["office_id"] != office_id or device.get("revoked_at"):
        raise NotFound("No such kiosk in this office.", "device_not_found")
    day = field(data, "day", str)
    row = checkpoints.daily(db, office_id, day) if day else (store.latest_daily(db, office_id)
                                                             or checkpoints.latest(db, office_id))
    if row is None:
        raise NotFound("No checkpoint for that day.", "no_checkpoint")
    route = print_jobs.server_route(db, device, allow_local=bool(int(current_app.config["PRINTER_ALLOW_LOCAL"])))
    if route.route != "server":
        raise Conflict("This kiosk's printer is not a network printer the server drives: the checkpoint is printed"
                       " on tcp:// or cups:// printers only.", "printer_not_driven_here")
    office = office_store.office(db, office_id)
    lang = office["default_lang"]
    paper = CheckpointPrint(office[f"name_{lang}"], row["day"], row["size"], checkpoints.root_b64(row),
                            checkpoints.published(db, row), lang)
    result = print_page(device["id"], route.spec, render_checkpoint(paper, route.spec.layout_width))
    return jsonify({"printed": result.ok, "state": result.status.state, "detail": result.error or result.status.detail,
                    "checkpoint": checkpoints.summary(row)})


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    q = lambda name: {"name": name, "in": "query", "required": False, "schema": {"type": "integer"}}  # noqa: E731
    text = {"200": {"description": "OK", "content": {"text/plain": {"schema": {"type": "string"}}}},
            **{c: a for c, a in openapi._answers().items() if c != "200"}}
    office = [openapi.OFFICE_Q]
    return {
        "/api/v1/log/checkpoint": {"get": {**openapi._op("The office's latest signed checkpoint (C2SP tlog-checkpoint"
                                                         " note, with witnesses' cosignatures)", "public",
                                                         params=office), "responses": text}},
        "/api/v1/log/key": {"get": {**openapi._op("The office's log verifier key (name+id+base64)", "public",
                                                  params=office), "responses": text}},
        "/api/v1/log/consistency": {"get": openapi._op("RFC 9162 consistency proof between two tree sizes",
                                                       "public", params=[*office, q("old"), q("new")])},
        "/api/v1/log/leaves": {"get": openapi._op("Leaf hashes [start, end) of the office's tree (1,000 at most)",
                                                  "public", params=[*office, q("start"), q("end")])},
        "/api/v1/log/entries": {"get": openapi._op("Log entries [start, end): each event's canonical bytes",
                                                   "manager", params=[*office, q("start"), q("end")])},
        "/api/v1/log/print": {"post": openapi._op(
            "Print the day's closing checkpoint (or the latest) on a kiosk's network printer", "admin",
            params=office, body={"type": "object", "required": ["device"], "properties": {
                "device": {"type": "integer"}, "day": {"type": "string", "format": "date"}}})},
        "/api/v1/tickets/{token}/proof": {"get": openapi._op(
            "Inclusion proof of the ticket's events against the latest checkpoint", "public",
            params=[openapi._path_param("token", "string")])},
    }
