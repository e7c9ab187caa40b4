"""The four submission topics: sheet names, columns and the header wordings we accept.

The template writes the first wording of each column; the reader accepts any listed wording
(compared without diacritics, case or punctuation), so tables typed by hand or copied from a
report appendix are read too.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from etl.definitions import TASK_STATUS_LABELS


@dataclass(frozen=True)
class Column:
    key: str
    headers: tuple[str, ...]
    kind: str  # 'code' | 'name' | 'count' | 'rate' | 'text' | 'status'
    required: bool = False
    width: int = 14


@dataclass(frozen=True)
class Topic:
    key: str
    sheet: str
    sheet_aliases: tuple[str, ...]
    title: str
    columns: tuple[Column, ...] = field(default_factory=tuple)
    is_stock: bool = False

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


SERVICES = Topic(
    key="services",
    sheet="Dịch vụ công",
    sheet_aliases=("Dich vu cong", "DVC", "Dịch vụ công trực tuyến", "Phụ lục II", "Phụ lục III", "PL II", "PL III"),
    title="KẾT QUẢ THỰC HIỆN DỊCH VỤ CÔNG TRỰC TUYẾN THIẾT YẾU",
    columns=(
        Column("service_code", ("Mã dịch vụ", "Mã DVC", "Mã"), "code", width=11),
        Column("service_name", ("Tên dịch vụ", "Dịch vụ công trực tuyến", "Dịch vụ công", "Tên dịch vụ công", "Tên thủ tục"), "name", width=60),
        Column("total_dossiers", ("Tổng số hồ sơ", "Tổng hồ sơ", "Tổng số", "Tổng"), "count"),
        Column("online_dossiers", ("Hồ sơ trực tuyến", "Trực tuyến", "Số hồ sơ trực tuyến", "Online"), "count"),
        Column("online_rate", ("Tỷ lệ trực tuyến", "Tỷ lệ", "Tỉ lệ", "Tỷ lệ (%)"), "rate"),
        Column("on_time", ("Đúng hạn", "Hồ sơ đúng hạn", "Giải quyết đúng hạn"), "count"),
        Column("overdue", ("Quá hạn", "Hồ sơ quá hạn", "Giải quyết quá hạn"), "count"),
        Column("note", ("Ghi chú", "Khó khăn, vướng mắc"), "text", width=30),
    ),
)

IDENTITY = Topic(
    key="identity",
    sheet="CCCD - VNeID",
    sheet_aliases=("CCCD-VNeID", "CCCD VNeID", "CCCD", "VNeID", "Định danh điện tử"),
    title="KẾT QUẢ CẤP CCCD GẮN CHÍP VÀ TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ (LŨY KẾ)",
    is_stock=True,
    columns=(
        Column("unit_code", ("Mã đơn vị", "Mã ĐV"), "code", width=10),
        Column("unit_name", ("Tên đơn vị", "Đơn vị", "Địa phương"), "name", width=28),
        Column("cccd_records", ("Hồ sơ CCCD gắn chíp (lũy kế)", "Hồ sơ CCCD gắn chip", "Số hồ sơ CCCD", "CCCD gắn chíp", "CCCD"), "count", width=18),
        Column("vneid_applications", ("Hồ sơ đề nghị cấp tài khoản ĐDĐT (lũy kế)", "Hồ sơ cấp tài khoản định danh điện tử", "Hồ sơ ĐDĐT", "Hồ sơ VNeID"), "count", width=20),
        Column("vneid_activated", ("Tài khoản ĐDĐT đã kích hoạt (lũy kế)", "Tài khoản đã kích hoạt", "Đã kích hoạt", "Kích hoạt"), "count", width=20),
        Column("vneid_target", ("Chỉ tiêu giao", "Chỉ tiêu", "Chỉ tiêu kích hoạt"), "count", width=14),
    ),
)

CLEANING = Topic(
    key="cleaning",
    sheet="Làm sạch dữ liệu",
    sheet_aliases=("Lam sach du lieu", "Làm sạch", "Làm sạch DL"),
    title="KẾT QUẢ LÀM SẠCH, ĐỒNG BỘ DỮ LIỆU CHUYÊN NGÀNH VỚI CSDLQG VỀ DÂN CƯ (LŨY KẾ)",
    is_stock=True,
    columns=(
        Column("dataset_code", ("Mã bộ dữ liệu", "Mã dữ liệu", "Mã"), "code", width=20),
        Column("dataset_name", ("Tên bộ dữ liệu", "Lĩnh vực", "Bộ dữ liệu", "Dữ liệu"), "name", width=36),
        Column("records_cleaned", ("Số bản ghi đã làm sạch (lũy kế)", "Đã làm sạch", "Số đã làm sạch", "Đã cập nhật"), "count", width=20),
        Column("records_total", ("Tổng số bản ghi cần làm sạch", "Tổng số cần làm sạch", "Tổng số"), "count", width=20),
        Column("cleaning_ratio", ("Tỷ lệ", "Tỉ lệ"), "rate"),
    ),
)

TASKS = Topic(
    key="tasks",
    sheet="Nhiệm vụ",
    sheet_aliases=("Nhiem vu", "Phụ lục I", "Tiến độ nhiệm vụ"),
    title="TIẾN ĐỘ THỰC HIỆN NHIỆM VỤ ĐỀ ÁN 06",
    columns=(
        Column("task_code", ("Mã nhiệm vụ", "Mã NV", "Mã"), "code", width=12),
        Column("task_name", ("Nội dung nhiệm vụ", "Nhiệm vụ được giao", "Nhiệm vụ"), "name", width=60),
        Column("deadline_text", ("Thời hạn", "Thời hạn hoàn thành"), "text", width=16),
        Column("status", ("Trạng thái", "Tình trạng"), "status", width=18),
        Column("status_text", ("Kết quả thực hiện", "Kết quả", "Ghi chú"), "text", width=40),
    ),
)

TOPICS: dict[str, Topic] = {t.key: t for t in (SERVICES, IDENTITY, CLEANING, TASKS)}

# Status wording in Vietnamese, as the template's drop-down offers it (one source: etl.definitions).
STATUS_LABELS = TASK_STATUS_LABELS
STATUS_ALIASES = {
    "done": ("Đã hoàn thành", "Hoàn thành", "Đã xong", "Xong"),
    "in_progress": ("Đang thực hiện", "Đang triển khai", "Đang triển khai thực hiện", "Chưa hoàn thành"),
    "not_started": ("Chưa thực hiện", "Chưa triển khai", "Chưa bắt đầu"),
}

INSTRUCTIONS_SHEET = "Hướng dẫn"
CATALOGUE_SHEET = "Danh mục"  # hidden sheet of the template: the codes its drop-down lists offer
SAMPLE_MARK = "DỮ LIỆU MẪU"
