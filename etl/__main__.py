"""Command line: python -m etl {build,sample,template,load,report,user,reference} ..."""
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
        print(f"Lỗi: mã đơn vị '{args.unit}' không có trong danh mục (data/reference/admin_units.csv).", file=sys.stderr)
        return 2
    out = Path(args.out or f"DA06_{args.unit}_{period_text(args.period)}.xlsx")
    try:
        write_template(out, args.unit, args.period)
    except ValueError as e:  # a unit outside its validity in the month
        print(f"Lỗi: {e}", file=sys.stderr)
        return 2
    print(f"Đã tạo biểu mẫu {out}")
    return 0


def cmd_load(args) -> int:
    from etl.load_cli import run_load

    return run_load(args)


def cmd_report(args) -> int:
    """Exit 0: written. 1: the month has no data (nothing written). 3: units have not reported
    (nothing written unless --allow-incomplete, then written with the gap in section III, exit 0).
    2: the unit is unknown."""
    from etl.periods import period_text
    from etl.report import IncompleteMonth, NoData, gather, write_docx, write_xlsx
    from etl.warehouse import Reader

    wh = Reader(args.warehouse)
    if not wh.exists():
        print(f"Lỗi: chưa có kho dữ liệu {wh.path}. Hãy chạy: python -m etl build", file=sys.stderr)
        return 1
    try:
        report = gather(wh, args.period, args.unit)
    except NoData as e:
        print(f"Lỗi: {e}", file=sys.stderr)
        return 2 if "không có trong danh mục" in str(e) else 1
    except IncompleteMonth as e:
        if not args.allow_incomplete:
            print(f"Lỗi: {e} Chưa tạo báo cáo; khi các đơn vị đã nộp hãy chạy lại, hoặc thêm --allow-incomplete "
                  "để tạo báo cáo ghi rõ các đơn vị chưa nộp.", file=sys.stderr)
            return 3
        print(f"Cảnh báo: {e} Báo cáo ghi rõ các đơn vị chưa nộp (mục III).", file=sys.stderr)
        report = e.report
    finally:
        wh.close()
    out = Path(args.out or ".")
    out.mkdir(parents=True, exist_ok=True)
    stem = f"BaoCao_DA06_{report.unit_code}_{period_text(report.period)}"
    docx = write_docx(report, out / f"{stem}.docx")
    xlsx = write_xlsx(report, out / f"{stem}_PhuLuc.xlsx")
    mark = " (DỮ LIỆU MẪU)" if report.is_sample else ""
    print(f"Đã tạo báo cáo {report.label.lower()} của {report.unit_name}{mark}: {docx} và {xlsx}")
    return 0


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
    rp = sub.add_parser("report", help="tạo báo cáo tháng (.docx) và các phụ lục (.xlsx) từ kho dữ liệu")
    rp.add_argument("--period", required=True, type=_period)
    rp.add_argument("--unit", help="mã đơn vị (mặc định: toàn tỉnh)")
    rp.add_argument("--out", type=Path, help="thư mục ghi tệp (mặc định: thư mục hiện tại)")
    rp.add_argument("--allow-incomplete", action="store_true", help="vẫn tạo báo cáo khi còn đơn vị chưa nộp")
    rp.set_defaults(func=cmd_report)
    from etl.user_cli import add_parser as add_user_parser
    from etl.units_reference import add_parser as add_reference_parser

    add_user_parser(sub)
    add_reference_parser(sub)
    args = p.parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
