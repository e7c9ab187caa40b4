"""A generated warehouse the shape of Vietnam after the 2025 reform: the real post-reform list of
units (data/reference/national/units_2025.csv, derived from vietnamadminunits by `python -m etl
reference units`: 34 provinces, 3,321 communes with their codes, names, validity, centres and
former districts), every service, dataset, utility indicator and task of the catalogue, and
synthetic figures (hash-based, deterministic) for every commune and month. Used only to time the
views, the page queries and the report on millions of rows.

The configured province (Thanh Hóa, 38, with its 166 communes) is the measured one: its units
are the CSV's, plus the catalogue's units of it that the CSV does not list (its former districts,
ended on 2025-06-30, and its agencies), so former districts have names and tasks have their
agencies and levels (task_unit) as in the product. The months end at the sample's last month
(2026-11) and start no earlier than the communes' validity (2025-07).
"""
from __future__ import annotations

import csv
import datetime as dt
import time
from pathlib import Path

import duckdb

from etl.build import create_schema, create_views, load_reference
from etl.periods import add_months
from etl.topics.utilities import INDICATORS

ROOT = Path(__file__).resolve().parent.parent
UNITS_CSV = ROOT / "data" / "reference" / "national" / "units_2025.csv"
LAST = dt.date(2026, 11, 1)  # the sample's last month
REFORM = dt.date(2025, 7, 1)  # the communes' valid_from
MONTHS = 17  # 2025-07 .. 2026-11: every month the post-reform list is valid up to the sample's last


def first_month(months: int) -> dt.date:
    return add_months(LAST, -(months - 1))


def national_units(path: Path = UNITS_CSV) -> list[dict]:
    with open(path, newline="", encoding="utf-8") as fh:
        return list(csv.DictReader(fh))


