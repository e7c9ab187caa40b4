"""`python -m etl load`: validate and load files, print every problem, exit non-zero on any rejection.

All files given are loaded in one writer session through etl.intake.submit: each file is still
all-or-nothing, readers see the whole batch at once, and every load is in the audit log. The
operating-system user who ran the command is recorded with it ("cli:NAME"); `--user` names an
account, which must exist, be active and may upload (an uploader only for their own units,
enforced by submit); anything else is refused with exit code 2."""
from __future__ import annotations

import getpass
import sys

from accounts import store
from etl.build import Progress
from etl.intake import submit


def os_user() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (e.g. a container without passwd entry)
        import os

        return str(os.getuid())


def cli_account(name: str | None, actor: str) -> tuple[store.User | None, str | None]:
    """The account named by --user, or (None, message in Vietnamese) when it may not load."""
    if name is None:
        return None, None
    con = store.connect()
    try:
        user = store.get_user(con, name)
        if user is None or not user.active:
            why = "không tồn tại" if user is None else "đã bị vô hiệu hóa"
            msg = f"Lỗi: tài khoản '{name}' {why}. Dùng --user với một tài khoản đang hoạt động (xem: python -m etl user list)."
        elif user.role not in ("uploader", "admin"):
            msg = (f"Lỗi: tài khoản '{user.username}' ({store.ROLES[user.role]}) không có quyền nộp báo cáo; "
                   "chỉ cán bộ nộp báo cáo và quản trị viên được nạp.")
        else:
            return user, None
        store.audit(con, actor, "load.refused", name, {"reason": msg})
        return None, msg
    finally:
        con.close()


def run_load(args) -> int:
    actor = f"cli:{os_user()}"
    user, refused = cli_account(args.user, actor)
    if refused:
        print(refused, file=sys.stderr)
        return 2
    if user is not None:
        actor = f"{user.username} [{actor}]"
    results: list = []
    found = []
    for path in args.paths:
        if path.is_file():
            found.append(path)
        else:
            print(f"Lỗi: không tìm thấy tệp {path}", file=sys.stderr)
            results.append(None)
    bar = Progress("Nạp tệp", len(found), None if len(found) > 3 and not args.quiet else False)
    if found:
        results += submit([(p, p.name) for p in found], user=user, actor=actor, warehouse=args.warehouse,
                          declared_unit=args.unit, declared_period=args.period, dry_run=args.dry_run,
                          raw=args.raw, progress=lambda *_: bar.step())
    bar.close()
    failed = 0
    for r in results:
        if r is None:
            failed += 1
            continue
        head = {"accepted": "ĐÃ NẠP", "valid": "HỢP LỆ (chạy thử, chưa ghi)", "duplicate": "ĐÃ CÓ", "rejected": "TỪ CHỐI"}[r.status]
        extra = f" {r.unit_code} {r.period:%m/%Y}" if r.unit_code and r.period else ""
        print(f"{head}: {r.file_name}{extra} — {r.row_count} dòng" + (f"; thay thế {', '.join(r.replaced)}" if r.replaced and r.status == "accepted" else ""))
        for i in r.errors:
            print(f"  LỖI  {i}")
        for i in r.warnings:
            print(f"  CẢNH BÁO  {i}")
        if r.status == "rejected":
            failed += 1
    return 1 if failed else 0
