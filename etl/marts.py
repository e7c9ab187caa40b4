"""The views of sql/ and the refresh of the materialized marts after a load.

etl.build creates the views on a new warehouse; etl.warehouse.writer refreshes the marts a load
reaches before it swaps the warehouse. Both import this module, which imports neither.

A mart whose file carries the line '-- materialized' is stored as a table with the view's name
and columns. Which topics feed a mart, and how much of it a load must recompute (its scope), is
said by the topic's registry entry (etl/topics, `marts`); which marts a mart is built on is read
from its SQL (rollups are built on the unit marts), and the refresh runs them in that order.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import re
from collections.abc import Iterable
from concurrent.futures import FIRST_COMPLETED, ThreadPoolExecutor, wait
from pathlib import Path

import duckdb

from etl.config import SQL_DIR
from etl.topics import TOPICS

MATERIALIZED = "-- materialized"
# A materialized mart no topic's scope can bound (it reads every topic's submissions, or the
# months anyone reported) carries this line too: every load recomputes it whole.
WHOLE = "-- refreshed whole after every load"


def macro_files() -> list[Path]:
    """sql/macros: the rules every view and query shares (the rate rule, the stock carry-forward), created first."""
    return sorted(SQL_DIR.glob("macros/*.sql"))


def view_files() -> list[Path]:
    """sql/staging first, then sql/marts; within a layer, by name."""
    return sorted(SQL_DIR.glob("staging/*.sql")) + sorted(SQL_DIR.glob("marts/*.sql"))


def _statement(f: Path) -> str:
    """A mart whose file carries the line '-- materialized' is stored as a table with the view's
    name and columns (refreshed after every change, see refresh_marts); the rest are views."""
    text = f.read_text(encoding="utf-8")
    if any(line.strip() == MATERIALIZED for line in text.splitlines()):
        return text.replace("create or replace view", "create or replace table", 1)
    return text


def create_macros(con: duckdb.DuckDBPyConnection) -> None:
    for f in macro_files():
        con.execute(f.read_text(encoding="utf-8"))


def create_views(con: duckdb.DuckDBPyConnection) -> None:
    """The macros, then every view of sql/, each after the views it reads."""
    create_macros(con)
    files = {f.stem: f for f in view_files()}
    for name in _in_order({name: _statement(f) for name, f in files.items()}):
        con.execute(_statement(files[name]))


def _in_order(statements: dict[str, str]) -> list[str]:
    """Names in an order where each comes after the others its statement reads (by name, comments
    left out); among those free to go, by name."""
    deps = mart_dependencies(statements)
    order: list[str] = []
    while len(order) < len(statements):
        ready = [m for m in statements if m not in order and deps[m] <= set(order)]
        if not ready:
            raise ValueError(f"views built on each other in a circle: {sorted(set(statements) - set(order))}")
        order += sorted(ready)
    return order


# The fact topics each materialized mart is computed from, and its scope: from the registry.
MART_TOPICS: dict[str, set[str]] = {}
MART_SCOPE: dict[str, str] = {}
for _key, _topic in TOPICS.items():
    for _mart, _scope in _topic.marts:
        MART_TOPICS.setdefault(_mart, set()).add(_key)
        MART_SCOPE[_mart] = _scope
# The materialized marts every load recomputes whole (their files carry WHOLE).
MART_WHOLE: set[str] = {f.stem for f in view_files() if WHOLE in f.read_text(encoding="utf-8").splitlines()}
# A warehouse built before a mart was materialized holds it as a view.
MART_DROP_VIEW = {name: f"drop view {name}" for name in sorted(set(MART_TOPICS) | MART_WHOLE)}

# The rows of a mart a change of facts can reach, given the fact rows a load replaced (see
# refresh_marts for why each is enough):
#   months    rows of the changed months, of the changed units and their parents (flows);
#   since     rows of the changed units and their parents, from the first changed month on
#             (stocks carried forward, rolled up one level);
#   siblings  a changed unit's own rows from its first changed month on, and, in a changed
#             month that no unchanged unit under the same parent reported, every unit valid
#             under that parent in that month (the month may have appeared or disappeared
#             there, adding or dropping a row for each of them); led by the units of both (a condition on the
#             unit alone, which DuckDB pushes through the carry-forward's window, partitioned by
#             unit, into its scans: without it the OR kept every unit's history in the plan);
#   calendar  the changed items from the first changed month on, and every item in a month
#             outside the months the mart runs over both before and after the load (its months
#             run without gaps from the first report to the last: a report after the last one
#             adds every month up to it, each with a row for every item).
SCOPE_WHERE = {
    "months": "list_contains(?::date[], period) and list_contains(?::varchar[], unit_code)",
    "since": "period >= ? and list_contains(?::varchar[], unit_code)",
    "siblings": "list_contains(?::varchar[], unit_code) and ((period >= ? and list_contains(?::varchar[], unit_code)) "
                "or (list_contains(?::date[], period) and list_contains(?::varchar[], parent_code)))",
    "calendar": "(period >= ? and (? or list_contains(?::varchar[], {item}))) or period < ? or period > ?",
}
# The scopes whose rows all lie from the first changed month on: while their rows are computed,
# the variable carry_forward_since holds that month, and carry_forward (sql/macros) starts there
# from each unit's last figures before it instead of computing the whole history.
SINCE_SCOPES = frozenset({"months", "since", "siblings"})
# The statements that set and unset it (the value bound).
SET_CARRY_FORWARD_SINCE = "set variable carry_forward_since = ?"
RESET_CARRY_FORWARD_SINCE = "reset variable carry_forward_since"
# The scopes that need the changed items, not only the changed units and months (etl.load
# reports (unit, period, item) for the topics feeding them).
ITEM_SCOPES = frozenset({"calendar"})


def scope_where(name: str) -> str:
    """A mart's scope condition ({item}: the item code column of the topic feeding it)."""
    return SCOPE_WHERE[MART_SCOPE[name]].format(item=TOPICS[next(iter(MART_TOPICS[name]))].items.code)


