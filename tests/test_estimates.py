"""People ahead and the expected wait, on made-up histories, against figures worked out by hand.

Demo office: services 1 А, 2 Б, 3 В, 4 Г, 5 Д, 6 Е, 7 Ж; desk 1 serves А Е, desk 2 А,
desk 3 Б В, desk 4 В Г, desk 5 Г Д Е, desk 6 Ж. With no history a visit counts 300 s.
"""
from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from kezek.base.clock import iso
from kezek.office import store as office_store
from kezek.queue import desks, estimates, tickets, views
from kezek.queue import store as queue_store

А, Б, В, Г = 1, 2, 3, 4
Ж = 7


def visits(db, clock, desk_id, service_id, minutes, count):
    """`count` past visits of `minutes` each (call to finish) at a desk, one after another."""
    for _ in range(count):
        tickets.issue(db, service_id, clock())
        called = tickets.call_next(db, desk_id, clock()).ticket
        tickets.start(db, called["id"], clock())
        clock.advance(minutes=minutes)
        tickets.finish(db, called["id"], clock())


def staff(db, clock, *desk_ids):
    """Someone starts work at these desks today (a pause and a resume): only then do they count."""
    for desk_id in desk_ids:
        desks.pause(db, desk_id, "start", clock())
        desks.resume(db, desk_id, clock())


def take(db, clock, service_id, count=1, **extra):
    """Issue tickets one second apart; returns their ids."""
    ids = []
    for _ in range(count):
        ids.append(tickets.issue(db, service_id, clock(), **extra).ticket["id"])
        clock.advance(seconds=1)
    return ids


def figures(db, clock, ticket_id):
    """(people ahead, expected wait in seconds) as the ticket page shows them."""
    view = views.ticket_view(db, queue_store.ticket(db, ticket_id), clock())
    return view["people_ahead"], view["estimated_wait_s"]


def new_ticket_wait(db, clock, service_id):
    """The estimate the kiosk shows for a ticket taken now."""
    return next(s["estimated_wait_s"] for s in views.services_view(db, "demo", clock()) if s["id"] == service_id)


def test_steady_service_counts_whole_visits_for_each_person_ahead(db, clock):
    visits(db, clock, 3, Б, minutes=6, count=5)          # typical visit: 360 s
    first, second, third = take(db, clock, Б, 3)
    assert [figures(db, clock, t) for t in (first, second, third)] == [(0, 0), (1, 360), (2, 720)]
    assert new_ticket_wait(db, clock, Б) == 3 * 360


def test_the_visitor_at_the_desk_is_partly_through(db, clock):
    visits(db, clock, 3, Б, minutes=6, count=5)
    _, second, third = take(db, clock, Б, 3)
    tickets.call_next(db, 3, clock())                      # the first goes to desk 3
    clock.advance(minutes=2)
    assert figures(db, clock, second) == (0, 360 - 120)
    assert figures(db, clock, third) == (1, 240 + 360)
    clock.advance(minutes=10)                              # 12 min: the visit runs over
    assert figures(db, clock, second) == (0, 90)           # a quarter of the typical visit more
    assert figures(db, clock, third) == (1, 90 + 360)


def test_a_desk_pausing_leaves_the_other_desk_to_do_the_work(db, clock):
    visits(db, clock, 2, А, minutes=8, count=4)          # typical А visit: 480 s; desks 1 and 2 serve А
    staff(db, clock, 1)
    a1, a2, a3, a4 = take(db, clock, А, 4)
    # desk 1 takes a1 and desk 2 a2 at once; a3 and a4 follow when they are free
    assert [figures(db, clock, t) for t in (a1, a2, a3, a4)] == [(0, 0), (1, 0), (2, 480), (3, 480)]
    assert new_ticket_wait(db, clock, А) == 960
    desks.pause(db, 2, "lunch", clock())
    assert [figures(db, clock, t) for t in (a1, a2, a3, a4)] == [(0, 0), (1, 480), (2, 960), (3, 1440)]
    assert new_ticket_wait(db, clock, А) == 1920
    desks.resume(db, 2, clock())
    assert figures(db, clock, a4) == (3, 480)


