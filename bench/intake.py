"""Intake: loading one month of all 27 districts, and a year of one district, through the real
load path (etl.load.load_files: read, validate every cell, archive, one transaction for the
batch, the marts refreshed, one swap), against the obvious way measured in the same run on the
same files: pandas read_excel(engine="openpyxl") of every sheet and one INSERT per row into a
copy of the warehouse (no validation, no archive, no marts, no swap).

Both start from the same warehouse: the bench's sample warehouse with the chosen files'
submissions and figures taken out (and its marts recomputed without them), so the files arrive
as new.
"""
from __future__ import annotations

import datetime as dt
import shutil
import statistics
import tempfile
import time
from pathlib import Path

import duckdb

from etl.build import list_archive
from etl.load import FACT_TABLES, delete_unit_periods
from etl.marts import refresh_marts
from etl.reference import catalogue
from etl.template import FIRST_DATA_ROW
from etl.topics import TOPICS

MONTH = "2024-06"  # before the 2025 reform: the districts report
COMMUNE_MONTH = "2026-10"  # after it: the 166 communes report (the sample's last complete month)
YEAR_UNIT, YEAR = "395", "2024"
FACTS = tuple(FACT_TABLES.values())


def level_files(raw: Path, month: str, level: str) -> list[dict]:
    """The archive's files of `month` from the units of `level` (district, commune)."""
    units = {c for c, u in catalogue().units.items() if u["unit_level"] == level}
    return [m for m in list_archive(raw) if m.get("period") == month and m.get("unit_code") in units]


def district_files(raw: Path, month: str = MONTH) -> list[dict]:
    return level_files(raw, month, "district")


def _units(manifests: list[dict]) -> int:
    return len({m["unit_code"] for m in manifests})


def unit_year_files(raw: Path, unit: str = YEAR_UNIT, year: str = YEAR) -> list[dict]:
    return [m for m in list_archive(raw) if m.get("unit_code") == unit and (m.get("period") or "").startswith(year)]


def prepare(wh: Path, dst: Path, manifests: list[dict]) -> Path:
    """A copy of the warehouse without the chosen files' submissions and figures, its marts
    recomputed without them (as every load leaves a warehouse), so the batch changes them."""
    shutil.copyfile(wh, dst)
    con = duckdb.connect(str(dst))
    try:
        keys = sorted({(m["unit_code"], dt.date.fromisoformat(m["period"] + "-01")) for m in manifests})
        for t in FACTS + ("submission_topic",):
            delete_unit_periods(con, t, keys)
        con.execute("delete from submission where list_contains(?, submission_id)", [[m["submission_id"] for m in manifests]])
        refresh_marts(con)
        con.execute("checkpoint")
    finally:
        con.close()
    return dst


def ours(wh: Path, manifests: list[dict], work: Path) -> float:
    from etl.load import load_files

    dst = prepare(wh, work / "ours.duckdb", manifests)
    files = [(Path(m["_path"]), m["file_name"]) for m in manifests]
    t, c = time.perf_counter(), time.process_time()
    results = load_files(files, warehouse=dst, submitted_by="bench", archive_root=work / "raw")
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    bad = [r.file_name for r in results if r.status not in ("accepted", "rejected")]
    if bad:
        raise RuntimeError(f"unexpected outcome for {bad}")
    return seconds, cpu


def _int(v):
    try:
        return int(v) if v == v and v is not None else None  # NaN -> None
    except (TypeError, ValueError):
        return None


def naive(wh: Path, manifests: list[dict], work: Path) -> float:
    """pandas + openpyxl, one INSERT per row, straight into a copy of the warehouse."""
    import pandas as pd

    dst = prepare(wh, work / "naive.duckdb", manifests)
    sheet_topic = {t.sheet: t for t in TOPICS.values()}
    t0, c0 = time.perf_counter(), time.process_time()
    con = duckdb.connect(str(dst))
    for m in manifests:
        unit, period = m["unit_code"], dt.date.fromisoformat(m["period"] + "-01")
        sid = m["submission_id"]
        sheets = pd.read_excel(m["_path"], sheet_name=None, engine="openpyxl", header=None)
        con.execute("insert into submission values (?, ?, ?, ?, ?, ?, ?, ?, 'accepted', ?, 'bench', 'sample', null)",
                    [sid, m["file_name"], m["_path"], m["sha256"], unit, period, None, 0, dt.datetime.now()])
        for name, df in sheets.items():
            topic = sheet_topic.get(name)
            if topic is None:
                continue
            table = FACT_TABLES[topic.key]
            delete_unit_periods(con, table, [(unit, period)])  # a later file replaces an earlier one
            cols = [c for c in topic.columns if c.kind != "rate"]
            body = df.iloc[FIRST_DATA_ROW:, : len(cols)]
            for values in body.itertuples(index=False):
                rec = {c.key: v for c, v in zip(cols, values)}
                code = rec[cols[0].key]
                if not isinstance(code, str):
                    continue
                if topic.key == "services":
                    con.execute("insert into fact_service_volume values (?, ?, ?, ?, ?, ?, ?, 'sample', ?)",
                                [period, unit, code, _int(rec["total_dossiers"]), _int(rec["online_dossiers"]), _int(rec["on_time"]),
                                 _int(rec["overdue"]), sid])
                elif topic.key == "identity":
                    con.execute("insert into fact_identity values (?, ?, ?, ?, ?, ?, 'sample', ?)",
                                [period, code, _int(rec["cccd_records"]), _int(rec["vneid_applications"]), _int(rec["vneid_activated"]),
                                 _int(rec["vneid_target"]), sid])
                elif topic.key == "cleaning":
                    con.execute("insert into fact_cleaning values (?, ?, ?, ?, ?, 'sample', ?)",
                                [period, unit, code, _int(rec["records_cleaned"]), _int(rec["records_total"]), sid])
                elif topic.key == "utilities":
                    if _int(rec["value"]) is not None:
                        con.execute("insert into fact_utility values (?, ?, ?, ?, 'sample', ?)", [period, unit, code, _int(rec["value"]), sid])
                elif isinstance(rec.get("status"), str):
                    status = {"Đã hoàn thành": "done", "Đang thực hiện": "in_progress", "Chưa thực hiện": "not_started"}.get(rec["status"])
                    if status:
                        con.execute("insert into fact_task_status values (?, ?, ?, ?, ?, 'sample', ?)",
                                    [period, code, unit, status, rec.get("status_text") if isinstance(rec.get("status_text"), str) else None, sid])
    con.close()
    return time.perf_counter() - t0, time.process_time() - c0


