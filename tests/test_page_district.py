"""District profile: one district against the province, with its rank among all districts."""
import datetime as dt

from tests.test_page_support import app_env, markdown, metrics, open_page, sql, vn_count, vn_rate  # noqa: F401

SEP = dt.date(2023, 9, 1)


def test_district_profile_against_the_province_with_its_rank(app_env):
    at = open_page("district", period="2023-09", unit="395")
    rates = sql(app_env, """select unit_code, sum(online_dossiers) filter (where total_dossiers is not null)
                                   / sum(total_dossiers) filter (where online_dossiers is not null) as r
                            from service_volume_monthly where unit_level = 'district' and period = ?
                            group by unit_code order by r desc""", [SEP])
    rank = [u for u, _ in rates].index("395") + 1
    own = dict(rates)["395"]
    assert metrics(at)["Tỷ lệ hồ sơ trực tuyến"] == vn_rate(own)
    assert f"Hạng **{rank}/27** · Tỉnh Thanh Hóa: 81,0 %" in markdown(at)
    profile = at.table[0].value
    row = profile[profile["Chỉ tiêu"] == "Hồ sơ CCCD gắn chip"].iloc[0]
    cccd = sql(app_env, "select cccd_records from identity_monthly where unit_code = '395' and period = ?", [SEP])[0][0]
    assert (row["Huyện Thọ Xuân"], row["Tỉnh Thanh Hóa"]) == (vn_count(cccd), "3.421.346")