def test_when_every_desk_of_a_service_is_paused_they_are_assumed_back_now(db, clock):
    a1, a2, a3 = take(db, clock, А, 3)
    desks.pause(db, 1, "lunch", clock())
    desks.pause(db, 2, "break", clock())
    assert figures(db, clock, a3) == (2, 300)


def test_desks_serving_several_services_share_their_time(db, clock):
    # desk 3 serves Б and В, desk 4 serves В and Г: the older Б and Г tickets go first
    staff(db, clock, 3, 4)
    take(db, clock, Б)
    take(db, clock, Г)
    v1, v2, v3 = take(db, clock, В, 3)
    assert figures(db, clock, v1) == (0, 300)
    assert figures(db, clock, v2) == (1, 300)
    assert figures(db, clock, v3) == (2, 600)
    assert new_ticket_wait(db, clock, В) == 600
    desks.pause(db, 4, "break", clock())                   # desk 3 alone: Б first, then В1, В2, В3
    assert [figures(db, clock, t)[1] for t in (v1, v2, v3)] == [300, 600, 900]


def test_a_new_day_with_no_history_uses_the_default(db, clock):
    b1, b2, b3 = take(db, clock, Б, 3)
    assert figures(db, clock, b3) == (2, 2 * estimates.DEFAULT_VISIT_S)
    assert new_ticket_wait(db, clock, Б) == 3 * estimates.DEFAULT_VISIT_S


def test_the_next_morning_uses_yesterdays_visits_and_a_week_later_the_default(db, clock):
    visits(db, clock, 3, Б, minutes=4, count=3)
    clock.advance(days=1)
    take(db, clock, Б, 2)
    assert new_ticket_wait(db, clock, Б) == 2 * 240
    clock.advance(days=8)
    assert new_ticket_wait(db, clock, Б) == 2 * estimates.DEFAULT_VISIT_S


def test_one_or_two_visits_are_not_yet_a_pattern(db, clock):
    visits(db, clock, 3, Б, minutes=30, count=2)
    take(db, clock, Б, 2)
    assert new_ticket_wait(db, clock, Б) == 2 * estimates.DEFAULT_VISIT_S


def test_a_very_long_visit_does_not_swing_the_typical_time(db, clock):
    visits(db, clock, 3, Б, minutes=5, count=4)
    visits(db, clock, 3, Б, minutes=90, count=1)         # someone forgot to press "finish"
    assert estimates.typical_visit_s(db, Б, clock()) == 300


def test_no_shows_count_as_the_short_visits_they_are(db, clock):
    visits(db, clock, 3, Б, minutes=10, count=2)
    for _ in range(3):                                     # called, waited two minutes, nobody came
        tickets.issue(db, Б, clock())
        called = tickets.call_next(db, 3, clock()).ticket
        clock.advance(minutes=2)
        tickets.no_show(db, called["id"], clock())
    assert estimates.typical_visit_s(db, Б, clock()) == 120


def test_a_priority_ticket_goes_ahead_of_normal_ones(db, clock):
    b1, b2 = take(db, clock, Б, 2)
    (p,) = take(db, clock, Б, priority=True, priority_reason="elderly")
    assert figures(db, clock, p) == (0, 0)
    assert figures(db, clock, b1) == (1, 300)
    assert figures(db, clock, b2) == (2, 600)


def test_the_kiosks_figure_is_the_one_printed_on_the_ticket(db, clock):
    visits(db, clock, 1, А, minutes=7, count=3)
    take(db, clock, А, 3)
    take(db, clock, 6, 2)                                  # Е shares desk 1
    tickets.call_next(db, 2, clock())
    clock.advance(minutes=3)
    shown = new_ticket_wait(db, clock, А)
    issued = tickets.issue(db, А, clock()).ticket
    assert figures(db, clock, issued["id"])[1] == shown > 0


def test_called_and_finished_tickets_have_nobody_ahead(db, clock):
    (b1,) = take(db, clock, Б)
    tickets.call_next(db, 3, clock())
    assert figures(db, clock, b1) == (0, 0)


def test_figures_follow_a_change_made_through_another_connection(db, db_path, clock):
    from kezek.base import database
    take(db, clock, Б, 2)
    before = new_ticket_wait(db, clock, Б)
    other = database.open_db(db_path)
    try:
        tickets.issue(other, Б, clock())                   # another server thread issues a ticket
    finally:
        other.close()
    assert new_ticket_wait(db, clock, Б) == before + estimates.DEFAULT_VISIT_S


