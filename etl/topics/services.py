"""Dịch vụ công: dossiers of the essential online public services, a unit's monthly flows."""
from __future__ import annotations

import math

from etl.sampling import SEASON, rng, split_capped, split_exact
from etl.topics.base import (Column, Fact, FarFromMedian, Items, Official, PartOfWhole, Sample, Topic, TypedRate)

COUNT = "bigint check ({0} >= 0)"
SOURCE = "varchar not null check (source in ('official', 'sample', 'submitted'))"


def _reference(model) -> dict[str, dict[str, dict]]:
    """The official month split over the districts, exactly (on-time and overdue only where the
    report's figures can be split into valid rows)."""
    n = lambda v: int(v) if v not in ("", None) else None  # noqa: E731
    D = model.districts
    out: dict[str, dict[str, dict]] = {}
    for r in model.read_csv(TOPIC.official.csv):
        code = r["service_code"]
        T, O, OT, OD = n(r["total_dossiers"]), n(r["online_dossiers"]), n(r["on_time"]), n(r["overdue"])
        w = model.noisy(("svc", code))
        t = split_exact(T, w) if T is not None else [None] * len(D)
        if O is None:
            o = [None] * len(D)
        elif T is None:
            o = split_exact(O, w)
        else:
            r_ = rng("rate", model.seed, code)
            o = split_capped(O, [ti * float(r_.lognormal(0, 0.25)) for ti in t], t)
        if OT is not None and O is not None and OT <= O:
            ot = o if OT == O else split_capped(OT, o, o)
        else:
            ot = [None] * len(D)  # e.g. Q422-01: on-time counted over all dossiers, not splittable
        od = split_capped(OD, o, [oi - (ti or 0) for oi, ti in zip(o, ot)]) if OD is not None and O is not None and OT is not None and OT <= O else [None] * len(D)
        out[code] = {d: {"total_dossiers": t[i], "online_dossiers": o[i], "on_time": ot[i], "overdue": od[i]} for i, d in enumerate(D)}
    return out


def _values(model, ref: dict, d: str, m) -> dict[str, dict]:
    """A month's dossiers: the official month's share grown 7 % a year, with the season and
    noise; the online share creeps up month by month."""
    k = model.k(m)
    out = {}
    for code, per in ref.items():
        base = per[d]
        if k == 0:
            out[code] = dict(base)
            continue
        r = rng("svcm", model.seed, code, d, f"{m.year:04d}-{m.month:02d}")
        T, O = base["total_dossiers"], base["online_dossiers"]
        growth = 1.07 ** (k / 12)
        f = growth * SEASON[m.month] / SEASON[model.ref.month] * float(r.lognormal(0, 0.08))
        if T is None:
            out[code] = {"online_dossiers": int(round((O or 0) * f))}
            continue
        if T == 0:
            t = int(r.poisson(0.3 * model.weight[d] / 20))
            out[code] = {"total_dossiers": t, "online_dossiers": t, "on_time": t if base["on_time"] is not None else None, "overdue": None}
            continue
        t = max(0, int(round(T * f)))
        base_rate = O / T if T else 0
        gap = (1 - base_rate) * math.exp(-0.03 * k)
        rate = min(1.0, max(0.0, 1 - gap + float(r.normal(0, 0.01))))
        o = min(t, int(round(t * rate)))
        ot = od = None
        if base["on_time"] is not None and O:
            ot = min(o, int(round(o * base["on_time"] / O)))
            if base["overdue"] is not None:
                od = o - ot
        out[code] = {"total_dossiers": t, "online_dossiers": o, "on_time": ot, "overdue": od}
    return out


def _mistake(values: dict, kind: str) -> None:
    """'corrected': a first version with a wrong total, replaced a few days later; 'rejected':
    words in a number cell."""
    if kind == "corrected":
        values["E06-03"]["total_dossiers"] = int((values["E06-03"]["total_dossiers"] or 0) * 1.1) + 5
    elif kind == "rejected":
        values["E06-02"]["total_dossiers"] = "không rõ"


