"""Bảng tổng hợp: service × unit × month (and dataset × unit × month) as one table with the counts
and the rate — the table behind Appendix II by unit. The rows keep the dimensions chosen; the
others are added up (dossiers) or taken at the period's last month (cleaning, a stock). Sort by
clicking a column's header; download as .xlsx."""
import streamlit as st

from dashboard import ui
from dashboard.queries import pivot
from etl.definitions import PIVOT_DIM_LABELS, PIVOT_SUBJECT_LABELS, fmt_count, period_label

_, f, hdr = ui.page("Bảng tổng hợp", "Mỗi dòng là một tổ hợp của các chiều đã chọn; bấm tiêu đề cột để sắp xếp. Tỷ lệ "
                    "= tổng tử số / tổng mẫu số của các dòng gộp lại, không lấy trung bình các tỷ lệ.")
units, agency = f.units_or_none, f.agency

c1, c2 = st.columns([1, 2])
subject = c1.radio("Nội dung", list(PIVOT_SUBJECT_LABELS), format_func=PIVOT_SUBJECT_LABELS.get, key="pv_subject",
                   horizontal=True)
labels = PIVOT_DIM_LABELS[subject]
if "pv_dims" not in st.session_state:
    st.session_state["pv_dims"] = list(pivot.DIMS)
dims = c2.multiselect("Các chiều giữ lại trên mỗi dòng", list(pivot.DIMS), format_func=labels.get, key="pv_dims",
                      placeholder="Không chọn chiều nào: một dòng tổng")

item = [("item_code", "Mã", "text", 80), ("item_name", labels["item"], "long", 260)]
unit = [("unit_name", labels["unit"], "text", 180)]
month = [("period", labels["month"], "month", 110)]
keep = (item if "item" in dims else []) + (unit if "unit" in dims else []) + (month if "month" in dims else [])
if subject == "services":
    data = ui.cached(pivot.services, f.first, f.last, units, agency, tuple(dims))
    data = data.rename(columns={"service_code": "item_code", "service_name": "item_name"})
    spec = keep + [("total_dossiers", "Tổng hồ sơ", "count", 95), ("online_dossiers", "Trực tuyến", "count", 90),
                   ("online_rate", "Tỷ lệ trực tuyến", "rate", 90), ("on_time", "Đúng hạn", "count", 85),
                   ("overdue", "Quá hạn", "count", 80)]
    note = "Hồ sơ cộng trên các tháng của kỳ."
else:
    data = ui.cached(pivot.cleaning, f.first, f.last, units, agency, tuple(dims))
    data = data.rename(columns={"dataset_code": "item_code", "dataset_name": "item_name"})
    spec = keep + [("records_cleaned", "Đã làm sạch", "count", 110), ("records_total", "Tổng số cần làm sạch", "count", 130),
                   ("cleaning_ratio", "Tỷ lệ làm sạch", "rate", 100)]
    note = ("Số cộng dồn đến cuối mỗi tháng." if "month" in dims
            else f"Số cộng dồn đến cuối {period_label(f.last).lower()} (không cộng các tháng với nhau).")

st.caption(f"{note} {fmt_count(len(data))} dòng.")
if len(data):
    title = f"Bảng tổng hợp {PIVOT_SUBJECT_LABELS[subject].lower()} theo " + (
        ", ".join(labels[d].lower() for d in pivot.DIMS if d in dims) or "tổng")
    ui.table(data, spec, title, f"pivot-{subject}", height=620)
else:
    ui.empty()

hdr.sources(ui.sources_of(data))
