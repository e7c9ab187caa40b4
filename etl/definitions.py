"""What the figures are called and how they are written: one plain module (no Streamlit) shared by
the dashboard (pages, dashboard/ui.py, the query modules) and the monthly report (etl/report).

* Indicators: each KPI's Vietnamese name, its short label on a card, its format and its target.
* Thresholds: when a KPI is green, amber or red (`kpi_status`, `tasks_status`).
* Status words: a task's status (the template's and the official report's wording), a report's
  timeliness, a submitted file's status, unit levels, service groups, data sources.
* Formatting: numbers and rates the Vietnamese way (3.421.346; 33,9 %; +0,8 điểm %), months
  ("Tháng 9/2023") and dates (15/02/2024). Every function takes None or NaN for "no figure" and
  writes "–".

Parsing and the basic writers stay where the ETL reads with them (etl/numbers.py,
etl/periods.py); this module re-exports them, so a page or the report imports from here only.
"""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from etl.numbers import format_count, format_rate
from etl.periods import period_label, period_text

__all__ = [
    "format_count", "format_rate", "period_label", "period_text",  # re-exported: the one way to write them
]

NO_VALUE = "–"

# --------------------------------------------------------------------------- numbers, months, dates


def clean(v):
    """None for a missing figure (None, NaN, NaT, pandas' NA); the value otherwise."""
    if v is None:
        return None
    try:
        return None if v != v else v  # NaN and NaT are not equal to themselves
    except TypeError:  # pandas' NA refuses a truth value
        return None


def num(v) -> float | None:
    """A figure as a float, None when missing."""
    v = clean(v)
    return None if v is None else float(v)


def fmt_count(v) -> str:
    """3421346 -> '3.421.346'; '–' when missing."""
    return format_count(clean(v))


def fmt_rate(v, digits: int = 1) -> str:
    """0.339 -> '33,9 %'; '–' when missing."""
    v = num(v)
    return format_rate(v, digits)


def fmt_signed_count(v) -> str | None:
    """A change of a count: '+5.905', '-12'; None when missing."""
    v = clean(v)
    if v is None:
        return None
    return ("+" if v >= 0 else "-") + format_count(abs(v))


POINTS_UNIT = "điểm %"  # a change of a rate is in percentage points, never in %


def fmt_points(v) -> str | None:
    """A change of a rate in percentage points: 0.008 -> '+0,8 điểm %'; None when missing."""
    v = num(v)
    if v is None:
        return None
    return f"{v * 100:+.1f}".replace(".", ",") + f" {POINTS_UNIT}"


def fmt_points_number(v) -> str:
    """Percentage points as a plain number (a table column headed '… (điểm %)'): 0.063 -> '6,3'."""
    v = num(v)
    return NO_VALUE if v is None else f"{v:.1f}".replace(".", ",")


def fmt_rank(rank, ranked) -> str:
    """A rank among the units that have the figure: '3/27'; '–' when not ranked."""
    return f"{fmt_count(rank)}/{fmt_count(ranked)}" if num(rank) else NO_VALUE


def month_label(d: dt.date) -> str:
    """'Tháng 9/2023'."""
    return period_label(d)


def month_short(d: dt.date) -> str:
    """'T9/2023': a chart's month tick."""
    return f"T{d.month}/{d.year}"


def date_text(d) -> str:
    """15/02/2024; '–' when missing."""
    d = clean(d)
    return NO_VALUE if d is None else d.strftime("%d/%m/%Y")


def datetime_text(t) -> str:
    """05/01/2025 16:13; '–' when missing."""
    t = clean(t)
    return NO_VALUE if t is None else t.strftime("%d/%m/%Y %H:%M")


def fmt_coverage(reported, expected, months: int = 1) -> str:
    """How complete a figure is: 'Đã báo cáo: 26/27 đơn vị' (one month), 'Đã báo cáo: 317/324
    báo cáo đơn vị × tháng' (several); '' without an expectation."""
    if clean(expected) is None or not expected:
        return ""
    what = "đơn vị" if months == 1 else "báo cáo (đơn vị × tháng)"
    return f"Đã báo cáo: {format_count(reported)}/{format_count(expected)} {what}"


