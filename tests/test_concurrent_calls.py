"""Two desks calling at the same moment never get the same ticket."""
from __future__ import annotations

import threading

from kezek.base import database
from kezek.queue import tickets


def test_desks_calling_at_once_get_different_tickets(db, db_path, clock):
    # desks 1 and 2 both serve service 1 (А)
    issued = {tickets.issue(db, 1, clock()).ticket["id"] for _ in range(40)}
    got: dict[int, list[int]] = {1: [], 2: []}
    errors = []
    barrier = threading.Barrier(2)

    def desk(desk_id):
        own = database.open_db(db_path)
        try:
            while True:
                # Both desks press "call next" at the same moment, round after round (without
                # the barrier one thread may finish the whole queue before the other starts).
                barrier.wait(timeout=30)
                t = tickets.call_next(own, desk_id, clock()).ticket
                if t is None:
                    return
                got[desk_id].append(t["id"])
                tickets.start(own, t["id"], clock())
        except BaseException as exc:  # noqa: BLE001
            errors.append(exc)
            barrier.abort()
        finally:
            own.close()

    pool = [threading.Thread(target=desk, args=(d,)) for d in (1, 2)]
    for t in pool:
        t.start()
    for t in pool:
        t.join(60)
    assert not errors
    assert not set(got[1]) & set(got[2]), "a ticket was called at two desks"
    assert set(got[1]) | set(got[2]) == issued
    assert len(got[1]) == len(got[2]) == 20, "in every round each desk called one visitor"
    rows = list(db.query("SELECT status, COUNT(*) n FROM tickets GROUP BY status"))
    assert rows == [{"status": "done", "n": 40}]


def test_the_database_refuses_one_ticket_at_two_desks(db, clock):
    t = tickets.issue(db, 1, clock()).ticket
    tickets.call_next(db, 1, clock())
    import pytest
    with pytest.raises(database.IntegrityError):
        with database.transaction(db):
            db.execute("UPDATE desks SET current_ticket_id = ? WHERE id = 2", (t["id"],))
