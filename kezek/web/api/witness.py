"""The witness: C2SP tlog-witness under /witness (add-checkpoint, the newest cosigned checkpoint), its logs and alarms under /api/v1/witness."""
from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Response, current_app, jsonify, request

from kezek.base.errors import KezekError
from kezek.log import witness
from kezek.office import store as office_store
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now

PREFIX = "/witness"            # the witness URL prefix offices are given: text answers, as the protocol says
API = "/api/v1/witness"         # Kezek's JSON about the witness
bp = Blueprint("witness", __name__, url_prefix=PREFIX)
api_bp = Blueprint("api_witness", __name__, url_prefix=API)


class NotAWitness(KezekError):
    """This server is not configured as a witness."""

    status = 404
    code = "not_a_witness"


class WitnessMisconfigured(KezekError):
    """The witness's key or logs file cannot be read."""

    status = 503
    code = "witness_misconfigured"


def _config() -> tuple[dict, object]:
    """(logs served, cosignature key), re-read when either file changes."""
    logs_path, key_path = current_app.config.get("WITNESS_LOGS"), current_app.config.get("WITNESS_KEY")
    if not logs_path or not key_path:
        raise NotAWitness("This server is not a witness: set KEZEK_WITNESS_LOGS and KEZEK_WITNESS_KEY.")
    stamp = tuple(Path(p).stat().st_mtime_ns if Path(p).exists() else 0 for p in (logs_path, key_path))
    cached = current_app.extensions.get("kezek_witness")
    if cached is None or cached[0] != (logs_path, key_path, stamp):
        try:
            cached = ((logs_path, key_path, stamp), witness.load_logs(logs_path), witness.load_key(key_path))
        except witness.WitnessConfigError as exc:
            current_app.logger.error("witness misconfigured: %s", exc)
            raise WitnessMisconfigured("The witness's key or logs file cannot be used; see the server log.")
        current_app.extensions["kezek_witness"] = cached
    return cached[1], cached[2]


def _alarm_office(db) -> str:
    configured = current_app.config.get("WITNESS_OFFICE")
    if configured:
        return configured
    offices = office_store.offices(db)
    return offices[0]["id"] if offices else "witness"


def _text(body: str, status: int, content_type: str = witness.TEXT_TYPE) -> Response:
    return Response(body, status=status, content_type=content_type)


@bp.post("/add-checkpoint")
@access("public")
def add_checkpoint():
    logs, key = _config()
    db = get_db()
    answer = witness.add_checkpoint(db, request.get_data(cache=False), logs, key, now(), _alarm_office(db))
    if answer.alarm:
        current_app.logger.error("WITNESS ALARM %s: log %s offered size %s, this witness cosigned size %s",
                                 answer.alarm["kind"], answer.alarm["origin"], answer.alarm["size"],
                                 answer.alarm["known_size"])
    return _text(answer.body, answer.status, answer.content_type)


@bp.get("/checkpoint")
@access("public")
def latest_checkpoint():
    _config()
    origin = request.args.get("origin", "")
    signed = witness.latest_note(get_db(), origin)
    if signed is None:
        return _text("this witness has cosigned no checkpoint of that log\n", 404)
    return _text(signed, 200)


@api_bp.get("/logs")
@access("public")
def logs_seen():
    logs, key = _config()
    return jsonify({"witness": key.verifier().encode(), "serves": sorted(logs),
                    "logs": witness.logs_seen(get_db())})


@api_bp.get("/alarms")
@access("manager", "admin")
def list_alarms():
    _config()
    rows = witness.alarms(get_db(), open_only=request.args.get("open") in ("1", "true"))
    return jsonify({"alarms": rows, "open": sum(1 for r in rows if r["resolved_at"] is None)})


def openapi_paths() -> dict:
    """The witness's JSON routes, for the OpenAPI document (the /witness protocol routes are C2SP's)."""
    return {
        f"{API}/logs": {"get": openapi._op("The witness's key, the logs it serves and the newest size of each",
                                           "public", extra=("503",))},
        f"{API}/alarms": {"get": openapi._op("Alarms: signed checkpoints that did not extend what was cosigned",
                                             "manager, admin", extra=("503",),
                                             params=[{"name": "open", "in": "query", "required": False,
                                                      "schema": {"type": "string"}}])},
    }
