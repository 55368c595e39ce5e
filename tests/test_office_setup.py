"""Setting up an office on a fresh install: README's deployment steps, the CSV/XLSX import, prefixes, official names."""
from __future__ import annotations

import csv
import io
import re
import shlex
from pathlib import Path

import pytest
from helpers import login
from openpyxl import load_workbook

import server
from kezek.web.app import create_app

ROOT = Path(__file__).resolve().parents[1]
BIG_OFFICE = ROOT / "tests" / "samples" / "big_office.csv"


def readme_deployment_commands() -> list[str]:
    """The `python server.py …` lines of README's deployment step 2, as written."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Deploying in an office"):]
    step = section[section.index("2. **The office**"):section.index("3. **")]
    return [line.strip() for line in step.splitlines() if line.strip().startswith("python server.py ")]


def run_cli(command: str, db: Path, capsys) -> tuple[int, str]:
    """Run one `python server.py …` line in this process (as its shell would split it): (exit code, output)."""
    words = shlex.split(command.replace("var/kezek.db", str(db)).replace("services.csv", str(BIG_OFFICE)))
    assert words[:2] == ["python", "server.py"]
    capsys.readouterr()
    code = server.main(words[2:])
    out = capsys.readouterr()
    return code, out.out + out.err


def fresh_app(db: Path):
    return create_app({"DB": str(db), "TESTING": True, "SECRET_KEY": "t", "ASYNC_MODE": "threading",
                       "PUBLIC_URL": "http://kezek.test"})


def test_readmes_deployment_steps_set_up_a_fresh_office_that_the_first_admin_signs_into(tmp_path, capsys):
    commands = readme_deployment_commands()
    assert any("create-office" in c for c in commands) and any("create-device" in c for c in commands)
    db = tmp_path / "kezek.db"
    outputs = []
    for command in commands:
        code, out = run_cli(command, db, capsys)
        assert code == 0, f"{command}\n{out}"
        outputs.append(out)
    password = re.search(r"password \(shown once\): (\S+)", "\n".join(outputs)).group(1)
    client = fresh_app(db).test_client()
    headers = login(client, "admin", password)
    me = client.get("/api/v1/me").get_json()
    assert [o["id"] for o in me["offices"]] == ["abay-cso"]
    services = client.get("/api/v1/services").get_json()["services"]
    assert len(services) == 120
    assert client.post("/api/v1/services", headers=headers, json={
        "name_kk": "Жаңа қызмет", "name_ru": "Новая услуга", "name_en": "New service"}).status_code == 201
    tokens = [out.strip().splitlines()[-1] for c, out in zip(commands, outputs) if "create-device kiosk" in c]
    kiosk = {"Authorization": f"Bearer {tokens[0]}"}
    ticket = client.post("/api/v1/tickets", headers=kiosk, json={"service": services[0]["id"]})
    assert ticket.status_code in (201, 409), ticket.get_json()   # 409 only when the office is closed right now


@pytest.fixture
def office(tmp_path, capsys):
    """A fresh office (no demo) with its first admin, signed in: (client, headers, db path)."""
    db = tmp_path / "kezek.db"
    for command in ('python server.py create-office big --name-kk "Ашық Абай" --name-ru "Открытый Абай"'
                    ' --name-en "Open Abay" --no-holidays --db var/kezek.db',
                    "python server.py create-user boss --role admin --password boss-pass-123 --db var/kezek.db"):
        assert run_cli(command, db, capsys)[0] == 0
    client = fresh_app(db).test_client()
    return client, login(client, "boss", "boss-pass-123"), db


def post_file(client, headers, data: bytes, **query):
    args = "&".join(f"{k}={v}" for k, v in query.items())
    return client.post(f"/api/v1/office-config/import?{args}", headers=headers, data=data,
                       content_type="text/csv")


def test_the_120_service_office_is_built_from_the_csv_and_reads_back_through_the_api(office):
    client, headers, _db = office
    data = BIG_OFFICE.read_bytes()
    dry = post_file(client, headers, data, dry_run=1)
    assert dry.status_code == 200 and dry.get_json()["created"] == {"groups": 20, "services": 120, "desks": 40}
    assert client.get("/api/v1/services").get_json()["services"] == []        # a dry run changes nothing
    done = post_file(client, headers, data)
    assert done.status_code == 200 and done.get_json()["applied"]
    services = client.get("/api/v1/services").get_json()["services"]
    assert len(services) == 120 and len({s["group_kk"] for s in services}) == 20
    assert len({s["prefix"] for s in services}) == 120                          # every prefix proposed, none twice
    rows = {r["key"]: r for r in csv.DictReader(io.StringIO(data.decode()))}
    # Listed in the file's order (a body's services together), not by the prefixes the import proposed.
    assert [s["name_en"] for s in services] == [r["name_en"] for r in rows.values() if r["record"] == "service"]
    prosthetics = rows["social-3"]
    listed = next(s for s in services if s["name_kk"] == prosthetics["name_kk"])
    assert listed["official_name_kk"] == prosthetics["official_name_kk"] and len(listed["official_name_ru"]) > 140
    assert listed["group_ru"] == "Отдел социальной защиты"
    desks = client.get("/api/v1/desks").get_json()["desks"]
    assert len(desks) == 40 and all(3 <= len(d["service_ids"]) <= 6 for d in desks)
    by_id = {s["id"]: s for s in services}
    assert {by_id[i]["group_en"] for i in desks[0]["service_ids"]} == {"Government for Citizens State Corporation"}


def test_a_dry_run_lists_every_error_by_row_and_column_and_a_bad_import_changes_nothing(office):
    client, headers, _db = office
    bad = ("record,key,prefix,name_kk,name_ru,name_en,group,services\n"
           "group,g,,Әділет,Юстиция,Justice,,\n"
           "service,a,A,Туу,Рождение,Birth,g,\n"            # Latin A …
           "service,b,А,Неке,Брак,Marriage,g,\n"             # … beside a Cyrillic А
           "service,c,,,Смерть,Death,nope,\n"
           "service,d,Ж1,Жер,Земля,Land,g,\n"
           "desk,1,,,,,,a zz\n").encode()
    for dry_run in (1, 0):
        answer = post_file(client, headers, bad, dry_run=dry_run, lang="ru")
        assert answer.status_code == 422
        errors = {(e["row"], e["column"]) for e in answer.get_json()["errors"]}
        assert errors == {(3, "prefix"), (4, "prefix"), (5, "group"), (5, "name_kk"), (6, "prefix"), (7, "services")}
        messages = {(e["row"], e["column"]): e["message"] for e in answer.get_json()["errors"]}
        assert "латинск" in messages[(3, "prefix")].lower()                    # said in the reader's language
    assert client.get("/api/v1/services").get_json()["services"] == []


def test_export_reads_back_as_the_same_office_in_csv_and_xlsx(office):
    client, headers, _db = office
    assert post_file(client, headers, BIG_OFFICE.read_bytes()).status_code == 200
    xlsx = client.get("/api/v1/office-config/export?format=xlsx", headers=headers)
    assert xlsx.status_code == 200
    sheet = load_workbook(io.BytesIO(xlsx.data), read_only=True).worksheets[0]
    assert sum(1 for _ in sheet.iter_rows()) == 1 + 20 + 120 + 40
    again = post_file(client, headers, xlsx.data, dry_run=1).get_json()
    assert again["ok"] and again["updated"] == {"services": 120, "desks": 40} and again["created"]["services"] == 0
    text = client.get("/api/v1/office-config/export", headers=headers).data.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("record,key,prefix,name_kk")


def test_a_name_that_would_run_as_a_formula_is_exported_as_text(office):
    client, headers, _db = office
    assert client.post("/api/v1/services", headers=headers, json={
        "name_kk": "=HYPERLINK(\"http://x\")", "name_ru": "Р", "name_en": "E"}).status_code == 201
    text = client.get("/api/v1/office-config/export", headers=headers).data.decode("utf-8-sig")
    assert "'=HYPERLINK" in text
    again = post_file(client, headers, text.encode(), dry_run=1).get_json()
    assert again["ok"] and again["updated"]["services"] == 1                  # the apostrophe is taken off again


def test_the_cli_import_dry_run_prints_each_error_and_exits_non_zero(office, tmp_path, capsys):
    _client, _headers, db = office
    bad = tmp_path / "bad.csv"
    bad.write_text("record,key,prefix,name_kk,name_ru,name_en\nservice,x,Q,Салық,Налог,Tax\n"
                   "service,y,Қ,Қала,Город,City\nservice,z,Ж,Жер,Земля,Land\n", encoding="utf-8")
    for dry_run in (" --dry-run", ""):
        code, out = run_cli(f"python server.py import-office-config {bad}{dry_run} --db var/kezek.db", db, capsys)
        assert code == 1
        assert "row 2, column prefix" in out and "row 3, column prefix" in out   # Q is spoken as Қ
        assert "row 4" not in out and "nothing changed" in out
    assert _client.get("/api/v1/services").get_json()["services"] == []


@pytest.mark.parametrize("taken, asked", [("A", "А"), ("Е", "E"), ("О", "O"), ("ВА", "BA"), ("Н", "H"), ("І", "I")])
def test_a_prefix_that_looks_like_another_across_alphabets_is_refused(office, taken, asked):
    client, headers, _db = office
    first = client.post("/api/v1/services", headers=headers,
                        json={"prefix": taken, "name_kk": "Бір", "name_ru": "Один", "name_en": "One"})
    assert first.status_code == 201
    second = client.post("/api/v1/services", headers=headers,
                         json={"prefix": asked, "name_kk": "Екі", "name_ru": "Два", "name_en": "Two"})
    assert second.status_code == 409 and second.get_json()["error"]["code"] == "lookalike_prefix"
    other = client.post("/api/v1/services", headers=headers,
                        json={"name_kk": "Үш", "name_ru": "Три", "name_en": "Three"}).get_json()
    change = client.patch(f"/api/v1/services/{other['id']}", headers=headers, json={"prefix": asked})
    assert change.status_code == 409


def test_a_prefix_of_two_alphabets_is_refused_and_a_missing_one_is_proposed_from_the_name(office):
    client, headers, _db = office
    mixed = client.post("/api/v1/services", headers=headers,
                        json={"prefix": "AБ", "name_kk": "Бір", "name_ru": "Один", "name_en": "One"})
    assert mixed.status_code == 422 and mixed.get_json()["error"]["code"] == "bad_prefix"
    first = client.post("/api/v1/services", headers=headers,
                        json={"name_kk": "Неке қию", "name_ru": "Брак", "name_en": "Marriage"}).get_json()
    second = client.post("/api/v1/services", headers=headers,
                         json={"name_kk": "Неке бұзу", "name_ru": "Развод", "name_en": "Divorce"}).get_json()
    assert (first["prefix"], second["prefix"]) == ("Н", "НБ")
    third = client.post("/api/v1/services", headers=headers,                  # the admin form's empty field
                        json={"prefix": "", "name_kk": "Жер", "name_ru": "Земля", "name_en": "Land"}).get_json()
    assert third["prefix"] == "Ж"
    # No letter drawn like a digit is proposed ("З001" reads "3001" on a ticket); an admin may still give one.
    for name, proposed in (("Зейнетақы", "Е"), ("Отбасы құқығы", "Т")):
        made = client.post("/api/v1/services", headers=headers,
                           json={"name_kk": name, "name_ru": "Р", "name_en": "E"}).get_json()
        assert made["prefix"] == proposed, made
    given = client.post("/api/v1/services", headers=headers,
                        json={"prefix": "З", "name_kk": "Заң", "name_ru": "Закон", "name_en": "Law"})
    assert given.status_code == 201 and given.get_json()["prefix"] == "З"
    # Given no place in the lists, each new service comes after the others (not among them by its prefix).
    listed = [s["prefix"] for s in client.get("/api/v1/services").get_json()["services"]]
    assert listed == ["Н", "НБ", "Ж", "Е", "Т", "З"]


def test_an_official_name_of_any_length_sits_beside_the_short_kiosk_name(office):
    client, headers, _db = office
    official = "Баланың тууын мемлекеттік тіркеу, оның ішінде азаматтық хал актілерінің жазбаларына " * 4
    made = client.post("/api/v1/services", headers=headers, json={
        "name_kk": "Туу туралы куәлік", "name_ru": "Рождение", "name_en": "Birth",
        "official_name_kk": official.strip()})
    assert made.status_code == 201, made.get_json()
    listed = client.get("/api/v1/services").get_json()["services"][0]
    assert listed["name_kk"] == "Туу туралы куәлік" and listed["official_name_kk"] == official.strip()
    assert len(listed["official_name_kk"]) > 300 and listed["official_name_en"] == ""
    too_long = client.post("/api/v1/services", headers=headers, json={
        "name_kk": official, "name_ru": "Р", "name_en": "E"})
    assert too_long.status_code == 422                                           # the kiosk's name stays short


def test_an_admin_made_before_the_first_office_works_in_it_and_signs_in_to_it(tmp_path, capsys):
    db = tmp_path / "kezek.db"
    for command in ("python server.py init-db --db var/kezek.db",
                    "python server.py create-user first --role admin --password first-pass-123 --db var/kezek.db",
                    "python server.py create-user clerk --role operator --password clerk-pass-123 --db var/kezek.db",
                    'python server.py create-office one --name-kk Бір --name-ru Один --name-en One --db var/kezek.db'):
        code, out = run_cli(command, db, capsys)
        assert code == 0, out
    assert "first" in out and "clerk" not in out                   # only admins are given the office
    client = fresh_app(db).test_client()
    login(client, "first", "first-pass-123")
    assert [o["id"] for o in client.get("/api/v1/me").get_json()["offices"]] == ["one"]
