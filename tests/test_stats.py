"""Report figures match a known event history, and the CSV/XLSX exports carry the same numbers."""
from __future__ import annotations

import csv
import io
import math

import pytest
from openpyxl import load_workbook

from kezek.base import database
from kezek.log import report_facts
from kezek.office import config
from kezek.office import store as office_store
from kezek.queue import ratings, tickets, transfers
from kezek.reports import figures
from tests.conftest import login

DAY1, DAY2 = "2026-11-23", "2026-11-24"

# Minutes after 10:00 Almaty on DAY1. Service А at desk 2 (operator1), Б at desk 3 (operator2).
# key: (service, issued, called, started, end, outcome)
PLAN = {
    "A1": ("А", 0, 3, 4, 10, "done"),
    "A2": ("А", 2, 11, 12, 20, "done"),
    "A3": ("А", 5, 21, None, 23, "no_show"),
    "A4": ("А", 9, 24, 25, 28, "done"),
    "A5": ("А", 15, None, None, 17, "cancelled"),
    "A6": ("А", 16, 30, 31, 33, "transfer"),      # to Б; called again at 34 by desk 3
    "B1": ("Б", 1, 6, 7, 19, "done"),
    "B2": ("Б", 26, 42, 43, 50, "done"),
}
A6_AGAIN = (34, 35, 41)   # called, started, finished at desk 3
RATINGS = {"A1": 5, "A2": 4, "B1": 3}
TARGET_A = 600            # service А's target wait; Б keeps the office's 900 s


def mean(xs):
    return sum(xs) / len(xs)


