"""Issue #14, "names of units in rankings are links to the unit's profile; opening a profile does
not silently change the overview's filter", in the real browser at 1366 px and 390 px: clicking
the name of the lowest-ranked district in the overview's ranking opens that district's profile
for the same period in a new tab; the overview stays as it was (its address, its period). No
traceback, no English in the app's chrome, no request to another host, in either tab. The
expected district comes from the test's own warehouse."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

PERIOD = "2023-01..2023-09"
RANKING_LINK = '[data-testid="stMain"] [data-testid="stTable"] a'
PROFILE_BOX = '[data-testid="stMain"] [data-testid="stSelectbox"] input[role="combobox"]'


def _params(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _lowest_district(server) -> tuple[str, str]:
    """The district with the lowest online rate over PERIOD (code, name): the rate is a sum over sum."""
    first, last = PERIOD.split("..")
    return s.query(server.warehouse, """
        select unit_code, unit_name from service_volume_monthly
        where unit_level = 'district' and period between ?::date and ?::date
        group by unit_code, unit_name
        having sum(total_dossiers) filter (where online_dossiers is not null) > 0
        order by sum(online_dossiers) filter (where total_dossiers is not null)
                 / sum(total_dossiers) filter (where online_dossiers is not null)
        limit 1""", [f"{first}-01", f"{last}-01"])[0]


@pytest.mark.parametrize("width", [1366, 390])
def test_a_unit_name_in_the_ranking_opens_its_profile_in_a_new_tab(browser, ro_server, width):
    code, name = _lowest_district(ro_server)
    with s.watched_page(browser, ro_server.url, width) as (page, watch, outside):
        s.open_page(page, ro_server.url + f"/?period={PERIOD}", RANKING_LINK)
        before = page.url
        assert _params(page) == {"period": PERIOD}
        period_shown = page.locator('[data-testid="stSidebar"]').inner_text()
        link = page.locator(RANKING_LINK, has_text=name)
        assert link.count() == 1 and link.inner_text().strip() == name
        link.scroll_into_view_if_needed()
        s.screenshot(page, f"overview_ranking_links_{width}")

        with page.context.expect_page() as opened:
            link.click()
        profile = opened.value
        profile_watch = s.Watch(profile)
        profile_outside = s.record_requests(profile, ro_server.url)
        profile.wait_for_selector("h1:has-text('Hồ sơ địa phương')", timeout=s.LOAD_MS)
        profile.wait_for_selector(PROFILE_BOX, timeout=s.LOAD_MS)
        s.settle(profile)
        assert urlsplit(profile.url).path == "/district"
        assert _params(profile) == {"place": code, "period": PERIOD}
        assert profile.locator(PROFILE_BOX).first.input_value() == name
        assert profile.get_by_text(f"{name} so với").count() >= 1
        s.assert_clean(profile, profile_outside, profile_watch, f"profile at {width}")
        s.screenshot(profile, f"overview_ranking_profile_{width}")

        # the overview is as it was: same address, same period, no unit chosen in its filter
        s.settle(page)
        assert page.url == before
        assert _params(page) == {"period": PERIOD}
        assert page.locator('[data-testid="stSidebar"]').inner_text() == period_shown
        s.assert_clean(page, outside, watch, f"overview at {width}")
