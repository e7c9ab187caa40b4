"""Section II (results) written from the figures in the report's own style, and the prefilled
places of sections I, III and IV. Numbers as 3.421.346, rates as 33,9 %."""
from __future__ import annotations

import datetime as dt

from etl.definitions import POINTS_UNIT, clean, fmt_count, fmt_rate, format_rate, period_label
from etl.periods import add_months
from etl.report.data import Report
from etl.text import fold

# The dashboard's writers (etl.definitions): None or NaN is "–".
_n = fmt_count
rate = fmt_rate


def _change(now, before, unit: str = "") -> str:
    """', tăng 5.905 hồ sơ so với tháng trước' ('' when the month before is unknown)."""
    now, before = clean(now), clean(before)
    if now is None or before is None:
        return ""
    d = now - before
    u = f" {unit}" if unit else ""
    if d == 0:
        return ", không thay đổi so với tháng trước"
    return f", {'tăng' if d > 0 else 'giảm'} {_n(abs(d))}{u} so với tháng trước"


def _points(now, before) -> str:
    now, before = clean(now), clean(before)
    if now is None or before is None:
        return ""
    d = (now - before) * 100
    if abs(d) < 0.05:
        return ", không thay đổi so với tháng trước"
    return f", {'tăng' if d > 0 else 'giảm'} {abs(d):.1f}".replace(".", ",") + f" {POINTS_UNIT} so với tháng trước"


def area(r: Report) -> str:
    """The report's unit as a sentence names it: 'tỉnh Thanh Hóa', 'huyện Thọ Xuân'."""
    name = str(r.unit_name)
    return name[:1].lower() + name[1:]


def _name(text) -> str:
    """A catalogue name inside a sentence: one line, without its own closing full stop."""
    return " ".join(str(text).split()).rstrip(" .;")


def _listed(items: list[str]) -> list[str]:
    """Items of a list after its lead-in sentence: '- a;', '- b;' … '- z.'"""
    return [f"- {t}{';' if k < len(items) - 1 else '.'}" for k, t in enumerate(items)]


def _numbers(rows) -> str:
    return ", ".join(str(t["task_number"]) for t in rows)


