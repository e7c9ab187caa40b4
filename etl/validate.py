"""Turn raw rows into typed records and report every problem with sheet and cell.

Blocking errors: wrong or missing sheets and columns, non-numbers, negatives, fractions,
a rate typed as text that reads differently in Vietnamese and English notation ('1,234':
etl.numbers), online > total, on-time + overdue > online, a typed rate that disagrees with its counts,
unknown unit / service / dataset / task (with the closest catalogue entries), a task not
assigned to the unit, duplicate rows, a period in the future, a unit the submitter may not
report for, a month and unit the official report already covers, and each topic's own row
rules (etl/topics: a part larger than its whole, a typed rate that disagrees with its counts).
The checks that need the unit's history (a cumulative figure that falls, a monthly total far
outside the unit's usual range) are added by etl.load, which can see the warehouse.

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
from etl.numbers import COUNT_EXAMPLE, AmbiguousNumber, NotANumber, NotWhole, format_count, parse_count, parse_rate
from etl.config import settings
from etl.periods import parse_period, period_label, period_text
from etl.read import WorkbookData
from etl.reference import Catalogue, official_keys
from etl.text import NameIndex, fold
from etl.topics import TOPICS, Topic
from etl.topics.base import Column, cell_text as _text, short as _short

MAX_COUNT = 10**12  # no monthly count of a province comes near; guards the BIGINT columns
ROW_LABEL_CHARS = 60  # a row's name in a cell reference ('Dịch vụ công!D9 — Đăng ký khai sinh')
_CODE_AND_NAME = re.compile(r"^\s*([0-9A-Za-z][0-9A-Za-z.]*)\s*[-–:]\s*(.+)$")
_UNIT_PREFIXES = ("ubnd ", "uy ban nhan dan ")


@dataclass
class Validated:
    unit_code: str | None
    period: dt.date | None
    is_sample: bool
    records: dict[str, list[dict]] = field(default_factory=dict)  # topic -> records ('_row', '_sheet', '_refs')
    issues: list[Issue] = field(default_factory=list)
    allowed: bool = True  # False: the sender may not report for the unit (nothing of its history is compared or shown)

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "error"]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == "warning"]

    @property
    def row_count(self) -> int:
        return sum(len(v) for v in self.records.values())


_CHOICES: dict[tuple[str, str], dict[str, str]] = {}


def _choices(topic: Topic, col: Column) -> dict[str, str]:
    """A choice column's words (folded) -> value: its labels, aliases and the values themselves."""
    k = (topic.key, col.key)
    if k not in _CHOICES:
        d = {}
        for value, words in col.choices:
            for w in words:
                d[fold(w)] = value
        d.update({fold(value): value for value, _ in col.choices})
        _CHOICES[k] = d
    return _CHOICES[k]


_INDEX_CACHE: dict[tuple[int, str], NameIndex] = {}


def _index(cat: Catalogue, topic: Topic) -> tuple[dict, NameIndex]:
    """The topic's catalogue (code -> row) and a name index over it."""
    table = topic.items.table(cat)
    k = (id(table), topic.key)
    if k not in _INDEX_CACHE:
        _INDEX_CACHE[k] = NameIndex({c: r[topic.items.name] for c, r in table.items()})
    return table, _INDEX_CACHE[k]


