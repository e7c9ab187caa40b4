"""A file for a unit and month the official report already covers is refused with one message
for the file, naming the sheets concerned (not the same sentence once per sheet)."""
from __future__ import annotations

import datetime as dt
import shutil

import openpyxl
import pytest

from etl.load import load_files
from etl.template import write_template

OFFICIAL = dt.date(2023, 9, 1)
WHEN = dt.datetime(2024, 1, 10, 9, 0)
START = "Tháng 9/2023 của 38 - Tỉnh Thanh Hóa đã có số liệu chính thức (báo cáo của Tổ công tác Đề án 06) cho "
END = "; tệp nộp không ghi đè số liệu chính thức. Hãy kiểm tra kỳ báo cáo và đơn vị."


@pytest.mark.parametrize("keep,expected", [
    (["Dịch vụ công"], "Dịch vụ công: " + START + "trang tính này" + END),
    (["Dịch vụ công", "Nhiệm vụ"], START + "các trang tính 'Dịch vụ công', 'Nhiệm vụ'" + END),
])
def test_one_message_naming_the_sheets(sample_db, tmp_path, keep, expected):
    path = write_template(tmp_path / "tinh.xlsx", "38", OFFICIAL, {"services": {"E06-03": {"total_dossiers": 120, "online_dossiers": 100}}})
    wb = openpyxl.load_workbook(path)
    for ws in list(wb.worksheets):
        if ws.title not in keep:
            wb.remove(ws)
    wb.save(path)
    warehouse = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    [result] = load_files([(path, "tinh.xlsx")], warehouse=warehouse, submitted_by="test", submitted_at=WHEN,
                          archive_root=tmp_path / "raw", today=dt.date(2024, 1, 10))
    assert result.status == "rejected"
    assert [[i.severity, str(i)] for i in result.issues] == [["error", expected]]
