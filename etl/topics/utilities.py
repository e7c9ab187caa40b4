"""Tiện ích: the programme's utilities (health insurance by CCCD, social security), one row per indicator.

The working group's monthly report (seed 003, section 4.2 and 4.3) gives these figures for the
province; the official September 2023 values are data/reference/official_indicators_2023_09.csv
(fact_indicator, under the same indicator codes), which utilities_monthly shows as the
province's own figure for that month and which the sample's districts add up to exactly.

Flow or stock, from the report's wording:
* "Hiện đã có 5.339.392 lượt tra cứu (tăng 269.520 lượt so với thời điểm tháng trước)", "lượt tra
  cứu thành công là 3.573.541 lượt (tăng 229.790 lượt)", "CCCD được đồng bộ với thẻ BHYT còn hiệu
  lực … là 3.037.420 (tăng 18.103 thẻ)", "678/678 cơ sở y tế đã triển khai … (tăng 01 cơ sở so với
  kỳ báo cáo tháng trước)": figures that grow "so với tháng trước" are cumulative stocks (a fall
  is refused unless the row's note explains it).
* "Tổng số cơ sở y tế" (the 678 of 678) and "Tổng số đối tượng hưởng chế độ chính sách an sinh xã
  hội … là 261.308 người": counts of what exists at the date, stocks that may fall (a facility
  closes, a beneficiary dies).
* "Tổng số đối tượng đã có tài khoản … 10.550 người": people holding an account at the date, a
  stock of the beneficiaries, which may fall with them.
* "Từ ngày 01/9/2023, đã thực hiện chi trả không dùng tiền mặt cho 4.562 người": counted since a
  date, a cumulative stock.
None is a monthly flow. Parts never exceed their whole: successful look-ups of all look-ups,
facilities using CCCD of all facilities, beneficiaries with an account of all beneficiaries,
those paid cashless of those with an account.

Who reports: every district (and commune) in its monthly workbook. reporting_status does not yet
chase the sheet (expected=False): the working group's monthly obligation (plan 24/KH-UBND IV.2)
names no utility figures per unit; set expected=True when it does.
"""
from __future__ import annotations

from etl.sampling import interp, rng, split_capped, split_exact
from etl.topics.base import Column, Fact, ItemPartOfWhole, Items, NoFall, Sample, Topic

SOURCE = "varchar not null check (source in ('official', 'sample', 'submitted'))"
CUMULATIVE, STOCK = "Lũy kế đến cuối tháng", "Số hiện có cuối tháng"

# code: (name as the report's official figures name it, unit label, stock, cumulative, part of)
INDICATORS: dict[str, dict] = {
    code: {"indicator_name": name, "unit_label": unit, "is_stock": stock, "is_cumulative": cumulative, "part_of": part_of,
           "kind_text": CUMULATIVE if cumulative else STOCK}
    for code, name, unit, stock, cumulative, part_of in (
        ("hi_lookups_total", "Lượt tra cứu thông tin thẻ BHYT bằng CCCD", "lượt", True, True, None),
        ("hi_lookups_success", "Lượt tra cứu thành công", "lượt", True, True, "hi_lookups_total"),
        ("hi_cards_synced", "CCCD đồng bộ với thẻ BHYT còn hiệu lực", "thẻ", True, True, None),
        ("health_facilities_cccd", "Cơ sở y tế dùng CCCD thay thẻ BHYT", "cơ sở", True, True, "health_facilities_total"),
        ("health_facilities_total", "Tổng số cơ sở y tế", "cơ sở", True, False, None),
        ("ss_beneficiaries", "Đối tượng hưởng chính sách an sinh xã hội", "người", True, False, None),
        ("ss_accounts", "Đối tượng đã có tài khoản nhận chi trả", "người", True, False, "ss_beneficiaries"),
        ("ss_cashless_paid", "Đối tượng đã được chi trả không dùng tiền mặt từ 01/9/2023", "người", True, True, "ss_accounts"),
    )
}
OFFICIAL_CSV = "official_indicators_2023_09.csv"  # loaded into fact_indicator by etl.build


def _reference(model) -> dict[str, dict[str, int]]:
    """The official September 2023 figures split over the districts, exactly, parts within their wholes."""
    official = {r["indicator_code"]: int(float(r["value"])) for r in model.read_csv(OFFICIAL_CSV) if r["indicator_code"] in INDICATORS}
    D = model.districts
    split: dict[str, list[int]] = {}
    order = sorted(INDICATORS, key=lambda c: INDICATORS[c]["part_of"] is not None)  # wholes first
    for _ in range(len(order)):  # a part's whole may itself be a part
        for code in order:
            whole = INDICATORS[code]["part_of"]
            if code in split or (whole and whole not in split):
                continue
            if whole is None:
                split[code] = split_exact(official[code], model.noisy(("util", code)))
            else:
                caps = split[whole]
                r = rng("utilpart", model.seed, code)
                split[code] = split_capped(official[code], [c * float(r.lognormal(0, 0.15)) for c in caps], caps)
    return {d: {code: split[code][i] for code in INDICATORS} for i, d in enumerate(D)}