def fmt_year_ago(value_text: str, change_text: str | None) -> str:
    """'Cùng kỳ năm trước: 78,2 % (+3,1 điểm %)'."""
    return f"Cùng kỳ năm trước: {value_text}" + (f" ({change_text})" if change_text else "")


# --------------------------------------------------------------------------- targets and thresholds

# A KPI is green when its value reaches the target, amber when it is at most AMBER_BAND (10
# percentage points) below it, red further below; grey ('none') when it has no target.
AMBER_BAND = 0.10
# Data cleaning has no target in the sources: the aim is every record (100 %).
CLEANING_TARGET = 1.0
# VNeID activation is measured against vneid_target (100 %).
ACTIVATION_TARGET = 1.0
# The online-rate target when no service in scope has one configured.
DEFAULT_ONLINE_TARGET = 0.5
# Tasks: green with no overdue task, amber while overdue tasks are at most this share of tasks.
TASKS_AMBER_SHARE = 0.10


def kpi_status(value, target, band: float = AMBER_BAND) -> str:
    """'green' | 'amber' | 'red' against the target; 'none' without a value or a target."""
    value, target = num(value), num(target)
    if value is None or target is None:
        return "none"
    if value >= target:
        return "green"
    if value >= target - band:
        return "amber"
    return "red"


def tasks_status(tasks: int, overdue: int | None) -> str:
    """The tasks KPI: 'green' with no overdue task, 'amber' while overdue tasks are at most
    TASKS_AMBER_SHARE of them, 'red' above; 'none' without tasks."""
    if not tasks:
        return "none"
    if overdue == 0:
        return "green"
    if overdue <= TASKS_AMBER_SHARE * tasks:
        return "amber"
    return "red"


def _pct(share: float) -> str:
    return f"{share * 100:.0f}"


KPI_STATUS_LABELS = {"green": "Đạt chỉ tiêu", "amber": f"Gần đạt (thiếu ≤ {_pct(AMBER_BAND)} {POINTS_UNIT})",
                     "red": "Chưa đạt chỉ tiêu", "none": "Không có chỉ tiêu"}
TASKS_STATUS_LABELS = {"green": "Không có nhiệm vụ quá hạn",
                       "amber": f"Có nhiệm vụ quá hạn (≤ {_pct(TASKS_AMBER_SHARE)} %)",
                       "red": f"Nhiều nhiệm vụ quá hạn (> {_pct(TASKS_AMBER_SHARE)} %)",
                       "none": "Chưa có báo cáo nhiệm vụ"}
NO_FIGURE = "Chưa có số liệu"
TASKS_STATUS_HELP = (f"Trạng thái của mỗi nhiệm vụ theo báo cáo gần nhất đến cuối kỳ. Xanh: không có nhiệm vụ quá hạn; "
                     f"vàng: quá hạn không quá {_pct(TASKS_AMBER_SHARE)} % số nhiệm vụ; đỏ: nhiều hơn.")


# --------------------------------------------------------------------------- indicators


@dataclass(frozen=True)
class Indicator:
    key: str
    name: str  # in tables, the unit profile and the report
    label: str  # on a KPI card
    kind: str  # 'rate' | 'count'
    target: float | None = None
    help: str = ""

    def fmt(self, v) -> str:
        """The value written in the indicator's format."""
        return fmt_rate(v) if self.kind == "rate" else fmt_count(v)


