"""`python -m etl load`: validate and load files, print every problem, exit non-zero on any rejection.

All files given are loaded in one writer session (etl.load.load_files): each file is still
all-or-nothing, and readers see the whole batch at once."""
from __future__ import annotations

import sys

from etl.build import Progress
from etl.load import load_files


def run_load(args) -> int:
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
        results += load_files([(p, p.name) for p in found], warehouse=args.warehouse, declared_unit=args.unit,
                              declared_period=args.period, submitted_by=args.user, dry_run=args.dry_run,
                              archive_root=args.raw, progress=lambda *_: bar.step())
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