def _values(model, ref: dict, d: str, m) -> dict[str, dict]:
    """Growth curves through the official month, each district at its own pace; cumulative
    figures never fall and parts stay within their wholes. Accounts for cashless payment are
    collected from June 2023 (plan 152/KH-UBND of 06/6/2023), payments start on 01/9/2023."""
    k = model.k(m)
    base = ref[d]
    a = 0.85 + 0.3 * float(rng("utilexp", model.seed, d).random())
    g = lambda points: interp(k, points) ** a  # noqa: E731
    v: dict[str, int | None] = {}
    v["health_facilities_total"] = base["health_facilities_total"]
    v["health_facilities_cccd"] = min(v["health_facilities_total"],
                                      int(round(base["health_facilities_cccd"] * interp(k, [(-8, 0.55), (-5, 0.8), (-1, 0.998), (0, 1.0)]))))
    v["hi_lookups_total"] = int(round(base["hi_lookups_total"] * g([(-8, 0.45), (-3, 0.78), (0, 1.0), (15, 1.9), (40, 2.8)])))
    v["hi_lookups_success"] = min(v["hi_lookups_total"],
                                  int(round(base["hi_lookups_success"] * g([(-8, 0.35), (-3, 0.75), (0, 1.0), (15, 2.0), (40, 3.1)]))))
    v["hi_cards_synced"] = int(round(base["hi_cards_synced"] * g([(-8, 0.9), (-3, 0.97), (0, 1.0), (15, 1.08), (40, 1.15)])))
    v["ss_beneficiaries"] = int(round(base["ss_beneficiaries"] * (1 + 0.001 * k)))
    v["ss_accounts"] = None if k < -3 else min(
        v["ss_beneficiaries"], int(round(base["ss_accounts"] * interp(k, [(-3, 0.3), (0, 1.0), (6, 4.0), (15, 9.0), (40, 14.0)]))))
    v["ss_cashless_paid"] = None if k < 0 else min(
        v["ss_accounts"], int(round(base["ss_cashless_paid"] * interp(k, [(0, 1.0), (6, 5.0), (15, 12.0), (40, 20.0)]))))
    return {code: {"value": value} for code, value in v.items() if value is not None}


TOPIC = Topic(
    key="utilities",
    guidance="cột 'Cách tính' cho biết số nào là LŨY KẾ đến cuối tháng, số nào là số hiện có cuối tháng. Một phần không vượt quá tổng của nó (lượt tra cứu thành công không vượt quá tổng lượt tra cứu; cơ sở y tế dùng CCCD không vượt quá tổng số cơ sở y tế; đối tượng có tài khoản không vượt quá số đối tượng hưởng chính sách; đối tượng được chi trả không dùng tiền mặt không vượt quá số có tài khoản).",
    sheet="Tiện ích",
    sheet_aliases=("Tien ich", "Tiện ích Đề án 06", "Nhóm tiện ích", "Các nhóm tiện ích"),
    title="KẾT QUẢ TRIỂN KHAI CÁC NHÓM TIỆN ÍCH CỦA ĐỀ ÁN 06 (BẢO HIỂM Y TẾ, AN SINH XÃ HỘI)",
    is_stock=True,
    columns=(
        Column("indicator_code", ("Mã chỉ tiêu", "Mã"), "code", width=24),
        Column("indicator_name", ("Chỉ tiêu", "Tên chỉ tiêu"), "name", width=52),
        Column("unit_label", ("Đơn vị tính", "ĐVT"), "label", width=10),
        Column("kind_text", ("Cách tính",), "label", width=22),
        Column("value", ("Số liệu", "Giá trị chỉ tiêu"), "count", width=16, label="Số liệu"),
        Column("note", ("Ghi chú", "Giải trình", "Lý do"), "text", width=36),
    ),
    items=Items("indicator_code", "indicator_name", lambda cat: INDICATORS),
    fact=Fact("fact_utility", (
        ("period", "date not null"), ("unit_code", "varchar not null"), ("indicator_code", "varchar not null"),
        ("value", "bigint check (value >= 0)"), ("source", SOURCE), ("submission_id", "varchar"),
    ), key=("period", "unit_code", "indicator_code")),
    required=(("indicator_code", "indicator_name"), ("value",)),
    levels=("province", "district", "commune"),
    expected=False,
    indicator_column="value",
    sheet_rules=tuple(
        ItemPartOfWhole(code, row["part_of"], "value",
                        "Số liệu ({part}) lớn hơn '{whole_name}' ({whole}, ô {whole_cell}): chỉ tiêu này là một phần của chỉ "
                        "tiêu đó nên không thể lớn hơn. Hãy kiểm tra lại hai ô.")
        for code, row in INDICATORS.items() if row["part_of"]),
    history=(NoFall(),),
    marts=(("utilities_unit_monthly", "siblings"), ("utilities_monthly", "since")),
    sample=Sample(values=_values, reference=_reference),
)
