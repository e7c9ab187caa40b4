"""The accounts and the audit log, read from the accounts store (accounts/store.py), as tables.

Not cached by dashboard.ui: the admin page changes these itself, and the cache is keyed by the
warehouse's version, which an account change leaves as it is."""
from __future__ import annotations

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
