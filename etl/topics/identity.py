"""CCCD - VNeID: chip ID card records and e-ID applications and activations, cumulative stocks."""
from __future__ import annotations

from etl.sampling import interp, rng, split_capped, split_exact
from etl.topics.base import Column, Fact, Items, NoFall, Official, PartOfWhole, Sample, Topic

COUNT = "bigint check ({0} >= 0)"
SOURCE = "varchar not null check (source in ('official', 'sample', 'submitted'))"


def _reference(model) -> dict[str, dict]:
    D = model.districts
    r = model.read_csv(TOPIC.official.csv)[0]
    cccd = split_exact(int(r["cccd_records"]), model.noisy("cccd"))
    apps = split_exact(int(r["vneid_applications"]), model.noisy("apps"))
    act = split_capped(int(r["vneid_activated"]), [a * float(rng("act", model.seed, i).lognormal(0, 0.1)) for i, a in enumerate(apps)], apps)
    target = split_exact(int(r["vneid_target"]), [model.weight[d] for d in D])
    return {d: dict(cccd_records=cccd[i], vneid_applications=apps[i], vneid_activated=act[i], vneid_target=target[i]) for i, d in enumerate(D)}


def _values(model, ref: dict, d: str, m) -> dict[str, dict]:
    """Growth curves through the official month (each district its own pace); never falling."""
    k = model.k(m)
    base = ref[d]
    a = 0.85 + 0.3 * float(rng("idexp", model.seed, d).random())
    g_cccd = interp(k, [(-8, 0.95), (-3, 0.995), (0, 1.0), (15, 1.02), (40, 1.05)]) ** a
    g_apps = interp(k, [(-8, 0.30), (-3, 0.62), (0, 1.0), (15, 1.20), (40, 1.35)]) ** a
    g_act = interp(k, [(-8, 0.10), (-3, 0.45), (0, 1.0), (15, 1.55), (40, 1.80)]) ** a
    apps = int(round(base["vneid_applications"] * g_apps))
    act = min(apps, int(round(base["vneid_activated"] * g_act)))
    target = base["vneid_target"] if m.year <= model.ref.year else int(round(base["vneid_target"] * 1.4))
    return {d: {"cccd_records": int(round(base["cccd_records"] * g_cccd)), "vneid_applications": apps,
                "vneid_activated": act, "vneid_target": target}}


TOPIC = Topic(
    key="identity",
    guidance="số LŨY KẾ đến cuối kỳ báo cáo (không phải số phát sinh trong tháng). Tài khoản đã kích hoạt không vượt quá số hồ sơ đề nghị cấp.",
    sheet="CCCD - VNeID",
    sheet_aliases=("CCCD-VNeID", "CCCD VNeID", "CCCD", "VNeID", "Định danh điện tử"),
    title="KẾT QUẢ CẤP CCCD GẮN CHÍP VÀ TÀI KHOẢN ĐỊNH DANH ĐIỆN TỬ (LŨY KẾ)",
    is_stock=True,
    columns=(
        Column("unit_code", ("Mã đơn vị", "Mã ĐV"), "code", width=10),
        Column("unit_name", ("Tên đơn vị", "Đơn vị", "Địa phương"), "name", width=28),
        Column("cccd_records", ("Hồ sơ CCCD gắn chíp (lũy kế)", "Hồ sơ CCCD gắn chip", "Số hồ sơ CCCD", "CCCD gắn chíp", "CCCD"), "count",
               width=18, label="Hồ sơ CCCD gắn chíp", unit_label="hồ sơ", stock=True, cumulative=True),
        Column("vneid_applications", ("Hồ sơ đề nghị cấp tài khoản ĐDĐT (lũy kế)", "Hồ sơ cấp tài khoản định danh điện tử", "Hồ sơ ĐDĐT",
                                      "Hồ sơ VNeID"), "count",
               width=20, label="Hồ sơ đề nghị cấp tài khoản ĐDĐT", unit_label="hồ sơ", stock=True, cumulative=True),
        Column("vneid_activated", ("Tài khoản ĐDĐT đã kích hoạt (lũy kế)", "Tài khoản đã kích hoạt", "Đã kích hoạt", "Kích hoạt"), "count",
               width=20, label="Tài khoản ĐDĐT đã kích hoạt", unit_label="tài khoản", stock=True, cumulative=True),
        # A target is a stock that may be lowered: not cumulative.
        Column("vneid_target", ("Chỉ tiêu giao", "Chỉ tiêu", "Chỉ tiêu kích hoạt"), "count", width=14, label="Chỉ tiêu giao",
               unit_label="tài khoản", stock=True),
        Column("note", ("Ghi chú", "Giải trình", "Lý do"), "text", width=30),
    ),
    items=Items("unit_code", "unit_name", lambda cat: cat.units, for_unit=lambda cat, unit, period=None: [unit],
                not_for_unit="Dòng ghi đơn vị {code} nhưng tệp là báo cáo của đơn vị {unit}. Mỗi đơn vị nộp tệp riêng."),
    fact=Fact("fact_identity", (
        ("period", "date not null"), ("unit_code", "varchar not null"),
        ("cccd_records", COUNT.format("cccd_records")), ("vneid_applications", COUNT.format("vneid_applications")),
        ("vneid_activated", COUNT.format("vneid_activated")), ("vneid_target", COUNT.format("vneid_target")),
        ("source", SOURCE), ("submission_id", "varchar"),
    ), key=("period", "unit_code")),
    required=(("unit_code", "unit_name"), ("cccd_records", "vneid_applications", "vneid_activated")),
    levels=("province", "district", "commune"),
    row_rules=(
        PartOfWhole(("vneid_activated",), "vneid_applications",
                    "Tài khoản đã kích hoạt ({part}) lớn hơn số hồ sơ đề nghị cấp ({whole}). Hãy kiểm tra lại hai ô (cả hai đều là "
                    "số lũy kế)."),
    ),
    history=(NoFall(),),
    marts=(("identity_unit_monthly", "siblings"), ("identity_monthly", "since")),
    official=Official("official_identity_2023_09.csv", stated="stated_activation_rate_text"),
    sample=Sample(values=_values, reference=_reference),
)
