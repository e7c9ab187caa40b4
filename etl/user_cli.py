"""`python -m etl user {add,list,set,audit}`: manage accounts from the server's shell."""
from __future__ import annotations

import getpass
import os
import sys

from accounts import store
from etl.reference import catalogue


def add_parser(sub) -> None:
    u = sub.add_parser("user", help="quản lý tài khoản (tạo quản trị viên đầu tiên, ...)")
    us = u.add_subparsers(dest="user_command", required=True)
    a = us.add_parser("add", help="tạo tài khoản")
    a.add_argument("username")
    a.add_argument("--role", required=True, choices=list(store.ROLES))
    a.add_argument("--units", default="", help="mã đơn vị, cách nhau bởi dấu phẩy (cán bộ nộp báo cáo)")
    a.add_argument("--name", help="họ tên hiển thị")
    a.add_argument("--password-env", default="DA06_PASSWORD",
                   help="biến môi trường chứa mật khẩu (mặc định DA06_PASSWORD); không có thì hỏi")
    s = us.add_parser("set", help="đổi vai trò, đơn vị, trạng thái hoặc mật khẩu")
    s.add_argument("username")
    s.add_argument("--role", choices=list(store.ROLES))
    s.add_argument("--units")
    s.add_argument("--active", choices=["yes", "no"])
    s.add_argument("--password", action="store_true", help="đặt mật khẩu mới (từ DA06_PASSWORD hoặc hỏi)")
    us.add_parser("list", help="liệt kê tài khoản")
    au = us.add_parser("audit", help="nhật ký thao tác gần nhất")
    au.add_argument("--limit", type=int, default=50)
    u.set_defaults(func=run)


def _password(env: str) -> str:
    pw = os.environ.get(env)
    if pw:
        return pw
    if not sys.stdin.isatty():
        raise SystemExit(f"Lỗi: đặt mật khẩu trong biến môi trường {env} (không có bàn phím để hỏi).")
    pw = getpass.getpass("Mật khẩu: ")
    if pw != getpass.getpass("Nhập lại: "):
        raise SystemExit("Lỗi: hai lần nhập không khớp.")
    return pw


def _units(text: str) -> tuple[str, ...]:
    units = tuple(u.strip() for u in text.split(",") if u.strip())
    unknown = [u for u in units if u not in catalogue().units]
    if unknown:
        raise SystemExit(f"Lỗi: mã đơn vị không có trong danh mục: {', '.join(unknown)}")
    return units


def run(args) -> int:
    con = store.connect()
    actor = f"cli:{getpass.getuser()}"
    try:
        if args.user_command == "add":
            try:
                u = store.create_user(con, args.username, _password(args.password_env), args.role, _units(args.units), args.name, actor=actor)
            except (ValueError, store.PasswordTooWeak) as e:
                print(f"Lỗi: {e}", file=sys.stderr)
                return 2
            print(f"Đã tạo tài khoản {u.username} ({store.ROLES[u.role]}{', đơn vị ' + ', '.join(u.units) if u.units else ''}).")
        elif args.user_command == "set":
            if store.get_user(con, args.username) is None:
                print(f"Lỗi: không có tài khoản {args.username}", file=sys.stderr)
                return 2
            try:
                u = store.update_user(con, args.username, actor, role=args.role,
                                      units=_units(args.units) if args.units is not None else None,
                                      active=None if args.active is None else args.active == "yes",
                                      password=_password("DA06_PASSWORD") if args.password else None)
            except (ValueError, store.PasswordTooWeak) as e:
                print(f"Lỗi: {e}", file=sys.stderr)
                return 2
            print(f"Đã cập nhật {u.username}.")
        elif args.user_command == "list":
            for u in store.list_users(con):
                print(f"{u.username:<16} {store.ROLES[u.role]:<40} {','.join(u.units):<12} {'hoạt động' if u.active else 'vô hiệu'}{' (dùng thử)' if u.is_demo else ''}")
        elif args.user_command == "audit":
            for at, actor_, action, target, detail in store.audit_log(con, args.limit):
                print(f"{at}  {actor_:<16} {action:<16} {target or '':<20} {detail or ''}")
        return 0
    finally:
        con.close()