# A table's name cannot be a bound parameter: each mart's statements are written from its name
# (tests/test_intake_refresh_scope.py checks them).
MART_DELETE_SCOPE = {name: f"delete from {name} where {scope_where(name)}" for name in MART_SCOPE}
# siblings: the (parent, month) pairs among the changed ones where a unit the load did not
# change reported (from the mart, which was up to date before the load).
MART_MONTHS_KEPT = {
    name: f"select distinct parent_code, period from {name} where list_contains(?::varchar[], parent_code) "
          "and list_contains(?::date[], period) and reported_period = period and not list_contains(?::varchar[], unit_code)"
    for name, scope in MART_SCOPE.items() if scope == "siblings"}
# calendar: the months the mart runs over now (the mart, up to date before the load) and after
# the load (its topic's facts).
MART_CALENDAR = {
    name: f"select (select min(period) from {name}), (select max(period) from {name}), min(period), max(period) "
          f"from {TOPICS[next(iter(MART_TOPICS[name]))].fact.table}"
    for name, scope in MART_SCOPE.items() if scope == "calendar"}
# The parent of every changed unit, as the marts see it.
_PARENTS = "select unit_code, parent_code from stg_units where list_contains(?, unit_code)"
# The units valid under a parent in a month, for the given (parent, month) pairs: those that
# can have a row of that parent's month (carry_forward's grid holds a unit in a month only when
# it is valid there under that parent; the communes are no siblings of a district's month).
_CHILDREN = ("select distinct v.unit_code from stg_unit_validity as v "
             "join (select unnest(?::varchar[]) as parent_code, unnest(?::date[]) as period) as o "
             "on v.parent_code = o.parent_code and valid_in(v.valid_from, v.valid_to, o.period)")


def _scope_params(cur: duckdb.DuckDBPyConnection, name: str, scope: str, keys: set[tuple],
                  parent: dict[str, str | None]) -> list:
    """The values SCOPE_WHERE[scope] binds for the changed fact rows `keys`: (unit, period), or
    (unit, period, item) for ITEM_SCOPES. Read on `cur`, in the refresh's transaction."""
    units = {k[0] for k in keys}
    periods = sorted({k[1] for k in keys})
    parents = sorted({parent[u] for u in units if parent.get(u)})
    since = periods[0]
    if scope == "months":
        return [periods, sorted(units | set(parents))]
    if scope == "since":
        return [since, sorted(units | set(parents))]
    if scope == "siblings":
        kept = set(cur.execute(MART_MONTHS_KEPT[name], [parents, periods, sorted(units)]).fetchall())
        open_ = {(parent[u], p) for u, p, *_ in keys if parent.get(u)} - kept
        open_parents = sorted({q for q, _ in open_})
        siblings = {u for (u,) in cur.execute(_CHILDREN, [list(col) for col in zip(*sorted(open_))]).fetchall()} if open_ else set()
        return [sorted(units | siblings), since, sorted(units), sorted({p for _, p in open_}), open_parents]
    if scope == "calendar":
        old_lo, old_hi, new_lo, new_hi = cur.execute(MART_CALENDAR[name]).fetchone()
        if None in (old_lo, old_hi, new_lo, new_hi):  # no months before or after: every row
            lo, hi = dt.date.max, dt.date.min
        else:
            lo, hi = max(old_lo, new_lo), min(old_hi, new_hi)
        codes = {k[2] for k in keys if len(k) > 2}
        every_item = any(len(k) < 3 for k in keys)  # the items were not given: all of them
        return [since, every_item, sorted(codes), lo, hi]
    raise ValueError(scope)


