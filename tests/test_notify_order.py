"""A visitor's messages come in the order things happened, even when the notifier runs behind the desks."""
from __future__ import annotations

from kezek.notify import rules, subscribe
from kezek.queue import tickets, transfers


def _kinds(messages) -> list[str]:
    return [m.body for m in messages]


def test_a_late_batch_does_not_tell_you_are_next_before_the_transfer(db, clock):
    now = clock()
    ticket = tickets.issue(db, 1, now, lang="en").ticket
    subscribe.subscribe_phone(db, ticket, "+77010000001", now, ahead=0, lang="en")
    called = tickets.call_next(db, 1, now).events
    started = tickets.start(db, ticket["id"], now).events
    moved = transfers.transfer(db, ticket["id"], 2, now).events
    # The notifier reaches the call and the start only now, with the transfer already committed:
    # the state it reads shows the ticket first in service 2, but the transfer's event is still to come.
    early = _kinds(rules.react(db, called + started, now))
    assert early == ["Please go to desk 1"]
    later = _kinds(rules.react(db, moved, now))
    assert later == ["You have been sent to another service: Land relations. Please wait to be called",
                     "You are next"]
    assert _kinds(rules.react(db, moved[-1:], now)) == []   # told once

