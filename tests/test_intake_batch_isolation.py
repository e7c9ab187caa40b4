"""One file of a batch that fails for a reason other than its content (an unexpected exception,
not a rejection) is rejected alone: the batch's other files still load, in the same transaction
and swap, and nothing of the failing file reaches the fact tables, even when it had been read,
checked and staged before it failed. It is archived as rejected with a message that names it,
says the error was internal, that it can be sent again or reported, and the exception's type;
a rebuild from the archive rejects it again with the same message.

The failures are real, provoked on the file system: a file removed between listing a folder and
loading it (another process moved it away), and a file whose unit's archive folder cannot be
made because a stray file holds its name.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import duckdb

from etl.build import build
from etl.load import load_files
from tests.helpers import make_workbook, rows

TODAY = dt.date(2025, 1, 20)
JUN = dt.date(2024, 6, 1)
EMPTY_SHA = hashlib.sha256(b"").hexdigest()
FACTS = {
    "fact_service_volume": "select period, unit_code, service_code, total_dossiers, online_dossiers, on_time, overdue, source, "
                           "submission_id from fact_service_volume where source <> 'official' order by all",
    "fact_identity": "select period, unit_code, cccd_records, vneid_applications, vneid_activated, vneid_target, source, "
                     "submission_id from fact_identity where source <> 'official' order by all",
    "fact_cleaning": "select period, unit_code, dataset_code, records_cleaned, records_total, source, submission_id "
                     "from fact_cleaning where source <> 'official' order by all",
    "fact_task_status": "select * from fact_task_status where source <> 'official' order by all",
    "submission_topic": "select submission_id, unit_code, period, topic, row_count, superseded_by from submission_topic order by all",
}
SUBMISSIONS = "select * from submission order by submission_id"


def internal(name: str, exception: str, sid: str) -> str:
    return (f"Lỗi nội bộ của hệ thống khi xử lý tệp '{name}' ({exception}): tệp chưa được nạp; "
            "các tệp khác của lần nộp này không bị ảnh hưởng. Hãy nộp lại tệp này; nếu vẫn lỗi, hãy báo cho quản trị viên "
            f"(mã nộp {sid}).")


def facts(warehouse: Path) -> dict[str, list[tuple]]:
    return {t: rows(warehouse, q) for t, q in FACTS.items()}


def logged(warehouse: Path, sid: str) -> tuple:
    return rows(warehouse, "select s.file_name, l.status, s.message, s.sha256, s.unit_code, s.period, s.archive_path "
                           "from submission as s join submission_log as l using (submission_id) where submission_id = ?", [sid])[0]


def assert_rebuild_reproduces(warehouse: Path, raw: Path, tmp_path: Path) -> None:
    """`python -m etl build` from the archive gives the same log, rejection included, and figures."""
    rebuilt = tmp_path / "rebuilt.duckdb"
    build(rebuilt, raw, progress=False, workers=1)
    assert rows(rebuilt, SUBMISSIONS) == rows(warehouse, SUBMISSIONS)
    assert facts(rebuilt) == facts(warehouse)


def test_a_file_removed_between_listing_and_loading(empty_warehouse, tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    make_workbook(inbox / "a_395.xlsx", "395", JUN, {"services": {"E06-03": {"total_dossiers": 1500, "online_dossiers": 1400}},
                                                      "identity": {"395": {"cccd_records": 800}}})
    make_workbook(inbox / "b_396.xlsx", "396", JUN, {"services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}})
    make_workbook(inbox / "c_397.xlsx", "397", JUN, {"cleaning": {"children": {"records_cleaned": 10, "records_total": 20}}})
    listing = [(p, p.name) for p in sorted(inbox.glob("*.xlsx"))]
    (inbox / "b_396.xlsx").unlink()  # another process moves it away before the batch reads it

    a, b, c = load_files(listing, warehouse=empty_warehouse, archive_root=raw, today=TODAY, submitted_by="test")

    assert (a.status, b.status, c.status) == ("accepted", "rejected", "accepted")
    assert [(i.severity, str(i)) for i in b.issues] == [("error", internal("b_396.xlsx", "FileNotFoundError", b.submission_id))]
    assert b.submission_id.endswith("-" + EMPTY_SHA[:12])  # nothing of it could be read
    assert facts(empty_warehouse) == {
        "fact_service_volume": [(JUN, "395", "E06-03", 1500, 1400, None, None, "submitted", a.submission_id)],
        "fact_identity": [(JUN, "395", 800, None, None, None, "submitted", a.submission_id)],
        "fact_cleaning": [(JUN, "397", "children", 10, 20, "submitted", c.submission_id)],
        "fact_task_status": [],
        "submission_topic": sorted([(a.submission_id, "395", JUN, "identity", 1, None), (a.submission_id, "395", JUN, "services", 1, None),
                                    (c.submission_id, "397", JUN, "cleaning", 1, None)]),
    }
    # The marts were refreshed with the batch: the good files are in them.
    assert rows(empty_warehouse, "select unit_code, total_dossiers from service_volume_monthly where period = ? and service_code = 'E06-03' "
                                 "order by 1", [JUN]) == [("38", 1500), ("395", 1500)]

    name, status, message, sha, unit, period, archive_path = logged(empty_warehouse, b.submission_id)
    assert (name, status, message, sha, unit, period) == ("b_396.xlsx", "rejected", str(b.issues[0]), EMPTY_SHA, None, None)
    archived = Path(archive_path)
    assert archived.parent == raw / "unsorted" and archived.read_bytes() == b""
    manifest = json.loads(archived.with_suffix(".json").read_text(encoding="utf-8"))
    assert {k: manifest[k] for k in ("file_name", "sha256", "internal_error", "message")} == {
        "file_name": "b_396.xlsx", "sha256": EMPTY_SHA, "internal_error": "FileNotFoundError", "message": message}
    assert_rebuild_reproduces(empty_warehouse, raw, tmp_path)


def test_a_file_that_fails_after_it_was_checked_leaves_nothing_behind(empty_warehouse, tmp_path):
    """June's file is valid and is staged in the batch (it would replace nothing, and July's file
    is checked against it) but archiving it fails: a stray file named like its unit's archive
    folder. July is then checked against May, as if June had not been sent: no warning that the
    stock fell from June's 1.000 to 900."""
    raw = tmp_path / "raw"
    (raw / "2024-06").mkdir(parents=True)
    (raw / "2024-06" / "396").write_text("not a folder")
    may, jun, jul = (make_workbook(tmp_path / f"396_{m}.xlsx", "396", dt.date(2024, m, 1), {"identity": {"396": {"cccd_records": n}}})
                     for m, n in ((5, 800), (6, 1000), (7, 900)))

    r5, r6, r7 = load_files([(may, may.name), (jun, jun.name), (jul, jul.name)], warehouse=empty_warehouse, archive_root=raw,
                            today=TODAY, submitted_by="test")

    assert (r5.status, r6.status, r7.status) == ("accepted", "rejected", "accepted")
    assert [(i.severity, str(i)) for i in r6.issues] == [("error", internal("396_6.xlsx", "FileExistsError", r6.submission_id))]
    assert r7.warnings == []
    assert facts(empty_warehouse)["fact_identity"] == [
        (dt.date(2024, 5, 1), "396", 800, None, None, None, "submitted", r5.submission_id),
        (dt.date(2024, 7, 1), "396", 900, None, None, None, "submitted", r7.submission_id)]
    assert rows(empty_warehouse, "select submission_id, period from submission_topic order by 2") == [
        (r5.submission_id, dt.date(2024, 5, 1)), (r7.submission_id, dt.date(2024, 7, 1))]
    assert rows(empty_warehouse, "select count(*) from identity_unit_monthly where unit_code = '396' and period = ?", [JUN]) == [(0,)]

    sha = hashlib.sha256(jun.read_bytes()).hexdigest()
    name, status, message, logged_sha, unit, period, archive_path = logged(empty_warehouse, r6.submission_id)
    assert (name, status, message, logged_sha, unit, period) == ("396_6.xlsx", "rejected", str(r6.issues[0]), sha, "396", JUN)
    archived = Path(archive_path)
    assert archived.parent == raw / "unsorted" and archived.read_bytes() == jun.read_bytes()
    manifest = json.loads(archived.with_suffix(".json").read_text(encoding="utf-8"))
    assert (manifest["internal_error"], manifest["message"], manifest["unit_code"], manifest["period"]) == \
        ("FileExistsError", message, "396", "2024-06")
    assert_rebuild_reproduces(empty_warehouse, raw, tmp_path)


