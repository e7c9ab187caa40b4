"""The upload page: what was read and what is wrong is shown before anything is written; the
confirmed load goes through the same load function as the command line; an uploader cannot
load for another unit; a viewer cannot use the page."""
import datetime as dt
import shutil

import pytest
from streamlit.testing.v1 import AppTest

from accounts import store
from etl.template import write_template
from tests.conftest import ROOT
from tests.helpers import rows

DEC = dt.date(2024, 12, 1)


@pytest.fixture
def env(tmp_path, sample_db, monkeypatch):
    wh = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, wh)
    monkeypatch.setenv("DA06_WAREHOUSE", str(wh))
    monkeypatch.setenv("DA06_RAW", str(tmp_path / "raw"))
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    con = store.connect()
    store.ensure_demo_accounts(con)
    con.close()
    return tmp_path


def _page(user: str | None) -> AppTest:
    at = AppTest.from_file(str(ROOT / "pages" / "upload.py"), default_timeout=60)
    if user:
        con = store.connect()  # a real login session, as the cookie route makes
        at.session_state["da06_session"] = store.create_session(con, user, 60)
        con.close()
    return at.run()


def _xlsx(path, unit, values):
    return (path.name, write_template(path, unit, DEC, values).read_bytes(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@pytest.mark.parametrize("user", [None, "lanhdao", "phantich"])
def test_only_uploaders_and_admins_may_use_the_page(env, user):
    at = _page(user)
    assert not at.exception
    assert at.error[0].value.startswith("Trang này dành cho cán bộ nộp báo cáo")
    assert len(at.file_uploader) == 0


def test_preview_then_confirm_loads_the_file(env):
    at = _page("thoxuan")
    at.file_uploader[0].set_value([_xlsx(env / "ok.xlsx", "395", {"identity": {"395": {"cccd_records": 150000}}})]).run()
    assert not at.exception and not at.error
    assert any(m.value.endswith("**ok.xlsx** — đơn vị 395, Tháng 12/2024, 1 dòng hợp lệ") for m in at.markdown), [m.value for m in at.markdown]
    assert rows(env / "da06.duckdb", "select cccd_records from fact_identity where unit_code = '395' and period = ?", [DEC]) != [(150000,)]
    assert "sẽ **thay thế**" in at.info[0].value  # the sample already has a December report for 395
    at.button(key="confirm_load").click().run()
    assert at.success[0].value.startswith("ok.xlsx: Đã nạp")
    assert rows(env / "da06.duckdb", "select cccd_records, source from fact_identity where unit_code = '395' and period = ?", [DEC]) == [(150000, "submitted")]
    con = store.connect()
    assert [r[1:4] for r in store.audit_log(con, 1)] == [("thoxuan", "load.replaced", rows(env / "da06.duckdb", "select submission_id from submission_log where source = 'submitted'")[0][0])]
    con.close()


def test_uploader_for_395_cannot_load_380(env):
    before = rows(env / "da06.duckdb", "select count(*) from submission_log")
    at = _page("thoxuan")
    at.file_uploader[0].set_value([_xlsx(env / "other.xlsx", "380", {"identity": {"380": {"cccd_records": 1}}})]).run()
    assert [e.value for e in at.error] == [
        "Dịch vụ công!B2: Tài khoản này không được nộp số liệu cho đơn vị 380 - Thành phố Thanh Hóa. "
        "Chỉ nộp cho đơn vị được phân công; liên hệ quản trị viên nếu cần thêm quyền."]
    assert not [b for b in at.button if b.key == "confirm_load"]
    assert rows(env / "da06.duckdb", "select count(*) from submission_log") == before


def test_bad_file_shows_cell_errors_and_changes_nothing(env):
    before = rows(env / "da06.duckdb", "select * from fact_service_volume order by all")
    at = _page("thoxuan")
    at.file_uploader[0].set_value([_xlsx(env / "bad.xlsx", "395", {"services": {"E06-02": {"total_dossiers": 10, "online_dossiers": 11}}})]).run()
    assert [e.value for e in at.error] == ["Dịch vụ công!D8 — Cấp lại, đổi thẻ căn cước công dân: Hồ sơ trực tuyến (11) lớn hơn tổng số hồ sơ (10). Hãy kiểm tra lại hai ô: hồ sơ trực tuyến là một phần của tổng số hồ sơ."]
    assert any(m.value.endswith("**bad.xlsx** — đơn vị 395, Tháng 12/2024, 1 lỗi cần sửa; chưa nạp gì") for m in at.markdown)
    assert rows(env / "da06.duckdb", "select * from fact_service_volume order by all") == before


def test_history_names_the_file_that_replaced_a_report(env):
    at = _page("thoxuan")
    at.file_uploader[0].set_value([_xlsx(env / "thay_the.xlsx", "395", {"identity": {"395": {"cccd_records": 150000}}})]).run()
    at.button(key="confirm_load").click().run()
    (old_name,), = rows(env / "da06.duckdb", """select file_name from submission_log
                                                 where unit_code = '395' and period = ? and source = 'sample'""", [DEC])
    (new_at,), = rows(env / "da06.duckdb", "select submitted_at from submission_log where file_name = 'thay_the.xlsx'")
    hist = at.dataframe[-1].value
    replaced = hist[hist["Tệp"] == old_name]
    assert list(replaced["Trạng thái"]) == ["Bị thay thế một phần"]
    assert list(replaced["Thay thế bởi"]) == [f"thay_the.xlsx ({new_at:%d/%m/%Y %H:%M})"]
    assert list(hist[hist["Tệp"] == "thay_the.xlsx"]["Thay thế bởi"]) == [""]


def test_my_work_lists_the_reports_my_unit_still_owes_with_deadlines(env, monkeypatch):
    # "today" 20 September 2023: thoxuan's 395 sent nothing for August 2023 (due 15/09, overdue);
    # June and July 2023 are in the sample.
    monkeypatch.setenv("DA06_AS_OF", "2023-09-20")
    sent = rows(env / "da06.duckdb", """select distinct period, topic from stg_submission_topics
                                        where unit_code = '395' and period between '2023-06-01' and '2023-08-01'""")
    assert {p for p, _ in sent} == {dt.date(2023, 6, 1), dt.date(2023, 7, 1)}
    at = _page("thoxuan")
    assert not at.exception
    owed = at.dataframe[0].value
    assert owed.to_dict("records") == [{"Kỳ báo cáo": "Tháng 8/2023", "Đơn vị": "Huyện Thọ Xuân",
                                        "Nội dung còn thiếu": "Làm sạch dữ liệu, CCCD - VNeID, Dịch vụ công, Nhiệm vụ",
                                        "Hạn nộp": "15/09/2023", "Tình trạng": "Quá hạn"}]
    # before the deadline the same report is not yet due
    monkeypatch.setenv("DA06_AS_OF", "2023-09-03")
    assert _page("thoxuan").dataframe[0].value["Tình trạng"].tolist() == ["Chưa đến hạn"]


def test_my_work_owes_nothing_for_months_after_my_district_ended(env, monkeypatch):
    # Huyện Thọ Xuân (395) ended on 30 June 2025 (the communes from July) and sent May and June
    # 2025: on 20 August 2025 its three months (May, June, July) owe nothing, July being after its end.
    monkeypatch.setenv("DA06_AS_OF", "2025-08-20")
    sent = rows(env / "da06.duckdb", """select distinct period from stg_submission_topics
                                        where unit_code = '395' and period between '2025-05-01' and '2025-07-01'""")
    assert {p for (p,) in sent} == {dt.date(2025, 5, 1), dt.date(2025, 6, 1)}
    [(valid_to,)] = rows(env / "da06.duckdb", "select max(valid_to) from stg_unit_validity where unit_code = '395'")
    assert valid_to == dt.date(2025, 6, 30)
    at = _page("thoxuan")
    assert not at.exception
    assert not at.dataframe or "Kỳ báo cáo" not in at.dataframe[0].value.columns
    assert ":green[● Các đơn vị của bạn đã nộp đủ báo cáo của 3 tháng gần nhất.]" in [m.value for m in at.markdown]


def test_preview_shows_names_and_words_and_last_months_figures(env):
    from etl.reference import catalogue
    from etl.topics import TOPICS

    task = TOPICS["tasks"].items.codes_for(catalogue(), "395")[0]
    at = _page("thoxuan")
    at.file_uploader[0].set_value([_xlsx(env / "ok.xlsx", "395", {
        "services": {"E06-03": {"total_dossiers": 1200, "online_dossiers": 900}},
        "cleaning": {"children": {"records_cleaned": 90000, "records_total": 100000}},
        "tasks": {task: {"status": "done"}}})]).run()
    assert not at.exception
    nov = dt.date(2024, 11, 1)
    [(total, online)] = rows(env / "da06.duckdb", """select total_dossiers, online_dossiers from fact_service_volume
                                                     where unit_code = '395' and period = ? and service_code = 'E06-03'""", [nov])
    frames = [d.value for d in at.dataframe]
    services = next(f for f in frames if "Mã dịch vụ" in f.columns)
    row = services[services["Mã dịch vụ"] == "E06-03"].iloc[0]
    [(name,)] = rows(env / "da06.duckdb", "select service_name from dim_service where service_code = 'E06-03'")
    assert row["Tên dịch vụ"] == name
    assert (row["Tổng số hồ sơ"], row["Tổng số hồ sơ (Tháng 11/2024)"]) == ("1.200", f"{total:,}".replace(",", "."))
    assert row["Hồ sơ trực tuyến (Tháng 11/2024)"] == f"{online:,}".replace(",", ".")
    cleaning = next(f for f in frames if "Mã bộ dữ liệu" in f.columns)
    assert cleaning.iloc[0]["Tên bộ dữ liệu"] == "Dữ liệu trẻ em"
    tasks = next(f for f in frames if "Mã nhiệm vụ" in f.columns)
    assert tasks[tasks["Mã nhiệm vụ"] == task].iloc[0]["Trạng thái"] == "Đã hoàn thành"
    # no code of the template's choices or the catalogue's keys as a column header or a word
    shown = " ".join(str(v) for f in frames for v in list(f.columns) + f.astype(str).values.ravel().tolist())
    for code in ("total_dossiers", "records_cleaned", "done", "in_progress", "people_with_merit"):
        assert code not in shown.split()