TOPIC = Topic(
    key="services",
    guidance="số hồ sơ phát sinh TRONG THÁNG. Hồ sơ trực tuyến không vượt quá tổng số hồ sơ; đúng hạn + quá hạn không vượt quá số hồ sơ trực tuyến.",
    sheet="Dịch vụ công",
    sheet_aliases=("Dich vu cong", "DVC", "Dịch vụ công trực tuyến", "Phụ lục II", "Phụ lục III", "PL II", "PL III"),
    title="KẾT QUẢ THỰC HIỆN DỊCH VỤ CÔNG TRỰC TUYẾN THIẾT YẾU",
    columns=(
        Column("service_code", ("Mã dịch vụ", "Mã DVC", "Mã"), "code", width=11),
        Column("service_name", ("Tên dịch vụ", "Dịch vụ công trực tuyến", "Dịch vụ công", "Tên dịch vụ công", "Tên thủ tục"), "name", width=60),
        Column("total_dossiers", ("Tổng số hồ sơ", "Tổng hồ sơ", "Tổng số", "Tổng"), "count", unit_label="hồ sơ"),
        Column("online_dossiers", ("Hồ sơ trực tuyến", "Trực tuyến", "Số hồ sơ trực tuyến", "Online"), "count", unit_label="hồ sơ"),
        Column("online_rate", ("Tỷ lệ trực tuyến", "Tỷ lệ", "Tỉ lệ", "Tỷ lệ (%)"), "rate"),
        Column("on_time", ("Đúng hạn", "Hồ sơ đúng hạn", "Giải quyết đúng hạn"), "count", unit_label="hồ sơ"),
        Column("overdue", ("Quá hạn", "Hồ sơ quá hạn", "Giải quyết quá hạn"), "count", unit_label="hồ sơ"),
        Column("note", ("Ghi chú", "Khó khăn, vướng mắc"), "text", width=30),
    ),
    items=Items("service_code", "service_name", lambda cat: cat.services),
    fact=Fact("fact_service_volume", (
        ("period", "date not null"), ("unit_code", "varchar not null"), ("service_code", "varchar not null"),
        ("total_dossiers", COUNT.format("total_dossiers")), ("online_dossiers", COUNT.format("online_dossiers")),
        ("on_time", COUNT.format("on_time")), ("overdue", COUNT.format("overdue")),
        ("source", SOURCE), ("submission_id", "varchar"),
    ), key=("period", "unit_code", "service_code")),
    required=(("service_code", "service_name"), ("total_dossiers",), ("online_dossiers",)),
    levels=("province", "district", "commune"),
    row_rules=(
        PartOfWhole(("online_dossiers",), "total_dossiers",
                    "Hồ sơ trực tuyến ({part}) lớn hơn tổng số hồ sơ ({whole}). Hãy kiểm tra lại hai ô: hồ sơ trực tuyến là một phần "
                    "của tổng số hồ sơ."),
        PartOfWhole(("on_time", "overdue"), "online_dossiers",
                    "Đúng hạn + quá hạn ({part}) lớn hơn số hồ sơ trực tuyến ({whole}). Hãy ghi số hồ sơ trực tuyến đã giải quyết "
                    "đúng hạn, quá hạn."),
        TypedRate("online_rate", "online_dossiers", "total_dossiers",
                  "Tỷ lệ ghi \"{typed}\" không khớp với số hồ sơ: {numerator}/{denominator} = {rate}. Hãy sửa tỷ lệ hoặc số hồ sơ."),
    ),
    history=(
        FarFromMedian("total_dossiers", "Tổng số hồ sơ {value} khác xa mức thường thấy của đơn vị (trung vị {months} tháng trước: "
                                        "{median}). Hãy kiểm tra lại số liệu."),
    ),
    marts=(("service_volume_monthly", "months"),),
    official=Official("official_service_volume_2023_09.csv", stated="stated_rate_text"),
    sample=Sample(values=_values, reference=_reference, mistake=_mistake),
)
