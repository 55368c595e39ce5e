"""Verifying the log and what it says: the hash chain, then every ticket, desk and booking row replayed.

`verify-log` and the admin's "verify" (GET/POST /api/v1/audit/verify) run this. All reads see one
committed state, so a live server's next ticket cannot make a false mismatch.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from kezek.base import database
from kezek.bookings import projection as bookings_projection
from kezek.log import chain
from kezek.moving import check as imported
from kezek.queue import projection as queue_projection
from kezek.queue.projection import Mismatch

SHOWN = 100   # mismatches kept for the report; the rest are counted


@dataclass
class Report:
    """The chain's verification, and the rows that are not what their events say."""

    chain: chain.Verification
    mismatches: list[Mismatch] = field(default_factory=list)
    mismatch_count: int = 0

    @property
    def ok(self) -> bool:
        """Whether the chain is whole and every row agrees with the log."""
        return self.chain.ok and not self.mismatch_count

    def as_dict(self) -> dict:
        """The report as JSON: ok, the chain's fields, and the mismatches shown."""
        return {"ok": self.ok, "checked": self.chain.checked, "bad_id": self.chain.bad_id,
                "reason": self.chain.reason, "chain_ok": self.chain.ok, "mismatch_count": self.mismatch_count,
                "mismatches": [{"table": m.table, "row": m.row, "column": m.column, "row_value": m.row_value,
                                "log_value": m.log_value, "office_id": m.office_id} for m in self.mismatches]}


def mismatches(db):
    """Every row (tickets, desks, transfer targets, visit outcomes, bookings) that differs from its replayed events,
    and every moved event that differs from the entry it was first written with."""
    desk_moves: list = []     # the ticket events that move desks, gathered by the tickets' replay
    visits: list = []         # transfers and outcomes, gathered the same way
    yield from queue_projection.compare_tickets(db, desk_moves, visits)
    yield from queue_projection.compare_desks(db, desk_moves)
    yield from queue_projection.compare_visits(db, visits)
    yield from bookings_projection.compare(db)
    for found in imported.check(db):      # a moved office's rows against the entries its checkpoints sign
        yield Mismatch("events", found.event_id, found.reason, None, None, found.office_id)


def verify(db, *, office_id: str | None = None) -> Report:
    """Check the chain and replay the projection; with office_id, report only that office's mismatches."""
    with database.snapshot(db):
        report = Report(chain.verify(db))
        for mismatch in mismatches(db):
            if office_id is not None and mismatch.office_id not in (office_id, None):
                continue
            report.mismatch_count += 1
            if len(report.mismatches) < SHOWN:
                report.mismatches.append(mismatch)
    return report
