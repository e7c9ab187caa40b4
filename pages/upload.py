"""Nộp báo cáo: template, upload, preview and errors before anything is written, confirm, history."""
from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

import streamlit as st

from accounts import store
from dashboard import auth, tables, ui
from dashboard.plain import plain
from dashboard.queries import catalog, reporting, submissions
from etl.config import reporting_as_of
from etl.definitions import SUBMISSION_STATUS_LABELS, date_text, fmt_count, period_label, period_text
from etl.intake import submit
from etl.load import safe_extension
from etl.periods import add_months
from etl.read import MAX_FILE_BYTES
from etl.template import write_template
from etl.topics import TOPICS


def replaced_text(ids: list[str], unit: str | None) -> str:
    """The reports a file replaces, by the name they were sent under (tables.replaced_text), as plain text."""
    return plain(tables.replaced_text(ids, ui.cached(submissions.history, [unit], 1000) if unit else None))


st.title("Nộp báo cáo tháng")
user = auth.current_user()
if not auth.has_role(user, "uploader", "admin"):
    st.error("Trang này dành cho cán bộ nộp báo cáo và quản trị viên. Hãy đăng nhập bằng tài khoản được phân công.")
    st.stop()

summary = ui.cached(catalog.warehouse_summary)
if "sample" in str(summary.get("sources") or ""):
    st.warning(f"**DỮ LIỆU MẪU** — {summary['sample_label']}. Kho hiện chứa các tệp báo cáo mẫu; "
               "tệp nạp ở đây được ghi vào kho này.", icon="⚠️")
own_units = None if user.role == "admin" else list(user.units)  # an admin may load for every unit
units_df = ui.cached(catalog.reportable_units, own_units)
st.caption(f"{plain(user.display_name)} — {store.ROLES[user.role]}"
           + (f"; được nộp cho: {', '.join(f'{plain(r.unit_code)} {plain(r.unit_name)}' for r in units_df.itertuples())}" if user.role == "uploader" else "; được nộp cho mọi đơn vị"))

# Việc của tôi: the reports this officer's units still owe -----------------------------------------
today_ = reporting_as_of()
st.subheader("Việc của tôi")
owed = tables.owed(ui.cached(reporting.owed, own_units if own_units is not None else units_df["unit_code"].tolist(), today_))
if owed.empty:
    st.markdown(":green[● Các đơn vị của bạn đã nộp đủ báo cáo của 3 tháng gần nhất.]")
else:
    st.caption(f"Báo cáo còn thiếu của 3 tháng gần nhất (hôm nay {date_text(today_)}); báo cáo tháng nộp trước ngày 16 "
               "tháng sau.")
    st.dataframe(tables.shown(owed, tables.OWED), hide_index=True, width="stretch")

