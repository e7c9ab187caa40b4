"""A later file for the same unit, month and topic replaces the earlier one (kept in the log as
superseded); the same file twice changes nothing; a rejected file changes nothing stored."""
import datetime as dt

from tests.helpers import make_workbook, rows, submit

JAN = dt.date(2024, 1, 1)
T0 = dt.datetime(2024, 2, 5, 9, 0)


def test_later_file_replaces_earlier(tmp_path, empty_warehouse):
    raw = tmp_path / "raw"
    a = make_workbook(tmp_path / "a.xlsx", "395", JAN, {"services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}})
    b = make_workbook(tmp_path / "b.xlsx", "395", JAN, {"services": {"E06-03": {"total_dossiers": 12, "online_dossiers": 6}}})
    ra = submit(empty_warehouse, raw, a, T0)
    rb = submit(empty_warehouse, raw, b, T0 + dt.timedelta(days=1))
    assert rb.replaced == [ra.submission_id]
    assert rows(empty_warehouse, "select total_dossiers from fact_service_volume where unit_code = '395'") == [(12,)]
    assert rows(empty_warehouse, "select submission_id, status from submission_log order by submitted_at") == [
        (ra.submission_id, "superseded"), (rb.submission_id, "accepted")]


def test_same_file_twice_changes_nothing(tmp_path, empty_warehouse):
    raw = tmp_path / "raw"
    a = make_workbook(tmp_path / "a.xlsx", "395", JAN, {"services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}})
    first = submit(empty_warehouse, raw, a, T0)
    again = submit(empty_warehouse, raw, a, T0 + dt.timedelta(hours=1))
    assert (again.status, again.submission_id) == ("duplicate", first.submission_id)
    assert rows(empty_warehouse, "select count(*) from submission_log") == [(1,)]


def test_rejected_file_is_logged_and_changes_no_figure(tmp_path, empty_warehouse):
    raw = tmp_path / "raw"
    good = make_workbook(tmp_path / "good.xlsx", "395", JAN, {"services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}})
    bad = make_workbook(tmp_path / "bad.xlsx", "395", JAN, {"services": {"E06-03": {"total_dossiers": 10, "online_dossiers": 50}}})
    submit(empty_warehouse, raw, good, T0)
    before = rows(empty_warehouse, "select * from fact_service_volume order by all")
    r = submit(empty_warehouse, raw, bad, T0 + dt.timedelta(days=1))
    assert r.status == "rejected"
    assert [str(i) for i in r.errors] == ["Dịch vụ công!D9 — Đăng ký thường trú: Hồ sơ trực tuyến (50) lớn hơn tổng số hồ sơ (10). Hãy kiểm tra lại hai ô: hồ sơ trực tuyến là một phần của tổng số hồ sơ."]
    assert rows(empty_warehouse, "select * from fact_service_volume order by all") == before
    assert rows(empty_warehouse, "select status from submission_log order by submitted_at") == [("accepted",), ("rejected",)]
