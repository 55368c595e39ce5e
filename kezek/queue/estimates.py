"""People ahead and the expected wait: the same figures on the kiosk, ticket page and paper.

The wait is found by replaying the call order on the desks that are open now: each desk,
when it becomes free, calls the ticket `kezek.policy` would give it, and a visit takes
its service's typical time (the median call-to-finish time of the service's latest
visits, or a default before there is history). docs/ticket.md explains it with an example.
"""
from __future__ import annotations

import heapq
import math
import statistics
from collections import deque
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from kezek.base import database
from kezek.base import store as base_store
from kezek.base.clock import iso, local_day, parse, utc_bounds
from kezek.log import store as log_store
from kezek.office import store as office_store
from kezek.queue import policy, store

DEFAULT_VISIT_S = 300         # before a service has history: 5 minutes a visitor
HISTORY = timedelta(days=7)   # visits older than this say little about today
SAMPLES = 20                  # the latest visits that make the typical time
MIN_SAMPLES = 3               # fewer than this: the default (one long visit is no pattern)
OVERRUN_SHARE = 0.25          # a visit past its typical time is assumed to need a quarter of it more


def visit_times(db, service_id: int, now: datetime, since: str | None = None) -> list[float]:
    """Seconds from call to end of the service's latest visits (done or no-show), newest first.

    `since` (an instant, ISO): the oldest end that counts; by default a week before `now`.
    """
    # Call to end, not start to end: walking to the desk and waiting for a no-show occupy
    # the desk too. Times are parsed here rather than with SQL date functions (portable SQL).
    visits = store.recent_visits(db, service_id, since or iso(now - HISTORY), iso(now), SAMPLES)
    return [max(0.0, (parse(v["finished_at"]) - parse(v["called_at"])).total_seconds()) for v in visits]


def typical_visit_s(db, service_id: int, now: datetime, since: str | None = None) -> float:
    """The median of the service's recent visit times, or the default with too little history."""
    times = visit_times(db, service_id, now, since)
    return float(statistics.median(times)) if len(times) >= MIN_SAMPLES else float(DEFAULT_VISIT_S)


def remaining_s(typical_s: float, elapsed_s: float) -> float:
    """How much longer a visit that began `elapsed_s` ago is expected to take."""
    return max(typical_s - elapsed_s, typical_s * OVERRUN_SHARE)



class _Typical:
    """Typical visit times, each service's read once (with the asking request's connection) and kept
    from one state of the office to the next through the day until a visit of that service ends.

    The history counts the visits that ended from the start of the office's day a week ago: one
    bound for the whole day, so a time read at 09:00 is still exact at 11:00 if no visit of that
    service ended in between.
    """

    def __init__(self, now: datetime, timezone: str):
        self.now, self.known = now, {}
        day = local_day(now, timezone)
        self.since = iso(parse(utc_bounds(day, day, timezone)[0]) - HISTORY)   # the day's start, a week back

    def get(self, db, service_id: int) -> float:
        if service_id not in self.known:
            self.known[service_id] = typical_visit_s(db, service_id, self.now, self.since)
        return self.known[service_id]

    def kept(self, now: datetime, ended: set[int]) -> "_Typical":
        """These times at a later moment of the same day, less those of the services whose visits ended."""
        out = object.__new__(_Typical)
        out.now, out.since = now, self.since
        out.known = {sid: value for sid, value in self.known.items() if sid not in ended}
        return out


# Changes that leave every finished visit as it was; a visit's end drops its service's typical time.
KEEP_HISTORY = frozenset({"ticket.issued", "ticket.called", "ticket.recalled", "ticket.started", "ticket.returned",
                          "ticket.transferred", "ticket.cancelled", "ticket.expired", "ticket.printed",
                          "ticket.print_failed", "ticket.rated", "desk.paused", "desk.resumed", "desk.changed"})
ENDS_A_VISIT = frozenset({"ticket.finished", "ticket.no_show"})


def _typical_kept(db, floor: "_Floor", now: datetime, last_event: int) -> "_Typical | None":
    """`floor`'s typical times carried to the state at `last_event` (None: read them afresh)."""
    if now < floor.typical.now:
        return None
    since = log_store.events_after(db, floor.last_event, 64)
    if not since or len(since) == 64 or since[-1]["id"] != last_event:
        return None
    ended = set()
    for event in since:
        if event["name"] in ENDS_A_VISIT:
            ticket = store.ticket(db, event["ticket_id"])
            if ticket is None:
                return None
            ended.add(ticket["service_id"])
        elif event["name"] not in KEEP_HISTORY:
            return None
    return floor.typical.kept(now, ended)