# --- a new ticket added to a replay without replaying ------------------------------------------

def test_each_answer_of_a_rush_skips_the_replay_and_agrees_with_a_full_one(db, clock, monkeypatch):
    visits(db, clock, 1, А, minutes=7, count=3)
    visits(db, clock, 3, Б, minutes=4, count=3)
    staff(db, clock, 2, 6)
    take(db, clock, А, 5)
    take(db, clock, В, 2, priority=True, priority_reason="elderly")
    tickets.call_next(db, 4, clock())                      # desk 4 is busy with a В visitor
    desks.pause(db, 5, "break", clock())
    replays = []
    real_replay = estimates.replay
    monkeypatch.setattr(estimates, "replay", lambda *a, **k: replays.append(1) or real_replay(*a, **k))
    answers = []
    for service in [А, Б, В, Г, 5, 6, 7] * 3:              # a morning rush: all in one second
        ticket_id = tickets.issue(db, service, clock()).ticket["id"]
        answers.append((ticket_id, figures(db, clock, ticket_id)))
    assert len(replays) <= 2, "a plain new ticket extends the last replay instead of replaying"
    kiosk_says = new_ticket_wait(db, clock, Г)
    estimates._floors.clear()                              # the same figures from scratch
    assert answers == [(ticket_id, figures(db, clock, ticket_id)) for ticket_id, _ in answers]
    assert new_ticket_wait(db, clock, Г) == kiosk_says
    # A priority ticket changes the order of others: it is replayed in full.
    replays.clear()
    ticket_id = tickets.issue(db, А, clock(), priority=True, priority_reason="elderly").ticket["id"]
    figures(db, clock, ticket_id)
    assert replays


def test_an_issue_seconds_after_a_call_reuses_the_calls_replay(db, clock, monkeypatch):
    visits(db, clock, 3, Б, minutes=6, count=3)
    take(db, clock, Б, 4)
    take(db, clock, А, 3)
    for desk_id in (1, 2, 3):                              # every desk at work is busy with a visitor
        tickets.call_next(db, desk_id, clock())
    new_ticket_wait(db, clock, Б)                          # the call's queue.changed push replays once
    replays = []
    real_replay = estimates.replay
    monkeypatch.setattr(estimates, "replay", lambda *a, **k: replays.append(1) or real_replay(*a, **k))
    answers = []
    for seconds in (3, 20, 1, 60):                         # kiosks' tickets as the minutes go by
        clock.advance(seconds=seconds)
        ticket_id = tickets.issue(db, Б, clock()).ticket["id"]
        answers.append(figures(db, clock, ticket_id))
    assert replays == [], "no replay on the issue path while the replay after the call holds"
    assert new_ticket_wait(db, clock, Б) == answers[-1][1] + 360
    estimates._floors.clear()
    assert figures(db, clock, ticket_id) == answers[-1]
    clock.advance(minutes=5)                               # the visit at desk 3 runs over: replayed
    figures(db, clock, ticket_id)
    assert replays


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_adding_a_plain_new_ticket_equals_replaying_with_it(data):
    from datetime import datetime, timedelta, timezone
    now = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)
    services = list(range(1, data.draw(st.integers(1, 4)) + 1))
    desk_count = data.draw(st.integers(1, 4))
    desk_rows = [(float(data.draw(st.integers(0, 600))), desk_id,
                  tuple(data.draw(st.lists(st.sampled_from(services), min_size=1, max_size=3, unique=True))))
                 for desk_id in range(1, desk_count + 1)]
    typical_s = {s: float(data.draw(st.sampled_from([60, 150, 300, 420]))) for s in services}
    waiting = []
    for ticket_id in range(1, data.draw(st.integers(0, 25)) + 1):
        waiting.append({"id": ticket_id, "service_id": data.draw(st.sampled_from(services)),
                        "priority": data.draw(st.booleans()), "first_in_line": data.draw(st.integers(0, 1)) == 1
                        and data.draw(st.booleans()),
                        "queued_at": iso(now - timedelta(seconds=data.draw(st.integers(0, 3600))))})
    limit = data.draw(st.sampled_from([300, 900, 1800]))
    new = {"id": 1000, "service_id": data.draw(st.sampled_from(services)), "priority": False,
           "first_in_line": False, "queued_at": iso(now)}
    before = estimates.replay(desk_rows, waiting, now, limit, typical_s.get)
    assert estimates.with_new_ticket(before, new, typical_s.get) == \
        estimates.replay(desk_rows, waiting + [new], now, limit, typical_s.get)