def _refresh_rows(cur: duckdb.DuckDBPyConnection, name: str, query: str, keys: set[tuple],
                  parent: dict[str, str | None]) -> bool:
    """One mart's rows in its scope: deleted, then computed again by the mart's own query, in
    one transaction on `cur` (a cursor of its own when marts are refreshed side by side).
    False, with nothing changed, when the warehouse holds the mart in another shape than a
    table of its file's columns (a view, from before it was materialized, or a table from an
    older version of its file): it must be rebuilt whole."""
    scope = MART_SCOPE[name]
    cur.execute("begin transaction")
    try:
        try:
            params = _scope_params(cur, name, scope, keys, parent)
            cur.execute(MART_DELETE_SCOPE[name], params)
            if scope in SINCE_SCOPES:  # carry_forward computes from the first changed month on
                cur.execute(SET_CARRY_FORWARD_SINCE, [min(k[1] for k in keys)])
            # The mart's SQL from its file, restricted by the scope's constant condition; the
            # values are bound, and the relational API names the target table.
            cur.sql("select * from (\n" + query + "\n) where " + scope_where(name), params=params).insert_into(name)
        except (duckdb.BinderException, duckdb.CatalogException):
            cur.execute("rollback")
            return False
        cur.execute("commit")
        return True
    except BaseException:
        with contextlib.suppress(duckdb.Error):
            cur.execute("rollback")
        raise
    finally:  # unset, after the transaction ended: a whole rebuild on `cur` computes the whole history
        if scope in SINCE_SCOPES:
            cur.execute(RESET_CARRY_FORWARD_SINCE)


def _rebuild_mart(con: duckdb.DuckDBPyConnection, name: str, stmt: str, views: set[str]) -> None:
    """A mart computed whole by its file's statement (create or replace table); `views`: the
    materialized marts the warehouse holds as views (prepare_refresh)."""
    if name in views:
        con.execute(MART_DROP_VIEW[name])  # a warehouse built before the mart was materialized
    con.execute(stmt)


def prepare_refresh(con: duckdb.DuckDBPyConnection) -> set[str]:
    """What refresh_marts needs before it starts, whatever the load changes: the macros created
    (a warehouse built before a macro existed gets it before its marts need it; an older
    version of one is replaced), and the materialized marts the warehouse still holds as views
    (built before they were materialized), returned. etl.warehouse.writer calls it on the
    private copy while the files are being read (each statement costs a few ms the first time
    on a new connection) and passes the result to refresh_marts."""
    create_macros(con)
    return {name for (name,) in con.execute(
        "select view_name from duckdb_views() where not internal and list_contains(?, view_name)", [sorted(MART_DROP_VIEW)]).fetchall()}


def materialized_marts() -> list[tuple[str, str]]:
    """(name, statement) of every materialized mart, each after the marts it is built on."""
    marts = {}
    for f in view_files():
        stmt = _statement(f)
        if "create or replace table" in stmt:
            marts[f.stem] = stmt
    return [(m, marts[m]) for m in _in_order(marts)]


def mart_dependencies(marts: dict[str, str]) -> dict[str, set[str]]:
    """For each mart (or view), the others of `marts` its SQL reads (comments left out)."""
    code = {m: re.sub(r"--[^\n]*", "", stmt) for m, stmt in marts.items()}
    return {m: {other for other in marts if other != m and re.search(rf"\b{re.escape(other)}\b", code[m])} for m in marts}


