"""The sample follows the units over time: January 2023 to November 2026, the districts until they
end (Huyện Đông Sơn until November 2024, the others until June 2025), the communes from July
2025, the agencies by their validity; November 2026 partly sent as of the sample's as-of date; a
former district's figures continue across July 2025 in the sum of its communes.

These tests read the sample's plan (etl.sample.plan_files: every file with its unit, month, time
and figures, as written into data/raw/) and data/reference/; what the warehouse makes of the
files is tested on the built sample (test_district_sums, test_sample_warehouse_over_time)."""
from __future__ import annotations

import datetime as dt
from collections import defaultdict

import pytest

from etl.config import settings
from etl.periods import month_range, period_text
from etl.reference import read_csv
from etl.sample import Model, month_end, plan_files, reporting_units
from etl.topics import TOPICS

PROVINCE = settings().province_code


@pytest.fixture(scope="module")
def model() -> Model:
    return Model()


@pytest.fixture(scope="module")
def plan(model) -> list[dict]:
    return plan_files(model)


@pytest.fixture(scope="module")
def units() -> dict[str, dict]:
    return {r["unit_code"]: r for r in read_csv("admin_units.csv") if r["parent_code"] == PROVINCE}


def _by_month(plan, units, level) -> dict[str, set[str]]:
    out = defaultdict(set)
    for j in plan:
        if units[j["unit"]]["unit_level"] == level:
            out[period_text(j["period"])].add(j["unit"])
    return out


def test_sample_months_run_from_january_2023_to_november_2026(plan):
    assert sorted({period_text(j["period"]) for j in plan}) == [period_text(m) for m in month_range(dt.date(2023, 1, 1), dt.date(2026, 11, 1))]


def test_every_file_is_sent_by_the_as_of_date_and_not_before_its_month_ends(plan, model):
    assert model.as_of == dt.date.fromisoformat(settings().sample_as_of) == dt.date(2026, 12, 7)
    late = [(j["unit"], period_text(j["period"]), j["when"]) for j in plan if j["when"].date() > model.as_of or j["when"].date() < month_end(j["period"])]
    assert late == []


def test_districts_report_until_june_2025_and_dong_son_until_november_2024(plan, units):
    months = _by_month(plan, units, "district")
    assert min(months) == "2023-01" and max(months) == "2025-06"
    # no district files for a month the district is not valid in (valid on the month's last day)
    outside = sorted({(j["unit"], period_text(j["period"])) for j in plan if units[j["unit"]]["unit_level"] == "district"
                      and units[j["unit"]]["valid_to"] and month_end(j["period"]).isoformat() > units[j["unit"]]["valid_to"]})
    assert outside == []
    dong_son = sorted(p for p, us in months.items() if "405" in us)
    assert dong_son[-1] == "2024-11"
    assert len(months["2024-11"]) >= 25 and "405" in months["2024-11"]
    assert all("405" not in months[p] for p in months if p >= "2024-12")


def test_communes_report_from_july_2025_all_166_of_them(plan, units):
    communes = {c for c, u in units.items() if u["unit_level"] == "commune"}
    assert len(communes) == 166 and {u["valid_from"] for c, u in units.items() if c in communes} == {"2025-07-01"}
    months = _by_month(plan, units, "commune")
    assert min(months) == "2025-07" and max(months) == "2026-11"
    assert set().union(*months.values()) == communes
    # every month from July 2025 to September 2026 nearly every commune sent its report
    for p in (period_text(m) for m in month_range(dt.date(2025, 7, 1), dt.date(2026, 9, 1))):
        assert len(months[p]) >= 0.95 * 166, p


def test_merged_agencies_stop_in_february_2025_and_their_successors_report_from_march(plan, model, units):
    months = _by_month(plan, units, "agency")
    ended = {c for c, u in units.items() if u["unit_level"] == "agency" and u["valid_to"]}
    assert ended == {"38.SGTVT", "38.SKHCN", "38.SKHDT", "38.SLDTBXH", "38.SNNPTNT", "38.STC", "38.STNMT", "38.STTTT", "38.SXD"}
    assert sorted({p for p, us in months.items() if us & ended})[-1] == "2025-02"
    new = {c for c, u in units.items() if u["unit_level"] == "agency" and u["valid_from"]}
    assert new == {"38.SKHCN2025", "38.SNNMT", "38.STC2025", "38.SXD2025"}
    assert all(p >= "2025-03" for p, us in months.items() if us & new)
    # a successor with tasks in the catalogue reports them from March 2025
    for a in sorted(a for a in new if model.cat.tasks_for(a)):
        assert min(p for p, us in months.items() if a in us) == "2025-03", a
    assert max(months) == "2026-11"


