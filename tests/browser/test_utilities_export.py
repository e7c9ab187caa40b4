"""The utilities page's tables download as .xlsx in a real browser, as an analyst clicks them: the
table by unit holds every district's figures of the month as the warehouse has them, numbers
stored as numbers; the table by month holds the official September 2023 figures."""
from __future__ import annotations

import io

import openpyxl
import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

ANALYST = ("phantich", "phantich-demo")
CHART = '[data-testid="stPlotlyChart"] .main-svg'


def _download(page, key: str) -> bytes:
    with page.expect_download(timeout=s.LOAD_MS) as d:
        page.locator(f".st-key-{key} button").click()
    return open(d.value.path(), "rb").read()


def _table(data: bytes, first_header: str) -> tuple[list, list[list]]:
    rows = [[c.value for c in r] for r in openpyxl.load_workbook(io.BytesIO(data)).active.iter_rows()]
    at = next(i for i, r in enumerate(rows) if r[0] == first_header)
    return rows[at], rows[at + 1:]


def test_analyst_downloads_the_tables_by_unit_and_by_month(browser, ro_server):
    page, watch = s.new_page(browser, accept_downloads=True)
    try:
        s.login(page, ro_server.url, *ANALYST)
        s.open_page(page, ro_server.url + "/utilities?period=2023-09", CHART)

        header, body = _table(_download(page, "dl-xlsx-util-units"), "Hạng")
        assert header[:5] == ["Hạng", "Địa phương", "Lượt tra cứu", "Thành công", "Thành công (%)"]
        expected = s.query(ro_server.warehouse, """
            select unit_name, sum(value) filter (where indicator_code = 'hi_lookups_total'),
                   sum(value) filter (where indicator_code = 'hi_lookups_success'),
                   sum(value) filter (where indicator_code = 'ss_cashless_paid')
            from utilities_unit_monthly where period = '2023-09-01' and unit_level = 'district'
            group by unit_name""")
        cashless = header.index("Chi trả không dùng tiền mặt")
        got = {(r[1], r[2], r[3], r[cashless]) for r in body}
        assert got == set(expected) and len(body) == 27
        assert [r[0] for r in body] == list(range(1, 28))

        header, body = _table(_download(page, "dl-xlsx-util-months"), "Tháng")
        sept = dict(zip(header, next(r for r in body if r[0] == "Tháng 9/2023")))
        assert (sept["Lượt tra cứu"], sept["Thành công"], sept["CCCD đồng bộ thẻ BHYT"], sept["Cơ sở y tế dùng CCCD"],
                sept["Tổng cơ sở y tế"], sept["Đối tượng an sinh xã hội"], sept["Có tài khoản"],
                sept["Chi trả không dùng tiền mặt"]) == (5339392, 3573541, 3037420, 678, 678, 261308, 10550, 4562)
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()