@dataclass
class Replay:
    """When, in seconds from now, each waiting ticket is called and each desk runs out of visitors."""

    called_in: dict[int, float] = field(default_factory=dict)     # ticket id -> seconds
    idle_in: dict[int, float] = field(default_factory=dict)       # desk id -> seconds
    desk_services: dict[int, tuple] = field(default_factory=dict)
    at: datetime | None = None     # the moment it replays ("now" above)
    # For how many seconds after `at` the same state replays to these figures less the time gone:
    # until a busy desk's visit runs over (then its end moves with the clock); 0 when a desk free
    # at `at` calls someone (it would call later, at the later moment).
    exact_for_s: float = 0.0
    idle_start: frozenset = frozenset()   # the desks free at `at`
    _first_idle: dict | None = field(default=None, repr=False, compare=False)

    def first_idle(self) -> dict[int, float]:
        """Service id -> the first moment one of its desks here runs out of visitors (worked out once)."""
        if self._first_idle is None:
            first: dict[int, float] = {}
            for desk_id, services in self.desk_services.items():
                for sid in services:
                    first[sid] = min(first.get(sid, math.inf), self.idle_in[desk_id])
            self._first_idle = first
        return self._first_idle


def replay(desks: list[tuple], waiting: list[dict], now: datetime, wait_limit_s: int, typical) -> Replay:
    """Replay the call order: `desks` are (seconds until free, desk id, service ids)."""
    # Split each service's queue into lines that keep policy order inside them (by
    # first-in-line and priority, oldest first). The head of each line is then the only
    # candidate it can offer, so policy.next_ticket over the heads is the desk's choice.
    lines: dict[tuple, deque] = {}
    for t in sorted(waiting, key=lambda t: (t["queued_at"], t["id"])):
        lines.setdefault((t["service_id"], bool(t["first_in_line"]), bool(t["priority"])), deque()).append(t)
    by_service: dict[int, list[tuple]] = {}
    for key in lines:
        by_service.setdefault(key[0], []).append(key)
    out = Replay(desk_services={d[1]: d[2] for d in desks})
    # Each desk's lines, found once rather than at every step of the replay.
    desk_lines = {d[1]: [lines[k] for s in d[2] for k in by_service.get(s, ())] for d in desks}
    heap = list(desks)
    heapq.heapify(heap)
    while heap:
        free_in, desk_id, services = heapq.heappop(heap)
        heads = [line[0] for line in desk_lines[desk_id] if line]
        chosen = heads[0] if len(heads) == 1 else policy.next_ticket(heads, now + timedelta(seconds=free_in),
                                                                     wait_limit_s)
        if chosen is None:
            out.idle_in[desk_id] = free_in     # nobody left for this desk: it leaves the replay
            continue
        lines[(chosen["service_id"], bool(chosen["first_in_line"]), bool(chosen["priority"]))].popleft()
        out.called_in[chosen["id"]] = free_in
        heapq.heappush(heap, (free_in + typical(chosen["service_id"]), desk_id, services))
    return out


def with_new_ticket(done: Replay, ticket: dict, typical) -> Replay:
    """`done` with one more ticket: the newest, not priority, not first in line.

    Such a ticket loses to every head it meets (all are older; being overdue never lifts it
    over an older ticket, which is overdue first), so the replay runs exactly as before
    until the first desk of its service runs out of visitors: that desk calls it then, and
    runs out one visit later. This is what replay() would find, without the replay.
    """
    serving = [(done.idle_in[d], d) for d, services in done.desk_services.items() if ticket["service_id"] in services]
    if not serving:
        return done             # no desk in this replay calls its service
    idle, desk = min(serving)   # the heap's order: the earlier moment, then the lower desk id
    # A desk free at `at` that now calls it calls at a later moment if asked later: not shiftable.
    out = Replay(dict(done.called_in), dict(done.idle_in), done.desk_services, done.at,
                 0.0 if desk in done.idle_start else done.exact_for_s, done.idle_start)
    out.called_in[ticket["id"]] = idle
    out.idle_in[desk] = idle + typical(ticket["service_id"])
    return out


@dataclass
class _Floor:
    """What one database state says: the active desks, typical times, and replays done so far."""

    state: tuple
    desks: list[dict]
    typical: _Typical
    waiting: list[dict]
    replays: dict[tuple, Replay] = field(default_factory=dict)
    last_event: int = 0     # the newest event-log row of this state
    timezone: str = "UTC"   # the office's: a new local day is a new floor (who has worked today)


_floors: dict[tuple, "_Floor"] = {}   # (database file, office) -> the latest floor


