"""The queue API under /api/v1: services, tickets, desks, state, login."""
from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from kezek.base.errors import Invalid, NotFound
from kezek.base.i18n import normalise_lang
from kezek.office import accounts
from kezek.office import store as office_store
from kezek.queue import desk_feed, desks, outcomes, tickets, transfers, views
from kezek.queue import store as queue_store
from kezek.web import auth
from kezek.web.auth import access
from kezek.web.context import get_db, now
from kezek.web.live.broadcast import disconnect_session, publish
from kezek.web.live.printing import start_print
from kezek.web.payloads import body, field, ticket_json
from kezek.web.rate_limits import Budget
from kezek.web.retries import claimed_ticket, idempotent, interrupted, replay_ticket

bp = Blueprint("api", __name__, url_prefix="/api/v1")
# Failed sign-ins per name and address in five minutes; tickets per kiosk a minute (kezek/web/rate_limits.py).
login_failures = Budget("login_failures", 300, lambda: current_app.config["LOGIN_ATTEMPTS"])
issues_per_device = Budget("issues", 60, auth.issue_limit)


def _outcome(outcome, status=200, public=False):
    """Push the events of a committed operation, then answer with its ticket."""
    publish(outcome.events)
    if outcome.ticket is None:
        return current_app.response_class(status=204)
    return jsonify(ticket_json(outcome.ticket, public=public)), status


@bp.post("/login")
@access("public")
def login():
    data = body()
    username = field(data, "username", str, required=True)
    password = field(data, "password", str, required=True)
    key = f"{username.lower()}|{auth.client_ip()}"
    auth.refuse_when_exhausted(login_failures, key, "Too many failed sign-ins: wait five minutes.", "login_throttled")
    user = accounts.authenticate(get_db(), username, password)
    if user is None:
        login_failures.hit(key)
        raise auth.Unauthorised("Wrong user name or password.", "bad_credentials")
    login_failures.clear(key)
    csrf = auth.start_session(get_db(), user)
    return jsonify({"user": user, "role": user["role"], "csrf_token": csrf})


@bp.post("/logout")
@access("operator")
def logout():
    key = auth.end_session(get_db())
    if key:
        disconnect_session(key)   # this browser's live screens end with it
    return jsonify({"ok": True})


@bp.get("/me")
@access("operator")
def me():
    # The names of the user's own offices: a clerk of several offices picks one on the desk screen
    # (GET /api/v1/offices is for managers).
    offices = [{k: o[k] for k in ("id", "name_kk", "name_ru", "name_en")}
               for o in office_store.offices(get_db()) if o["id"] in g.user["offices"]]
    return jsonify({"user": g.user, "role": g.user["role"], "csrf_token": auth.csrf_token(), "offices": offices})


@bp.get("/services")
@access("public")
def list_services():
    office = auth.office_id(get_db())
    return jsonify({"office": office, "services": views.services_view(get_db(), office, now())})


def _replay_issue(event):
    """A kiosk's retry after the server died before answering: the ticket it got, printed again."""
    ticket = claimed_ticket(event)
    answer = ticket_json(ticket)
    if g.device:
        answer["print"] = start_print(ticket, g.device, reprint=True)
    return jsonify(answer), 201


@bp.post("/tickets")
@access("kiosk", "operator")
@idempotent(replay=_replay_issue)
def issue_ticket():
    data = body()
    service_id = field(data, "service", int, required=True)
    priority = field(data, "priority", bool, default=False)
    reason = field(data, "priority_reason", str)
    lang = field(data, "lang", str)
    if lang is not None and normalise_lang(lang, "") != lang:
        raise Invalid("lang: kk, ru or en.", "bad_field", field="lang")
    db = get_db()
    office = auth.office_id(db)
    service = office_store.service(db, service_id)
    if service is None or service["office_id"] != office:
        raise NotFound("No such service.", "service_not_found")
    if g.device:
        auth.spend(issues_per_device, f"device:{g.device['id']}", "Too many tickets from this kiosk: wait a minute.",
                   "issue_rate_limited")
    outcome = tickets.issue(db, service_id, now(), priority=priority, priority_reason=reason,
                            lang=lang or office_store.office(db, office)["default_lang"],
                            device_id=g.device["id"] if g.device else None,
                            user_id=g.user["id"] if g.user else None)
    if g.device:
        # A kiosk's ticket is printed in the background after this answer (kezek/web/live/printing.py).
        publish(outcome.events)
        answer = ticket_json(outcome.ticket)
        answer["print"] = start_print(outcome.ticket, g.device)
        return jsonify(answer), 201
    return _outcome(outcome, 201)


def _public_ticket(token: str) -> dict:
    auth.spend_lookup()
    ticket = queue_store.ticket_by_token(get_db(), token)
    if ticket is None:
        raise NotFound("Ticket not found.", "ticket_not_found")
    return ticket


@bp.get("/tickets/<token>")
@access("public")
def get_ticket(token):
    return jsonify(ticket_json(_public_ticket(token), public=True))


