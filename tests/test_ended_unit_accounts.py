"""An account bound to an ended unit keeps no new rights: it cannot send a file for the unit for a
month after the unit's end, nor for the unit's successors; the admin page lists such accounts with
the successors to rebind them to."""
import datetime as dt

import pytest
from streamlit.testing.v1 import AppTest

from accounts import store
from dashboard.db import Warehouse
from dashboard.queries import catalog, users
from etl.intake import submit
from tests.conftest import ROOT
from tests.helpers import make_workbook, rows
from tests.test_upload_validity import THO_XUAN_ENDED, _retimed

THO_XUAN_SUCCESSORS = ("15505 - Xã Thọ Long; 15499 - Xã Thọ Xuân; 15520 - Xã Xuân Hòa; 15553 - Xã Sao Vàng; "
                       "15592 - Xã Xuân Lập; 15544 - Xã Lam Sơn; 15568 - Xã Thọ Lập; 15574 - Xã Xuân Tín")


@pytest.fixture
def acc(tmp_path, monkeypatch):
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    con = store.connect()
    store.create_user(con, "thoxuan", "mot-mat-khau-dai", "uploader", ("395",), "Cán bộ Thọ Xuân")
    store.create_user(con, "dongson", "mot-mat-khau-dai", "uploader", ("405", "38.CA"), "Cán bộ Đông Sơn")
    store.create_user(con, "congan", "mot-mat-khau-dai", "uploader", ("38.CA",), "Cán bộ Công an")
    yield con
    con.close()


def test_the_accounts_on_ended_units_are_listed_with_their_successors(acc, empty_warehouse):
    wh = Warehouse(empty_warehouse)
    got = users.accounts_on_ended_units(acc, catalog.ended_units(wh, dt.date(2026, 12, 7)))
    assert got.to_dict("records") == [
        {"username": "dongson", "display_name": "Cán bộ Đông Sơn", "role": "uploader", "active": True, "unit_code": "405",
         "unit_name": "Huyện Đông Sơn", "ended_from": dt.date(2024, 12, 1), "successors": "380 - Thành phố Thanh Hóa",
         "default_successor": "380"},
        {"username": "thoxuan", "display_name": "Cán bộ Thọ Xuân", "role": "uploader", "active": True, "unit_code": "395",
         "unit_name": "Huyện Thọ Xuân", "ended_from": dt.date(2025, 7, 1), "successors": THO_XUAN_SUCCESSORS,
         "default_successor": "15505"},
    ]
    # In June 2025 only Đông Sơn had ended.
    assert list(users.accounts_on_ended_units(acc, catalog.ended_units(wh, dt.date(2025, 6, 15)))["unit_code"]) == ["405"]


def test_an_account_on_an_ended_unit_cannot_send_for_it_after_its_end_nor_for_its_successors(acc, empty_warehouse, tmp_path):
    user = store.get_user(acc, "thoxuan")
    late = _retimed(make_workbook(tmp_path / "a.xlsx", "395", dt.date(2025, 6, 1), {"identity": {"395": {"cccd_records": 5}}}),
                    dt.date(2025, 8, 1))
    successor = make_workbook(tmp_path / "b.xlsx", "15499", dt.date(2025, 8, 1), {"identity": {"15499": {"cccd_records": 5}}})
    before = make_workbook(tmp_path / "c.xlsx", "395", dt.date(2025, 6, 1), {"identity": {"395": {"cccd_records": 5}}})
    got = submit([(late, "a.xlsx"), (successor, "b.xlsx"), (before, "c.xlsx")], user=user, warehouse=empty_warehouse,
                 raw=tmp_path / "raw")
    assert [(r.status, [i.message for i in r.issues if i.severity == "error"]) for r in got] == [
        ("rejected", [THO_XUAN_ENDED]),
        ("rejected", ["Tài khoản này không được nộp số liệu cho đơn vị 15499 - Xã Thọ Xuân. Chỉ nộp cho đơn vị được "
                      "phân công; liên hệ quản trị viên nếu cần thêm quyền."]),
        ("accepted", []),
    ]
    assert rows(empty_warehouse, "select unit_code, period, cccd_records from stg_identity where source = 'submitted'") == [
        ("395", dt.date(2025, 6, 1), 5)]


def test_the_admin_page_lists_the_accounts_to_rebind(acc, sample_db, monkeypatch):
    monkeypatch.setenv("DA06_WAREHOUSE", str(sample_db))
    at = AppTest.from_file(str(ROOT / "pages" / "admin.py"), default_timeout=60)
    store.create_user(acc, "quantri", "mot-mat-khau-dai", "admin", ())
    at.session_state["da06_session"] = store.create_session(acc, "quantri", 60)
    at.run()
    assert not at.exception
    assert [s.value for s in at.subheader] == ["Tài khoản gắn với đơn vị đã thôi hoạt động"]
    table = at.dataframe[1].value
    assert table[["Tên đăng nhập", "Mã đơn vị", "Thôi hoạt động từ", "Gắn lại với (mặc định)"]].values.tolist() == [
        ["dongson", "405", "01/12/2024", "380"], ["thoxuan", "395", "01/07/2025", "15505"]]
    assert table["Đơn vị kế thừa"].tolist() == ["380 - Thành phố Thanh Hóa", THO_XUAN_SUCCESSORS]