@settings(max_examples=300, deadline=None)
@given(data=st.data())
def test_a_services_linked_desks_alone_replay_its_figures_exactly(data):
    """The replay for one service keeps only the desks linked to it through shared services: the same
    moments for each of its tickets and the same first free desk as a replay of the whole hall."""
    from datetime import datetime, timedelta, timezone
    now = datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)
    services = list(range(1, data.draw(st.integers(1, 8)) + 1))
    desk_rows = [(float(data.draw(st.integers(0, 600))), desk_id,
                  tuple(data.draw(st.lists(st.sampled_from(services), min_size=1, max_size=3, unique=True))))
                 for desk_id in range(1, data.draw(st.integers(1, 8)) + 1)]
    typical_s = {s: float(data.draw(st.sampled_from([60, 150, 300, 420]))) for s in services}
    waiting = [{"id": i, "service_id": data.draw(st.sampled_from(services)), "priority": data.draw(st.booleans()),
                "first_in_line": data.draw(st.booleans()),
                "queued_at": iso(now - timedelta(seconds=data.draw(st.integers(0, 3600))))}
               for i in range(1, data.draw(st.integers(0, 30)) + 1)]
    limit = data.draw(st.sampled_from([300, 900, 1800]))
    whole = estimates.replay(desk_rows, waiting, now, limit, typical_s.get)
    for sid in services:
        linked = estimates.linked_desks(desk_rows, sid)
        served = {s for d in linked for s in d[2]}
        alone = estimates.replay(linked, [t for t in waiting if t["service_id"] in served], now, limit, typical_s.get)
        own = [t["id"] for t in waiting if t["service_id"] == sid]
        assert {i: alone.called_in.get(i) for i in own} == {i: whole.called_in.get(i) for i in own}
        assert alone.first_idle().get(sid) == whole.first_idle().get(sid)


def test_a_service_without_a_working_desk_is_replayed_with_its_own_desk_alone(db, clock, monkeypatch):
    """Desks 1-5 at work, Ж's desk 6 not yet: Ж's figures come from a replay of desk 6 alone (its first desk
    assumed to open), not of the whole hall plus desk 6 — in a hall of 40 desks, one such replay per service
    without a working desk cost the whole hall's replay each, after every call."""
    staff(db, clock, 1, 2, 3, 4, 5)
    take(db, clock, А, 3)
    ж1, ж2 = take(db, clock, Ж, 2)
    seen = []
    real = estimates.replay
    monkeypatch.setattr(estimates, "replay", lambda desks, *rest: seen.append(sorted(d[1] for d in desks))
                        or real(desks, *rest))
    estimates._floors.clear()
    assert figures(db, clock, ж2) == (1, 300)      # one ahead, five minutes (no history: the default visit)
    assert seen == [[6]]


def test_typical_times_are_read_again_only_for_the_service_whose_visit_ended(db, clock, monkeypatch):
    """A call changes the hall, not any finished visit: no service's history is read again for the figures
    after it (a hall of 127 services read 127 histories after every call); a visit's end re-reads its
    service's alone, and the figures stay those of a fresh reading (the property test below checks that)."""
    staff(db, clock, 1, 2, 3, 4, 5, 6)
    take(db, clock, А, 2)
    take(db, clock, Б, 2)
    views.services_view(db, "demo", clock())
    read = []
    real = queue_store.recent_visits
    monkeypatch.setattr(queue_store, "recent_visits", lambda db, sid, *rest: read.append(sid) or real(db, sid, *rest))
    called = tickets.call_next(db, 2, clock()).ticket            # desk 2 held nobody: nothing ended
    tickets.start(db, called["id"], clock())
    clock.advance(minutes=3)
    views.services_view(db, "demo", clock())
    assert read == []
    tickets.finish(db, called["id"], clock())
    views.services_view(db, "demo", clock())
    assert read == [А]


