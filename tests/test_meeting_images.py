"""Ready for the meeting: a chart's PNG carries its title, period, source and the "DỮ LIỆU MẪU"
mark when the data is sample; the overview downloads as one image or PDF page (KPI cards, the
trend and the ranking), composed on the server by kaleido. The PDF's text is read back with
pdftotext."""
from __future__ import annotations

import shutil
import subprocess

import pytest
from streamlit.testing.v1 import AppTest

from accounts import store
from dashboard import charts, export, ui
from tests.conftest import ROOT
from tests.test_page_support import app_env, metrics  # noqa: F401

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def png_server():
    yield
    export.stop_png_server()


def _overview(user: str | None, **params) -> AppTest:
    con = store.connect()
    store.ensure_demo_accounts(con)
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=90)
    if user:
        at.session_state["da06_session"] = store.create_session(con, user, 60)
    con.close()
    at.run()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page("pages/overview.py").run()
    assert not at.exception
    return at


def _texts(fig) -> str:
    return " ".join([fig.layout.title.text or ""] + [a.text for a in fig.layout.annotations])


def test_chart_image_says_title_period_source_and_sample(app_env):
    at = _overview("phantich", period="2024-12")
    shown = at.session_state[ui.SHOWN_KEY]
    # the trend, then the map of the districts (pages12)
    assert [t for _, t in shown["charts"]] == ["Tỷ lệ nộp hồ sơ trực tuyến theo tháng",
                                                "Tỷ lệ trực tuyến theo địa phương, Tháng 12/2024"]
    fig, title = shown["charts"][0]
    assert shown["sample"] is True
    dressed = export.dressed(fig, title, "Kỳ: Tháng 12/2024", shown["source"], shown["sample"])
    text = _texts(dressed)
    assert "<b>Tỷ lệ nộp hồ sơ trực tuyến theo tháng</b>" in text and "Kỳ: Tháng 12/2024" in text
    assert f"Nguồn: {shown['source']}" in text and "Dữ liệu mẫu (sinh tự động" in shown["source"]
    assert text.count(export.SAMPLE_MARK) == 2  # beside the period and across the plot
    plain = export.dressed(fig, title, "Kỳ: Tháng 9/2023", "Báo cáo tháng 9/2023", False)
    assert export.SAMPLE_MARK not in _texts(plain)


def test_chart_png_download_is_a_png_with_room_for_title_and_source(app_env, png_server):
    fig = charts.rate_trend(__import__("pandas").DataFrame({"period": [], "online_rate": []}), [("online_rate", "Tỷ lệ")],
                            height=320)
    data = ui.chart_png(fig, "Tỷ lệ", "Kỳ: Tháng 9/2023", {"source": "Báo cáo tháng 9/2023", "sample": False})
    assert data.startswith(PNG)
    import struct
    assert struct.unpack(">II", data[16:24]) == (2400, 2 * (320 + 150))


@pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) not installed")
def test_overview_as_pdf_carries_cards_chart_ranking_and_sample_mark(app_env, png_server, tmp_path):
    at = _overview("phantich", period="2024-12")
    labels = [b.label for b in at.get("download_button")]
    assert "⬇ Ảnh trang (PNG)" in labels and "⬇ Trang (PDF)" in labels
    shown = at.session_state[ui.SHOWN_KEY]
    assert [c["value"] for c in shown["cards"]] == list(metrics(at).values())
    ranking = at.table[-1].value
    frame = ranking.astype(object).where(ranking.notna(), "–").astype(str)
    fig = export.overview_figure("Tổng quan", "Kỳ: Tháng 12/2024", shown["source"], shown["sample"], shown["cards"],
                                 shown["charts"][0][0], shown["charts"][0][1], ("Xếp hạng địa phương", frame))
    pdf = export.figure_bytes(fig, "pdf")
    assert pdf.startswith(b"%PDF")
    (tmp_path / "o.pdf").write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(tmp_path / "o.pdf"), "-"], capture_output=True, text=True, check=True).stdout
    text = " ".join(text.split())  # a long name wraps in its cell
    for expected in ["Tổng quan", "Kỳ: Tháng 12/2024", export.SAMPLE_MARK, "Xếp hạng địa phương",
                     "Tỷ lệ nộp hồ sơ trực tuyến theo tháng", "Chưa báo cáo", "Huyện Hà Trung",
                     *metrics(at).values(), *metrics(at).keys()]:
        assert expected in text, expected
    assert export.figure_bytes(fig, "png").startswith(PNG)


def test_viewers_without_export_rights_get_no_page_image(app_env):
    at = _overview(None, period="2024-12")
    assert not [b for b in at.get("download_button") if b.label.startswith("⬇ Ảnh trang")]
