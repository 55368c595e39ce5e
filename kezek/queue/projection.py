"""Tickets and desks as a projection of the event log: replay each one's events, compare with its row.

A ticket's row is rebuilt from its own events (ticket.issued, then called, recalled, started,
finished, no_show, returned, transferred, cancelled, expired, rated), a desk's from every
event that names it (created, changed_config, paused, resumed, and the calls and releases of
its tickets). Every column is compared exactly. A column the log of an older version did not
carry (UNKNOWN) is not compared: `docs/guarantees.md` lists what is covered.
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass

from kezek.queue import store
from kezek.queue.tickets import token_hash
from kezek.queue.transfers import note_digest

UNKNOWN = object()   # the log does not say: not compared


@dataclass
class Mismatch:
    """A row that is not what its events say: which table, row and column, and both values."""

    table: str
    row: int | str
    column: str
    row_value: object
    log_value: object
    office_id: str | None = None

    def __str__(self) -> str:
        return f"{self.table} #{self.row} {self.column}: row has {self.row_value!r}, the log says {self.log_value!r}"


TICKET_COLUMNS = ("office_id", "token", "issued_service_id", "service_id", "day", "number", "display_number",
                  "status", "priority", "priority_reason", "first_in_line", "lang", "issued_at", "queued_at",
                  "called_at", "started_at", "finished_at", "desk_id", "user_id", "device_id", "recalls",
                  "rating")
DESK_COLUMNS = ("office_id", "name", "active", "paused", "pause_reason", "current_ticket_id", "user_id",
                "changed_at")


# An event as the store reads it: a tuple (a year's log is read fast as tuples, not dicts).
ID, AT, OFFICE, NAME, TICKET, SERVICE, DESK, USER, DEVICE, DETAILS = range(10)
# Ticket events that change their desk's row too (a call takes the desk, these free it).
DESK_TICKET_EVENTS = {"ticket.called", "ticket.finished", "ticket.no_show", "ticket.returned", "ticket.transferred"}


# A ticket's replayed row is a list in TICKET_COLUMNS' order (fast to change and to compare).
(T_OFFICE, T_TOKEN, T_ISSUED_SERVICE, T_SERVICE, T_DAY, T_NUMBER, T_DISPLAY, T_STATUS, T_PRIORITY, T_REASON, T_FIRST,
 T_LANG, T_ISSUED_AT, T_QUEUED_AT, T_CALLED_AT, T_STARTED_AT, T_FINISHED_AT, T_DESK, T_USER, T_DEVICE, T_RECALLS,
 T_RATING) = range(len(TICKET_COLUMNS))


def _issued(e: tuple) -> list:
    d = json.loads(e[DETAILS])
    return [e[OFFICE], d.get("token_sha256", UNKNOWN), e[SERVICE], e[SERVICE], d.get("day", UNKNOWN),
            d.get("seq", UNKNOWN), d.get("number", UNKNOWN), "waiting", int(bool(d.get("priority"))),
            d.get("priority_reason", UNKNOWN), 0, d.get("lang", UNKNOWN), e[AT], e[AT], None, None, None, None,
            e[USER], e[DEVICE], 0, None]


def _ended(status: str):
    def step(t: list, e: tuple) -> None:
        t[T_STATUS], t[T_FINISHED_AT] = status, e[AT]
    return step


def _called(t: list, e: tuple) -> None:
    t[T_STATUS], t[T_DESK], t[T_USER], t[T_CALLED_AT], t[T_FIRST] = "called", e[DESK], e[USER], e[AT], 0


def _recalled(t: list, e: tuple) -> None:
    t[T_RECALLS] += 1
    t[T_CALLED_AT] = e[AT]


def _started(t: list, e: tuple) -> None:
    t[T_STATUS], t[T_STARTED_AT] = "serving", e[AT]


def _returned(t: list, e: tuple) -> None:
    t[T_STATUS], t[T_DESK], t[T_QUEUED_AT], t[T_CALLED_AT] = "waiting", None, e[AT], None


def _transferred(t: list, e: tuple) -> None:
    first = json.loads(e[DETAILS]).get("first")
    t[T_STATUS], t[T_SERVICE], t[T_DESK], t[T_QUEUED_AT] = "waiting", e[SERVICE], None, t[T_ISSUED_AT]
    t[T_FIRST], t[T_CALLED_AT], t[T_STARTED_AT] = int(bool(first)), None, None


def _rated(t: list, e: tuple) -> None:
    t[T_RATING] = json.loads(e[DETAILS]).get("stars")


TICKET_STEPS = {
    "ticket.called": _called, "ticket.recalled": _recalled, "ticket.started": _started,
    "ticket.finished": _ended("done"), "ticket.no_show": _ended("no_show"),
    "ticket.cancelled": _ended("cancelled"), "ticket.expired": _ended("expired"),
    "ticket.returned": _returned, "ticket.transferred": _transferred, "ticket.rated": _rated,
}


def replay_tickets(db, desk_moves: list | None = None, visits: list | None = None) -> Iterator[tuple[int, list | None]]:
    """(ticket id, its row as the log says) for every ticket the log names, by id (None: never issued).

    `desk_moves` collects the ticket events that change a desk's row, for replay_desks (one read of the log);
    `visits` the transfers and the finishes with an outcome, for compare_visits.
    """
    current, state = None, None
    steps, moves = TICKET_STEPS, DESK_TICKET_EVENTS
    for e in store.events_by_ticket(db):
        if e[TICKET] != current:
            if current is not None:
                yield current, state
            current, state = e[TICKET], None
        name = e[NAME]
        if name == "ticket.issued":
            state = _issued(e)
            continue
        if desk_moves is not None and name in moves and e[DESK] is not None:
            desk_moves.append(e)
        if visits is not None and (name == "ticket.transferred" or (
                name == "ticket.finished" and e[DETAILS] and '"outcome_id"' in e[DETAILS])):
            visits.append(e)
        if state is not None:
            step = steps.get(name)
            if step is not None:
                step(state, e)
    if current is not None:
        yield current, state


def _compare(table: str, key, row: dict, wanted: dict, columns, office_id) -> Iterator[Mismatch]:
    for column in columns:
        value = wanted[column]
        if value is not UNKNOWN and row[column] != value:
            yield Mismatch(table, key, column, row[column], value, office_id)


def _ticket_mismatches(row: tuple, wanted: list) -> Iterator[Mismatch]:
    # The token itself is the visitor's key: only its hash is compared, and shown.
    values = list(row[1:])
    values[T_TOKEN] = token_hash(values[T_TOKEN])
    if values == wanted:
        return
    for i, column in enumerate(TICKET_COLUMNS):
        if wanted[i] is not UNKNOWN and values[i] != wanted[i]:
            yield Mismatch("tickets", row[0], column, values[i], wanted[i], row[1])


def compare_tickets(db, desk_moves: list | None = None, visits: list | None = None) -> Iterator[Mismatch]:
    """Every difference between the ticket rows and their replayed events (a merge by ticket id)."""
    rows, replayed = store.ticket_tuples(db), replay_tickets(db, desk_moves, visits)
    row, rep = next(rows, None), next(replayed, None)
    while row is not None or rep is not None:
        if rep is None or (row is not None and row[0] < rep[0]):
            yield Mismatch("tickets", row[0], "(row)", "present", "no event of it", row[1])
            row = next(rows, None)
        elif row is None or rep[0] < row[0]:
            if rep[1] is not None:
                yield Mismatch("tickets", rep[0], "(row)", "missing", "issued", rep[1][T_OFFICE])
            rep = next(replayed, None)
        else:
            if rep[1] is None:
                yield Mismatch("tickets", row[0], "(row)", "present", "never issued", row[1])
            else:
                yield from _ticket_mismatches(row, rep[1])
            row, rep = next(rows, None), next(replayed, None)


def _new_desk(office_id, name=UNKNOWN, active=UNKNOWN) -> dict:
    return {"office_id": office_id, "name": name, "active": active, "paused": 0, "pause_reason": None,
            "current_ticket_id": None, "user_id": None, "changed_at": None}


def _desk_step(desk: dict, e: tuple) -> None:
    name = e[NAME]
    if name == "desk.changed_config":
        d = json.loads(e[DETAILS])
        for column in ("name", "active"):
            if column in d:
                desk[column] = int(d[column]) if column == "active" else d[column]
    elif name == "desk.paused":
        desk.update(paused=1, pause_reason=json.loads(e[DETAILS]).get("reason"), changed_at=e[AT])
    elif name == "desk.resumed":
        desk.update(paused=0, pause_reason=None, changed_at=e[AT])
    elif name == "ticket.called":
        desk.update(current_ticket_id=e[TICKET], user_id=e[USER], changed_at=e[AT])
    elif name in DESK_TICKET_EVENTS:
        desk.update(current_ticket_id=None, changed_at=e[AT])


def replay_desks(db, desk_moves: list | None = None) -> dict[int, dict]:
    """desk id -> its row as the log says (`desk_moves`: the ticket events replay_tickets collected)."""
    if desk_moves is None:
        desk_moves = []
        for _ in replay_tickets(db, desk_moves):
            pass
    desks: dict[int, dict] = {}
    for e in sorted(store.desk_events(db) + desk_moves):      # in log order: ids are the log's order
        if e[NAME] == "desk.created":
            d = json.loads(e[DETAILS])
            desks[e[DESK]] = _new_desk(e[OFFICE], d.get("name", UNKNOWN), int(d.get("active", True)))
            continue
        desk = desks.get(e[DESK])
        if desk is None:   # made before desks were logged: its name and state at that time are unknown
            desk = desks[e[DESK]] = _new_desk(e[OFFICE])
        _desk_step(desk, e)
    return desks


def compare_desks(db, desk_moves: list | None = None) -> Iterator[Mismatch]:
    """Every difference between the desk rows and their replayed events."""
    replayed = replay_desks(db, desk_moves)
    for row in store.desk_rows(db):
        wanted = replayed.pop(row["id"], None) or _new_desk(UNKNOWN)
        yield from _compare("desks", row["id"], row, wanted, DESK_COLUMNS, row["office_id"])
    for desk_id, desk in replayed.items():
        yield Mismatch("desks", desk_id, "(row)", "missing", "created", desk["office_id"])


# A transfer's target and a visit's outcome (tables ticket_targets, visit_outcomes, visit_services).
TARGET_COLUMNS = ("desk_id", "user_id", "from_desk_id", "note", "at")
OUTCOME_COLUMNS = ("outcome_id", "services", "note", "at")


def _visit_rows(visits: list) -> tuple[dict, dict]:
    """ticket id -> its latest target, and -> its outcome, as the log says (the note as its hash)."""
    targets, outcomes = {}, {}
    for e in visits:
        d = json.loads(e[DETAILS])
        if e[NAME] == "ticket.transferred":
            # A transfer logged before targets were kept (no "to") leaves no row to compare.
            targets[e[TICKET]] = {"desk_id": d.get("to_desk_id"), "user_id": d.get("to_user_id"),
                                  "from_desk_id": e[DESK], "note": d.get("note_sha256"), "at": e[AT]} \
                if "to" in d else None
        else:
            outcomes[e[TICKET]] = {"outcome_id": d["outcome_id"], "note": d.get("note_sha256"), "at": e[AT],
                                   "services": ",".join(str(s) for s in d.get("services", []))}
    return targets, outcomes


def _sealed_row(row: dict) -> dict:
    return {**row, "note": note_digest(row["note_salt"], row["note"])}


def compare_visits(db, visits: list) -> Iterator[Mismatch]:
    """Every difference between the transfer targets and visit outcomes kept and their events."""
    targets, outcomes = _visit_rows(visits)
    for table, rows, wanted, columns in (
            ("ticket_targets", store.target_rows(db), targets, TARGET_COLUMNS),
            ("visit_outcomes", store.visit_outcome_rows(db), outcomes, OUTCOME_COLUMNS)):
        for row in rows:
            logged = wanted.pop(row["ticket_id"], None)
            if logged is None:
                yield Mismatch(table, row["ticket_id"], "(row)", "present", "no event of it")
                continue
            yield from _compare(table, row["ticket_id"], _sealed_row(row), logged, columns, None)
        for ticket_id, logged in wanted.items():
            if logged is not None:
                yield Mismatch(table, ticket_id, "(row)", "missing", "logged")
