"""The queries behind the pages, one module per subject; the pages call the functions (through
`dashboard.ui.cached`), never SQL and never a function by its name.

    catalog      what the warehouse holds: the filters' choices, its summary, the units one may report for
    services     public services: online rates by service, agency and district, trends
    identity     CCCD and VNeID stocks
    cleaning     data-cleaning stocks and ratios
    utilities    the programme's utilities (health insurance by CCCD, social security): stocks and rates
    tasks        the task tracker and each district's own status on the tasks given to every district
    overview     the leadership KPIs
    unit_profile one district across every KPI
    compare      the selected units side by side (one row per unit and month)
    pivot        the pivot table: service or dataset × unit × month
    reporting    who reported, on time or late
    submissions  the files received

Conventions shared by the dashboard queries:

* Every function takes the warehouse first (anything with `.query(sql, params) -> DataFrame`:
  dashboard.db.Warehouse), then the filters, and binds each filter with a positional `?` in the
  WHERE that it narrows (only the branch the filter needs is in the SQL), so DuckDB pushes it
  into the scan. No Streamlit here: dashboard.ui caches the calls.
* `first`, `last`: the first and last month of the selected period (dates, first of month);
  a single month has first == last.
* `units`: the selected territorial units (district codes) or None. None means the province:
  its own rows in the public views (official figures where there are any, else the rollup of
  its districts). With units, their own rows are added up (stocks: each unit's latest figure at
  or before the month, from identity_unit_monthly / cleaning_unit_monthly).
* `agency`: a responsible agency code or None: narrows services (dim_service.agency_code),
  datasets (sector_agency_code) and tasks (responsible unit). It does not apply to CCCD/VNeID.
* Flows (dossiers) add up over the period; stocks (CCCD, VNeID, cleaned records) are the value of
  the period's last month; rates are the warehouse's macros: `sum_ratio(n, d)` (sum(n) / sum(d)
  over rows where both are known, never an average of rates) and `ratio(n, d)` for one row.
* Every result carries the sources of its figures (`source` or `sources`, comma-separated), so
  the pages can say when they show sample data.
"""
