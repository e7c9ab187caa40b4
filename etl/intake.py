"""The one way a submission gets in, for the app and the command line alike.

`submit()` checks who is loading (an uploader only for their own units: enforced here, in the
load path, not only hidden in the UI), loads each file all-or-nothing through etl.load — the
whole upload on one private copy of the warehouse that replaces it atomically
(etl.load.load_files, etl.warehouse) — and writes every outcome — loaded, replaced, rejected,
duplicate — to the audit log.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from accounts import store
from etl.load import LoadResult, load_files
from etl.reference import catalogue


def allowed_units_for(user: store.User | None) -> set[str] | None:
    """None = no restriction (the server operator at the shell, no account given)."""
    if user is None:
        return None
    return user.allowed_units(catalogue().units)


def submit(
    files: list[tuple[Path, str]],
    *,
    user: store.User | None,
    actor: str | None = None,
    declared_unit: str | None = None,
    declared_period: dt.date | None = None,
    dry_run: bool = False,
    warehouse: Path | None = None,
    raw: Path | None = None,
    progress=None,
) -> list[LoadResult]:
    """Validate and load each (path, original file name). Returns one LoadResult per file."""
    actor = actor or (user.username if user else "cli")
    allowed = allowed_units_for(user)
    if user is not None and not allowed:
        raise PermissionError(f"Tài khoản {user.username} ({store.ROLES[user.role]}) không có quyền nộp báo cáo.")
    # One writer session for the whole upload: each file all-or-nothing, one swap at the end.
    results = load_files(files, warehouse=warehouse, declared_unit=declared_unit, declared_period=declared_period,
                         submitted_by=actor, allowed_units=allowed, dry_run=dry_run, archive_root=raw, progress=progress)
    if not dry_run:
        acc = store.connect()
        try:
            for (_, name), r in zip(files, results):
                action = {"accepted": "load.replaced" if r.replaced else "load.accepted",
                          "rejected": "load.rejected", "duplicate": "load.duplicate"}[r.status]
                store.audit(acc, actor, action, r.submission_id, {
                    "file": name, "unit": r.unit_code, "period": f"{r.period:%Y-%m}" if r.period else None,
                    "rows": r.row_count, "replaced": r.replaced, "errors": [str(e) for e in r.errors][:50]})
        finally:
            acc.close()
    return results
