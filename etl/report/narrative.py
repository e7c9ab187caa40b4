"""Section II (results) written from the figures in the report's own style, and the prefilled
places of sections I, III and IV. Numbers as 3.421.346, rates as 33,9 %."""
from __future__ import annotations

import datetime as dt

from etl.definitions import POINTS_UNIT, clean, fmt_count, fmt_rate, format_rate, period_label
from etl.periods import add_months
from etl.report.data import Report

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


def results(r: Report) -> list[dict]:
    """Section II as subsections: {'heading': ..., 'paragraphs': [...]}."""
    out: list[dict] = []
    last_day = (add_months(r.period, 1) - dt.timedelta(days=1)).strftime("%d/%m/%Y")
    i = r.identity
    if i:
        paras = [f"Lũy kế đến ngày {last_day}, thu nhận {_n(i['cccd_records'])} hồ sơ CCCD gắn chíp"
                 f"{_change(i['cccd_records'], i['prev_cccd_records'], 'hồ sơ')}."]
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
            paras.append(f"{ind['indicator_name']}: {_n(ind['value'])} {ind['unit_label'] or ''}".rstrip()
                         + _change(ind["value"], ind["prev_value"], ind["unit_label"] or "") + ".")
        out.append({"heading": f"{len(out) + 1}. Tiện ích của CCCD gắn chíp (bảo hiểm y tế, an sinh xã hội)", "paragraphs": paras})
    if r.cleaning:
        paras = []
        for c in r.cleaning:
            if c["records_total"]:
                paras.append(f"{c['dataset_name']}: đã làm sạch {_n(c['records_cleaned'])}/{_n(c['records_total'])} "
                             f"({format_rate(c['records_cleaned'] / c['records_total'])})"
                             f"{_change(c['records_cleaned'], c['prev_cleaned'], 'bản ghi')}.")
            else:
                paras.append(f"{c['dataset_name']}: đã cập nhật {_n(c['records_cleaned'])} bản ghi"
                             f"{_change(c['records_cleaned'], c['prev_cleaned'], 'bản ghi')}.")
        out.append({"heading": f"{len(out) + 1}. Làm sạch, đồng bộ dữ liệu chuyên ngành với CSDLQG về dân cư", "paragraphs": paras})
    o = r.online
    if o["total"]:
        rate = o["online"] / o["total"]
        prev_rate = o["prev_online"] / o["prev_total"] if o["prev_total"] else None
        paras = [f"Tiếp nhận {_n(o['total'])} hồ sơ dịch vụ công thiết yếu{_change(o['total'], o['prev_total'], 'hồ sơ')}, "
                 f"trong đó {_n(o['online'])} hồ sơ trực tuyến, tỷ lệ trực tuyến {format_rate(rate)}{_points(rate, prev_rate)}."]
        below = [s for s in r.services.to_dict("records")
                 if s["total_dossiers"] and s["online_dossiers"] is not None and s["online_rate_target"] is not None
                 and s["online_dossiers"] / s["total_dossiers"] < s["online_rate_target"]]
        if below:
            paras.append(f"Có {len(below)} dịch vụ có tỷ lệ trực tuyến dưới chỉ tiêu: " + "; ".join(
                f"{s['service_name']} ({_n(s['online_dossiers'])}/{_n(s['total_dossiers'])}, "
                f"{format_rate(s['online_dossiers'] / s['total_dossiers'])}, chỉ tiêu {format_rate(s['online_rate_target'], 0)})"
                for s in below) + ".")
        behind = units_behind(r)
        if behind:
            paras.append(f"Có {len(behind)} đơn vị có tỷ lệ trực tuyến dưới chỉ tiêu: " + "; ".join(
                f"{u['unit_name']} ({format_rate(u['online_rate'])})" for u in behind) + ".")
        out.append({"heading": f"{len(out) + 1}. Dịch vụ công trực tuyến (chi tiết tại Phụ lục II, III)", "paragraphs": paras})
    if len(r.tasks):
        done = int((r.tasks["status"] == "done").sum())
        out.append({"heading": f"{len(out) + 1}. Tiến độ thực hiện nhiệm vụ (chi tiết tại Phụ lục I)", "paragraphs": [
            f"Tổng số {_n(len(r.tasks))} nhiệm vụ, đã hoàn thành {_n(done)}, chưa hoàn thành {_n(len(r.tasks) - done)}"
            f"; {_n(int(r.tasks['is_overdue'].fillna(False).sum()))} nhiệm vụ quá hạn."]})
    return out


def units_behind(r: Report) -> list[dict]:
    u = r.units
    rows = u[u["online_rate"].notna() & u["target_rate"].notna() & (u["online_rate"] < u["target_rate"])]
    return rows.sort_values("online_rate").to_dict("records")


PLACEHOLDER = "[Nội dung do Tổ giúp việc soạn thảo.]"


def direction(r: Report) -> list[str]:
    """Section I: a place to write."""
    return [PLACEHOLDER + " Kết quả chỉ đạo, tổ chức thực hiện Đề án 06 trong tháng."]


def difficulties(r: Report) -> list[str]:
    """Section III, prefilled with what the data can say."""
    paras = [PLACEHOLDER]
    if len(r.overdue):
        agencies = sorted({a for a in r.overdue["responsible_unit_name"].dropna()})
        paras.append(f"Còn {_n(len(r.overdue))} nhiệm vụ quá hạn chưa hoàn thành, thuộc trách nhiệm của: {', '.join(agencies)}.")
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
    paras = [PLACEHOLDER + f" Nhiệm vụ trọng tâm {nxt}."]
    if len(r.overdue):
        paras.append(f"Các đơn vị khẩn trương hoàn thành {_n(len(r.overdue))} nhiệm vụ quá hạn: "
                     + "; ".join(f"{t['task_code']} ({t['responsible_unit_name']})" for t in r.overdue.to_dict("records")) + ".")
    below = r.appendix_ii()
    below = below[below["online_rate"].notna() & (below["online_rate"] < below["online_rate_target"])]
    if len(below):
        paras.append("Nâng tỷ lệ hồ sơ trực tuyến của các dịch vụ dưới chỉ tiêu: " + "; ".join(below["service_name"]) + ".")
    return paras
