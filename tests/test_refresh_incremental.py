"""A batch load refreshes only the marts and months it touched (etl.marts.refresh_marts with
`changes`) and checks its files against an in-memory view of the warehouse (etl.load.load_files):
both must give exactly what the slow ways give — every materialized mart row for row as a full
refresh computes it, and the same outcomes, warnings, replacements and figures as loading the
files one by one (a batch of one file each)."""
from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import duckdb
import pytest

from bench.intake import district_files, prepare, unit_year_files
from etl.load import load_files
from etl.marts import MART_TOPICS, MART_WHOLE, MATERIALIZED, refresh_marts, view_files
from etl.warehouse import writer
from tests.helpers import make_workbook

FACTS = {"fact_service_volume": "period, unit_code, service_code, total_dossiers, online_dossiers, on_time, overdue, source",
         "fact_identity": "period, unit_code, cccd_records, vneid_applications, vneid_activated, vneid_target, source",
         "fact_cleaning": "period, unit_code, dataset_code, records_cleaned, records_total, source",
         "fact_task_status": "period, task_code, unit_code, status, status_text, source"}


def materialized() -> list[str]:
    return [f.stem for f in view_files() if MATERIALIZED in f.read_text(encoding="utf-8").splitlines()]


def table(con, name: str) -> list[tuple]:
    return con.execute(f'select * from "{name}" order by all').fetchall()


def figures(con, name: str) -> list[tuple]:
    """A mart's rows without its timestamp columns: the times files were received
    (reporting_status's submitted_at), which differ between two loads of the same files."""
    cols = [c for c, t in con.execute(f'select column_name, column_type from (describe "{name}")').fetchall() if t != "TIMESTAMP"]
    return con.execute(f'select {", ".join(cols)} from "{name}" order by all').fetchall()


def assert_marts_as_full_refresh(warehouse: Path, tmp_path: Path) -> None:
    full = tmp_path / "full.duckdb"
    shutil.copyfile(warehouse, full)
    a, b = duckdb.connect(str(warehouse), read_only=True), duckdb.connect(str(full))
    try:
        refresh_marts(b)
        for mart in materialized():
            got, want = table(a, mart), table(b, mart)
            assert len(got) == len(want), mart
            assert got == want, mart
    finally:
        a.close()
        b.close()


def test_every_materialized_mart_says_which_topics_feed_it_or_that_every_load_rebuilds_it():
    """A materialized mart is refreshed in the scope its topics give it (etl/topics, `marts`), or,
    when no topic's scope bounds it, its file says every load recomputes it whole — one or the
    other, never neither."""
    assert not set(MART_TOPICS) & MART_WHOLE
    assert sorted(set(MART_TOPICS) | MART_WHOLE) == sorted(materialized())


@pytest.mark.parametrize("pick", [district_files, unit_year_files], ids=["month-of-districts", "year-of-one-district"])
def test_batch_refresh_equals_full_refresh(sample_db, sample_raw, tmp_path, pick):
    manifests = pick(sample_raw)
    assert manifests
    wh = prepare(sample_db, tmp_path / "wh.duckdb", manifests)
    with writer(wh):  # the marts as a full refresh leaves them before the batch
        pass
    results = load_files([(Path(m["_path"]), m["file_name"]) for m in manifests], warehouse=wh, archive_root=tmp_path / "raw")
    assert {r.status for r in results} <= {"accepted", "rejected"}
    assert_marts_as_full_refresh(wh, tmp_path)


def _history_batch(tmp_path: Path) -> list[tuple[Path, str]]:
    """Replacements of earlier months (stocks falling, explained in the note or not, a service
    total far off its median), a month before any data, the same unit twice in one batch, one
    file twice."""
    files = []
    why = "Rà soát, loại hồ sơ trùng"
    specs = [
        ("395", dt.date(2023, 3, 1), {"identity": {"395": {"cccd_records": 10, "vneid_applications": 5, "vneid_activated": 1, "note": why}},
                                      "cleaning": {}, "services": {"E06-03": {"total_dossiers": 99999, "online_dossiers": 5}}}),
        ("395", dt.date(2024, 6, 1), {"identity": {"395": {"cccd_records": 3, "vneid_applications": 2, "vneid_activated": 1, "note": why}},
                                      "services": {"E06-03": {"total_dossiers": 1, "online_dossiers": 1}}}),
        ("395", dt.date(2024, 7, 1), {"identity": {"395": {"cccd_records": 2}}}),
        ("396", dt.date(2022, 12, 1), {"services": {"E06-03": {"total_dossiers": 7, "online_dossiers": 1}},
                                       "identity": {"396": {"cccd_records": 7}}}),
        ("395", dt.date(2024, 6, 1), {"identity": {"395": {"cccd_records": 4, "note": why}}}),
    ]
    for i, (unit, period, values) in enumerate(specs):
        files.append((make_workbook(tmp_path / f"f{i}.xlsx", unit, period, values), f"f{i}.xlsx"))
    files.append((files[0][0], "again.xlsx"))
    return files


def _outcome(results) -> list[tuple]:
    # submission ids carry the time of loading: compare the messages without it
    return [(r.file_name, r.status, r.unit_code, r.period, r.row_count, [re.sub(r"\d{8}T\d{6}-", "", str(i)) for i in r.issues], len(r.replaced)) for r in results]


def test_batch_equals_one_file_at_a_time(sample_db, tmp_path):
    files = _history_batch(tmp_path)
    batch, single = tmp_path / "batch.duckdb", tmp_path / "single.duckdb"
    shutil.copyfile(sample_db, batch)
    shutil.copyfile(sample_db, single)
    got = load_files(files, warehouse=batch, archive_root=tmp_path / "raw-batch")
    want = []
    at = dt.datetime(2030, 1, 1)
    for i, (path, name) in enumerate(files):
        want += load_files([(path, name)], warehouse=single, submitted_at=at + dt.timedelta(seconds=i), archive_root=tmp_path / "raw-single")
    assert [o[:-1] for o in _outcome(got)] == [o[:-1] for o in _outcome(want)]
    assert [len(r.replaced) for r in got] == [len(r.replaced) for r in want]
    assert any(r.warnings for r in got if r.status == "accepted")
    assert [r.status for r in got][-1] == "duplicate"
    a, b = duckdb.connect(str(batch), read_only=True), duckdb.connect(str(single), read_only=True)
    try:
        for t, cols in FACTS.items():
            assert a.execute(f"select {cols} from {t} order by all").fetchall() == b.execute(f"select {cols} from {t} order by all").fetchall(), t
        q = "select unit_code, period, topic, row_count, superseded_by is null from submission_topic order by all"
        assert a.execute(q).fetchall() == b.execute(q).fetchall()
        for mart in materialized():
            assert figures(a, mart) == figures(b, mart), mart
    finally:
        a.close()
        b.close()
    assert_marts_as_full_refresh(batch, tmp_path)


def test_every_materialized_mart_has_its_statements_written_out():
    from etl.marts import MART_DELETE_SCOPE, MART_DROP_VIEW, MART_WHOLE

    assert sorted(MART_DROP_VIEW) == sorted(materialized())
    assert sorted(MART_DELETE_SCOPE) == sorted(set(materialized()) - MART_WHOLE)
    for name in materialized():
        assert MART_DROP_VIEW[name] == f"drop view {name}"
    for name in MART_DELETE_SCOPE:
        assert MART_DELETE_SCOPE[name].startswith(f"delete from {name} where ")
