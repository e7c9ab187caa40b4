"""`python -m etl load`: validate and load files, print every problem, exit non-zero on any rejection."""
from __future__ import annotations

import sys

from etl.build import Progress
from etl.load import load_file
from etl.warehouse import scratch, writer


def run_load(args) -> int:
    results = []
    bar = Progress("Nạp tệp", len(args.paths), None if len(args.paths) > 3 and not args.quiet else False)
    for path in args.paths:
        if not path.is_file():
            print(f"Lỗi: không tìm thấy tệp {path}", file=sys.stderr)
            results.append(None)
            continue
        with (scratch if args.dry_run else writer)(args.warehouse) as con:  # a dry run writes nothing
            r = load_file(con, path, declared_unit=args.unit, declared_period=args.period,
                          submitted_by=args.user, dry_run=args.dry_run, archive_root=args.raw)
        results.append(r)
        bar.step()
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