INDICATORS: dict[str, Indicator] = {i.key: i for i in (
    Indicator("online_rate", "Tỷ lệ hồ sơ trực tuyến", "Nộp hồ sơ trực tuyến", "rate", DEFAULT_ONLINE_TARGET,
              "Tổng hồ sơ trực tuyến / tổng hồ sơ của kỳ (chỉ các dòng có đủ hai số). Chỉ tiêu: bình quân chỉ tiêu "
              "của các dịch vụ, theo số hồ sơ."),
    Indicator("total_dossiers", "Tổng hồ sơ dịch vụ công", "Tổng hồ sơ", "count"),
    Indicator("online_dossiers", "Hồ sơ nộp trực tuyến", "Hồ sơ nộp trực tuyến", "count"),
    Indicator("cccd_records", "Hồ sơ CCCD gắn chip", "Hồ sơ CCCD gắn chip", "count"),
    Indicator("vneid_applications", "Hồ sơ đề nghị cấp tài khoản VNeID", "Hồ sơ đề nghị cấp tài khoản VNeID", "count"),
    Indicator("vneid_activated", "Tài khoản VNeID đã kích hoạt", "Tài khoản VNeID đã kích hoạt", "count"),
    Indicator("activation_rate", "Kích hoạt VNeID so với chỉ tiêu", "Kích hoạt VNeID", "rate", ACTIVATION_TARGET),
    Indicator("cleaning_ratio", "Tỷ lệ làm sạch dữ liệu", "Làm sạch dữ liệu", "rate", CLEANING_TARGET,
              "Bản ghi đã làm sạch / tổng bản ghi, trên các bộ dữ liệu có tổng số."),
    Indicator("tasks_done", "Nhiệm vụ hoàn thành", "Nhiệm vụ hoàn thành", "count"),
    Indicator("district_tasks_done", "Nhiệm vụ của đơn vị đã hoàn thành", "Nhiệm vụ đã hoàn thành", "rate",
              help="Nhiệm vụ đơn vị thực hiện trong tháng (giao cho đơn vị hoặc cho cấp của đơn vị) đã hoàn thành / tổng số."),
    # The programme's utilities (the utilities topic; codes as in etl/topics/utilities.py).
    Indicator("hi_lookups_total", "Lượt tra cứu thông tin thẻ BHYT bằng CCCD", "Lượt tra cứu BHYT bằng CCCD", "count",
              help="Lũy kế đến cuối tháng."),
    Indicator("hi_lookups_success", "Lượt tra cứu thành công", "Lượt tra cứu thành công", "count",
              help="Lũy kế đến cuối tháng."),
    Indicator("hi_cards_synced", "CCCD đồng bộ với thẻ BHYT còn hiệu lực", "CCCD đồng bộ thẻ BHYT", "count",
              help="Lũy kế đến cuối tháng."),
    Indicator("health_facilities_cccd", "Cơ sở y tế dùng CCCD thay thẻ BHYT", "Cơ sở y tế dùng CCCD", "count",
              help="Số cơ sở y tế đã triển khai khám chữa bệnh BHYT bằng CCCD / tổng số cơ sở y tế."),
    Indicator("health_facilities_total", "Tổng số cơ sở y tế", "Tổng số cơ sở y tế", "count"),
    Indicator("ss_beneficiaries", "Đối tượng hưởng chính sách an sinh xã hội", "Đối tượng hưởng an sinh xã hội", "count",
              help="Số hiện có cuối tháng."),
    Indicator("ss_accounts", "Đối tượng đã có tài khoản nhận chi trả", "Đối tượng có tài khoản", "count",
              help="Số hiện có cuối tháng."),
    Indicator("ss_cashless_paid", "Đối tượng được chi trả không dùng tiền mặt (từ 01/9/2023)",
              "Chi trả không dùng tiền mặt", "count", help="Lũy kế từ ngày 01/9/2023."),
    Indicator("hi_success_rate", "Tỷ lệ tra cứu thành công", "Tra cứu thành công", "rate",
              help="Lượt tra cứu thành công / tổng lượt tra cứu."),
    Indicator("facilities_share", "Tỷ lệ cơ sở y tế dùng CCCD", "Cơ sở y tế dùng CCCD", "rate",
              help="Cơ sở y tế dùng CCCD / tổng số cơ sở y tế."),
    Indicator("accounts_share", "Tỷ lệ đối tượng có tài khoản", "Có tài khoản", "rate",
              help="Đối tượng có tài khoản / đối tượng hưởng chính sách an sinh xã hội."),
    Indicator("cashless_share", "Tỷ lệ chi trả không dùng tiền mặt", "Chi trả không dùng tiền mặt", "rate",
              help="Đối tượng được chi trả không dùng tiền mặt / đối tượng có tài khoản."),
)}


@dataclass(frozen=True)
class UtilityCard:
    """One KPI card of the utilities page: a count (an indicator), shown as 'part / whole' when
    it has a whole, and the rate of it to its whole, written '<rate> <of_text>'."""
    indicator: str
    rate: str | None = None
    of_text: str = ""
    whole: str | None = None