def _unit_index(cat: Catalogue) -> NameIndex:
    k = (id(cat.units), "")
    if k not in _INDEX_CACHE:
        _INDEX_CACHE[k] = NameIndex({c: r["unit_name"] for c, r in cat.units.items()})
    return _INDEX_CACHE[k]


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
    index = _unit_index(cat)
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
            index = _unit_index(cat)
            issues.append(Issue("error", f"Đơn vị '{_short(wb.unit_code)}' không có trong danh mục. Gần nhất: {_closest(index, wb.unit_code)}. "
                                         "Hãy ghi đúng mã hoặc tên đơn vị.", *(wb.unit_cell or (None, None))))
    if declared_unit:
        d_unit = resolve_unit(declared_unit, cat)
        if d_unit is None:
            index = _unit_index(cat)
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

    # A unit reports only for the months it is valid in (an abolished district, a commune before
    # July 2025); a month already refused above (before the start, in the future) says enough.
    period_ok = period and not (start and period < start) and period <= dt.date(today.year, today.month, 1)
    if unit and period_ok and not province_file and cat.validity_problem(unit, period):
        issues.append(Issue("error", cat.validity_problem(unit, period), *(wb.unit_cell or (None, None))))

    # the sheets and rows the unit reports in the month (tasks follow successions); at some time
    # when the month is refused above
    when = period if unit and period_ok and not cat.validity_problem(unit, period) else None
    expected_topics = set(cat.topics_for(unit, when)) if unit else None
    out = Validated(unit, period, wb.is_sample, {}, issues, allowed=not (unit and allowed_units is not None and unit not in allowed_units))
    seen: dict[str, dict[str, tuple[str, str, int]]] = {}  # topic -> code -> (sheet, cell, row)
    blank_status: dict[tuple[str, str], list[str]] = {}  # (sheet, topic) -> cells of a choice left blank
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
        missing = [alts for alts in topic.required if not any(a in present for a in alts)]
        if missing:
            names = "; ".join(" hoặc ".join(f"'{topic.column(a).headers[0]}'" for a in alts) for alts in missing)
            issues.append(Issue("error", f"Thiếu cột {names}. Hãy dùng biểu mẫu của hệ thống và không xóa cột.", sheet.sheet_name))
            continue
        recs = _rows(topic, sheet, cat, unit, when, issues, seen.setdefault(topic.key, {}), blank_status)
        recs = _sheet_rules(topic, sheet.sheet_name, cat, recs, issues)
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
    for (sname, key), refs in blank_status.items():
        if key in out.records:
            issues.append(Issue("warning", TOPICS[key].blank_message.format(n=len(refs)), sname, refs[0]))
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


def _count(raw, ref: str, sname: str, issues: list[Issue], row: str | None = None) -> tuple[bool, int | None]:
    """(ok, value) of a count cell; every problem becomes an issue at the cell (of the row named `row`)."""
    if isinstance(raw, (dt.date, dt.datetime)):
        issues.append(Issue("error", f"Ô chứa ngày tháng ({raw:%d/%m/%Y}), không phải số: Excel có thể đã tự đổi số vừa gõ thành ngày. "
                                     "Hãy định dạng ô là Số (Number) rồi nhập lại.", sname, ref, row))
        return False, None
    try:
        v = parse_count(raw)
    except NotWhole:
        issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải là số nguyên (số hồ sơ, bản ghi không có phần lẻ). "
                                     "Hãy nhập số nguyên, ví dụ 11343.", sname, ref, row))
        return False, None
    except NotANumber:
        issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải là số. Hãy nhập số nguyên không âm, {COUNT_EXAMPLE}.",
                            sname, ref, row))
        return False, None
    if v is not None and v < 0:
        issues.append(Issue("error", f"Số âm ({format_count(v)}) không hợp lệ. Hãy nhập số không âm.", sname, ref, row))
        return False, None
    if v is not None and v > MAX_COUNT:
        issues.append(Issue("error", f"Số {_short(format_count(v), 30)} quá lớn (tối đa {format_count(MAX_COUNT)}). Hãy kiểm tra lại ô này.",
                            sname, ref, row))
        return False, None
    return True, v




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