def test_a_dry_run_reports_the_failure_and_writes_nothing(empty_warehouse, tmp_path):
    good = make_workbook(tmp_path / "good.xlsx", "395", JUN, {"identity": {"395": {"cccd_records": 800}}})
    gone = tmp_path / "gone.xlsx"
    before = empty_warehouse.read_bytes()
    ok, failed = load_files([(good, good.name), (gone, gone.name)], warehouse=empty_warehouse, archive_root=tmp_path / "raw",
                            today=TODAY, dry_run=True)
    assert (ok.status, failed.status) == ("valid", "rejected")
    assert [str(i) for i in failed.errors] == [internal("gone.xlsx", "FileNotFoundError", failed.submission_id)]
    assert empty_warehouse.read_bytes() == before
    assert not any((tmp_path / "raw").iterdir())


def test_the_same_file_after_a_failure_loads(empty_warehouse, tmp_path):
    """The file the message asks to send again is loaded when it is: the rejection blocks nothing."""
    raw = tmp_path / "raw"
    f = make_workbook(tmp_path / "inbox" / "395.xlsx", "395", JUN, {"identity": {"395": {"cccd_records": 800}}})
    moved = f.with_name("moved.xlsx")
    f.rename(moved)
    [failed] = load_files([(f, f.name)], warehouse=empty_warehouse, archive_root=raw, today=TODAY)
    moved.rename(f)
    [again] = load_files([(f, f.name)], warehouse=empty_warehouse, archive_root=raw, today=TODAY)
    assert (failed.status, again.status) == ("rejected", "accepted")
    assert rows(empty_warehouse, "select cccd_records, submission_id from fact_identity where unit_code = '395'") == [(800, again.submission_id)]
    con = duckdb.connect(str(empty_warehouse), read_only=True)
    try:
        assert con.execute("select status from submission_log order by submitted_at").fetchall() == [("rejected",), ("accepted",)]
    finally:
        con.close()
    assert_rebuild_reproduces(empty_warehouse, raw, tmp_path)
