"""The filters live in the URL: a link shows exactly that view, bad values give a Vietnamese
notice and the default, and the URL is rewritten in canonical form; sample data is flagged."""
import pytest

from tests.test_page_support import app_env, default_period, markdown, open_page, period_label  # noqa: F401

BANNER = "**DỮ LIỆU MẪU**"


@pytest.mark.parametrize("params, notice", [
    ({"period": "2023-13"}, "Tham số kỳ báo cáo “2023-13” không hợp lệ (dạng 2023-09 hoặc 2023-01..2023-09); đang hiển thị {default}."),
    ({"period": "abc..2023-09"}, "Tham số kỳ báo cáo “abc..2023-09” không hợp lệ"),
    ({"period": "2023-01..2023-05..2023-09"}, "Tham số kỳ báo cáo “2023-01..2023-05..2023-09” không hợp lệ"),
    ({"period": "2023-09.."}, "Tham số kỳ báo cáo “2023-09..” không hợp lệ"),
    ({"unit": "38.CA"}, "Không có đơn vị mã “38.CA”; đã bỏ qua."),
    ({"period": "2019-01"}, "Không có số liệu cho kỳ “2019-01”; đang hiển thị {default}."),
    ({"unit": "999"}, "Không có đơn vị mã “999”; đã bỏ qua."),
    ({"agency": "XX"}, "Không có cơ quan mã “XX”; đang hiển thị tất cả cơ quan."),
])
def test_bad_values_give_a_notice_and_the_default(app_env, params, notice):
    default = default_period(app_env)
    notice = notice.replace("{default}", period_label(default))
    at = open_page("overview", **params)
    assert not at.exception
    assert any(w.value.startswith(notice) for w in at.warning), [w.value for w in at.warning]
    assert dict(at.query_params) == {"period": default}
    assert f"Số liệu đến **{period_label(default)}**" in markdown(at)


@pytest.mark.parametrize("params, canonical", [
    ({"period": "2023-9"}, {"period": "2023-09"}),
    ({"period": "2023-09..2023-01"}, {"period": "2023-01..2023-09"}),
    ({"period": "2023-09..2023-09"}, {"period": "2023-09"}),
    ({"period": "2023-09", "unit": ["396", "395"]}, {"period": "2023-09", "unit": "395,396"}),  # Thọ before Thường
    ({"period": "2023-09", "unit": "395,999"}, {"period": "2023-09", "unit": "395"}),
    ({"period": "2023-09", "agency": "38.CA"}, {"period": "2023-09", "agency": "38.CA"}),
])
def test_url_is_rewritten_canonically(app_env, params, canonical):
    at = open_page("services", **params)
    assert not at.exception
    assert dict(at.query_params) == canonical


def test_the_link_sets_the_sidebar_widgets(app_env):
    at = open_page("cleaning", period="2023-01..2023-09", unit="395,380", agency="38.STP")
    assert at.radio(key="f_mode").value == "range"
    assert [str(d) for d in at.select_slider(key="f_range").value] == ["2023-01-01", "2023-09-01"]
    assert at.multiselect(key="f_units").value == ["395", "380"]  # names in Vietnamese order: Huyện … before Thành phố …
    assert at.selectbox(key="f_agency").value == "38.STP"


def test_sample_month_shows_the_banner_and_no_official_source(app_env):
    at = open_page("identity", period="2024-06", unit="395")
    assert at.warning[0].value.startswith(BANNER)
    assert "Số liệu chính thức" not in markdown(at) and "Nguồn: Dữ liệu mẫu." in markdown(at)


def test_september_2023_names_the_official_source(app_env):
    at = open_page("services", period="2023-09", agency="38.STP")
    md = markdown(at)
    assert "Số liệu chính thức: Báo cáo tháng 9/2023 của Tổ công tác Đề án 06 tỉnh Thanh Hóa" in md