def refresh_marts(con: duckdb.DuckDBPyConnection, changes: dict[str, Iterable[tuple]] | None = None,
                  prepared: set[str] | None = None) -> None:
    """Recompute the materialized marts from the fact tables (after a load), each after the marts
    it is built on.

    With `changes` (topic -> the fact rows a load deleted or inserted, as (unit_code, period),
    or (unit_code, period, item) for the topics of ITEM_SCOPES), only the marts fed by those
    topics are refreshed, and only the rows those facts can reach (MART_SCOPE): a delete and an
    insert of the mart's own query restricted to the same rows. That gives exactly the rows of
    a full refresh, given that the marts were up to date before:
      * no mart row depends on a later month: flows (service volumes) are summed within their
        month; stocks (identity, cleaning, utilities) and task statuses carry forward from
        earlier months;
      * a unit's figures reach its own rows and, rolled up, its parent's (one level: a rollup
        adds the parent's territorial children, and a unit's own figure replaces the rollup of
        its children), never another unit's;
      * a month appears in a parent's stock marts when any unit under it reports it, so a
        changed month adds or drops a row for each unit under that parent, unless a unit the
        load did not change reported it (then it was there before and stays);
      * a task's status in a month is the aggregate of the reports of that task at or before
        it (a level's task: each expected unit's latest; who is expected is reference data), and
        task_tracker runs over every month from the first task report to the last: the
        changed tasks are refreshed from the first changed month on, every task in months
        outside the months both before and after the load;
      * a rollup mart reads its unit mart, which is refreshed first.
    tests/test_refresh_incremental.py and tests/test_intake_refresh_scope.py compare it with a
    full refresh row for row. Marts that do not depend on one another are refreshed side by
    side, each on a cursor of its own (`con` must not be inside a transaction). A mart without a
    scope, or one the warehouse holds in another shape (still a view, or missing), is rebuilt
    whole, before the marts built on it; so are the marts of MART_WHOLE (reporting_status: it
    reads every topic's submissions and the months anyone reported), after every load.
    `prepared`: what prepare_refresh returned on `con` (by default it is called here)."""
    views = prepare_refresh(con) if prepared is None else prepared
    marts = materialized_marts()
    if changes is None:
        for name, stmt in marts:
            _rebuild_mart(con, name, stmt, views)
        return
    changed = {topic: {tuple(k) for k in keys} for topic, keys in changes.items()}
    deps = mart_dependencies(dict(marts))
    jobs: dict[str, tuple] = {}  # mart -> (statement, query or None = whole, keys)
    parent: dict[str, str | None] | None = None
    for name, stmt in marts:
        keys = set().union(*(changed[t] for t in MART_TOPICS.get(name, ()) if t in changed))
        head = "create or replace table " + name + " as"
        if name in MART_WHOLE or name not in MART_TOPICS or name not in MART_SCOPE or head not in stmt:
            jobs[name] = (stmt, None, keys)  # rebuilt whole (MART_WHOLE: after every load)
        elif keys:
            if parent is None:
                parent = dict(con.execute(_PARENTS, [sorted({k[0] for ks in changed.values() for k in ks})]).fetchall())
            jobs[name] = (stmt, stmt.split(head, 1)[1].strip().rstrip(";"), keys)  # the mart's own SQL, from its file
    # A mart rebuilt or refreshed makes the marts built on it run too.
    for name, _ in marts:
        if name not in jobs and deps[name] & set(jobs):
            stmt = dict(marts)[name]
            jobs[name] = (stmt, None, set())

    def run(cur, name: str) -> None:
        stmt, query, keys = jobs[name]
        if query is None or not _refresh_rows(cur, name, query, keys, parent or {}):
            _rebuild_mart(cur, name, stmt, views)

    workers = min(len(jobs), os.cpu_count() or 1)
    pending = [name for name, _ in marts if name in jobs]  # dependency order
    if workers <= 1:
        for name in pending:
            run(con, name)
        return

    def run_on_cursor(name: str) -> None:
        cur = con.cursor()
        try:
            run(cur, name)
        finally:
            cur.close()

    done: set[str] = set()
    running: dict = {}
    with ThreadPoolExecutor(workers) as ex:
        while pending or running:
            # the marts others are built on first, so that those can start
            ready = sorted((m for m in pending if deps[m] & set(jobs) <= done),
                           key=lambda m: -sum(m in deps[o] for o in pending))
            for name in ready[: workers - len(running)]:
                pending.remove(name)
                running[ex.submit(run_on_cursor, name)] = name
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for fut in finished:
                name = running.pop(fut)
                fut.result()  # the first failure is raised (the others still finish in the pool's exit)
                done.add(name)