def build_national(path: Path, months: int = MONTHS) -> dict:
    """Writes the warehouse at `path` (replaced); returns the fact tables' row counts, the
    units' counts and the seconds it took."""
    months = min(months, MONTHS)
    first = first_month(months)
    if first < REFORM:
        raise ValueError(f"the post-reform list is valid from {REFORM}: at most {MONTHS} months up to {LAST}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in (path, Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    rows = national_units()
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        load_reference(con)  # settings, services, datasets, tasks, the province's own units and task_unit
        listed = {r["unit_code"] for r in rows}
        # The CSV's rows replace the catalogue's for the units it lists (the province, its communes);
        # the catalogue's other units of the province (former districts, agencies) stay.
        con.execute("delete from dim_unit where list_contains(?, unit_code)", [sorted(listed)])
        con.executemany("insert into dim_unit (unit_code, unit_name, unit_level, unit_type, parent_code, valid_from, valid_to, "
                        "former_district_code, lat, lon, area_km2, communes, code_source, source) "
                        "values (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, null, 'vietnamadminunits', ?)", [
            [r["unit_code"], r["unit_name"], r["unit_level"], r["unit_type"] or None, r["parent_code"] or None,
             r["valid_from"] or None, r["valid_to"] or None, r["former_district_code"] or None,
             float(r["lat"]) if r["lat"] else None, float(r["lon"]) if r["lon"] else None,
             float(r["area_km2"]) if r["area_km2"] else None, r["source"]] for r in rows])
        con.execute("update app_setting set value = ? where key = 'start_period'", [f"{first:%Y-%m}"])
        con.execute("update app_setting set value = ? where key = 'end_period'", [f"{LAST:%Y-%m}"])
        con.execute("""
            create temp table months as
            select cast(? as date) + to_months(cast(m as integer)) as period, m from range(0, ?) t(m)""", [first, months])
        con.execute("""create temp table communes as
                       select unit_code, parent_code, hash(unit_code) % 1000 as size from dim_unit where unit_level = 'commune'""")
        con.execute("""
            insert into fact_service_volume
            with base as (
                select m.period, c.unit_code, s.service_code,
                       cast(5 + (hash(c.unit_code, s.service_code) % 200) * (1 + m.m / 60.0) as bigint) as total,
                       0.3 + (hash(s.service_code) % 70) / 100.0 + m.m / 200.0 as rate
                from months m cross join communes c cross join dim_service s
            )
            select period, unit_code, service_code, total, cast(least(total, total * rate) as bigint),
                   cast(least(total, total * rate) as bigint), 0, 'sample', null
            from base""")
        con.execute("""
            insert into fact_identity
            select m.period, c.unit_code, 2000 + c.size * 10 + m.m * 5, 1000 + c.size * 5 + m.m * 40,
                   500 + c.size * 3 + m.m * 35, 3000 + c.size * 4, 'sample', null
            from months m cross join communes c""")
        con.execute("""
            insert into fact_cleaning
            select m.period, c.unit_code, d.dataset_code,
                   cast((1000 + c.size) * least(1.0, 0.4 + m.m / 80.0) as bigint), 1000 + c.size, 'sample', null
            from months m cross join communes c cross join dim_dataset d""")
        # utilities: cumulative stocks that grow, every part within its whole
        con.execute("create temp table indicators (indicator_code varchar, share double, cumulative boolean)")
        con.executemany("insert into indicators values (?, ?, ?)", [
            [code, 0.5 if meta["part_of"] else 1.0, meta["is_cumulative"]] for code, meta in INDICATORS.items()])
        con.execute("""
            insert into fact_utility
            select m.period, c.unit_code, i.indicator_code,
                   cast((100 + c.size) * i.share * (case when i.cumulative then 1 + m.m / 10.0 else 1 end) as bigint), 'sample', null
            from months m cross join communes c cross join indicators i""")
        # task reports: every province on every task, and the units of the measured province on theirs (task_unit)
        con.execute("""
            insert into fact_task_status
            with who as (
                select t.task_code, p.unit_code from dim_task t cross join (select unit_code from dim_unit where unit_level = 'province') p
                union
                select task_code, unit_code from task_unit
            )
            select m.period, w.task_code, w.unit_code,
                   case when m.m > hash(w.task_code, w.unit_code) % 12 then 'done'
                        when m.m > hash(w.task_code, w.unit_code) % 6 then 'in_progress' else 'not_started' end,
                   null, 'sample', null
            from months m cross join who w""")
        con.execute("""
            insert into submission
            select m.period::varchar || '-' || c.unit_code, 'bench.xlsx', null, md5(m.period::varchar || c.unit_code), c.unit_code, m.period,
                   'services,identity,cleaning,utilities', 44, 'accepted', m.period + interval 1 month + interval 10 day, 'bench', 'sample', null
            from months m cross join communes c""")
        con.execute("""
            insert into submission_topic
            select m.period::varchar || '-' || c.unit_code, c.unit_code, m.period, t.topic, 10, null
            from months m cross join communes c cross join (values ('services'), ('identity'), ('cleaning'), ('utilities')) t(topic)""")
        create_views(con)
        con.execute("checkpoint")
        counts = {t: con.table(t).count("*").fetchall()[0][0]
                  for t in ("fact_service_volume", "fact_identity", "fact_cleaning", "fact_utility", "fact_task_status", "submission")}
        counts["provinces"], counts["communes"] = con.execute(
            "select count(*) filter (where unit_level = 'province'), count(*) filter (where unit_level = 'commune') "
            "from dim_unit where list_contains(?, unit_code)", [sorted(listed)]).fetchone()
        counts["province_code"], counts["province_communes"] = con.execute("""
            select s.province_code, count(u.unit_code) from stg_settings s
            left join dim_unit u on u.parent_code = s.province_code and u.unit_level = 'commune' group by 1""").fetchone()
        counts["first"], counts["last"], counts["months"] = first, LAST, months
    finally:
        con.close()
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    return counts


if __name__ == "__main__":
    import sys

    print(build_national(Path(sys.argv[1] if len(sys.argv) > 1 else "bench/work/national.duckdb"),
                         int(sys.argv[2]) if len(sys.argv) > 2 else MONTHS))
