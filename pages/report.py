"""Báo cáo tháng: the working group's monthly report from the warehouse — the narrative and
Appendices I–III previewed, .docx and .xlsx downloads, and the PDF where the server has
LibreOffice. Analysts and admins generate; every role that may view downloads a report once
generated (kept per warehouse version, month and unit)."""
from __future__ import annotations

import streamlit as st

from dashboard import auth, ui
from dashboard.plain import plain
from dashboard.state import warehouse
from etl.definitions import fmt_count, fmt_rate, period_label, period_text, task_status_label
from etl.report import NoData
from etl.report import narrative
from etl.report import service as report_service


@st.cache_resource
def _generated() -> dict:
    """(warehouse version, month, unit) -> (report, docx, xlsx, warning, pdf, pdf error), shared by sessions."""
    return {}


st.title("Báo cáo tháng")
wh = warehouse()
version = wh.version()
opts = ui.cached(report_service.report_options)
if not opts["periods"]:
    st.info("Kho dữ liệu chưa có số liệu để lập báo cáo.")
    st.stop()
user = auth.current_user()
may_generate = auth.has_role(user, "analyst", "admin")
units = dict(opts["units"])
c1, c2 = st.columns(2)
period = c1.selectbox("Tháng báo cáo", opts["periods"], format_func=period_label, key="rpt_period")
unit = c2.selectbox("Đơn vị", list(units), format_func=units.get, key="rpt_unit")
key = (version, period, unit)
store = _generated()
if may_generate:
    if st.button("Tạo báo cáo", type="primary", key="rpt_generate"):
        try:
            with st.spinner("Đang lập báo cáo…"):
                made = report_service.generate(wh, period, unit)
                store[key] = (*made, *report_service.make_pdf(made[1]))
        except NoData as e:
            st.error(str(e))
elif key not in store:
    st.info("Chưa có báo cáo cho tháng và đơn vị này. Chuyên viên phân tích hoặc quản trị viên đăng nhập để tạo báo cáo.")

if key in store:
    report, docx_bytes, xlsx_bytes, warning, pdf_bytes, pdf_error = store[key]
    if report.is_sample:
        st.warning("**DỮ LIỆU MẪU** — báo cáo lập từ dữ liệu mẫu, không phải số liệu thật.", icon="⚠️")
    if warning:
        st.warning(warning + " Mục III của báo cáo ghi rõ các đơn vị chưa nộp.", icon="⚠️")
    st.caption(report.source_note())
    stem = f"BaoCao_DA06_{report.unit_code}_{period_text(report.period)}"
    d1, d2, d3 = st.columns(3)
    d1.download_button("Tải báo cáo (.docx)", docx_bytes, f"{stem}.docx", key="rpt_docx",
                       mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    d2.download_button("Tải phụ lục (.xlsx)", xlsx_bytes, f"{stem}_PhuLuc.xlsx", key="rpt_xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    if pdf_bytes:
        d3.download_button("Tải bản PDF", pdf_bytes, f"{stem}.pdf", key="rpt_pdf", mime="application/pdf")
    elif pdf_error:
        d3.warning(plain(pdf_error), icon="⚠️")
    tab_text, tab_i, tab_ii, tab_iii = st.tabs(["Nội dung báo cáo", "Phụ lục I", "Phụ lục II", "Phụ lục III"])
    with tab_text:
        st.subheader("I. Công tác chỉ đạo, tổ chức thực hiện")
        for t in narrative.direction(report):
            st.text(t)
        st.subheader("II. Kết quả thực hiện")
        for s in narrative.results(report):
            st.markdown(f"**{plain(s['heading'])}**")
            for t in s["paragraphs"]:
                st.text(t)
        st.subheader("III. Khó khăn, vướng mắc")
        for t in narrative.difficulties(report):
            st.text(t)
        st.subheader("IV. Nhiệm vụ trọng tâm tháng tới")
        for t in narrative.next_tasks(report):
            st.text(t)
    with tab_i:
        t = report.tasks
        st.dataframe(t.assign(status=t["status"].map(task_status_label))[
            ["task_code", "task_name", "deadline_text", "status", "responsible_unit_name"]].rename(columns={
                "task_code": "Mã", "task_name": "Nhiệm vụ", "deadline_text": "Thời hạn", "status": "Trạng thái",
                "responsible_unit_name": "Chủ trì"}), hide_index=True, key="rpt_tab_i")

    def services_table(df, k):
        shown = df.assign(
            total=df["total_dossiers"].map(fmt_count), online=df["online_dossiers"].map(fmt_count),
            rate=df["online_rate"].map(fmt_rate),
        )[["service_name", "agency_name", "total", "online", "rate"]].rename(columns={
            "service_name": "Dịch vụ công trực tuyến", "agency_name": "Cơ quan", "total": "Tổng hồ sơ",
            "online": "Trực tuyến", "rate": "Tỷ lệ"})
        st.dataframe(shown, hide_index=True, key=k)

    with tab_ii:
        services_table(report.appendix_ii(), "rpt_tab_ii")
    with tab_iii:
        services_table(report.appendix_iii(), "rpt_tab_iii")
