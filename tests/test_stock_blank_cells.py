"""A blank stock cell is no figure, not zero: the unit's last known count still counts, in its own
rows and in the province's rollup. Each figure carries forward on its own."""
import datetime as dt

import pytest

from tests.helpers import make_workbook, rows, submit

JAN, FEB, MAR = dt.date(2024, 1, 1), dt.date(2024, 2, 1), dt.date(2024, 3, 1)
FIGURES = ("cccd_records", "vneid_applications", "vneid_activated", "vneid_target")


def _load(tmp_path, warehouse, files):
    for i, (unit, period, values) in enumerate(files):
        p = make_workbook(tmp_path / f"f{i}.xlsx", unit, period, {"identity": {unit: values}})
        r = submit(warehouse, tmp_path / "raw", p, dt.datetime(2024, 4, 1, 9, i))
        assert r.status == "accepted", r.issues


@pytest.fixture
def loaded(tmp_path, empty_warehouse):
    _load(tmp_path, empty_warehouse, [
        ("380", JAN, {"cccd_records": 100, "vneid_applications": 80, "vneid_activated": 60, "vneid_target": 90}),
        ("381", JAN, {"cccd_records": 50, "vneid_applications": 40, "vneid_activated": 30, "vneid_target": 45}),
        # February: 380 sends its CCCD count only; the VNeID cells are blank.
        ("380", FEB, {"cccd_records": 120}),
        # March: 380 sends VNeID activations only.
        ("380", MAR, {"vneid_activated": 70}),
    ])
    return empty_warehouse


def test_unit_rows_carry_each_figure_forward_on_its_own(loaded):
    got = rows(loaded, f"select period, {', '.join(FIGURES)}, reported_period, carried_forward "
                       "from identity_unit_monthly where unit_code = '380' and period >= ? order by period", [JAN])
    assert got == [
        (JAN, 100, 80, 60, 90, JAN, False),
        (FEB, 120, 80, 60, 90, FEB, False),
        (MAR, 120, 80, 70, 90, MAR, False),
    ]


def test_province_rollup_keeps_the_last_known_figures(loaded):
    got = rows(loaded, f"select period, {', '.join(FIGURES)}, round(activation_rate, 4) from identity_monthly "
                       "where unit_code = '38' and period >= ? order by period", [JAN])
    assert got == [
        (JAN, 150, 120, 90, 135, round(90 / 135, 4)),
        (FEB, 170, 120, 90, 135, round(90 / 135, 4)),
        (MAR, 170, 120, 100, 135, round(100 / 135, 4)),
    ]