def results(r: Report) -> list[dict]:
    """Section II as subsections: {'heading': ..., 'paragraphs': [...]}."""
    out: list[dict] = []
    last_day = add_months(r.period, 1) - dt.timedelta(days=1)
    i = r.identity
    if i:
        paras = [f"Tính đến ngày {last_day.day}/{last_day.month}/{last_day.year}, {area(r)} đã thu nhận {_n(i['cccd_records'])} "
                 f"hồ sơ CCCD gắn chíp{_change(i['cccd_records'], i['prev_cccd_records'], 'hồ sơ')}."]
        app = (f"Thu nhận {_n(i['vneid_applications'])} hồ sơ đề nghị cấp tài khoản định danh điện tử"
               f"{_change(i['vneid_applications'], i['prev_vneid_applications'], 'hồ sơ')}")
        act = f"đã kích hoạt {_n(i['vneid_activated'])} tài khoản{_change(i['vneid_activated'], i['prev_vneid_activated'], 'tài khoản')}"
        if i.get("vneid_target"):
            rate = i["vneid_activated"] / i["vneid_target"]
            gap = i["vneid_activated"] - i["vneid_target"]
            act += (f"; so với chỉ tiêu giao {_n(i['vneid_target'])} tài khoản đạt {format_rate(rate, 2)}"
                    + (f", vượt {_n(gap)} tài khoản" if gap >= 0 else f", còn thiếu {_n(-gap)} tài khoản"))
        paras.append(app + "; " + act + ".")
        out.append({"heading": "1. Cấp căn cước công dân gắn chíp và tài khoản định danh điện tử", "paragraphs": paras})
    if r.indicators:
        paras = []
        for ind in r.indicators:
            paras.append(f"- {ind['indicator_name']}: {_n(ind['value'])} {ind['unit_label'] or ''}".rstrip()
                         + _change(ind["value"], ind["prev_value"], ind["unit_label"] or "") + ".")
        out.append({"heading": f"{len(out) + 1}. Tiện ích của CCCD gắn chíp (bảo hiểm y tế, an sinh xã hội)", "paragraphs": paras})
    if r.cleaning:
        paras = []
        for c in r.cleaning:
            if c["records_total"]:
                paras.append(f"- {c['dataset_name']}: đã làm sạch {_n(c['records_cleaned'])}/{_n(c['records_total'])} "
                             f"({format_rate(c['records_cleaned'] / c['records_total'])})"
                             f"{_change(c['records_cleaned'], c['prev_cleaned'], 'bản ghi')}.")
            else:
                paras.append(f"- {c['dataset_name']}: đã cập nhật {_n(c['records_cleaned'])} bản ghi"
                             f"{_change(c['records_cleaned'], c['prev_cleaned'], 'bản ghi')}.")
        out.append({"heading": f"{len(out) + 1}. Làm sạch, đồng bộ dữ liệu chuyên ngành với CSDLQG về dân cư", "paragraphs": paras})
    o = r.online
    if o["total"]:
        rate = o["online"] / o["total"]
        prev_rate = o["prev_online"] / o["prev_total"] if o["prev_total"] else None
        paras = [f"Tiếp nhận {_n(o['total'])} hồ sơ dịch vụ công thiết yếu{_change(o['total'], o['prev_total'], 'hồ sơ')}, "
                 f"trong đó {_n(o['online'])} hồ sơ trực tuyến, tỷ lệ trực tuyến {format_rate(rate)}{_points(rate, prev_rate)}."]
        below = services_below(r)
        if below:
            paras.append(f"Có {len(below)} dịch vụ có tỷ lệ trực tuyến dưới chỉ tiêu (hồ sơ trực tuyến/tổng hồ sơ, tỷ lệ, chỉ tiêu):")
            paras += _listed([f"{_name(s['service_name'])} ({_n(s['online_dossiers'])}/{_n(s['total_dossiers'])}, "
                              f"{format_rate(s['online_dossiers'] / s['total_dossiers'])}, chỉ tiêu {format_rate(s['online_rate_target'], 0)})"
                              for s in below])
        behind = units_behind(r)
        if behind:
            paras.append(f"Có {len(behind)} đơn vị có tỷ lệ trực tuyến dưới chỉ tiêu: " + "; ".join(
                f"{u['unit_name']} ({format_rate(u['online_rate'])})" for u in behind) + ".")
        out.append({"heading": f"{len(out) + 1}. Dịch vụ công trực tuyến (chi tiết tại Phụ lục II, III)", "paragraphs": paras})
    if len(r.tasks):
        out.append({"heading": f"{len(out) + 1}. Tiến độ thực hiện nhiệm vụ (chi tiết tại Phụ lục I)", "paragraphs": task_progress(r)})
    return out


def task_progress(r: Report) -> list[str]:
    """Appendix I's tasks in a sentence, then each group's: how many done, which are not (by
    their number in the group, as the report's readers find them in Appendix I)."""
    t = r.tasks
    done = int((t["status"] == "done").sum())
    silent = int((t["status"] == "no_report").sum())
    overdue = int(t["is_overdue"].fillna(False).sum())
    lead = (f"Tổng số {_n(len(t))} nhiệm vụ: đã hoàn thành {_n(done)}, chưa hoàn thành {_n(len(t) - done - silent)}"
            + (f", chưa có báo cáo {_n(silent)}" if silent else "")
            + (f"; trong đó {_n(overdue)} nhiệm vụ đã quá hạn." if overdue else "."))
    paras = [lead]
    for group, heading in r.task_groups:
        rows = t[t["task_group"] == group].to_dict("records")
        if not rows:
            continue
        d = [x for x in rows if x["status"] == "done"]
        open_ = [x for x in rows if x["status"] not in ("done", "no_report")]
        none = [x for x in rows if x["status"] == "no_report"]
        parts = [f"đã hoàn thành {_n(len(d))}"]
        if open_:
            parts.append(f"chưa hoàn thành {_n(len(open_))} (nhiệm vụ số {_numbers(open_)})")
        if none:
            parts.append(f"chưa có báo cáo {_n(len(none))} (nhiệm vụ số {_numbers(none)})")
        paras.append(f"- {_n(len(rows))} nhiệm vụ theo {_name(heading)}: " + "; ".join(parts) + ".")
    return paras


def services_below(r: Report) -> list[dict]:
    """The services (Appendices II and III) whose online rate this month is under their target."""
    return [s for s in r.services.to_dict("records")
            if s["total_dossiers"] and s["online_dossiers"] is not None and s["online_rate_target"] is not None
            and s["online_dossiers"] / s["total_dossiers"] < s["online_rate_target"]]