def median(xs):
    s = sorted(xs)
    n = len(s)
    return s[n // 2] if n % 2 else (s[n // 2 - 1] + s[n // 2]) / 2


def p90(xs):
    s = sorted(xs)
    return s[math.ceil(0.9 * len(s)) - 1]


def run_history(db, clock):
    """Drive the engine through PLAN (and one ticket on DAY2); returns ticket ids by key."""
    start = clock.now
    ids = {s["prefix"]: s["id"] for s in office_store.services(db, "demo")}
    config.update_service(db, ids["А"], {"target_wait_s": TARGET_A}, clock.now)
    users = {r["username"]: r["id"] for r in db.query("SELECT id, username FROM users")}
    desk = {"А": 2, "Б": 3}
    user = {"А": users["operator1"], "Б": users["operator2"]}
    steps = []
    for key, (svc, issued, called, started, end, outcome) in PLAN.items():
        steps.append((issued, 0, "issue", key))
        if called is not None:
            steps.append((called, 1, "call", key))
        if started is not None:
            steps.append((started, 2, "start", key))
        steps.append((end, 3, outcome, key))
    steps += [(A6_AGAIN[0], 1, "call_b", "A6"), (A6_AGAIN[1], 2, "start", "A6"), (A6_AGAIN[2], 3, "done", "A6")]
    made = {}
    for minute, _, action, key in sorted(steps):
        from datetime import timedelta
        clock.now = start + timedelta(minutes=minute)
        svc = PLAN[key][0]
        if action == "issue":
            made[key] = tickets.issue(db, ids[svc], clock.now).ticket
        elif action in ("call", "call_b"):
            d = 3 if action == "call_b" else desk[svc]
            called = tickets.call_next(db, d, clock.now, user_id=user["Б" if d == 3 else svc]).ticket
            assert called["id"] == made[key]["id"], (key, called["display_number"])
        elif action == "start":
            tickets.start(db, made[key]["id"], clock.now, user_id=None)
        elif action == "done":
            tickets.finish(db, made[key]["id"], clock.now)
        elif action == "no_show":
            tickets.no_show(db, made[key]["id"], clock.now)
        elif action == "cancelled":
            tickets.cancel(db, made[key]["token"], clock.now)
        elif action == "transfer":
            transfers.transfer(db, made[key]["id"], ids["Б"], clock.now, user_id=user["А"])
    for key, rating in RATINGS.items():
        ratings.rate(db, made[key]["token"], rating, None, clock.now)
    # DAY2: one ticket of А, waits 5 min, served 10 min; and a DAY3 ticket outside the period.
    clock.now = start + timedelta(days=1)
    t = tickets.issue(db, ids["А"], clock.now).ticket
    clock.advance(minutes=5)
    tickets.call_next(db, 2, clock.now, user_id=users["operator1"])
    tickets.start(db, t["id"], clock.now)
    clock.advance(minutes=10)
    tickets.finish(db, t["id"], clock.now)
    clock.now = start + timedelta(days=2)
    tickets.issue(db, ids["А"], clock.now)
    return ids, users


def expected(keys, *, transferred=0):
    """Figures of a group of PLAN tickets, worked out from the plan alone."""
    waits = [(PLAN[k][2] - PLAN[k][1]) * 60 for k in keys if PLAN[k][2] is not None]
    services = []
    for k in keys:
        if k == "A6":
            services.append((A6_AGAIN[2] - A6_AGAIN[1]) * 60)
        elif PLAN[k][5] == "done":
            services.append((PLAN[k][4] - PLAN[k][3]) * 60)
    served = [k for k in keys if PLAN[k][5] in ("done", "transfer")]
    target = {"А": TARGET_A, "Б": 900}
    ok = [k for k in served if (PLAN[k][2] - PLAN[k][1]) * 60 <= target[PLAN[k][0]]]
    ratings = [RATINGS[k] for k in keys if k in RATINGS]
    return {
        "issued": len(keys), "served": len(served),
        "no_show": sum(PLAN[k][5] == "no_show" for k in keys),
        "cancelled": sum(PLAN[k][5] == "cancelled" for k in keys), "transferred": transferred,
        "wait_mean_s": mean(waits), "wait_median_s": median(waits), "wait_p90_s": p90(waits),
        "service_mean_s": mean(services), "service_median_s": median(services), "service_p90_s": p90(services),
        "within_target": round(len(ok) / len(served), 4), "rated": len(ratings),
        "rating_mean": round(mean(ratings), 2) if ratings else None,
    }


def check(row, want):
    for name, value in want.items():
        assert row[name] == pytest.approx(value, abs=0.051), (row.get("label"), name, row[name], value)


def test_report_per_service_desk_operator_matches_the_history(db, clock):
    ids, users = run_history(db, clock)
    report = figures.report(db, "demo", DAY1, DAY1)
    by_service = {r["key"]: r for r in report["by_service"]}
    a_keys = [k for k in PLAN if PLAN[k][0] == "А"]
    b_keys = [k for k in PLAN if PLAN[k][0] == "Б"]
    check(by_service[ids["А"]], expected(a_keys, transferred=1))
    check(by_service[ids["Б"]], expected(b_keys))
    check(report["totals"], expected(list(PLAN), transferred=1))
    by_desk = {r["key"]: r for r in report["by_desk"]}
    check(by_desk[2], expected(["A1", "A2", "A3", "A4"], transferred=1))   # A6 ended at desk 3
    check(by_desk[3], expected(["B1", "B2", "A6"]))
    by_operator = {r["label"]: r for r in report["by_operator"]}
    assert by_operator["operator1"]["served"] == 3 and by_operator["operator1"]["transferred"] == 1
    assert by_operator["operator2"]["served"] == 3
    assert [r["key"] for r in report["by_hour"]] == [10]
    check(report["by_hour"][0], expected(list(PLAN), transferred=1))


def test_report_per_day_counts_each_office_day_and_leaves_out_other_days(db, clock):
    run_history(db, clock)
    report = figures.report(db, "demo", DAY1, DAY2)
    days = {r["key"]: r for r in report["by_day"]}
    assert sorted(days) == [DAY1, DAY2]
    check(days[DAY1], expected(list(PLAN), transferred=1))
    assert days[DAY2]["issued"] == 1 and days[DAY2]["served"] == 1
    assert days[DAY2]["wait_mean_s"] == pytest.approx(300, abs=0.05)
    assert days[DAY2]["service_mean_s"] == pytest.approx(600, abs=0.05)
    assert report["totals"]["issued"] == len(PLAN) + 1     # the DAY3 ticket is outside


def test_a_period_with_no_tickets_has_zero_counts_and_no_times(db, clock):
    report = figures.report(db, "demo", "2020-01-01", "2020-01-31")
    assert report["totals"]["issued"] == 0 and report["totals"]["wait_mean_s"] is None
    assert report["by_day"] == []


@pytest.mark.parametrize("start,end", [("2026-13-01", None), ("2026-11-30", "2026-11-01"), ("2020-01-01", "2026-01-01")])
def test_bad_periods_are_refused(start, end):
    from kezek.base.errors import Invalid
    with pytest.raises(Invalid):
        figures.parse_period(start, end, "2026-11-23")


def _api_history(app, clock):
    handle = database.open_db(app.config["DB"])
    try:
        return run_history(handle, clock)
    finally:
        handle.close()


def test_stats_api_json_csv_and_xlsx_carry_the_same_numbers(app, clock):
    _api_history(app, clock)
    c = app.test_client()
    login(c, "manager")
    q = f"/api/v1/stats?from={DAY1}&to={DAY2}"
    data = c.get(q).get_json()
    check(data["totals"], expected(list(PLAN), transferred=1) | {"issued": len(PLAN) + 1, "served": 7,
                                                                  "wait_mean_s": (3420 + 1260 + 300) / 8,
                                                                  "wait_median_s": 690, "wait_p90_s": 960,
                                                                  "service_mean_s": (1380 + 1140 + 600) / 7,
                                                                  "service_median_s": 420, "service_p90_s": 720,
                                                                  "within_target": round(4 / 7, 4)})
    response = c.get(q, headers={"Accept": "text/csv"})
    assert response.mimetype == "text/csv"
    table = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    json_rows = [("total", "", data["totals"])] + [
        (dim, str(r["key"]), r) for dim in figures.DIMENSIONS for r in data[f"by_{dim}"]]
    assert len(table) == len(json_rows)
    for line, (dim, key, row) in zip(table, json_rows):
        assert (line["dimension"], line["key"]) == (dim, key)
        for col in figures.COLUMNS:
            assert line[col] == ("" if row[col] is None else str(row[col])), (dim, key, col)

    for xlsx in (c.get(q + "&format=xlsx"),
                 c.get(q, headers={"Accept": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"})):
        assert xlsx.status_code == 200 and xlsx.data[:2] == b"PK"
        sheet = load_workbook(io.BytesIO(xlsx.data))["report"]
        cells = list(sheet.iter_rows(min_row=3, values_only=True))
        assert len(cells) == len(json_rows)
        for line, (dim, key, row) in zip(cells, json_rows):
            assert line[0] == dim
            assert list(line[3:]) == [row[col] for col in figures.COLUMNS]


def test_stats_need_the_manager_role(app, operator):
    c, _ = operator
    assert c.get("/api/v1/stats").status_code == 403
    assert app.test_client().get("/api/v1/stats").status_code == 401
    m = app.test_client()
    login(m, "manager")
    assert m.get("/api/v1/stats?from=2026-99-01").status_code == 422


def test_rebuilding_the_summary_from_the_log_gives_the_same_report(db, clock):
    run_history(db, clock)
    before = figures.report(db, "demo", DAY1, DAY2)
    assert report_facts.rebuild(db) > 20
    assert figures.report(db, "demo", DAY1, DAY2) == before