def test_november_2026_is_partly_sent_as_of_december_7(plan, model, units):
    nov = dt.date(2026, 11, 1)
    valid = reporting_units(model, nov)
    sent = {j["unit"] for j in plan if j["period"] == nov}
    assert sent <= set(valid)
    share = len(sent) / len(valid)
    assert 0.2 <= share <= 0.45, share
    assert all(j["when"].date() <= dt.date(2026, 12, 7) for j in plan if j["period"] == nov)


def test_a_later_as_of_date_gives_more_of_november(model):
    later = Model()
    later.as_of = dt.date(2026, 12, 31)
    nov = dt.date(2026, 11, 1)
    now = {j["unit"] for j in plan_files(model) if j["period"] == nov}
    then = {j["unit"] for j in plan_files(later) if j["period"] == nov}
    assert now < then and len(then) >= 0.9 * len(reporting_units(model, nov))


def test_october_2026_is_complete_but_for_the_lagging_communes(plan, model, units):
    assert len(model.lagging) == settings().sample_lagging == 6
    octo, sep = dt.date(2026, 10, 1), dt.date(2026, 9, 1)
    sent = {j["unit"] for j in plan if j["period"] == octo}
    assert not set(model.lagging) & sent
    assert set(model.lagging) <= {j["unit"] for j in plan if j["period"] == sep}  # they did send September, in November
    valid = set(reporting_units(model, octo))
    missing = valid - sent - set(model.lagging)
    assert len(missing) <= 0.05 * len(valid), sorted(missing)


def test_tho_xuan_continues_across_july_2025_in_its_communes(model, units):
    """Huyện Thọ Xuân's CCCD records (a stock) of May and June 2025 continued a month in a straight
    line, and the sum of its eight communes' (former district 395) of July 2025: within 0,5 %
    (every one of its communes drew on Thọ Xuân alone)."""
    communes = sorted(c for c, u in units.items() if u["former_district_code"] == "395")
    assert len(communes) == 8
    may, jun, jul = dt.date(2025, 5, 1), dt.date(2025, 6, 1), dt.date(2025, 7, 1)
    before = [model.values("395", m)["identity"]["395"]["cccd_records"] for m in (may, jun)]
    after = sum(model.values(c, jul)["identity"][c]["cccd_records"] for c in communes)
    continued = 2 * before[1] - before[0]
    assert before[1] <= after and abs(after - continued) <= 0.005 * before[1], (before, after)


def test_the_province_continues_across_july_2025(model, units):
    """Every stock of every counted topic (sums of at least 1.000): the 26 districts' May and June
    2025 sums continued a month in a straight line, and the 166 communes' July 2025 sum: within
    0,5 % of June."""
    may, jun, jul = dt.date(2025, 5, 1), dt.date(2025, 6, 1), dt.date(2025, 7, 1)
    districts, communes = model.units.valid(jun, ("district",)), model.units.valid(jul, ("commune",))
    assert (len(districts), len(communes)) == (26, 166)

    def totals(codes, m):
        """(topic, row, column) -> the sum over the units; a unit's own row (its identity) is 'unit'."""
        out = defaultdict(int)
        for u in codes:
            for topic, rows in model.values(u, m).items():
                for row, cols in rows.items():
                    for col, v in cols.items():
                        if isinstance(v, int) and TOPICS[topic].is_stock:
                            out[topic, "unit" if row == u else row, col] += v
        return out

    b0, b1, after = totals(districts, may), totals(districts, jun), totals(communes, jul)
    stocks = [k for k, v in b1.items() if v >= 1000]
    assert len(stocks) > 10
    far = {k: (b0[k], b1[k], after[k]) for k in stocks if abs(after[k] - (2 * b1[k] - b0[k])) > 0.005 * b1[k]}
    assert far == {}


def test_communes_are_in_proportion_to_the_former_communes_they_absorbed(model, units):
    """Within Huyện Thọ Xuân, a commune's share of the July 2025 CCCD records follows its share
    of the district's former communes (unit_succession.csv weights), within the communes' sizes."""
    jul = dt.date(2025, 7, 1)
    weights = {r["to_unit_code"]: float(r["weight"]) for r in read_csv("unit_succession.csv")
               if r["from_unit_code"] == "395" and r["to_unit_level"] == "commune"}
    values = {c: model.values(c, jul)["identity"][c]["cccd_records"] for c in weights}
    total = sum(values.values())
    ratios = {c: values[c] / total / w for c, w in weights.items()}
    assert all(0.6 <= r <= 1.6 for r in ratios.values()), ratios
