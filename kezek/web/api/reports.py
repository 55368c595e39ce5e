"""Reports, live monitor, audit log (manager role) and the open board's figures (public)."""
from __future__ import annotations

from flask import Blueprint, Response, current_app, jsonify, request
from flask_babel import get_locale

from kezek.base import i18n
from kezek.base.clock import local_day
from kezek.base.errors import Invalid
from kezek import verification
from kezek.log import audit, checkpoints
from kezek.office import store as office_store
from kezek.reports import export, figures, monitor
from kezek.web import auth
from kezek.web.api import openapi
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live import notify as live_notify

bp = Blueprint("api_stats", __name__, url_prefix="/api/v1")
CSV = "text/csv"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _format() -> str:
    wanted = request.args.get("format")
    if wanted:
        if wanted not in ("json", "csv", "xlsx"):
            raise Invalid("format: json, csv or xlsx.", "bad_field", field="format")
        return wanted
    best = request.accept_mimetypes.best_match(["application/json", CSV, XLSX], default="application/json")
    return {CSV: "csv", XLSX: "xlsx"}.get(best, "json")


@bp.get("/stats")
@access("manager")
def get_stats():
    db = get_db()
    office_id = auth.office_id(db)
    office = office_store.office(db, office_id)
    start, end = figures.parse_period(request.args.get("from"), request.args.get("to"),
                                    local_day(now(), office["timezone"]))
    report = figures.report(db, office_id, start, end)
    kind = _format()
    name = f"kezek-{office_id}-{start}-{end}"
    if kind == "csv":
        return Response(export.to_csv(report), mimetype=CSV, headers={
            "Content-Disposition": f'attachment; filename="{name}.csv"'})
    if kind == "xlsx":
        return Response(export.to_xlsx(report), mimetype=XLSX, headers={
            "Content-Disposition": f'attachment; filename="{name}.xlsx"'})
    report["checkpoint"] = checkpoints.summary(checkpoints.daily(db, office_id, end))   # the day's closing one
    report["latest_checkpoint"] = checkpoints.summary(checkpoints.latest(db, office_id))
    return jsonify(report)


@bp.get("/monitor")
@access("manager")
def get_monitor():
    db = get_db()
    office_id = auth.office_id(db)
    notifications = live_notify.today_counts(live_notify.current(current_app), db, office_id, now())
    view = monitor.monitor(db, office_id, now())
    args = request.args
    if any(k in args for k in ("limit", "offset", "service", "body", "state")):
        # The admin screen asks for one page of a filtered list; without these the whole list (integrations).
        numbers = {}
        for key, default in (("limit", 50), ("offset", 0), ("service", None)):
            value = args.get(key)
            if value not in (None, "") and not (value.isdigit() and len(value) <= 9):
                raise Invalid(f"{key}: a whole number.", "bad_field", field=key)
            numbers[key] = int(value) if value not in (None, "") else default
        view = monitor.filtered(view, service_id=numbers["service"], body=args.get("body") or None,
                                state=args.get("state") or "waiting", offset=numbers["offset"],
                                limit=numbers["limit"])
    return jsonify({**view, "notifications": notifications})


@bp.get("/audit")
@access("manager")
def get_audit():
    db = get_db()
    args = request.args
    try:
        desk = args.get("desk", type=int) if args.get("desk") else None
        before = int(args["before"]) if args.get("before") else None
        limit = int(args.get("limit", 100))
    except ValueError:
        raise Invalid("desk, before and limit are whole numbers.", "bad_field")
    rows = audit.events(db, auth.office_id(db), start=args.get("from") or None, end=args.get("to") or None,
                             name=args.get("name") or None, kind=args.get("kind") or None,
                             number=args.get("number") or None, username=args.get("user") or None,
                             desk_id=desk, before_id=before, limit=limit)
    audit.in_words(db, auth.office_id(db), rows, i18n.normalise_lang(args.get("lang") or str(get_locale())))
    return jsonify({"events": rows, "next_before": rows[-1]["id"] if len(rows) == limit else None})


@bp.route("/audit/verify", methods=["GET", "POST"])
@access("manager")
def verify_log():
    db = get_db()
    return jsonify(verification.verify(db, office_id=auth.office_id(db)).as_dict())


@bp.get("/board")
@access("public")
def board():
    db = get_db()
    office_id = auth.office_id(db)
    return jsonify({**figures.today_board(db, office_id, now()),
                    "checkpoint": checkpoints.summary(checkpoints.latest(db, office_id))})


def openapi_paths() -> dict:
    """This module's part of the OpenAPI document."""
    q = lambda name, kind="string": {"name": name, "in": "query", "required": False,  # noqa: E731
                                     "schema": {"type": kind}}
    period = [openapi.OFFICE_Q, q("from"), q("to")]
    return {
        "/api/v1/stats": {"get": openapi._op(
            "Report figures for office-local dates from..to (JSON; CSV with Accept: text/csv; XLSX with"
            " Accept: " + XLSX + " or ?format=xlsx)", "manager", params=[*period, q("format")])},
        "/api/v1/monitor": {"get": openapi._op(
            "The live monitor: desks, waiting, printers; with service, body, state (waiting, over_target, priority,"
            " called, serving), offset or limit its ticket list is filtered and paged (matched, waiting_count)",
            "manager", params=[openapi.OFFICE_Q, q("service", "integer"), q("body"), q("state"),
                               q("offset", "integer"), q("limit", "integer")])},
        "/api/v1/audit": {"get": openapi._op(
            "The event log, newest first, with filters", "manager",
            params=[*period, q("name"), q("kind"), q("number"), q("user"), q("desk", "integer"),
                    q("before", "integer"), q("limit", "integer"), q("lang")])},
        "/api/v1/audit/verify": {op: openapi._op("Check the event log's hash chain and replay it against the office's rows: {ok, checked,"
                                                 " bad_id, reason, chain_ok, mismatch_count, mismatches}",
                                                 "manager") for op in ("get", "post")},
        "/api/v1/board": {"get": openapi._op("The open board: today's counts and mean waits per service",
                                             "public", params=[openapi.OFFICE_Q])},
    }

