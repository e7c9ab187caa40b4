"""Turn raw rows into typed records and report every problem with sheet and cell.

Blocking errors: wrong or missing sheets and columns, non-numbers, negatives, fractions,
a rate typed as text that reads differently in Vietnamese and English notation ('1,234':
etl.numbers), online > total, on-time + overdue > online, a typed rate that disagrees with its counts,
unknown unit / service / dataset / task (with the closest catalogue entries), a task not
assigned to the unit, duplicate rows, a period in the future, a unit the submitter may not
report for, a month and unit the official report already covers. Warnings that need history
(a stock that falls, a jump far outside the unit's history) are added by etl.load, which can
see the warehouse.

Why no validation library (pandera, pydantic): every message must name the sheet and cell in
the workbook and say in Vietnamese how to fix it, rows are identified by fuzzy catalogue
names, and most rules compare cells of one row. A schema library would add a translation
layer from its own (English, index-based) failure reports back to cells and messages, for
about a dozen rules that fit on one screen here (_count, _row_rules).
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from decimal import Decimal

from etl.issues import Issue
from etl.numbers import AmbiguousNumber, NotANumber, NotWhole, format_count, parse_count, parse_rate
from etl.config import settings
from etl.periods import parse_period, period_label, period_text
from etl.read import WorkbookData
from etl.reference import Catalogue, official_keys
from etl.text import NameIndex, fold
from etl.topics import STATUS_ALIASES, STATUS_LABELS, TOPICS

RATE_TOLERANCE = 0.005  # half a percentage point: typed rates are rounded
MAX_COUNT = 10**12  # no monthly count of a province comes near; guards the BIGINT columns

REQUIRED = {
    "services": (("service_code", "service_name"), ("total_dossiers",), ("online_dossiers",)),
    "identity": (("unit_code", "unit_name"), ("cccd_records", "vneid_applications", "vneid_activated")),
    "cleaning": (("dataset_code", "dataset_name"), ("records_cleaned",)),
    "tasks": (("task_code", "task_name"), ("status",)),
}
ID_KEYS = {"services": "service_code", "identity": "unit_code", "cleaning": "dataset_code", "tasks": "task_code"}
_CODE_AND_NAME = re.compile(r"^\s*([0-9A-Za-z][0-9A-Za-z.]*)\s*[-–:]\s*(.+)$")
_UNIT_PREFIXES = ("ubnd ", "uy ban nhan dan ")


@dataclass
class Validated:
    unit_code: str | None
    period: dt.date | None
    is_sample: bool
    records: dict[str, list[dict]] = field(default_factory=dict)  # topic -> records ('_row', '_sheet', '_refs')
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


def resolve_unit(text: str, cat: Catalogue) -> str | None:
    """A unit code from what a file or the command line says: '395', '395 - Huyện Thọ Xuân',
    'Huyện Thọ Xuân', 'huyen tho xuan', 'UBND huyện Thọ Xuân'."""
    t = str(text).strip()
    if t in cat.units:
        return t
    m = _CODE_AND_NAME.match(t)
    if m and m.group(1) in cat.units:
        return m.group(1)
    return _unit_by_name(t, cat)


def _unit_by_name(name: str, cat: Catalogue) -> str | None:
    """The unit a name means, with or without its type ('Huyện', 'Thị xã', …) in front."""
    _, index = _index(cat, "identity")
    code = index.match(name)
    if code is None:
        f = fold(name)
        for p in _UNIT_PREFIXES:
            if f.startswith(p):
                code = index.match(f[len(p):])
    return code


def _closest(index: NameIndex, text, n: int = 3) -> str:
    return "; ".join(f"{k} - {_short(index.names[k])}" for k in index.closest(text, n))


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
    unit = None
    if wb.unit_code:
        unit = resolve_unit(wb.unit_code, cat)
        if unit is None:
            _, index = _index(cat, "identity")
            issues.append(Issue("error", f"Đơn vị '{_short(wb.unit_code)}' không có trong danh mục. Gần nhất: {_closest(index, wb.unit_code)}. "
                                         "Hãy ghi đúng mã hoặc tên đơn vị.", *(wb.unit_cell or (None, None))))
    if declared_unit:
        d_unit = resolve_unit(declared_unit, cat)
        if d_unit is None:
            _, index = _index(cat, "identity")
            issues.append(Issue("error", f"Đơn vị '{declared_unit}' (tham số --unit) không có trong danh mục. Gần nhất: {_closest(index, declared_unit)}."))
        elif unit and d_unit != unit:
            s, c = wb.unit_cell
            issues.append(Issue("error", f"Tệp ghi đơn vị '{wb.unit_code}' nhưng lệnh nạp chỉ định đơn vị '{declared_unit}'. "
                                         "Hãy kiểm tra lại tệp hoặc tham số --unit.", s, c))
        elif not wb.unit_code:
            unit = d_unit
    if unit is None and not wb.unit_code and not declared_unit and wb.sheets and not any(i.severity == "error" for i in issues):
        issues.append(Issue("error", "Tệp không ghi đơn vị báo cáo (ô 'Đơn vị:' ở đầu trang tính). "
                                     "Hãy dùng biểu mẫu của hệ thống hoặc chỉ định --unit MÃ_ĐƠN_VỊ."))
    if unit and wb.unit_code:
        issues.extend(_unit_name_contradiction(wb.unit_code, unit, cat, wb.unit_cell))
    first_sheet = wb.unit_cell[0] if wb.unit_cell else None
    for sname, cell, text in wb.sheet_units:
        if unit and sname != first_sheet and resolve_unit(text, cat) != unit:
            issues.append(Issue("error", f"Trang tính này ghi đơn vị '{_short(text)}' nhưng trang tính '{first_sheet}' ghi '{_short(wb.unit_code)}' "
                                         f"({unit}). Một tệp là báo cáo của một đơn vị: hãy sửa cho các trang tính cùng một đơn vị.", sname, cell))
    province_file = bool(unit and cat.units[unit]["unit_level"] == "province" and not wb.is_sample)
    province_issue = None
    if province_file:
        province_issue = Issue("error", f"Không nhận tệp báo cáo cho cả {cat.units[unit]['unit_name']} ({unit}): số liệu cấp tỉnh là tổng của các "
                                     "đơn vị cấp huyện (hệ thống tự cộng) hoặc số liệu chính thức của Tổ công tác Đề án 06. "
                                     "Hãy nộp báo cáo của từng đơn vị (huyện, thị xã, thành phố hoặc sở, ngành).",
                            *(wb.unit_cell or (None, None)))
    if unit and allowed_units is not None and unit not in allowed_units:
        issues.append(Issue("error", f"Tài khoản này không được nộp số liệu cho đơn vị {unit} - {cat.units[unit]['unit_name']}. "
                                     "Chỉ nộp cho đơn vị được phân công; liên hệ quản trị viên nếu cần thêm quyền.",
                            *(wb.unit_cell or (None, None))))

    # Period: the file, else the command line; both given must agree; never in the future.
    period = wb.period
    if declared_period and period and declared_period != period:
        s, c = wb.period_cell
        issues.append(Issue("error", f"Tệp ghi kỳ báo cáo {period_text(period)} nhưng lệnh nạp chỉ định {period_text(declared_period)}. "
                                     "Hãy kiểm tra lại tệp hoặc tham số --period.", s, c))
    if wb.period_cell is None or wb.period is not None:
        period = period or declared_period
    if period is None and wb.period_cell is None and wb.sheets and not any(i.severity == "error" for i in issues):
        issues.append(Issue("error", "Tệp không ghi kỳ báo cáo (ô 'Kỳ báo cáo:' ở đầu trang tính). "
                                     "Hãy dùng biểu mẫu hoặc chỉ định --period YYYY-MM."))
    if wb.period_cell and wb.period:
        for sname, cell, value in wb.sheet_periods:
            if sname != wb.period_cell[0] and value != wb.period:
                shown = period_label(value).lower() if isinstance(value, dt.date) else f"'{_short(_text(value))}'"
                issues.append(Issue("error", f"Trang tính này ghi kỳ báo cáo {shown} nhưng trang tính '{wb.period_cell[0]}' ghi "
                                             f"{period_label(wb.period).lower()}. Một tệp là báo cáo của một tháng: hãy sửa cho các trang tính cùng một kỳ.",
                                    sname, cell))
    start = parse_period(settings().start_period)
    if period and start and period < start:
        issues.append(Issue("error", f"Kỳ báo cáo {period_label(period)} trước khi Đề án 06 bắt đầu nhận báo cáo ({period_label(start)}). "
                                     "Hãy sửa kỳ báo cáo.", *(wb.period_cell or (None, None))))
    if period and period > dt.date(today.year, today.month, 1):
        issues.append(Issue("error", f"Kỳ báo cáo {period_label(period)} ở tương lai (hôm nay {today:%d/%m/%Y}). Hãy sửa kỳ báo cáo.",
                            *(wb.period_cell or (None, None))))

    expected_topics = set(cat.topics_for(unit)) if unit else None
    out = Validated(unit, period, wb.is_sample, {}, issues)
    seen: dict[str, dict[str, tuple[str, str, int]]] = {}  # topic -> code -> (sheet, cell, row)
    blank_status: dict[str, list[str]] = {}
    official = official_keys()
    official_sheets: list[str] = []  # sheets whose topic the official report covers for this unit and month
    for sheet in wb.sheets:
        topic = sheet.topic
        if expected_topics is not None and topic.key not in expected_topics:
            issues.append(Issue("error", f"Đơn vị {unit} - {cat.units[unit]['unit_name']} không báo cáo nội dung '{topic.sheet}'. "
                                         "Hãy xóa trang tính này hoặc dùng biểu mẫu của đơn vị.", sheet.sheet_name))
            continue
        if unit and period and (topic.key, unit, period_text(period)) in official:
            official_sheets.append(sheet.sheet_name)
            continue
        if not sheet.rows:
            # Rows the reader refused (merged cells, ...) already carry an error on this sheet.
            if not any(i.severity == "error" and i.sheet == sheet.sheet_name for i in issues):
                issues.append(Issue("warning", "Trang tính không có dòng số liệu nào.", sheet.sheet_name))
            continue
        present = {k for r in sheet.rows for k in r.cells}
        missing = [alts for alts in REQUIRED[topic.key] if not any(a in present for a in alts)]
        if missing:
            names = "; ".join(" hoặc ".join(f"'{topic.column(a).headers[0]}'" for a in alts) for alts in missing)
            issues.append(Issue("error", f"Thiếu cột {names}. Hãy dùng biểu mẫu của hệ thống và không xóa cột.", sheet.sheet_name))
            continue
        recs = _rows(topic.key, sheet, cat, unit, issues, seen.setdefault(topic.key, {}), blank_status)
        issues.extend(_check_totals(topic, sheet, recs))
        if recs:
            out.records.setdefault(topic.key, []).extend(recs)
    if official_sheets:
        # One message for the file, naming its sheets: the same month and unit on every sheet.
        where = official_sheets[0] if len(official_sheets) == 1 else None
        issues.append(Issue("error", f"{period_label(period)} của {unit} - {cat.units[unit]['unit_name']} đã có số liệu chính thức "
                                     "(báo cáo của Tổ công tác Đề án 06) cho "
                                     + ("trang tính này" if where else "các trang tính " + ", ".join(f"'{n}'" for n in official_sheets))
                                     + "; tệp nộp không ghi đè số liệu chính thức. Hãy kiểm tra kỳ báo cáo và đơn vị.", where))
    if province_issue is not None and not official_sheets:  # the official month says it more precisely
        issues.append(province_issue)
    for sname, refs in blank_status.items():
        if "tasks" in out.records:
            issues.append(Issue("warning", f"{len(refs)} nhiệm vụ chưa chọn trạng thái nên chưa được cập nhật tiến độ. "
                                           "Hãy chọn trạng thái nếu đơn vị đã có kết quả.", sname, refs[0]))
    if not out.records and wb.sheets and not any(i.severity == "error" for i in issues):
        issues.append(Issue("error", "Tệp không có dòng số liệu nào để nạp. Hãy điền số liệu vào biểu mẫu rồi nộp lại."))
    return out


def _unit_name_contradiction(text: str, unit: str, cat: Catalogue, cell) -> list[Issue]:
    """'395 - Huyện Như Xuân': the code says one unit, the name another."""
    m = _CODE_AND_NAME.match(str(text))
    if not m or m.group(1) != unit:
        return []
    name = m.group(2).strip()
    by_name = _unit_by_name(name, cat)
    if by_name is None or by_name == unit:
        return []
    return [Issue("error", f"Mã đơn vị {unit} ({cat.units[unit]['unit_name']}) và tên '{_short(name, 40)}' (ứng với {by_name} - "
                           f"{cat.units[by_name]['unit_name']}) không khớp nhau. Hãy sửa mã hoặc tên đơn vị cho đúng.", *(cell or (None, None)))]


def _check_totals(topic, sheet, recs: list[dict]) -> list[Issue]:
    """A total row ('Tổng cộng', 'Toàn huyện', 'Cộng') is not loaded but must equal the sum of
    the rows above it: of all of them, or of those since the previous total row (a group's
    'Cộng')."""
    out: list[Issue] = []
    previous = 0
    for row, label in getattr(sheet, "totals", ()):
        above = [r for r in recs if r["_row"] < row.excel_row]
        since = [r for r in above if r["_row"] > previous]
        for col in topic.columns:
            if col.kind != "count" or col.key not in row.cells:
                continue
            raw, ref = row.cells[col.key]
            scratch: list[Issue] = []
            ok, value = _count(raw, ref, sheet.sheet_name, scratch)
            if not ok:
                out.extend(scratch)
                continue
            if value is None or not above:
                continue
            whole = sum(r.get(col.key) or 0 for r in above)
            part = sum(r.get(col.key) or 0 for r in since)
            if value not in (whole, part):
                out.append(Issue("error", f"Dòng tổng '{_short(label, 40)}' ghi {col.headers[0]} là {format_count(value)} nhưng cộng các dòng "
                                          f"phía trên được {format_count(whole)}. Hãy sửa dòng tổng hoặc số liệu các dòng.", sheet.sheet_name, ref))
        previous = row.excel_row
    return out


def _count(raw, ref: str, sname: str, issues: list[Issue]) -> tuple[bool, int | None]:
    """(ok, value) of a count cell; every problem becomes an issue at the cell."""
    if isinstance(raw, (dt.date, dt.datetime)):
        issues.append(Issue("error", f"Ô chứa ngày tháng ({raw:%d/%m/%Y}), không phải số: Excel có thể đã tự đổi số vừa gõ thành ngày. "
                                     "Hãy định dạng ô là Số (Number) rồi nhập lại.", sname, ref))
        return False, None
    try:
        v = parse_count(raw)
    except NotWhole:
        issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải là số nguyên (số hồ sơ, bản ghi không có phần lẻ). "
                                     "Hãy nhập số nguyên, ví dụ 11343.", sname, ref))
        return False, None
    except NotANumber:
        issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải là số. Hãy nhập số nguyên không âm, ví dụ 11343 hoặc 11.343.", sname, ref))
        return False, None
    if v is not None and v < 0:
        issues.append(Issue("error", f"Số âm ({format_count(v)}) không hợp lệ. Hãy nhập số không âm.", sname, ref))
        return False, None
    if v is not None and v > MAX_COUNT:
        issues.append(Issue("error", f"Số {_short(format_count(v), 30)} quá lớn (tối đa {format_count(MAX_COUNT)}). Hãy kiểm tra lại ô này.", sname, ref))
        return False, None
    return True, v


def _text(raw) -> str:
    """A cell value as the person sees it: 120 for 120.0, '120,5' for 120.5 (Vietnamese decimal comma)."""
    if isinstance(raw, float) and raw.is_integer():
        return str(int(raw))
    if isinstance(raw, float):
        return repr(raw).replace(".", ",")
    return str(raw)


def _percent(r: float) -> str:
    """0.33906 -> '33,91%'."""
    return f"{r * 100:.2f}".replace(".", ",") + "%"


def _vn_number(d: Decimal) -> str:
    """Every digit of a Decimal in Vietnamese notation: 1234 -> '1.234', 100.000 -> '100,000'."""
    whole, _, frac = format(abs(d), "f").partition(".")
    return ("-" if d < 0 else "") + f"{int(whole):,}".replace(",", ".") + ("," + frac if frac else "")


def _ambiguous_rate(e: AmbiguousNumber) -> str:
    """'"1,234" không rõ là 1,234 (tức 123,4%) hay 1.234 (tức 1.234%): ...' (etl.numbers says
    which text is ambiguous; the two readings are written the Vietnamese way)."""
    def reading(number: Decimal, rate: Decimal) -> str:
        pct = _vn_number((rate * 100).normalize()) + "%"
        typed = _vn_number(number)
        return pct if e.percent or typed + "%" == pct else f"{typed} (tức {pct})"  # a bare 1,234 is a fraction
    roles = ("dấu thập phân", "dấu phân cách hàng nghìn") if e.separator == "," else ("dấu phân cách hàng nghìn", "dấu thập phân")
    return (f"\"{_short(_text(e.text))}\" không rõ là {reading(*e.vietnamese)} hay {reading(*e.english)}: "
            f"dấu \"{e.separator}\" trước ba chữ số cuối là {roles[0]} theo cách ghi tiếng Việt nhưng là {roles[1]} theo cách ghi tiếng Anh. "
            "Hãy nhập tỷ lệ có dấu % và không quá hai chữ số sau dấu phẩy (ví dụ 33,9%), hoặc dạng số thập phân 0,339.")


def _has_figures(topic, row) -> bool:
    return any(row.cells.get(c.key, (None,))[0] not in (None, "") for c in topic.columns if c.kind in ("count", "rate", "status"))


def _rows(topic_key: str, sheet, cat: Catalogue, unit: str | None, issues: list[Issue],
          seen: dict[str, tuple[str, str, int]], blank_status: dict[str, list[str]]) -> list[dict]:
    topic = TOPICS[topic_key]
    table, index = _index(cat, topic_key)
    id_key = ID_KEYS[topic_key]
    name_key = next(c.key for c in topic.columns if c.kind == "name")
    sname = sheet.sheet_name
    unit_tasks = set(cat.tasks_for(unit)) if topic_key == "tasks" and unit else None
    records = []
    for row in sheet.rows:
        rec: dict = {"_row": row.excel_row, "_sheet": sname, "_refs": {k: ref for k, (_, ref) in row.cells.items()}}
        ok = True
        figures = _has_figures(topic, row)
        # identity of the row: its code, else its name
        code_raw, code_cell = row.cells.get(id_key, (None, None))
        name_raw, name_cell = row.cells.get(name_key, (None, None))
        code = None
        if code_raw not in (None, ""):
            c = _text(code_raw).strip()
            code = c if c in table else index.match(c)
            if code is None:
                if figures:
                    issues.append(Issue("error", f"Mã '{_short(c)}' không có trong danh mục. Gần nhất: {_closest(index, c)}. "
                                                 "Hãy ghi mã đúng danh mục.", sname, code_cell))
                continue
            by_name = index.match(name_raw) if name_raw not in (None, "") else None
            # two catalogue entries may share a name (a task repeated in two groups): then the name
            # cannot contradict the code, which tells them apart
            if by_name is not None and by_name != code and index.folded[by_name] != index.folded[code] and figures:
                issues.append(Issue("error", f"Mã {code} và tên '{_short(_text(name_raw), 40)}' (ô {name_cell}, ứng với {by_name}) không khớp nhau. "
                                             "Hãy sửa mã hoặc tên cho cùng một mục.", sname, code_cell))
                continue
        elif name_raw not in (None, ""):
            code = index.match(name_raw)
            if code is None:
                if figures:  # without figures it is a heading or a note: nothing is lost
                    issues.append(Issue("error", f"Không nhận ra '{_short(_text(name_raw))}' trong danh mục. Gần nhất: {_closest(index, name_raw)}. "
                                                 "Hãy sửa tên cho đúng danh mục hoặc ghi mã.", sname, name_cell))
                continue
        else:
            if figures:
                first_cell = next(ref for key, (v, ref) in row.cells.items() if v not in (None, ""))
                issues.append(Issue("error", "Dòng có số liệu nhưng không có mã hoặc tên để biết là dòng nào. "
                                             "Hãy ghi mã hoặc tên theo danh mục, hoặc xóa số liệu của dòng.", sname, first_cell))
            continue
        if not figures and topic_key != "tasks":
            continue  # a catalogue row left empty: the unit has nothing to report for it
        where = code_cell if code_raw not in (None, "") else name_cell
        if code in seen:
            s0, c0, r0 = seen[code]
            at = f"dòng {r0}" if s0 == sname else f"{s0}!{c0}"
            issues.append(Issue("error", f"{code} - {_short(index.names[code], 40)} lặp lại: đã có ở {at}. "
                                         "Mỗi mục chỉ khai một dòng; hãy xóa dòng trùng.", sname, where))
            continue
        seen[code] = (sname, where, row.excel_row)
        rec[id_key] = code
        if topic_key == "identity" and unit and code != unit:
            issues.append(Issue("error", f"Dòng ghi đơn vị {code} nhưng tệp là báo cáo của đơn vị {unit}. Mỗi đơn vị nộp tệp riêng.", sname, where))
            continue
        if unit_tasks is not None and code not in unit_tasks:
            issues.append(Issue("error", f"Nhiệm vụ {code} không giao cho đơn vị {unit}. Hãy xóa dòng này hoặc dùng biểu mẫu của đơn vị.", sname, where))
            continue
        for col in topic.columns:
            raw, ref = row.cells.get(col.key, (None, None))
            if col.kind == "count":
                good, v = _count(raw, ref, sname, issues)
                ok = ok and good
                rec[col.key] = v
            elif col.kind == "rate":
                try:
                    rec["_" + col.key] = (parse_rate(raw, strict=True), raw, ref)
                except AmbiguousNumber as e:
                    issues.append(Issue("error", _ambiguous_rate(e), sname, ref))
                    ok = False
                except NotANumber:
                    issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải là tỷ lệ. Hãy nhập dạng 33,9%.", sname, ref))
                    ok = False
            elif col.kind == "status":
                if raw in (None, ""):
                    blank_status.setdefault(sname, []).append(ref)
                    ok = False
                    continue
                st = _STATUS.get(fold(raw))
                if st is None:
                    issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải trạng thái hợp lệ. Chọn: " + ", ".join(STATUS_LABELS.values()) + ".", sname, ref))
                    ok = False
                rec["status"] = st
            elif col.kind == "text" and col.key == "status_text":
                rec["status_text"] = _text(raw).strip() if raw not in (None, "") else None
        if not ok:
            continue
        if topic_key != "tasks" and all(rec.get(c.key) is None for c in topic.columns if c.kind == "count"):
            continue  # only a typed rate: nothing to store
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
            issues.append(Issue("error", f"Hồ sơ trực tuyến ({format_count(o)}) lớn hơn tổng số hồ sơ ({format_count(t)})."
                                         " Hãy kiểm tra lại hai ô: hồ sơ trực tuyến là một phần của tổng số hồ sơ.", sname, ref("online_dossiers")))
            ok = False
        if o is not None and (ot or 0) + (od or 0) > o:
            issues.append(Issue("error", f"Đúng hạn + quá hạn ({format_count((ot or 0) + (od or 0))}) lớn hơn số hồ sơ trực tuyến ({format_count(o)}). "
                                "Hãy ghi số hồ sơ trực tuyến đã giải quyết đúng hạn, quá hạn.",
                                sname, ref("on_time") if ot is not None else ref("overdue")))
            ok = False
        typed = rec.pop("_online_rate", None)
        if ok and typed and typed[0] is not None and t and o is not None:
            actual = o / t
            if abs(typed[0] - actual) > RATE_TOLERANCE:
                issues.append(Issue("error", f"Tỷ lệ ghi \"{_text(typed[1])}\" không khớp với số hồ sơ: {format_count(o)}/{format_count(t)} = "
                                             f"{_percent(actual)}. Hãy sửa tỷ lệ hoặc số hồ sơ.", sname, typed[2]))
                ok = False
    elif topic_key == "identity":
        a, k = rec.get("vneid_applications"), rec.get("vneid_activated")
        if a is not None and k is not None and k > a:
            issues.append(Issue("error", f"Tài khoản đã kích hoạt ({format_count(k)}) lớn hơn số hồ sơ đề nghị cấp ({format_count(a)}). "
                                         "Hãy kiểm tra lại hai ô (cả hai đều là số lũy kế).", sname, ref("vneid_activated")))
            ok = False
    elif topic_key == "cleaning":
        c, t = rec.get("records_cleaned"), rec.get("records_total")
        if c is not None and t is not None and c > t:
            issues.append(Issue("error", f"Số đã làm sạch ({format_count(c)}) lớn hơn tổng số cần làm sạch ({format_count(t)}). "
                                         "Hãy kiểm tra lại hai ô.", sname, ref("records_cleaned")))
            ok = False
        typed = rec.pop("_cleaning_ratio", None)
        if ok and typed and typed[0] is not None and t and c is not None:
            actual = c / t
            if abs(typed[0] - actual) > RATE_TOLERANCE:
                issues.append(Issue("error", f"Tỷ lệ ghi \"{_text(typed[1])}\" không khớp: {format_count(c)}/{format_count(t)} = "
                                             f"{_percent(actual)}. Hãy sửa tỷ lệ hoặc số liệu.", sname, typed[2]))
                ok = False
    return ok


def _short(text: str, n: int = 60) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= n else text[: n - 1] + "…"