# 1. Template ---------------------------------------------------------------------------------
with st.expander("1. Tải biểu mẫu của đơn vị", expanded=False):
    c1, c2 = st.columns(2)
    unit = c1.selectbox("Đơn vị", units_df["unit_code"].tolist(),
                        format_func=lambda c: f"{c} — {units_df.set_index('unit_code').loc[c, 'unit_name']}", key="tpl_unit")
    today = dt.date.today()
    # the months the unit is valid in (a district to June 2025, a commune from July 2025)
    months = ui.cached(catalog.valid_months, unit, [add_months(dt.date(today.year, today.month, 1), -i) for i in range(1, 37)]) \
        if unit else []
    month = c2.selectbox("Kỳ báo cáo", months, format_func=period_label, key="tpl_month")
    if unit and month is None:
        st.info("Đơn vị này không hoạt động trong 36 tháng gần đây: không có biểu mẫu để tải.")
    elif unit:
        with tempfile.TemporaryDirectory() as tmp:
            try:  # a template only for a unit valid in the month (etl.template says why not)
                data = write_template(Path(tmp) / "t.xlsx", unit, month).read_bytes()
            except ValueError as e:
                data = None
                st.error(plain(str(e)))
        if data is not None:
            st.download_button("Tải biểu mẫu (.xlsx)", data, file_name=f"DA06_{unit}_{period_text(month)}.xlsx",
                               mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", key="tpl_download")

# 2. Upload and check --------------------------------------------------------------------------
st.subheader("2. Chọn tệp và kiểm tra")
st.write("Hệ thống kiểm tra từng ô **trước khi ghi**; tệp có lỗi không được nạp. Tối đa "
         f"{MAX_FILE_BYTES // 1048576} MB mỗi tệp; nhận .xlsx, .xlsm, .xls, .ods.")
# The file picker's own words are English ("Upload", "20MB per file • XLSX, …"): said in Vietnamese.
st.html(f"""<style>
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p {{font-size: 0;}}
  [data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] p::after {{
      content: "Chọn tệp"; font-size: 0.95rem;}}
  [data-testid="stFileUploaderDropzoneInstructions"] span {{font-size: 0;}}
  [data-testid="stFileUploaderDropzoneInstructions"] span::after {{
      content: "hoặc kéo thả tệp vào đây · tối đa {MAX_FILE_BYTES // 1048576} MB mỗi tệp · .xlsx, .xlsm, .xls, .ods";
      font-size: 0.85rem;}}
</style>""")
files = st.file_uploader("Tệp báo cáo", type=["xlsx", "xlsm", "xls", "ods"], accept_multiple_files=True, key="upload_files",
                         max_upload_size=MAX_FILE_BYTES // 1048576)

staged: list[tuple[Path, str]] = st.session_state.setdefault("staged", [])
if files:
    tmpdir = Path(st.session_state.setdefault("upload_tmp", tempfile.mkdtemp(prefix="da06-upload-")))
    staged.clear()
    for f in files:
        if f.size > MAX_FILE_BYTES:  # judged on the size, before the bytes are read
            st.error(f"Tệp “{plain(f.name)}” quá lớn ({f.size / 1048576:.1f} MB). Tối đa "
                     f"{MAX_FILE_BYTES // 1048576} MB mỗi tệp: hãy bỏ các trang tính thừa hoặc tách thành nhiều tệp.")
            continue
        data = f.getvalue()
        # The uploaded name is only displayed and logged; the stored path is ours.
        p = tmpdir / f"{uuid.uuid4().hex}{safe_extension(f.name)}"
        p.write_bytes(data)
        staged.append((p, f.name))
    with st.spinner("Đang kiểm tra…"):
        checks = submit(staged, user=user, dry_run=True)
    st.session_state["checks"] = checks
    for (p, name), r in zip(staged, checks):
        ok = r.status == "valid"
        head = f"{':green[:material/check_circle:]' if ok else ':red[:material/cancel:]'} **{plain(name)}**"
        if r.unit_code and r.period:
            head += f" — đơn vị {r.unit_code}, {period_label(r.period)}, "
            head += (f"{fmt_count(r.row_count)} dòng hợp lệ" if ok else
                     f"{fmt_count(len(r.errors))} lỗi cần sửa; chưa nạp gì")
        with st.container(border=True):
            st.markdown(head)
            for e in r.errors:
                st.error(plain(e))  # cell text quoted in the message: plain
            for w in r.warnings:
                st.warning(plain(w))
            if ok and r.replaced:
                st.info("Tệp này sẽ **thay thế** báo cáo đã nộp cùng đơn vị, kỳ và nội dung: "
                        + replaced_text(r.replaced, r.unit_code) + ". Bản cũ vẫn được lưu trong nhật ký.")
            for topic, rows in r.preview.items():
                if rows:
                    st.caption(f"Đã đọc — {TOPICS[topic].sheet}"
                               + (f"; bên cạnh mỗi số: số đã nộp {period_label(add_months(r.period, -1)).lower()}"
                                  if r.unit_code and r.period else ""))
                    before = (ui.cached(submissions.previous_month, topic, r.unit_code, r.period)
                              if r.unit_code and r.period else None)
                    st.dataframe(tables.upload_preview(rows, topic, r.labels, before,
                                                       period_label(add_months(r.period, -1)) if r.period else ""),
                                 hide_index=True, width="stretch")

    valid = [(s, r) for s, r in zip(staged, checks) if r.status == "valid"]
    if valid and st.button(f"3. Xác nhận nạp {len(valid)} tệp hợp lệ", type="primary", key="confirm_load"):
        bar = st.progress(0.0, text="Đang nạp…")
        results = submit([s for s, _ in valid], user=user,
                         progress=lambda i, n, r: bar.progress(i / n, text=f"Đã xử lý {i}/{n} tệp"))
        st.cache_data.clear()  # every page shows the new figures at once
        for (p, name), r in zip([s for s, _ in valid], results):
            msg = f"{plain(name)}: {SUBMISSION_STATUS_LABELS.get(r.status, r.status)} (mã nộp {r.submission_id})"
            (st.success if r.status == "accepted" else st.error)(
                msg + (f"; thay thế {replaced_text(r.replaced, r.unit_code)}" if r.replaced else ""))
            p.unlink(missing_ok=True)
        staged.clear()

# 4. History -----------------------------------------------------------------------------------
st.subheader("Lịch sử nộp báo cáo")
hist = tables.submissions(ui.cached(submissions.history, own_units, 100))
if hist.empty:
    st.write("Chưa có tệp nào.")
else:
    widths = tables.widths(tables.SUBMISSIONS)
    st.dataframe(tables.shown(hist, tables.SUBMISSIONS), hide_index=True, width="stretch",
                 column_config={label: st.column_config.Column(width=w) for label, w in widths.items()})
    ui.xlsx_download(hist, tables.SUBMISSIONS, "Lịch sử nộp báo cáo", "upload-history",
                     [("Đơn vị", "Mọi đơn vị" if own_units is None else ", ".join(own_units) or "–"),
                      ("Số tệp", f"{fmt_count(len(hist))} tệp gần nhất")], dt.date.today().isoformat())
