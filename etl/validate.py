"""Turn raw rows into typed records and report every problem with sheet and cell.

Blocking errors: wrong or missing sheets and columns, non-numbers, negatives, fractions,
online > total, on-time + overdue > online, a typed rate that disagrees with its counts,
unknown unit / service / dataset / task, duplicate rows, a period in the future, a unit the
submitter may not report for. Warnings that need history (a stock that falls, a jump far
outside the unit's history) are added by etl.load, which can see the warehouse.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from etl.issues import Issue
from etl.numbers import NotANumber, format_count, parse_count, parse_rate
from etl.periods import period_label, period_text
from etl.read import WorkbookData
from etl.reference import Catalogue
from etl.text import NameIndex, fold
from etl.topics import STATUS_ALIASES, STATUS_LABELS, TOPICS

RATE_TOLERANCE = 0.005  # half a percentage point: typed rates are rounded

REQUIRED = {
    "services": (("service_code", "service_name"), ("total_dossiers",), ("online_dossiers",)),
    "identity": (("unit_code", "unit_name"), ("cccd_records", "vneid_applications", "vneid_activated")),
    "cleaning": (("dataset_code", "dataset_name"), ("records_cleaned",)),
    "tasks": (("task_code", "task_name"), ("status",)),
}
ID_KEYS = {"services": "service_code", "identity": "unit_code", "cleaning": "dataset_code", "tasks": "task_code"}


@dataclass
class Validated:
    unit_code: str | None
    period: dt.date | None
    is_sample: bool
    records: dict[str, list[dict]] = field(default_factory=dict)  # topic -> records (with '_row')
    issues: list[Issue] = field(default_factory=list)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def row_count(self) -> int:
        return sum(len(v) for v in self.records.values())


def _status_lookup() -> dict[str, str]:
    d = {}
    for key, words in STATUS_ALIASES.items():
        for w in words:
            d[fold(w)] = key
    d.update({fold(k): k for k in STATUS_LABELS})
    return d


_STATUS = _status_lookup()
_INDEX_CACHE: dict[tuple[int, str], NameIndex] = {}


def _index(cat: Catalogue, topic: str) -> tuple[dict, NameIndex]:
    table = {"services": cat.services, "identity": cat.units, "cleaning": cat.datasets, "tasks": cat.tasks}[topic]
    name_key = {"services": "service_name", "identity": "unit_name", "cleaning": "dataset_name", "tasks": "task_name"}[topic]
    k = (id(table), topic)
    if k not in _INDEX_CACHE:
        _INDEX_CACHE[k] = NameIndex({c: r[name_key] for c, r in table.items()})
    return table, _INDEX_CACHE[k]


def validate(
    wb: WorkbookData,
    cat: Catalogue,
    declared_unit: str | None = None,
    declared_period: dt.date | None = None,
    allowed_units: set[str] | None = None,
    today: dt.date | None = None,
) -> Validated:
    issues = list(wb.issues)
    today = today or dt.date.today()

    # Unit: the file's header block, else the command line; both given must agree.
    unit = wb.unit_code
    if declared_unit and unit and declared_unit != unit:
        s, c = wb.unit_cell
        issues.append(Issue("error", f"Tệp ghi đơn vị '{unit}' nhưng lệnh nạp chỉ định đơn vị '{declared_unit}'. Hãy kiểm tra lại tệp hoặc tham số --unit.", s, c))
    unit = unit or declared_unit
    if unit is not None and unit not in cat.units:
        by_name = NameIndex({c: u["unit_name"] for c, u in cat.units.items()}).match(unit)
        if by_name:
            unit = by_name
        else:
            where = wb.unit_cell or (None, None)
            close = NameIndex({c: u["unit_name"] for c, u in cat.units.items()}).closest(unit)
            issues.append(Issue("error", f"Mã đơn vị '{unit}' không có trong danh mục. Gần nhất: "
                                         + "; ".join(f"{c} - {cat.units[c]['unit_name']}" for c in close) + ".", *where))
            unit = None
    if unit is None and not any(i.severity == "error" for i in issues) and wb.sheets:
        issues.append(Issue("error", "Tệp không ghi đơn vị báo cáo (ô 'Đơn vị:' ở đầu trang tính). Hãy dùng biểu mẫu của hệ thống hoặc chỉ định --unit MÃ_ĐƠN_VỊ."))
    if unit and allowed_units is not None and unit not in allowed_units:
        where = wb.unit_cell or (None, None)
        issues.append(Issue("error", f"Tài khoản này không được nộp số liệu cho đơn vị {unit} - {cat.units[unit]['unit_name']}. "
                                     "Chỉ nộp cho đơn vị được phân công; liên hệ quản trị viên nếu cần thêm quyền.", *where))

    # Period: the file, else the command line; both given must agree; never in the future.
    period = wb.period
    if declared_period and period and declared_period != period:
        s, c = wb.period_cell
        issues.append(Issue("error", f"Tệp ghi kỳ báo cáo {period_text(period)} nhưng lệnh nạp chỉ định {period_text(declared_period)}. Hãy kiểm tra lại.", s, c))
    period = period or declared_period
    if period is None and wb.sheets and not any("Kỳ báo cáo" in i.message for i in issues):
        issues.append(Issue("error", "Tệp không ghi kỳ báo cáo (ô 'Kỳ báo cáo:' ở đầu trang tính). Hãy dùng biểu mẫu hoặc chỉ định --period YYYY-MM."))
    if period and period > dt.date(today.year, today.month, 1):
        where = wb.period_cell or (None, None)
        issues.append(Issue("error", f"Kỳ báo cáo {period_label(period)} ở tương lai (hôm nay {today:%d/%m/%Y}). Hãy sửa kỳ báo cáo.", *where))

    expected_topics = set(cat.topics_for(unit)) if unit else None
    out = Validated(unit, period, wb.is_sample, {}, issues)
    for sheet in wb.sheets:
        topic = sheet.topic
        if expected_topics is not None and topic.key not in expected_topics:
            issues.append(Issue("error", f"Đơn vị {unit} không báo cáo nội dung '{topic.sheet}'. Hãy xóa trang tính này hoặc dùng biểu mẫu của đơn vị.", sheet.sheet_name))
            continue
        present = {k for r in sheet.rows for k in r.cells} or set()
        if not sheet.rows:
            issues.append(Issue("warning", "Trang tính không có dòng số liệu nào.", sheet.sheet_name))
            continue
        missing = [alts for alts in REQUIRED[topic.key] if not any(a in present for a in alts)]
        if missing:
            names = "; ".join(" hoặc ".join(f"'{topic.column(a).headers[0]}'" for a in alts) for alts in missing)
            issues.append(Issue("error", f"Thiếu cột {names}. Hãy dùng biểu mẫu của hệ thống và không xóa cột.", sheet.sheet_name))
            continue
        recs = _rows(topic.key, sheet, cat, unit, issues)
        if recs:
            out.records[topic.key] = recs
    if not out.records and wb.sheets and not any(i.severity == "error" for i in issues):
        issues.append(Issue("error", "Tệp không có dòng số liệu nào để nạp."))
    return out


def _rows(topic_key: str, sheet, cat: Catalogue, unit: str | None, issues: list[Issue]) -> list[dict]:
    topic = TOPICS[topic_key]
    table, index = _index(cat, topic_key)
    id_key = ID_KEYS[topic_key]
    name_key = next(c.key for c in topic.columns if c.kind == "name")
    sname = sheet.sheet_name
    seen: dict[str, int] = {}
    records = []
    for row in sheet.rows:
        rec: dict = {"_row": row.excel_row}
        ok = True
        # identity of the row: its code, else its name
        code_raw, code_cell = row.cells.get(id_key, (None, None))
        name_raw, name_cell = row.cells.get(name_key, (None, None))
        code = None
        if code_raw not in (None, ""):
            c = str(int(code_raw)) if isinstance(code_raw, float) and code_raw.is_integer() else str(code_raw).strip()
            if c in table:
                code = c
            else:
                code = index.match(c)
                if code is None:
                    close = index.closest(c)
                    issues.append(Issue("error", f"Mã '{c}' không có trong danh mục. Gần nhất: " + "; ".join(f"{k} - {_short(index.names[k])}" for k in close) + ".", sname, code_cell))
                    continue
        elif name_raw not in (None, ""):
            code = index.match(name_raw)
            if code is None:
                close = index.closest(name_raw)
                issues.append(Issue("error", f"Không nhận ra '{_short(str(name_raw))}' trong danh mục. Gần nhất: "
                                             + "; ".join(f"{k} - {_short(index.names[k])}" for k in close)
                                             + ". Hãy sửa tên cho đúng danh mục hoặc ghi mã.", sname, name_cell))
                continue
        else:
            if any(v not in (None, "") for v, _ in row.cells.values()):
                first_cell = min(row.cells.values(), key=lambda x: x[1])[1]
                issues.append(Issue("error", "Dòng có số liệu nhưng không có mã hoặc tên để biết là dòng nào.", sname, first_cell))
            continue
        if code in seen:
            issues.append(Issue("error", f"'{code}' lặp lại: đã có ở dòng {seen[code]}. Mỗi mục chỉ khai một dòng; hãy xóa dòng trùng.", sname, code_cell or name_cell))
            continue
        seen[code] = row.excel_row
        rec[id_key] = code
        if topic_key == "identity" and unit and code != unit:
            issues.append(Issue("error", f"Dòng ghi đơn vị {code} nhưng tệp là báo cáo của đơn vị {unit}. Mỗi đơn vị nộp tệp riêng.", sname, code_cell or name_cell))
            continue
        for col in topic.columns:
            if col.kind == "count":
                raw, ref = row.cells.get(col.key, (None, None))
                try:
                    v = parse_count(raw)
                except NotANumber:
                    issues.append(Issue("error", f"\"{_short(str(raw))}\" không phải là số nguyên. Hãy nhập số, ví dụ 11343.", sname, ref))
                    ok = False
                    continue
                if v is not None and v < 0:
                    issues.append(Issue("error", f"Số âm ({format_count(v)}) không hợp lệ. Hãy nhập số không âm.", sname, ref))
                    ok = False
                    continue
                rec[col.key] = v
            elif col.kind == "rate":
                raw, ref = row.cells.get(col.key, (None, None))
                try:
                    rec["_" + col.key] = (parse_rate(raw), raw, ref)
                except NotANumber:
                    issues.append(Issue("error", f"\"{_short(str(raw))}\" không phải là tỷ lệ. Hãy nhập dạng 33,9%.", sname, ref))
                    ok = False
            elif col.kind == "status":
                raw, ref = row.cells.get(col.key, (None, None))
                if raw in (None, ""):
                    issues.append(Issue("warning", "Chưa chọn trạng thái: dòng này được bỏ qua (không cập nhật tiến độ).", sname, ref))
                    ok = False
                    continue
                st = _STATUS.get(fold(raw))
                if st is None:
                    issues.append(Issue("error", f"\"{_short(str(raw))}\" không phải trạng thái hợp lệ. Chọn: " + ", ".join(STATUS_LABELS.values()) + ".", sname, ref))
                    ok = False
                rec["status"] = st
            elif col.kind == "text" and col.key == "status_text":
                raw, _ = row.cells.get(col.key, (None, None))
                rec["status_text"] = str(raw).strip() if raw not in (None, "") else None
        if not ok:
            continue
        if topic_key != "tasks" and all(rec.get(c.key) is None for c in topic.columns if c.kind == "count"):
            continue  # a catalogue row left empty: the unit has nothing to report for it
        if not _row_rules(topic_key, rec, row, sname, issues):
            continue
        records.append(rec)
    return records


def _row_rules(topic_key: str, rec: dict, row, sname: str, issues: list[Issue]) -> bool:
    ref = lambda k: row.cells.get(k, (None, None))[1]  # noqa: E731
    ok = True
    if topic_key == "services":
        t, o, ot, od = rec.get("total_dossiers"), rec.get("online_dossiers"), rec.get("on_time"), rec.get("overdue")
        if t is not None and o is not None and o > t:
            issues.append(Issue("error", f"Hồ sơ trực tuyến ({format_count(o)}) lớn hơn tổng số hồ sơ ({format_count(t)}).", sname, ref("online_dossiers")))
            ok = False
        if o is not None and (ot or 0) + (od or 0) > o:
            issues.append(Issue("error", f"Đúng hạn + quá hạn ({format_count((ot or 0) + (od or 0))}) lớn hơn số hồ sơ trực tuyến ({format_count(o)}).", sname, ref("on_time")))
            ok = False
        typed = rec.pop("_online_rate", None)
        if ok and typed and typed[0] is not None and t:
            actual = o / t if o is not None else None
            if actual is not None and abs(typed[0] - actual) > RATE_TOLERANCE:
                issues.append(Issue("error", f"Tỷ lệ ghi \"{typed[1]}\" không khớp với số hồ sơ: {format_count(o)}/{format_count(t)} = "
                                             f"{actual * 100:.2f}%".replace(".", ",") + ". Hãy sửa tỷ lệ hoặc số hồ sơ.", sname, typed[2]))
                ok = False
    elif topic_key == "identity":
        a, k = rec.get("vneid_applications"), rec.get("vneid_activated")
        if a is not None and k is not None and k > a:
            issues.append(Issue("error", f"Tài khoản đã kích hoạt ({format_count(k)}) lớn hơn số hồ sơ đề nghị cấp ({format_count(a)}).", sname, ref("vneid_activated")))
            ok = False
    elif topic_key == "cleaning":
        c, t = rec.get("records_cleaned"), rec.get("records_total")
        if c is not None and t is not None and c > t:
            issues.append(Issue("error", f"Số đã làm sạch ({format_count(c)}) lớn hơn tổng số cần làm sạch ({format_count(t)}).", sname, ref("records_cleaned")))
            ok = False
        typed = rec.pop("_cleaning_ratio", None)
        if ok and typed and typed[0] is not None and t:
            actual = c / t
            if abs(typed[0] - actual) > RATE_TOLERANCE:
                issues.append(Issue("error", f"Tỷ lệ ghi \"{typed[1]}\" không khớp: {format_count(c)}/{format_count(t)} = {actual * 100:.2f}%".replace(".", ",") + ".", sname, typed[2]))
                ok = False
    return ok


def _short(text: str, n: int = 60) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"
