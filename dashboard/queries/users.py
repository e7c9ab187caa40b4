"""The accounts and the audit log, read from the accounts store (accounts/store.py), as tables;
and the accounts bound to units that have ended (catalog.ended_units: the warehouse's side).

Not cached by dashboard.ui: the admin page changes these itself, and the cache is keyed by the
warehouse's version, which an account change leaves as it is."""
from __future__ import annotations

import datetime as dt

import pandas as pd

from accounts import store


def accounts(con) -> pd.DataFrame:
    """One row per account, by user name: username, display_name, role, units (a tuple), active, is_demo."""
    users = store.list_users(con)
    return pd.DataFrame([{"username": u.username, "display_name": u.display_name, "role": u.role, "units": u.units,
                          "active": u.active, "is_demo": u.is_demo} for u in users],
                        columns=["username", "display_name", "role", "units", "active", "is_demo"])


def audit_log(con, limit: int = 1000, kind: str | None = None) -> pd.DataFrame:
    """The latest entries of the audit log, newest first, of one kind ('login', 'load', 'user', …:
    the action's prefix) or all: at, actor, action, target, detail."""
    return pd.DataFrame(store.audit_log(con, limit, kind), columns=["at", "actor", "action", "target", "detail"])


def accounts_on_ended_units(con, ended: pd.DataFrame) -> pd.DataFrame:
    """Accounts (of the store `con`) bound to one of the `ended` units (catalog.ended_units: the
    warehouse's units whose validity ended before a day): they keep no new rights (no file for the
    unit for a month after its end), so an administrator rebinds them. One row per account and
    ended unit, by user name and unit: username, display_name, role, active, unit_code, unit_name,
    ended_from (the first day the unit no longer exists), successors ('code - name' listed, the
    default first, then by share) and default_successor (the one to rebind to when one is needed)."""
    acc = accounts(con)
    pairs = [(r.username, u) for r in acc.itertuples() for u in r.units]
    columns = ["username", "display_name", "role", "active", "unit_code", "unit_name", "ended_from", "successors",
               "default_successor"]
    if not pairs:
        return pd.DataFrame(columns=columns)
    out = (pd.DataFrame(pairs, columns=["username", "unit_code"])
           .merge(acc.drop(columns=["units", "is_demo"]), on="username")
           .merge(ended, on="unit_code"))
    return out[columns].sort_values(["username", "unit_code"]).reset_index(drop=True)
