"""Làm sạch dữ liệu: records of each sector's dataset cleaned against the population database, cumulative stocks."""
from __future__ import annotations

import math

from etl.sampling import rng, split_capped, split_exact
from etl.topics.base import Column, Fact, Items, NoFall, Official, PartOfWhole, Sample, Topic, TypedRate

COUNT = "bigint check ({0} >= 0)"
SOURCE = "varchar not null check (source in ('official', 'sample', 'submitted'))"


def _reference(model) -> dict[str, dict[str, dict]]:
    n = lambda v: int(v) if v not in ("", None) else None  # noqa: E731
    D = model.districts
    out: dict[str, dict[str, dict]] = {}
    for r in model.read_csv(TOPIC.official.csv):
        C, T = n(r["records_cleaned"]), n(r["records_total"])
        code = r["dataset_code"]
        if T is not None:
            t = split_exact(T, model.noisy(("clt", code)))
            c = t if C == T else split_capped(C, [ti * float(rng("clr", model.seed, code, i).lognormal(0, 0.1)) for i, ti in enumerate(t)], t)
        else:
            t, c = [None] * len(D), split_exact(C, model.noisy(("clc", code)))
        out[code] = {d: {"records_cleaned": c[i], "records_total": t[i]} for i, d in enumerate(D)}
    return out


def _values(model, ref: dict, d: str, m) -> dict[str, dict]:
    """The share cleaned rises towards the whole; the records to clean grow slowly."""
    k = model.k(m)
    out = {}
    for code, per in ref.items():
        base = per[d]
        C, T = base["records_cleaned"], base["records_total"]
        if k == 0:
            out[code] = dict(base)
            continue
        if T is None:
            c = int(round(C * (math.exp(0.04 * k) if k < 0 else 1 + 0.03 * k)))
            out[code] = {"records_cleaned": c, "records_total": None}
            continue
        t = int(round(T * (1 + 0.002 * k)))
        ratio = C / T if T else 1.0
        if ratio >= 1:
            r = 1.0
        elif k < 0:
            r = ratio * math.exp(0.04 * k)
        else:
            r = 1 - (1 - ratio) * math.exp(-0.06 * k)
        out[code] = {"records_cleaned": min(t, int(round(t * r))), "records_total": t}
    return out


TOPIC = Topic(
    key="cleaning",
    guidance="số LŨY KẾ đến cuối kỳ báo cáo. Số đã làm sạch không vượt quá tổng số cần làm sạch.",
    sheet="Làm sạch dữ liệu",
    sheet_aliases=("Lam sach du lieu", "Làm sạch", "Làm sạch DL"),
    title="KẾT QUẢ LÀM SẠCH, ĐỒNG BỘ DỮ LIỆU CHUYÊN NGÀNH VỚI CSDLQG VỀ DÂN CƯ (LŨY KẾ)",
    is_stock=True,
    columns=(
        Column("dataset_code", ("Mã bộ dữ liệu", "Mã dữ liệu", "Mã"), "code", width=20),
        Column("dataset_name", ("Tên bộ dữ liệu", "Lĩnh vực", "Bộ dữ liệu", "Dữ liệu"), "name", width=36),
        Column("records_cleaned", ("Số bản ghi đã làm sạch (lũy kế)", "Đã làm sạch", "Số đã làm sạch", "Đã cập nhật"), "count", width=20,
               label="Số bản ghi đã làm sạch", unit_label="bản ghi", stock=True, cumulative=True),
        # What remains to clean may be revised down (duplicates removed): a stock, not cumulative.
        Column("records_total", ("Tổng số bản ghi cần làm sạch", "Tổng số cần làm sạch", "Tổng số"), "count", width=20,
               label="Tổng số bản ghi cần làm sạch", unit_label="bản ghi", stock=True),
        Column("cleaning_ratio", ("Tỷ lệ", "Tỉ lệ"), "rate"),
        Column("note", ("Ghi chú", "Giải trình", "Lý do"), "text", width=30),
    ),
    items=Items("dataset_code", "dataset_name", lambda cat: cat.datasets),
    fact=Fact("fact_cleaning", (
        ("period", "date not null"), ("unit_code", "varchar not null"), ("dataset_code", "varchar not null"),
        ("records_cleaned", COUNT.format("records_cleaned")), ("records_total", COUNT.format("records_total")),
        ("source", SOURCE), ("submission_id", "varchar"),
    ), key=("period", "unit_code", "dataset_code")),
    required=(("dataset_code", "dataset_name"), ("records_cleaned",)),
    levels=("province", "district", "commune"),
    row_rules=(
        PartOfWhole(("records_cleaned",), "records_total",
                    "Số đã làm sạch ({part}) lớn hơn tổng số cần làm sạch ({whole}). Hãy kiểm tra lại hai ô."),
        TypedRate("cleaning_ratio", "records_cleaned", "records_total",
                  "Tỷ lệ ghi \"{typed}\" không khớp: {numerator}/{denominator} = {rate}. Hãy sửa tỷ lệ hoặc số liệu."),
    ),
    history=(NoFall(),),
    marts=(("cleaning_unit_monthly", "siblings"), ("cleaning_monthly", "since")),
    official=Official("official_cleaning_2023_09.csv", stated="stated_ratio_text"),
    sample=Sample(values=_values, reference=_reference),
)
