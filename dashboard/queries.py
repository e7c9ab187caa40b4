"""Named queries behind the pages. Every value is bound with `?`; pages never hold SQL."""
from __future__ import annotations

from dashboard.db import Warehouse


def warehouse_summary(wh: Warehouse) -> dict:
    """What the warehouse holds: months covered, sources, file counts."""
    df = wh.query(
        """
        select
            (select min(period) from service_volume_monthly) as first_period,
            (select max(period) from service_volume_monthly) as last_period,
            (select count(*) from submission_log) as files,
            (select count(*) from submission_log where status = 'rejected') as rejected,
            (select count(distinct unit_code) from service_volume_monthly where unit_level = 'district') as districts,
            (select string_agg(distinct source, ',' order by source) from service_volume_monthly) as sources,
            (select official_label from stg_settings) as official_label,
            (select sample_label from stg_settings) as sample_label
        """
    )
    return df.iloc[0].to_dict()