@bp.post("/tickets/<token>/cancel")
@access("public")
def cancel_ticket(token):
    _public_ticket(token)
    return _outcome(tickets.cancel(get_db(), token, now()), public=True)


def _staff_ticket(ticket_id: int) -> dict:
    ticket = queue_store.ticket(get_db(), ticket_id)
    if ticket is None or ticket["office_id"] not in g.user["offices"]:
        raise NotFound("No such ticket.", "ticket_not_found")
    return ticket


def _staff_desk(desk_id: int) -> dict:
    desk = office_store.desk(get_db(), desk_id)
    if desk is None or desk["office_id"] not in g.user["offices"]:
        raise NotFound("No such desk.", "desk_not_found")
    return desk


def _replay_call(event):
    """A call whose answer was lost: the visitor it called, or 204 if it only released the desk."""
    if event and event["name"] == "ticket.called":
        return replay_ticket(event)
    return current_app.response_class(status=204)


@bp.post("/desks/<int:desk_id>/call-next")
@access("operator")
@idempotent(replay=_replay_call)
def call_next(desk_id):
    _staff_desk(desk_id)
    return _outcome(tickets.call_next(get_db(), desk_id, now(), user_id=g.user["id"]))


@bp.post("/desks/<int:desk_id>/call")
@access("operator")
@idempotent(replay=_replay_call)
def call_specific(desk_id):
    data = body()
    ticket_id = field(data, "ticket", int, required=True)
    reason = field(data, "reason", str, required=True)
    _staff_desk(desk_id)
    return _outcome(tickets.call_ticket(get_db(), desk_id, ticket_id, reason, now(), user_id=g.user["id"]))


TICKET_ACTIONS = {
    "recall": tickets.recall, "start": tickets.start, "finish": tickets.finish,
    "no-show": tickets.no_show, "return": tickets.return_to_queue,
}


@bp.post("/tickets/<int:ticket_id>/<any(recall, start, finish, 'no-show', return):action>")
@access("operator")
@idempotent(replay=replay_ticket)
def ticket_action(ticket_id, action):
    _staff_ticket(ticket_id)
    if action == "finish":
        # Optional: what the visit came to, a staff note, the other services served (kezek/queue/outcomes.py).
        data = body()
        services = field(data, "services", list, default=[])
        return _outcome(outcomes.finish(get_db(), ticket_id, now(), outcome_id=field(data, "outcome", int),
                                        note=field(data, "note", str), service_ids=services, user_id=g.user["id"]))
    return _outcome(TICKET_ACTIONS[action](get_db(), ticket_id, now(), user_id=g.user["id"]))


@bp.post("/tickets/<int:ticket_id>/transfer")
@access("operator")
@idempotent(replay=replay_ticket)
def transfer(ticket_id):
    data = body()
    service_id = field(data, "service", int)      # one of service, desk and user at least
    first = field(data, "first", bool, default=False)
    reason = field(data, "reason", str)     # required with first: every jump has a reason
    _staff_ticket(ticket_id)
    return _outcome(transfers.transfer(get_db(), ticket_id, service_id, now(), desk_id=field(data, "desk", int),
                                       to_user_id=field(data, "user", int), note=field(data, "note", str),
                                       first=first, reason=reason, user_id=g.user["id"]))


def _replay_desk(event):
    """A pause or resume whose answer was lost: the desk as it is now."""
    if not event or not event["desk_id"]:
        raise interrupted()
    return jsonify({"desk": tickets.desk_view(get_db(), event["desk_id"])})


@bp.post("/desks/<int:desk_id>/pause")
@access("operator")
@idempotent(replay=_replay_desk)
def pause(desk_id):
    reason = field(body(), "reason", str, required=True)
    _staff_desk(desk_id)
    outcome = desks.pause(get_db(), desk_id, reason, now(), user_id=g.user["id"])
    publish(outcome.events)
    return jsonify({"desk": tickets.desk_view(get_db(), desk_id)})


@bp.post("/desks/<int:desk_id>/resume")
@access("operator")
@idempotent(replay=_replay_desk)
def resume(desk_id):
    _staff_desk(desk_id)
    outcome = desks.resume(get_db(), desk_id, now(), user_id=g.user["id"])
    publish(outcome.events)
    return jsonify({"desk": tickets.desk_view(get_db(), desk_id)})


@bp.get("/desks/<int:desk_id>/state")
@access("operator")
def desk_state(desk_id):
    desk = _staff_desk(desk_id)
    if request.args.get("scope") == "desk":   # the desk's own state only, as desk.queue pushes it
        return jsonify(desk_feed.desk_state(get_db(), desk_id, now()))
    return jsonify(views.operator_snapshot(get_db(), desk["office_id"], now(), desk_id))


@bp.get("/state")
@access("public")
def display_state():
    office = auth.office_id(get_db())
    return jsonify(views.display_snapshot(get_db(), office, now()))


@bp.get("/queue")
@access("operator")
def operator_queue():
    office = auth.office_id(get_db())
    desk_id = request.args.get("desk", type=int)
    return jsonify(views.operator_snapshot(get_db(), office, now(), desk_id))
