"""Command line: python -m etl {build,sample,template,load} ..."""
from __future__ import annotations

import argparse
import datetime as dt
import sys
from pathlib import Path

from etl.periods import parse_period


def _period(text: str) -> dt.date:
    p = parse_period(text)
    if p is None:
        raise argparse.ArgumentTypeError(f"'{text}' không phải tháng dạng YYYY-MM")
    return p


def cmd_build(args) -> int:
    from etl.build import build
    from etl.warehouse import exclusive_lock

    with exclusive_lock(args.warehouse):
        stats = build(args.warehouse, args.raw, progress=None if not args.quiet else False)
    print(f"Đã dựng kho dữ liệu {stats['warehouse']}: {stats['files']} tệp lưu trữ "
          f"({stats['accepted']} hợp lệ, {stats['rejected']} bị từ chối) trong {stats['seconds']} s.")
    return 0


def cmd_sample(args) -> int:
    from etl.sample import generate

    from accounts import store

    n = generate(args.raw, progress=None if not args.quiet else False)
    print(f"Đã sinh {n} tệp dữ liệu mẫu vào {args.raw or 'data/raw/'}.")
    con = store.connect()
    try:
        made = store.ensure_demo_accounts(con)
    finally:
        con.close()
    if made:
        print("Đã tạo tài khoản dùng thử: " + ", ".join(made) + " (mật khẩu: xem README, mục Tài khoản dùng thử).")
    return 0


def cmd_template(args) -> int:
    from etl.periods import period_text
    from etl.reference import catalogue
    from etl.template import write_template

    if args.unit not in catalogue().units:
        print(f"Lỗi: mã đơn vị '{args.unit}' không có trong danh mục (data/reference/units.csv).", file=sys.stderr)
        return 2
    out = Path(args.out or f"DA06_{args.unit}_{period_text(args.period)}.xlsx")
    write_template(out, args.unit, args.period)
    print(f"Đã tạo biểu mẫu {out}")
    return 0


def cmd_load(args) -> int:
    from etl.load_cli import run_load

    return run_load(args)


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m etl", description="Kho dữ liệu Đề án 06: dựng, sinh mẫu, biểu mẫu, nạp báo cáo.")
    p.add_argument("--warehouse", type=Path, default=None, help="tệp DuckDB (mặc định $DA06_WAREHOUSE hoặc data/warehouse/da06.duckdb)")
    p.add_argument("--raw", type=Path, default=None, help="thư mục lưu trữ tệp nộp (mặc định data/raw/)")
    p.add_argument("-q", "--quiet", action="store_true", help="không hiện thanh tiến độ")
    sub = p.add_subparsers(dest="command", required=True)
    sub.add_parser("build", help="dựng lại kho dữ liệu từ data/reference và data/raw").set_defaults(func=cmd_build)
    sub.add_parser("sample", help="sinh các tệp báo cáo mẫu vào data/raw").set_defaults(func=cmd_sample)
    t = sub.add_parser("template", help="tạo biểu mẫu báo cáo cho một đơn vị và tháng")
    t.add_argument("--unit", required=True)
    t.add_argument("--period", required=True, type=_period)
    t.add_argument("--out", type=Path)
    t.set_defaults(func=cmd_template)
    ld = sub.add_parser("load", help="kiểm tra và nạp tệp báo cáo")
    ld.add_argument("paths", nargs="+", type=Path)
    ld.add_argument("--period", type=_period)
    ld.add_argument("--unit")
    ld.add_argument("--dry-run", action="store_true", help="chỉ kiểm tra, không ghi gì")
    ld.add_argument("--user", help="tài khoản nộp (phải tồn tại, đang hoạt động; cán bộ chỉ nạp cho đơn vị của mình); "
                                   "người dùng hệ điều hành chạy lệnh luôn được ghi vào nhật ký")
    ld.set_defaults(func=cmd_load)
    from etl.user_cli import add_parser as add_user_parser

    add_user_parser(sub)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
