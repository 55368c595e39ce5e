"""When to tell whom: the live events and the clock turned into messages, and personal data removed on time."""
from __future__ import annotations

from datetime import datetime, timedelta

from kezek.base import database
from kezek.base.clock import local_day, local_time
from kezek.base.events import Event
from kezek.base.i18n import normalise_lang
from kezek.notify import messages, store
from kezek.notify.messages import Message
from kezek.office import store as office_store
from kezek.queue import policy
from kezek.queue import store as queue_store
from kezek.reports import monitor

# The visitor's events worth a message, and the ends of a ticket (its subscriptions go after them).
TOLD = {"ticket.called": "called", "ticket.recalled": "recalled", "ticket.transferred": "transferred",
        "ticket.no_show": "no_show"}
ENDS = ("ticket.finished", "ticket.no_show", "ticket.cancelled", "ticket.expired")
CLOSING_NOTICE = timedelta(minutes=15)
BAD_PRINTER = ("paper_out", "cover_open", "offline")   # kezek.printing.jobs.UNAVAILABLE


def _message(sub: dict, kind: str, ticket: dict, url: str, **values) -> Message:
    lang = normalise_lang(sub["lang"])
    title, body = messages.ticket_text(kind, lang, ticket, **values)
    return Message(sub["office_id"], sub["channel"], sub["address"], title, body, sub["id"],
                   tag=f"kezek-{ticket['display_number']}", url=url)


def _service_name(db, service_id: int, lang: str) -> str:
    service = office_store.service(db, service_id)
    return service[f"name_{lang}"] if service else ""


def react(db, events: list[Event], now: datetime, ticket_url=lambda token: "") -> list[Message]:
    """The messages that committed events call for; ended tickets' subscriptions are deleted here."""
    out: list[Message] = []
    offices: set[str] = set()
    ended: set[int] = set()
    for event in events:
        if event.name == "queue.changed":
            offices.add(event.office_id)
            continue
        if event.name == "printer.changed":
            out += printer_alert(db, event, now)
            continue
        ticket = event.ticket
        if ticket is None or "token" not in ticket:
            continue
        kind = TOLD.get(event.name)
        subs = store.for_ticket(db, ticket["id"]) if kind or event.name == "ticket.returned" else []
        for sub in subs if kind else []:
            extra = {"desk": ticket.get("desk") or ""}
            if kind == "transferred":
                extra["service"] = _service_name(db, ticket["service_id"], normalise_lang(sub["lang"]))
            out.append(_message(sub, kind, ticket, ticket_url(ticket["token"]), **extra))
        if event.name in ("ticket.transferred", "ticket.returned") and subs:
            with database.transaction(db, durable=False):
                store.mark_told_ahead(db, [s["id"] for s in subs], told=False)   # a new place: told anew
                store.saw_move(db, subs)
        if event.name in ENDS:
            ended.add(ticket["id"])
    if ended:
        with database.transaction(db, durable=False):
            for ticket_id in ended:
                store.remove_for_ticket(db, ticket_id)
    for office_id in sorted(offices):
        out += ahead_messages(db, office_id, now, ticket_url)
    return out


def places(db, office_id: str, service_ids: set[int], now: datetime) -> dict[int, int]:
    """People ahead of every waiting ticket of some services: one sort per service (as policy.people_ahead counts)."""
    office = office_store.office(db, office_id)
    ahead: dict[int, int] = {}
    for service_id in service_ids:
        order = policy.call_order(queue_store.waiting_in(db, [service_id]), now, office["priority_wait_limit_s"])
        ahead.update({t["id"]: n for n, t in enumerate(order)})
    return ahead


