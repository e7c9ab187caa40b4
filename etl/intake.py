"""The one way a submission gets in, for the app and the command line alike.

`submit()` checks who is loading (an uploader only for their own units: enforced here, in the
load path, not only hidden in the UI), loads each file all-or-nothing through etl.load — the
whole upload on one private copy of the warehouse that replaces it atomically
(etl.load.load_files, etl.warehouse) — and writes every outcome — loaded, replaced, rejected,
duplicate — to the audit log.
"""
from __future__ import annotations

import datetime as dt
import os
import pickle
import subprocess
import sys
from pathlib import Path

from accounts import store
from etl.issues import Issue
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
    isolate: bool = True,
) -> list[LoadResult]:
    """Validate and load each (path, original file name). Returns one LoadResult per file.
    A dry run (the upload page's check) runs in a separate process with limits
    (checked_apart), so nothing a file does can take the caller down."""
    actor = actor or (user.username if user else "cli")
    allowed = allowed_units_for(user)
    if user is not None and not allowed:
        raise PermissionError(f"Tài khoản {user.username} ({store.ROLES[user.role]}) không có quyền nộp báo cáo.")
    if dry_run and isolate:
        return checked_apart(files, warehouse=warehouse, declared_unit=declared_unit, declared_period=declared_period,
                             submitted_by=actor, allowed_units=allowed)
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


# The check of an upload runs apart from the server: a file that makes a parser allocate or loop
# without bound kills only that process. 2 GB of address space is ten times what the largest
# accepted workbook needs (DuckDB's copy of the warehouse included); 120 s is a hundred times
# the check of a monthly file.
CHECK_MEMORY_BYTES = 2 * 1024**3
CHECK_SECONDS = 120


def _limit_child() -> None:
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (CHECK_MEMORY_BYTES, CHECK_MEMORY_BYTES))
    resource.setrlimit(resource.RLIMIT_CPU, (CHECK_SECONDS, CHECK_SECONDS + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def checked_apart(files: list[tuple[Path, str]], **kwargs) -> list[LoadResult]:
    """load_files(files, dry_run=True, **kwargs) in a child process under CHECK_MEMORY_BYTES of
    address space and CHECK_SECONDS of time; a child that dies or overruns gives every file a
    rejection saying so, and the caller goes on."""
    payload = pickle.dumps((list(files), kwargs))
    env = dict(os.environ)
    try:
        proc = subprocess.run([sys.executable, "-m", "etl.intake"], input=payload, capture_output=True,
                              timeout=CHECK_SECONDS, env=env, cwd=str(Path(__file__).resolve().parent.parent))
        if proc.returncode == 0:
            return pickle.loads(proc.stdout)
        reason = f"quá trình kiểm tra bị dừng (mã {proc.returncode})"
    except subprocess.TimeoutExpired:
        reason = f"kiểm tra quá {CHECK_SECONDS} giây"
    names = ", ".join(f"'{name}'" for _, name in files)
    return [LoadResult(name, "rejected", issues=[Issue("error", f"Không kiểm tra được tệp {names}: {reason}, có thể vì tệp quá lớn "
                                                                "hoặc bị hỏng. Hệ thống không thay đổi gì. Hãy mở tệp bằng Excel, "
                                                                "sao chép số liệu sang biểu mẫu mới và nộp lại; nếu vẫn lỗi, hãy báo "
                                                                "cho quản trị viên.")])
            for _, name in files]


if __name__ == "__main__":  # the child of checked_apart: limits first (no preexec_fn: the server has threads)
    _limit_child()
    files, kwargs = pickle.loads(sys.stdin.buffer.read())
    results = load_files(files, dry_run=True, **kwargs)
    sys.stdout.buffer.write(pickle.dumps(results))