# The utilities page's cards, by group of the Đề án's utilities.
UTILITY_GROUPS: tuple[tuple[str, tuple[UtilityCard, ...]], ...] = (
    ("Khám chữa bệnh bằng CCCD thay thẻ BHYT", (
        UtilityCard("hi_lookups_total"),
        UtilityCard("hi_lookups_success", "hi_success_rate", "số lượt tra cứu"),
        UtilityCard("hi_cards_synced"),
        UtilityCard("health_facilities_cccd", "facilities_share", "số cơ sở y tế", whole="health_facilities_total"),
    )),
    ("Chi trả an sinh xã hội không dùng tiền mặt", (
        UtilityCard("ss_beneficiaries"),
        UtilityCard("ss_accounts", "accounts_share", "số đối tượng hưởng chính sách"),
        UtilityCard("ss_cashless_paid", "cashless_share", "số đối tượng có tài khoản"),
    )),
)
# The rates a unit ranking may be ordered by, in the order offered.
UTILITY_RANKINGS = ("hi_success_rate", "facilities_share", "accounts_share", "cashless_share")
# The submission topic (etl/topics) each overview KPI comes from: its completeness is that
# topic's reports in, of those expected (reporting_status). Not "utilities": that topic is not
# expected monthly (etl/topics/utilities.py, expected=False), so reporting_status has no rows for
# it and "reported / expected" would have nothing to count; add it here when it becomes expected.
KPI_TOPICS = {"online_rate": "services", "cccd_records": "identity", "vneid_activation": "identity",
              "cleaning": "cleaning", "tasks": "tasks"}
# The overview KPIs that add up over the months of a period (flows); the others are stocks, taken
# at the period's last month, and so is their completeness.
KPI_FLOWS = ("online_rate",)

# The unit profile's indicators, in the order it lists them.
PROFILE_INDICATORS = ("online_rate", "total_dossiers", "cccd_records", "vneid_activated", "activation_rate",
                      "cleaning_ratio", "district_tasks_done")


# What the pages of stocks (CCCD and VNeID, the utilities) say under their title.
STOCK_NOTE = ("Số cộng dồn: mỗi tháng là số đến cuối tháng, không cộng các tháng với nhau. "
              "Địa phương chưa báo cáo trong tháng được tính theo số gần nhất đã báo cáo.")


# --------------------------------------------------------------------------- status words

# A task's status: the template's drop-down and the official report's wording (etl.topics
# reads and writes these); 'no_report' is the tracker's word for a task nobody has reported on.
TASK_STATUS_LABELS = {"done": "Đã hoàn thành", "in_progress": "Đang thực hiện", "not_started": "Chưa thực hiện"}
NO_REPORT = "no_report"
TASK_STATUS_WORDS = {**TASK_STATUS_LABELS, NO_REPORT: "Chưa có báo cáo"}
OVERDUE_LABEL = "Quá hạn"


def task_status_label(status) -> str:
    """A task's status in words; a task without a status has no report."""
    return TASK_STATUS_WORDS.get(status, TASK_STATUS_WORDS[NO_REPORT]) if clean(status) is not None \
        else TASK_STATUS_WORDS[NO_REPORT]


# Whether a unit's report of a month came in on time (reporting_status.status).
# 'not_due': no report yet, and its deadline has not passed (the date "today": [reporting] as_of).
REPORTING_STATUS_LABELS = {"on_time": "Đúng hạn", "late": "Muộn", "missing": "Chưa nộp", "not_due": "Chưa đến hạn"}
# "Việc của tôi": a report a unit still owes.
OWED_STATUS = {"missing": "Quá hạn", "not_due": "Chưa đến hạn"}
# A unit in a ranking that sent no report for the period: listed, never silently dropped.
NOT_REPORTED = "Chưa báo cáo"
# A received file (submission_log.status, and the check before loading).
SUBMISSION_STATUS_LABELS = {"accepted": "Đã nạp", "superseded": "Đã bị thay thế", "partly_superseded": "Bị thay thế một phần",
                            "rejected": "Bị từ chối", "valid": "Hợp lệ", "duplicate": "Đã có (trùng tệp)"}