def _floor(db, office_id: str, now: datetime, wait_limit_s: int) -> _Floor:
    # queue.changed, the kiosk's list and every phone's ticket page ask about the same floor:
    # one read and one replay serve them all, in this process, until the next change. Every
    # change writes the event log, so its head names the state (office_replay says how long
    # a replay of it holds as time goes on).
    where = (getattr(db, "kezek_path", None), office_id)
    cached = _floors.get(where)
    timezone = cached.timezone if cached is not None else office_store.office(db, office_id)["timezone"]
    moment = (office_id, wait_limit_s, local_day(now, timezone))
    if cached is not None and cached.state == moment + (base_store.get_setting(db, "log_head"),):
        return cached
    with database.snapshot(db):    # everything below from one committed state, whatever commits meanwhile
        state = moment + (base_store.get_setting(db, "log_head"),)
        last_event = log_store.last_event_id(db)
        floor = _grown(db, cached, state, last_event) if cached is not None and cached.state[:3] == moment else None
        if floor is None:
            zone = office_store.office(db, office_id)["timezone"]
            typical = _typical_kept(db, cached, now, last_event) if cached is not None and \
                cached.state[:3] == moment else None
            floor = _Floor(state, _desks_today(db, office_id, now), typical or _Typical(now, zone),
                           store.waiting_in(db, [s["id"] for s in office_store.services(db, office_id)]),
                           last_event=last_event, timezone=zone)
    if len(_floors) > 64:          # many databases in one process (tests): keep it small
        _floors.clear()
    _floors[where] = floor
    return floor


def _grown(db, floor: _Floor, state: tuple, last_event: int) -> _Floor | None:
    """The next floor without replaying, when the one change since `floor` is a plain new ticket.

    That is the common change at a busy moment (the issuing kiosk's answer asks at once);
    anything else — a call, a pause, a priority ticket, another office's change — is read
    and replayed afresh (None).
    """
    since = log_store.events_after(db, floor.last_event, 2)
    if len(since) != 1 or since[0]["id"] != last_event or since[0]["name"] != "ticket.issued":
        return None
    if since[0]["office_id"] != state[0]:
        return None
    ticket = store.waiting_ticket(db, since[0]["ticket_id"])
    if ticket is None or ticket["priority"] or ticket["first_in_line"]:
        return None
    typical = floor.typical
    return _Floor(state, floor.desks, typical, floor.waiting + [ticket],
                  {key: with_new_ticket(done, ticket, lambda sid: typical.get(db, sid))
                   for key, done in floor.replays.items()}, last_event=last_event, timezone=floor.timezone)


def _desks_today(db, office_id: str, now: datetime) -> list[dict]:
    """The office's active desks, each marked `worked` if it called, paused or resumed today."""
    tz = office_store.office(db, office_id)["timezone"]
    today = local_day(now, tz)
    desks = [d for d in office_store.desks(db, office_id) if d["active"]]
    for d in desks:
        d["worked"] = bool(d["changed_at"]) and local_day(parse(d["changed_at"]), tz) == today
    return desks


def _calling(floor: _Floor) -> list[dict]:
    # A desk nobody has worked at today is not calling: counting it promised a newcomer "no wait"
    # beside a ticket that nobody called (issue #19: А with two desks, one unstaffed).
    return [d for d in floor.desks if not d["paused"] and d["worked"]]


def _calling_desks(db, floor: _Floor, service_id: int, now: datetime) -> tuple[list[tuple], float]:
    """(seconds until free, desk id, service ids) of the desks that call now; and how long those hold.

    Paused desks and desks nobody has worked at today do not count. If no desk of the
    service is left, its paused desks are assumed to resume now; if none of its desks has
    worked today, the first of them is assumed to open now; a service with no desk at all
    gets one imagined desk (id 0) of its own.
    """
    chosen = _calling(floor)
    if not any(service_id in d["service_ids"] for d in chosen):
        chosen += [d for d in floor.desks if d["paused"] and d["worked"] and service_id in d["service_ids"]]
    if not any(service_id in d["service_ids"] for d in chosen):
        chosen += [d for d in floor.desks if not d["worked"] and service_id in d["service_ids"]][:1]
    out, holds = [], math.inf
    for d in chosen:
        free_in = 0.0
        current = store.ticket(db, d["current_ticket_id"]) if d["current_ticket_id"] else None
        if current and current["status"] in ("called", "serving") and current["called_at"]:
            elapsed = (now - parse(current["called_at"])).total_seconds()
            typical = floor.typical.get(db, current["service_id"])
            free_in = remaining_s(typical, elapsed)
            holds = min(holds, free_in - typical * OVERRUN_SHARE)   # until the visit runs over
        out.append((free_in, d["id"], tuple(d["service_ids"])))
    if not any(service_id in d[2] for d in out):
        out.append((0.0, 0, (service_id,)))
    return out, holds