def test_a_desk_nobody_has_worked_at_today_does_not_promise_a_free_desk(db, clock):
    # #19: desk 1 works, desk 2 (А only) has nobody; А with one waiting showed no estimate beside Б's "≈ 5 min".
    staff(db, clock, 1)
    take(db, clock, А)
    take(db, clock, Б)
    assert new_ticket_wait(db, clock, А) == 300           # desk 1 calls the one waiting, then the newcomer
    assert new_ticket_wait(db, clock, Б) == 300           # desk 3 has not worked yet: assumed to open now
    staff(db, clock, 2)                                    # someone sits down at desk 2: it calls at once
    assert new_ticket_wait(db, clock, А) == 0


def test_with_nobody_at_work_yet_one_desk_of_each_service_is_assumed_to_open(db, clock):
    a1, a2 = take(db, clock, А, 2)
    assert figures(db, clock, a2) == (1, 300)
    assert new_ticket_wait(db, clock, А) == 600


# --- figures kept between changes and across time, against a full replay --------------------------

OPERATIONS = ["issue", "issue", "issue", "priority", "call", "call", "start", "finish", "no_show", "return",
              "transfer", "pause", "resume", "cancel", "wait", "wait"]


def _all_figures(db, now) -> tuple:
    waiting = queue_store.waiting_in(db, list(range(1, 8)))
    return (tuple(sorted((t["id"], views.ticket_view(db, queue_store.ticket(db, t["id"]), now)["estimated_wait_s"])
                         for t in waiting)),
            tuple(s["estimated_wait_s"] for s in views.services_view(db, "demo", now)))


@settings(max_examples=25, deadline=None)
@given(steps=st.lists(st.tuples(st.sampled_from(OPERATIONS), st.integers(1, 7), st.integers(1, 6),
                                st.sampled_from([0, 1, 7, 45, 130, 400])), min_size=5, max_size=30))
def test_figures_kept_through_calls_finishes_pauses_and_transfers_equal_a_full_replay(tmp_path_factory, steps):
    """After every change, and as time passes without one, the kept figures are a fresh replay's."""
    from datetime import datetime, timedelta, timezone

    from kezek import demo
    from kezek.base import database
    from kezek.base.errors import KezekError
    from kezek.queue import transfers
    now = [datetime(2026, 11, 23, 5, 0, tzinfo=timezone.utc)]
    db = database.init_db(tmp_path_factory.mktemp("replay") / "kezek.db")
    try:
        demo.load_demo(db, now[0], password="replay-pass-123")
        for desk_id in range(1, 7):                       # everyone at work
            desks.pause(db, desk_id, "start", now[0])
            desks.resume(db, desk_id, now[0])
        tokens = []
        for name, service, desk_id, seconds in steps:
            current = office_store.desk(db, desk_id)["current_ticket_id"]
            held = queue_store.ticket(db, current) if current else None
            try:
                if name in ("issue", "priority"):
                    extra = {"priority": True, "priority_reason": "elderly"} if name == "priority" else {}
                    tokens.append(tickets.issue(db, service, now[0], **extra).ticket["token"])
                elif name == "call":
                    tickets.call_next(db, desk_id, now[0])
                elif name in ("start", "finish", "no_show", "return") and held:
                    {"start": tickets.start, "finish": tickets.finish, "no_show": tickets.no_show,
                     "return": tickets.return_to_queue}[name](db, held["id"], now[0])
                elif name == "transfer" and held:
                    transfers.transfer(db, held["id"], service, now[0])
                elif name == "pause":
                    desks.pause(db, desk_id, "break", now[0])
                elif name == "resume":
                    desks.resume(db, desk_id, now[0])
                elif name == "cancel" and tokens:
                    tickets.cancel(db, tokens[service % len(tokens)], now[0])
            except KezekError:
                pass                                      # a transition the state does not allow: nothing changed
            for later in (0, seconds):                    # the answer right after the change, then time passes
                now[0] += timedelta(seconds=later)
                kept = _all_figures(db, now[0])
                saved = dict(estimates._floors)
                estimates._floors.clear()
                assert _all_figures(db, now[0]) == kept, (name, service, desk_id, later)
                estimates._floors.clear()
                estimates._floors.update(saved)           # go on with what was kept, as a server does
    finally:
        db.close()