def _rows(topic: Topic, sheet, cat: Catalogue, unit: str | None, period: dt.date | None, issues: list[Issue],
          seen: dict[str, tuple[str, str, int]], blank_status: dict[tuple[str, str], list[str]]) -> list[dict]:
    """The sheet's rows as records: each identified by its code or name in the topic's catalogue,
    its cells typed, the topic's row rules applied. A record carries '_row', '_sheet', '_refs'
    (column -> cell) and '_label' (the row's name, which every message about one of its cells
    names too)."""
    table, index = _index(cat, topic)
    id_key = topic.items.code
    name_key = next(c.key for c in topic.columns if c.kind == "name")
    sname = sheet.sheet_name
    allowed = set(topic.items.for_unit(cat, unit, period)) if topic.items.for_unit and unit else None
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
        if not figures and not topic.every_row:
            continue  # a catalogue row left empty: the unit has nothing to report for it
        label = _short(index.names[code], ROW_LABEL_CHARS)
        where = code_cell if code_raw not in (None, "") else name_cell
        if code in seen:
            s0, c0, r0 = seen[code]
            at = f"dòng {r0}" if s0 == sname else f"{s0}!{c0}"
            issues.append(Issue("error", f"{code} - {_short(index.names[code], 40)} lặp lại: đã có ở {at}. "
                                         "Mỗi mục chỉ khai một dòng; hãy xóa dòng trùng.", sname, where))
            continue
        seen[code] = (sname, where, row.excel_row)
        rec[id_key] = code
        rec["_label"] = label
        if allowed is not None and code not in allowed:
            issues.append(Issue("error", topic.items.not_for_unit.format(code=code, unit=unit), sname, where, label))
            continue
        for col in topic.columns:
            raw, ref = row.cells.get(col.key, (None, None))
            if col.kind == "count":
                good, v = _count(raw, ref, sname, issues, label)
                ok = ok and good
                rec[col.key] = v
            elif col.kind == "rate":
                try:
                    rec["_" + col.key] = (parse_rate(raw, strict=True), raw, ref)
                except AmbiguousNumber as e:
                    issues.append(Issue("error", _ambiguous_rate(e), sname, ref, label))
                    ok = False
                except NotANumber:
                    issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải là tỷ lệ. Hãy nhập dạng 33,9%.", sname, ref, label))
                    ok = False
            elif col.kind == "status":
                if raw in (None, ""):
                    blank_status.setdefault((sname, topic.key), []).append(ref)
                    ok = False
                    continue
                st = _choices(topic, col).get(fold(raw))
                if st is None:
                    issues.append(Issue("error", f"\"{_short(_text(raw))}\" không phải trạng thái hợp lệ. Chọn: "
                                        + ", ".join(words[0] for _, words in col.choices) + ".", sname, ref, label))
                    ok = False
                rec[col.key] = st
            elif col.kind == "text" and col.key in topic.texts:
                rec[col.key] = _text(raw).strip() if raw not in (None, "") else None
        if not ok:
            continue
        if not topic.every_row and all(rec.get(c.key) is None for c in topic.columns if c.kind == "count"):
            continue  # only a typed rate: nothing to store
        if not _row_rules(topic, rec, row, sname, label, issues):
            continue
        records.append(rec)
    return records


def _row_rules(topic: Topic, rec: dict, row, sname: str, label: str, issues: list[Issue]) -> bool:
    """The topic's rules on one row, in order; a rule may skip a row an earlier one refused."""
    ref = lambda k: row.cells.get(k, (None, None))[1]  # noqa: E731
    issue = lambda message, cell: Issue("error", message, sname, cell, label)  # noqa: E731
    ok = True
    for rule in topic.row_rules:
        found = rule.check(rec, ref, issue, ok)
        if found is not None:
            issues.append(found)
            ok = False
    return ok


def _sheet_rules(topic: Topic, sname: str, cat: Catalogue, recs: list[dict], issues: list[Issue]) -> list[dict]:
    """The topic's rules between rows of the sheet (a part row never above its whole row); a
    row that breaks one is not loaded."""
    if not topic.sheet_rules:
        return recs
    _, index = _index(cat, topic)
    by_code = {r[topic.items.code]: r for r in recs}
    issue = lambda message, cell, rec: Issue("error", message, sname, cell, rec["_label"])  # noqa: E731
    refused = set()
    for rule in topic.sheet_rules:
        found = rule.check(by_code, index.names, issue)
        if found is not None:
            refused.add(found[0])
            issues.append(found[1])
    return [r for r in recs if r[topic.items.code] not in refused]
