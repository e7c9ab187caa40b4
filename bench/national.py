"""A generated warehouse the shape of Vietnam after July 2025: 34 provinces, 3,321 communes,
60 months, every service, dataset and task of the catalogue. Used only to time the views and
the page queries on millions of rows; the figures are synthetic (hash-based, deterministic).
"""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import duckdb

from etl.build import create_schema, create_views, load_reference

PROVINCES, COMMUNES, MONTHS = 34, 3321, 60
FIRST = dt.date(2021, 1, 1)


def build_national(path: Path, months: int = MONTHS, first_province_communes: int | None = None) -> dict:
    """`first_province_communes`: give P01 that many communes (Thanh Hóa has 166) and spread
    the rest over the other provinces; by default every province gets about 3.321 / 34."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    for p in (path, Path(str(path) + ".wal")):
        p.unlink(missing_ok=True)
    t0 = time.perf_counter()
    con = duckdb.connect(str(path))
    try:
        create_schema(con)
        load_reference(con)  # services, datasets, tasks of the catalogue; units replaced below
        con.execute("delete from dim_unit")  # no validity: every unit valid in every month
        con.execute("delete from task_unit")
        con.execute("delete from dim_unit_succession")
        con.execute("update app_setting set value = 'P01' where key = 'province_code'")
        con.execute("update app_setting set value = ? where key = 'start_period'", [f"{FIRST:%Y-%m}"])
        con.execute("""
            insert into dim_unit (unit_code, unit_name, unit_level, unit_type, parent_code, communes, code_source)
            select 'P' || lpad(cast(p as varchar), 2, '0'), 'Tỉnh ' || p, 'province', 'tỉnh', null, null, 'bench'
            from range(1, ? + 1) t(p)""", [PROVINCES])
        big = first_province_communes is not None
        con.execute("""
            insert into dim_unit (unit_code, unit_name, unit_level, unit_type, parent_code, communes, code_source)
            with c as (
                select c, case when ? then (case when c < ? then 1 else 2 + (c - ?) % (? - 1) end)
                               else 1 + c % ? end as p
                from range(0, ?) t(c)
            )
            select 'P' || lpad(cast(p as varchar), 2, '0') || '-' || lpad(cast(c as varchar), 5, '0'),
                   'Xã ' || c, 'commune', 'xã', 'P' || lpad(cast(p as varchar), 2, '0'), null, 'bench'
            from c""", [big, first_province_communes or 0, first_province_communes or 0, PROVINCES, PROVINCES, COMMUNES])
        con.execute("""
            create temp table months as
            select cast(? as date) + to_months(cast(m as integer)) as period, m from range(0, ?) t(m)""", [FIRST, months])
        con.execute("create temp table communes as select unit_code, parent_code, hash(unit_code) % 1000 as size from dim_unit where unit_level = 'commune'")
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
        con.execute("""
            insert into fact_task_status
            select m.period, t.task_code, p.unit_code,
                   case when m.m > hash(t.task_code, p.unit_code) % 40 then 'done'
                        when m.m > hash(t.task_code, p.unit_code) % 20 then 'in_progress' else 'not_started' end,
                   null, 'sample', null
            from months m cross join dim_task t cross join (select unit_code from dim_unit where unit_level = 'province') p""")
        con.execute("""
            insert into submission
            select m.period::varchar || '-' || c.unit_code, 'bench.xlsx', null, md5(m.period::varchar || c.unit_code), c.unit_code, m.period,
                   'services,identity,cleaning', 44, 'accepted', m.period + interval 1 month + interval 10 day, 'bench', 'sample', null
            from months m cross join communes c""")
        con.execute("""
            insert into submission_topic
            select m.period::varchar || '-' || c.unit_code, c.unit_code, m.period, t.topic, 10, null
            from months m cross join communes c cross join (values ('services'), ('identity'), ('cleaning')) t(topic)""")
        create_views(con)
        con.execute("checkpoint")
        counts = {t: con.table(t).count("*").fetchall()[0][0]
                  for t in ("fact_service_volume", "fact_identity", "fact_cleaning", "fact_task_status", "submission")}
    finally:
        con.close()
    counts["seconds"] = round(time.perf_counter() - t0, 1)
    return counts


if __name__ == "__main__":
    import sys

    print(build_national(Path(sys.argv[1] if len(sys.argv) > 1 else "bench/work/national.duckdb")))