def ahead_messages(db, office_id: str, now: datetime, ticket_url=lambda token: "") -> list[Message]:
    """Tell each subscribed waiting ticket, once, that N or fewer people are ahead of it."""
    subs = store.waiting_subscribed(db, office_id)
    if not subs:
        return []
    found = {s["ticket_id"]: queue_store.ticket(db, s["ticket_id"]) for s in subs}
    ahead = places(db, office_id, {t["service_id"] for t in found.values() if t}, now)
    # The state read here may already hold a move (a transfer) whose event is still on its way to
    # us: wait for it, so the visitor hears "sent to another service" before "you are next", once.
    moves, seen = store.ticket_moves(db, list(found)), store.seen_moves(db, [s["id"] for s in subs])
    out, told = [], []
    for sub in subs:
        ticket = found[sub["ticket_id"]]
        if ticket is None or ticket["id"] not in ahead:
            continue
        if seen.get(sub["id"], moves.get(ticket["id"], 0)) < moves.get(ticket["id"], 0):
            continue
        if ahead[ticket["id"]] <= sub["ahead"]:
            out.append(_message(sub, "ahead", ticket, ticket_url(ticket["token"]), count=ahead[ticket["id"]]))
            told.append(sub["id"])
    if told:
        with database.transaction(db, durable=False):
            store.mark_told_ahead(db, told)
    return out


def closing_messages(db, office_id: str, now: datetime, ticket_url=lambda token: "") -> list[Message]:
    """Within CLOSING_NOTICE of the office's closing time, tell each subscribed waiting ticket once."""
    office = office_store.office(db, office_id)
    if not office or not office["closes"]:
        return []
    closes = office["closes"]
    soon = local_time(now + CLOSING_NOTICE, office["timezone"])
    if not (local_time(now, office["timezone"]) < closes <= soon):
        return []
    subscribed = store.closing_subscribed(db, office_id)
    if not subscribed:
        return []
    # Claimed first, each row once: two processes looking at once (a frozen lease holder that woke up)
    # never both tell the same visitor.
    with database.transaction(db, durable=False):
        claimed = store.claim_told_closing(db, [sub["id"] for sub in subscribed])
    out = []
    for sub in subscribed:
        ticket = queue_store.ticket(db, sub["ticket_id"]) if sub["id"] in claimed else None
        if ticket is not None:
            out.append(_message(sub, "closing", ticket, ticket_url(ticket["token"]), time=closes))
    return out


def _to_managers(db, office_id: str, kind: str, tag: str, **values) -> list[Message]:
    out = []
    for sub in store.managers_for(db, office_id, kind):   # those who chose this alert on the admin screen
        title, body = messages.manager_text(kind, normalise_lang(sub["lang"]), **values)
        out.append(Message(office_id, sub["channel"], sub["address"], title, body, sub["id"], tag=tag))
    return out


def wait_alerts(db, office_id: str, now: datetime) -> list[Message]:
    """Managers told, once a service a day, when a service's longest wait passes its target."""
    if not store.managers_for(db, office_id, "wait"):
        return []
    view = monitor.monitor(db, office_id, now)
    day = local_day(now, view["office"]["timezone"])
    out = []
    for service in view["services"]:
        if service["longest_wait_s"] <= service["target_wait_s"]:
            continue
        with database.transaction(db, durable=False):
            first = store.claim_alert(db, office_id, day, f"wait:{service['id']}", now.isoformat())
        if first:
            for sub in store.managers_for(db, office_id, "wait"):
                lang = normalise_lang(sub["lang"])
                title, body = messages.manager_text(
                    "wait", lang, service=service[f"name_{lang}"], minutes=service["longest_wait_s"] // 60,
                    target=service["target_wait_s"] // 60)
                out.append(Message(office_id, sub["channel"], sub["address"], title, body, sub["id"],
                                   tag=f"kezek-wait-{service['id']}"))
    return out


def printer_alert(db, event: Event, now: datetime) -> list[Message]:
    """Managers told when a kiosk's printer stops printing (once per kiosk and state a day)."""
    state = event.data.get("state")
    if state not in BAD_PRINTER or not store.managers_for(db, event.office_id, "printer"):
        return []
    office = office_store.office(db, event.office_id)
    with database.transaction(db, durable=False):
        first = store.claim_alert(db, event.office_id, local_day(now, office["timezone"]),
                                  f"printer:{event.data.get('device_id')}:{state}", now.isoformat())
    if not first:
        return []
    return _to_managers(db, event.office_id, "printer", f"kezek-printer-{event.data.get('device_id')}",
                        kiosk=event.data.get("name") or "", state=state)


def purge(db, now: datetime) -> int:
    """Delete every visitor's subscription whose ticket has ended or whose day is over; answer how many."""
    today = {o["id"]: local_day(now, o["timezone"]) for o in office_store.offices(db)}
    with database.transaction(db, durable=False):
        return store.remove_ended(db, today)
