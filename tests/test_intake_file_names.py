"""A file whose name is not UTF-8 (its bytes as the operating system gives them: a workbook
unpacked from an old Windows zip, loaded with `python -m etl load *.xlsx`) loads like any other;
the bytes that are not UTF-8 show as U+FFFD in its name. It used to stop the whole batch: neither
the archive's manifest nor the warehouse can hold such a name, not even to reject the file."""
from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from etl.load import load_files, text_name
from tests.helpers import make_workbook, rows

JUN = dt.date(2024, 6, 1)


def test_text_name():
    assert text_name("Báo cáo tháng 6.xlsx") == "Báo cáo tháng 6.xlsx"
    assert text_name(os.fsdecode(b"b\xe1o_c\xe1o.xlsx")) == "b\ufffdo_c\ufffdo.xlsx"
    assert text_name("x\ud800y.xlsx").encode("utf-8")  # any lone surrogate


def test_a_file_named_in_latin_1_loads_with_the_batch(empty_warehouse, tmp_path):
    inbox, raw = tmp_path / "inbox", tmp_path / "raw"
    good = make_workbook(inbox / "395.xlsx", "395", JUN, {"identity": {"395": {"cccd_records": 800}}})
    latin = make_workbook(inbox / os.fsdecode(b"b\xe1o_c\xe1o_396.xlsx"), "396", JUN, {"identity": {"396": {"cccd_records": 900}}})
    assert b"b\xe1o_c\xe1o_396.xlsx" in os.listdir(os.fsencode(inbox))

    a, b = load_files([(p, p.name) for p in (good, latin)], warehouse=empty_warehouse, archive_root=raw, today=dt.date(2025, 1, 20))

    assert (a.status, b.status) == ("accepted", "accepted")
    assert b.file_name == "b\ufffdo_c\ufffdo_396.xlsx"
    assert rows(empty_warehouse, "select unit_code, cccd_records from fact_identity where period = ? order by 1", [JUN]) == [
        ("395", 800), ("396", 900)]
    [(name, archive_path)] = rows(empty_warehouse, "select file_name, archive_path from submission where submission_id = ?", [b.submission_id])
    assert name == b.file_name
    assert json.loads(Path(archive_path).with_suffix(".json").read_text(encoding="utf-8"))["file_name"] == b.file_name