def office_replay(db, office_id: str, service_id: int, now: datetime, wait_limit_s: int) -> tuple[Replay, float]:
    """The replay that answers for `service_id` (most services share one), and the seconds gone since it ran.

    Its figures less those seconds are what a replay now would find, while the state is the
    same and the replay holds (Replay.exact_for_s): so an answer a few seconds after a change
    reuses the replay that change's push ran, instead of replaying on the issuing kiosk's request.
    """
    return _replay_on(db, _floor(db, office_id, now, wait_limit_s), service_id, now, wait_limit_s)


def _replay_on(db, floor: _Floor, service_id: int, now: datetime, wait_limit_s: int,
               calling: tuple[tuple, set] | None = None) -> tuple[Replay, float]:
    # `calling`: the calling desks' ids and the services they serve, when the caller asks for many services.
    open_ids, open_services = calling or _calling_ids(floor)
    key = open_ids if service_id in open_services else ("for", service_id)
    done = floor.replays.get(key)
    if done is not None:
        if int(now.timestamp()) == int(done.at.timestamp()):
            return done, 0.0                # within one second the figures are the same
        gone = (now - done.at).total_seconds()
        if 0 < gone <= done.exact_for_s:
            return done, gone
    desks, holds = _calling_desks(db, floor, service_id, now)
    if key[0] == "for":    # answers for this one service only: the desks that can touch its queue suffice
        desks = linked_desks(desks, service_id)
    # Tickets of services none of these desks serves are never called in it: left out, the same replay.
    served = {s for d in desks for s in d[2]}
    waiting = [t for t in floor.waiting if t["service_id"] in served]
    done = replay(desks, waiting, now, wait_limit_s, lambda sid: floor.typical.get(db, sid))
    done.at, done.idle_start = now, frozenset(d[1] for d in desks if d[0] == 0.0)
    done.exact_for_s = holds if all(done.idle_in.get(d) == 0.0 for d in done.idle_start) else 0.0
    floor.replays[key] = done
    return done, 0.0


def linked_desks(desks: list[tuple], service_id: int) -> list[tuple]:
    """The desks (as replay() takes them) linked to a service through the services they share.

    A desk calls only its own services' tickets, so desks and services outside this group never
    change when, or by whom, the service's tickets are called: replaying the group alone gives the
    service's figures exactly (a big hall's desks serve one body each: a few desks, not forty).
    """
    services, chosen, rest = {service_id}, [], list(desks)
    grew = True
    while grew:
        grew = False
        for d in list(rest):
            if services.intersection(d[2]):
                chosen.append(d)
                rest.remove(d)
                services.update(d[2])
                grew = True
    return [d for d in desks if d in chosen]    # in the order given


def _calling_ids(floor: _Floor) -> tuple[tuple, set]:
    calling = _calling(floor)
    return tuple(d["id"] for d in calling), {s for d in calling for s in d["service_ids"]}


def _new_ticket_wait(result: Replay, gone: float, service_id: int) -> int:
    # A ticket taken now is the newest and not urgent, so a desk calls it only when none of
    # its services has anyone else left: the first moment a desk of the service runs out.
    return int(math.ceil(max(0.0, result.first_idle()[service_id] - gone)))


def service_estimates(db, office: dict, service_ids, now: datetime) -> dict[int, int]:
    """Expected wait of a normal ticket taken now in each of these services of the office, by id.

    One read of the office's state serves them all (the queue.changed push, the kiosk's list,
    a desk's counts ask for many services at once, and most share one replay).
    """
    limit = office["priority_wait_limit_s"]
    floor = _floor(db, office["id"], now, limit)
    calling = _calling_ids(floor)
    return {sid: _new_ticket_wait(*_replay_on(db, floor, sid, now, limit, calling), sid) for sid in service_ids}


def ticket_estimate(db, ticket: dict, now: datetime, wait_limit_s: int) -> tuple[int, int]:
    """(people ahead, expected wait in seconds) of a waiting ticket; (0, 0) otherwise."""
    if ticket["status"] != "waiting":
        return 0, 0
    own = store.waiting_in(db, [ticket["service_id"]])
    ahead = policy.people_ahead(ticket, own, now, wait_limit_s)
    result, gone = office_replay(db, ticket["office_id"], ticket["service_id"], now, wait_limit_s)
    return ahead, int(math.ceil(max(0.0, result.called_in.get(ticket["id"], 0) - gone)))
