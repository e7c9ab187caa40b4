"""Every bad workbook of tests/bad_workbooks/ is rejected through the real load path with
exactly the messages of cases.json, changes no fact, and is archived as rejected.

The corpus is written by tests/bad_workbooks/make.py; the 50 MB file and the zip bomb are
written at run time (never stored in git).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import shutil
from pathlib import Path

import duckdb
import pytest

from accounts import store
from etl.intake import submit
from etl.load import load_files
from etl.periods import parse_period
from tests.bad_workbooks import make

FOLDER = Path(__file__).resolve().parent / "bad_workbooks"
CASES = json.loads((FOLDER / "cases.json").read_text(encoding="utf-8"))
TODAY = dt.date(2025, 1, 20)
WHEN = dt.datetime(2025, 1, 20, 9, 0)
FACT_QUERIES = {
    "fact_service_volume": "select * from fact_service_volume order by all",
    "fact_identity": "select * from fact_identity order by all",
    "fact_cleaning": "select * from fact_cleaning order by all",
    "fact_task_status": "select * from fact_task_status order by all",
    "submission_topic": "select * from submission_topic order by all",
}


def _facts(warehouse: Path) -> dict[str, list[tuple]]:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: con.execute(q).fetchall() for t, q in FACT_QUERIES.items()}
    finally:
        con.close()


@pytest.fixture(scope="session")
def generated(tmp_path_factory) -> dict[str, Path]:
    """The big cases, written once per test session."""
    folder = tmp_path_factory.mktemp("big_workbooks")
    return {"big_file": make.big_file(folder / "big_50mb.xlsx"), "zip_bomb": make.zip_bomb(folder / "zip_bomb.xlsx")}


def test_corpus_is_complete():
    stored = {p.name for p in FOLDER.iterdir() if p.suffix in (".xlsx", ".csv")}
    assert stored == {n for n, c in CASES.items() if "generated" not in c}
    assert len(CASES) >= 25
    assert all(c["issues"] and any(sev == "error" for sev, _ in c["issues"]) for c in CASES.values())


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_workbook_is_rejected_and_changes_nothing(name, sample_db, tmp_path, generated, monkeypatch):
    case = CASES[name]
    path = generated[case["generated"]] if "generated" in case else FOLDER / name
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    raw = tmp_path / "raw"
    before = _facts(warehouse)

    if "user_units" in case:  # an uploader bound to another unit, through the one intake path
        monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
        acc = store.connect()
        user = store.create_user(acc, "canbo", "mot-mat-khau-dai", "uploader", tuple(case["user_units"]))
        acc.close()
        [result] = submit([(path, name)], user=user, warehouse=warehouse, raw=raw)
    else:
        [result] = load_files([(path, name)], warehouse=warehouse, declared_unit=case.get("declared_unit"),
                              declared_period=parse_period(case["declared_period"]) if "declared_period" in case else None,
                              submitted_by="test", submitted_at=WHEN, archive_root=raw, today=TODAY)

    assert result.status == "rejected"
    assert [[i.severity, str(i)] for i in result.issues] == case["issues"]
    assert _facts(warehouse) == before

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        log = con.execute("select file_name, status, message, sha256 from submission_log where submission_id = ?",
                          [result.submission_id]).fetchone()
        archive_path = con.execute("select archive_path from submission where submission_id = ?", [result.submission_id]).fetchone()[0]
    finally:
        con.close()
    assert log[:3] == (name, "rejected", "\n".join(text for _, text in case["issues"]))
    archived = Path(archive_path)
    assert archived.is_file() and archived.is_relative_to(raw)
    assert hashlib.sha256(archived.read_bytes()).hexdigest() == log[3] == hashlib.sha256(path.read_bytes()).hexdigest()
    assert json.loads(archived.with_suffix(".json").read_text(encoding="utf-8"))["file_name"] == name