def units_behind(r: Report) -> list[dict]:
    u = r.units
    rows = u[u["online_rate"].notna() & u["target_rate"].notna() & (u["online_rate"] < u["target_rate"])]
    return rows.sort_values("online_rate").to_dict("records")


PLACEHOLDER = "[Nội dung do Tổ giúp việc soạn thảo"


def direction(r: Report) -> list[str]:
    """Section I: a place to write (the first item is always the marked place to write)."""
    return [PLACEHOLDER + ": kết quả chỉ đạo, tổ chức thực hiện Đề án 06 trong tháng — văn bản đã ban hành, hội nghị, kiểm tra.]"]


def difficulties(r: Report) -> list[str]:
    """Section III, prefilled with what the data can say (after the marked place to write)."""
    paras = [PLACEHOLDER + ": khó khăn, vướng mắc và nguyên nhân. Các ý dưới đây lập từ số liệu.]"]
    if len(r.overdue):
        agencies = sorted({a for a in r.overdue["responsible_unit_name"].dropna()}, key=fold)
        listed = int(r.overdue["task_code"].isin(r.tasks["task_code"]).sum())
        where = f" ({_n(listed)} nhiệm vụ tại Phụ lục I)" if listed and listed < len(r.overdue) else ""
        paras.append(f"Còn {_n(len(r.overdue))} nhiệm vụ quá hạn chưa hoàn thành{where}, thuộc trách nhiệm của: {', '.join(agencies)}.")
    if len(r.missing_units):
        paras.append(f"{_n(len(r.missing_units))}/{_n(r.expected_units)} đơn vị chưa gửi báo cáo tháng: "
                     + ", ".join(r.missing_units["unit_name"]) + ".")
    if len(r.late_units):
        paras.append(f"{_n(len(r.late_units))} đơn vị gửi báo cáo muộn: " + ", ".join(r.late_units["unit_name"]) + ".")
    behind = units_behind(r)
    if behind:
        paras.append("Tỷ lệ hồ sơ trực tuyến còn thấp tại: " + ", ".join(u["unit_name"] for u in behind) + ".")
    return paras


def next_tasks(r: Report) -> list[str]:
    """Section IV, prefilled."""
    nxt = period_label(add_months(r.period, 1)).lower()
    paras = [PLACEHOLDER + f": nhiệm vụ trọng tâm {nxt}. Các ý dưới đây lập từ số liệu.]"]
    if len(r.overdue):
        paras.append(f"Các đơn vị khẩn trương hoàn thành {_n(len(r.overdue))} nhiệm vụ đã quá hạn:")
        paras += _listed([f"{unit}: {where}" for unit, where in overdue_by_unit(r)])
    below = services_below(r)
    if below:
        paras.append("Nâng tỷ lệ hồ sơ trực tuyến của các dịch vụ dưới chỉ tiêu: " + "; ".join(_name(s["service_name"]) for s in below) + ".")
    return paras


def overdue_by_unit(r: Report) -> list[tuple[str, str]]:
    """(responsible unit, its overdue tasks as the reader finds them): 'nhiệm vụ số 3, 17 mục I
    Phụ lục I' for Appendix I's groups, else 'nhiệm vụ số 22.2 theo <document>'."""
    roman = {g: ROMAN[k] for k, (g, _) in enumerate(r.task_groups)}
    out = []
    for unit, rows in r.overdue.groupby("responsible_unit_name", sort=False, dropna=False):
        places = []
        order = list(roman)
        groups = rows.groupby(["task_group", "source_document"], sort=False, dropna=False)
        for (group, doc), g in sorted(groups, key=lambda x: order.index(x[0][0]) if x[0][0] in roman else len(order)):
            g = g.sort_values("task_number", key=lambda s: s.map(_number_key))
            nums = _numbers(g.to_dict("records"))
            places.append(f"nhiệm vụ số {nums} mục {roman[group]} Phụ lục I" if group in roman else f"nhiệm vụ số {nums} theo {_name(doc)}")
        out.append((str(unit), "; ".join(places)))
    return sorted(out, key=lambda x: fold(x[0]))


def _number_key(n) -> tuple:
    return tuple(int(x) if x.isdigit() else 0 for x in str(n).split("."))


ROMAN = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII", "XIII", "XIV", "XV"]
