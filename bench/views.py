"""Each public view at province and national scale: a whole-view aggregate and one unit's
monthly series (what a page or an analyst asks), median and p95."""
from __future__ import annotations

import duckdb

from bench.timing import measure

VIEW_QUERIES = {
    "service_volume_monthly": [
        ("whole view", "select count(*), sum(total_dossiers), sum(online_dossiers), sum(online_rate) from service_volume_monthly", []),
        ("one unit, all months", "select period, sum(online_dossiers) / sum(total_dossiers) from service_volume_monthly where unit_code = ? group by period", ["UNIT"]),
        ("one month, all units", "select unit_code, sum(online_dossiers) / sum(total_dossiers) from service_volume_monthly where period = ? group by unit_code", ["PERIOD"]),
    ],
    "identity_monthly": [
        ("whole view", "select count(*), sum(cccd_records), sum(activation_rate) from identity_monthly", []),
        ("one unit, all months", "select period, cccd_records, vneid_activated from identity_monthly where unit_code = ?", ["UNIT"]),
    ],
    "cleaning_monthly": [
        ("whole view", "select count(*), sum(records_cleaned), sum(cleaning_ratio) from cleaning_monthly", []),
        ("one month, all units", "select unit_code, dataset_code, cleaning_ratio from cleaning_monthly where period = ?", ["PERIOD"]),
    ],
    "task_status": [
        ("whole view", "select count(*), sum(days_overdue) from task_status", []),
        ("one month", "select task_code, status, is_overdue from task_status where period = ?", ["PERIOD"]),
    ],
    "submission_log": [
        ("whole view", "select count(*), count(*) filter (where status = 'superseded') from submission_log", []),
    ],
    "reporting_status": [
        ("whole view", "select count(*), count(*) filter (where status = 'late') from reporting_status", []),
        ("one month", "select unit_code, topic, status from reporting_status where period = ?", ["PERIOD"]),
    ],
}


def time_views(path, unit: str, period, repeat: int = 15) -> list[dict]:
    con = duckdb.connect(str(path), read_only=True)
    out = []
    try:
        for view, queries in VIEW_QUERIES.items():
            for label, sql, params in queries:
                bound = [unit if p == "UNIT" else period for p in params]
                r = measure(lambda: con.execute(sql, bound).fetchall(), repeat=repeat)
                out.append({"view": view, "query": label, **r})
    finally:
        con.close()
    return out