def _median(fn, repeat: int) -> tuple[float, float]:
    runs = [fn() for _ in range(repeat)]
    return statistics.median(r[0] for r in runs), statistics.median(r[1] for r in runs)


def measure(raw: Path, wh: Path, quick: bool) -> list[dict]:
    """Median wall and CPU seconds (this process, DuckDB's threads included) of each path."""
    repeat = 3 if quick else 7
    out = []
    cases = [(MONTH, "district", "districts"), (COMMUNE_MONTH, "commune", "communes")]
    jobs = [(f"one month ({month}), all {_units(ms)} {word}", ms) for month, level, word in cases
            for ms in [level_files(raw, month, level)]]
    unit_name = catalogue().units[YEAR_UNIT]["unit_name"]
    jobs.append((f"one year ({YEAR}) of one district ({unit_name}, {YEAR_UNIT})", unit_year_files(raw)))
    for label, manifests in jobs:
        with tempfile.TemporaryDirectory() as tmp:
            work = Path(tmp)

            def run_ours():
                shutil.rmtree(work / "raw", ignore_errors=True)
                return ours(wh, manifests, work)

            run_ours()  # warm-up: imports, catalogue, file cache
            a, a_cpu = _median(run_ours, repeat)
            # the baseline costs the same for every file: --quick times it on at most 30 files, scaled
            some = manifests[:30] if quick else manifests
            b, b_cpu = _median(lambda: naive(wh, some, work), max(1, repeat // 2))
            b, b_cpu = b * len(manifests) / len(some), b_cpu * len(manifests) / len(some)
        out.append({"label": label, "files": len(manifests), "ours": a, "ours_cpu": a_cpu, "naive": b, "naive_cpu": b_cpu,
                    "naive_files": len(some)})
    return out


def section_intake(rep, raw: Path, wh: Path, national, quick: bool):
    print("intake", flush=True)
    for r in measure(raw, wh, quick):
        month = r["label"].startswith("one month") and r["files"] < 50  # the 0,5 s ceiling: a month of the districts
        ok = r["naive"] / r["ours"] >= 5 and (r["ours"] < 0.5 if month else True)
        rep.add("intake", f"load {r['label']}: {r['files']} files, validated, archived, one swap",
                f"{r['ours']:.2f} s (CPU {r['ours_cpu']:.2f} s)",
                f"{r['naive']:.2f} s, CPU {r['naive_cpu']:.2f} s (pandas read_excel + openpyxl, one INSERT per row"
                + (f"; {r['naive_files']} of the files timed, scaled)" if r["naive_files"] < r["files"] else ")"),
                f"{r['naive'] / r['ours']:.1f}× faster (CPU {r['naive_cpu'] / r['ours_cpu']:.1f}×)",
                "≥ 5×" + (", < 0,5 s" if month else ""), ok)
        if not ok and not month:
            rep.notes.append(
                f"Intake, {r['label']}: {r['naive'] / r['ours']:.1f}× where 5× is the target. A batch has a fixed cost of "
                "about 0,25 s whatever its size (profiled 2026-12-07, 2 cores, busy machine, fastest runs: refreshing the rows "
                "of the nine materialized marts the batch reaches ≈ 0,25 s of CPU, two at a time, each statement 7–50 ms of "
                "which 5–10 ms are DuckDB planning and operator set-up whatever its rows (task_tracker ≈ 45 ms, most of it "
                "the ASOF join of every month's carriers; reporting_status, recomputed whole, ≈ 30 ms); the batch's writes "
                "≈ 40–50 ms; checkpointing the private copy ≈ 20 ms, closing it ≈ 15 ms; copying and opening it and creating "
                "the macros ≈ 50 ms, hidden behind reading the files), against ≈ 6 ms of reading and checking per file: "
                f"{r['files']} small files cannot amortise it. The refresh uses both cores and the baseline one: a busy "
                "machine narrows the ratio.")