UNIT_LEVEL_LABELS = {"province": "Cấp tỉnh", "district": "Cấp huyện", "agency": "Sở, ngành", "commune": "Cấp xã"}
# Who carries out a task assigned to a level (tasks.csv responsible_level): the warehouse's dim_unit_level.
LEVEL_ASSIGNEE_LABELS = {"province": "UBND tỉnh", "district": "UBND cấp huyện", "agency": "Các sở, ngành",
                         "commune": "UBND cấp xã"}
SERVICE_GROUP_LABELS = {"e06_essential": "25 DVC thiết yếu (Đề án 06)", "qd422": "DVC theo QĐ 422/QĐ-TTg"}
SOURCE_NAMES = {"official": "số liệu chính thức", "sample": "dữ liệu mẫu", "submitted": "số liệu đơn vị gửi"}
REPORTING_LEVEL_ALL = "Huyện và sở, ngành"  # the reporting page's choice of every reporting level
TOPICS_ALL = "Tất cả nội dung"

# The short Vietnamese name of each figure a submission carries (the check before loading shows
# what it read under these).
COLUMN_LABELS = {"service_code": "Mã dịch vụ", "total_dossiers": "Tổng số hồ sơ", "online_dossiers": "Trực tuyến",
                 "on_time": "Đúng hạn", "overdue": "Quá hạn", "unit_code": "Mã đơn vị", "cccd_records": "Hồ sơ CCCD",
                 "vneid_applications": "Hồ sơ ĐDĐT", "vneid_activated": "Đã kích hoạt", "vneid_target": "Chỉ tiêu",
                 "dataset_code": "Mã bộ dữ liệu", "records_cleaned": "Đã làm sạch", "records_total": "Tổng số",
                 "task_code": "Mã nhiệm vụ", "status": "Trạng thái", "status_text": "Kết quả", "dòng": "Dòng"}

# Two or more units chosen in the filter: compared side by side (a line / column per unit), or
# added up — the choice is explicit (?combine=1), never silent.
COMPARE_MODE_LABELS = {False: "So sánh từng địa phương", True: "Cộng gộp"}
COMBINED_WORD = "cộng gộp"
CLEAR_LABEL = "Bỏ chọn"  # the button that undoes a drill-down
# The pivot page ("Bảng tổng hợp"): its subjects and the dimensions a row may keep.
PIVOT_SUBJECT_LABELS = {"services": "Dịch vụ công", "cleaning": "Làm sạch dữ liệu"}
PIVOT_DIM_LABELS = {"services": {"item": "Dịch vụ", "unit": "Địa phương", "month": "Tháng"},
                    "cleaning": {"item": "Bộ dữ liệu", "unit": "Địa phương", "month": "Tháng"}}

# --------------------------------------------------------------------------- units on pages (issue 12)
# The unit filter's label by the levels it offers (the units valid in the chosen period), and how
# a former district is offered in it (it stands for its own figures before the reform and for its
# communes' after).
UNIT_FILTER_LABELS = {("district",): "Huyện, thị xã, thành phố", ("commune",): "Xã, phường",
                      ("commune", "district"): "Huyện, thị xã, thành phố; xã, phường"}
UNIT_FILTER_PLACEHOLDER = "Toàn tỉnh — gõ để tìm"
FORMER_DISTRICT_LABEL = "Khu vực {name} cũ (cả các xã, phường)"
FORMER_DISTRICT_SHORT = "khu vực {name} cũ"
# Rankings and bar charts by unit: above this many units, the top and bottom RANK_SHOWN and a
# choice to show them all.
RANK_ALL_MAX = 40
RANK_SHOWN = 10
RANK_VIEW_LABELS = {"ends": f"{RANK_SHOWN} cao nhất và {RANK_SHOWN} thấp nhất", "all": "Hiện tất cả"}
# The map of units: the colour scale of a rate against a target (red far below, green at or
# above it), of a rate without one (light to dark, over the rates shown), the point sizes (px, by volume).
MAP_COLOURS = [[0, "#c62828"], [0.5, "#f2c94c"], [1, "#2e7d32"]]
MAP_COLOURS_PLAIN = [[0, "#9ecae1"], [1, "#0b3c5d"]]  # its lightest still apart from the white rings
MAP_SIZE_RANGE = (6, 26)
MAP_HINT = "Bấm vào một điểm để mở hồ sơ của địa phương đó. Cỡ điểm theo {volume}; màu theo {indicator}."
