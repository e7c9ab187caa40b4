"""Issue 12 in a real browser: the units on an offline map, the unit filter by validity.

- Clicking a point of the overview's map opens that unit's profile (the unit in the link, the
  filters kept), and no page asks another host for anything (no tiles, no CDN).
- The unit filter of July 2025 offers communes only ("Xã, phường"), of June 2025 districts only;
  typing a former district's name finds its communes; the former-district choice narrows them.
- Screenshots of the overview and the profile with the map at 1366 and 390 px (tests/artifacts/).
Expected units come from the test's own warehouse (the public view `units`)."""
from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser import support as s

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(s.chromium_missing(), reason=f"{s.CHROMIUM} is missing (Debian's chromium)")]

MAP = ".st-key-chart-{key}"
UNIT_FILTER = '[data-testid="stSidebar"] [data-testid="stMultiSelect"]'
THO_XUAN = "395"

# The screen position and unit of each drawn point of a map: plotly keeps the traces on the
# plot's element; the point's path is the n-th of its trace.
_POINTS_JS = """(sel) => {
  const gd = document.querySelector(sel + ' .js-plotly-plot');
  const out = [];
  gd.querySelectorAll('.scatterlayer .trace').forEach((tr, t) => {
    tr.querySelectorAll('.point').forEach((p, i) => {
      const r = p.getBoundingClientRect();
      out.push({code: gd.data[t].customdata[i][0], name: gd.data[t].customdata[i][1],
                x: r.x + r.width / 2, y: r.y + r.height / 2, size: r.width});
    });
  });
  return out;
}"""


def _params(page) -> dict:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def _units(server, month: str) -> list[tuple]:
    """The territorial units of the province valid in the month: (code, name, level, former district)."""
    return s.query(server.warehouse, """
        select unit_code, unit_name, unit_level, former_district_code from units
        where parent_code = (select province_code from stg_settings) and unit_level in ('district', 'commune')
          and coalesce(valid_from, date '0001-01-01') <= last_day(?::date)
          and coalesce(valid_to, date '9999-12-31') >= ?::date
        order by unit_code""", [month, month])


_OPTIONS_JS = """() => {
  const list = document.querySelector('[role="listbox"]');
  if (!list) return {size: 0, seen: []};
  const opts = [...list.querySelectorAll('[role="option"]')];
  const size = opts.length ? +opts[0].getAttribute('aria-setsize') : 0;
  return {size, seen: opts.map(o => [+o.getAttribute('aria-posinset'), o.innerText.trim()])};
}"""


def _offered(page, typed: str) -> list[str]:
    """Everything the unit filter lists once `typed` is typed into it (the list is drawn a
    screenful at a time: scrolled through to its end)."""
    box = page.locator(UNIT_FILTER).locator("input")
    for _ in range(3):  # a rerun of the page (the link's filters applied) may close a list just opened
        box.click()
        box.fill(typed)
        page.wait_for_timeout(800)
        if page.evaluate(_OPTIONS_JS)["size"]:
            break
        box.press("Escape")
        page.wait_for_timeout(1000)
    found: dict[int, str] = {}
    for _ in range(200):
        got = page.evaluate(_OPTIONS_JS)
        found.update({pos: text for pos, text in got["seen"]})
        if len(found) >= got["size"]:
            break
        page.evaluate("""() => { const l = document.querySelector('[role="listbox"]');
                                 let e = l; while (e && e.scrollHeight <= e.clientHeight) e = e.parentElement;
                                 (e || l).scrollTop += 120; }""")
        page.wait_for_timeout(150)
    box.press("Escape")
    page.wait_for_timeout(300)
    return [found[k] for k in sorted(found)]


@pytest.fixture(scope="module")
def server(browser, sample_db, tmp_path_factory):
    with s.own_server(browser, sample_db, tmp_path_factory.mktemp("unit-map")) as srv:
        yield srv


def test_clicking_a_map_point_opens_the_unit_and_nothing_leaves_the_host(browser, server):
    page, watch = s.new_page(browser)
    page.set_viewport_size({"width": 1366, "height": 900})
    outside = s.record_requests(page, server.url)
    try:
        s.open_page(page, server.url + "/?period=2024-12", MAP.format(key="overview-map") + " .main-svg")
        sel = MAP.format(key="overview-map")
        page.locator(sel).scroll_into_view_if_needed()
        s.settle(page)
        points = page.evaluate(_POINTS_JS, sel)
        valid = {u[0]: u[1] for u in _units(server, "2024-12-01") if u[2] == "district"}
        assert {p["code"] for p in points} <= set(valid) and len(points) >= len(valid) - 1
        # the smallest point is drawn last: nothing covers it
        target = min(points, key=lambda p: p["size"])
        page.mouse.click(target["x"], target["y"])
        page.wait_for_url("**/district?**", timeout=s.LOAD_MS)
        page.wait_for_selector("h1:has-text('Hồ sơ địa phương')")
        s.settle(page)
        params = _params(page)
        assert params["place"] == target["code"]
        assert params["period"] == "2024-12", (page.url, params)
        assert "unit" not in params  # opening a profile leaves the filter alone
        picked = page.locator('[data-testid="stMain"] [data-testid="stSelectbox"] input[role="combobox"]').first
        assert picked.input_value() == valid[target["code"]]
        assert page.get_by_text(f"{valid[target['code']]} so với").count() >= 1
        for path in ("/services?period=2024-12", "/identity?period=2024-12"):
            s.open_page(page, server.url + path, '[class*="st-key-chart-"][class*="-map"] .main-svg')
        assert s.exceptions(page) == [] and watch.errors == []
        assert outside == []
    finally:
        page.context.close()


def test_unit_filter_offers_the_units_valid_in_the_month(browser, server):
    page, watch = s.new_page(browser)
    page.set_viewport_size({"width": 1366, "height": 900})
    try:
        july = _units(server, "2025-07-01")
        june = _units(server, "2025-06-01")
        tho_xuan = sorted(name for code, name, level, former in july if former == THO_XUAN)
        assert {u[2] for u in july} == {"commune"} and len(july) == 166
        assert {u[2] for u in june} == {"district"}

        s.open_page(page, server.url + "/?period=2025-07")
        assert page.locator(UNIT_FILTER).locator("label").inner_text().strip() == "Xã, phường"
        found = _offered(page, "Thọ Xuân")
        # the communes of the former district, each naming it; no district among them
        assert sorted(t.split(" · ")[0] for t in found) == tho_xuan, found
        assert all(t.split(" · ")[1] == "khu vực Huyện Thọ Xuân cũ" for t in found)

        s.open_page(page, server.url + "/?period=2025-06")
        assert page.locator(UNIT_FILTER).locator("label").inner_text().strip() == "Huyện, thị xã, thành phố"
        assert _offered(page, "Thọ Xuân") == ["Huyện Thọ Xuân"]

        # the former district narrows the list to its communes, and says so in the link
        s.open_page(page, server.url + f"/?period=2025-07&area={THO_XUAN}")
        assert _params(page)["area"] == THO_XUAN
        assert sorted(t.split(" · ")[0] for t in _offered(page, "")) == tho_xuan
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1366, 390])
def test_map_screenshots(browser, server, width):
    page, watch = s.new_page(browser)
    page.set_viewport_size({"width": width, "height": 900})
    outside = s.record_requests(page, server.url)
    try:
        for path, shot in (("/", "unit_map_overview"), (f"/district?area={THO_XUAN}", "unit_map_profile")):
            s.open_page(page, server.url + path, '[class*="st-key-chart-"][class*="-map"] .main-svg')
            assert s.undrawn_charts(page) == 0
            s.screenshot(page, f"{shot}_{width}")
        assert s.exceptions(page) == [] and watch.errors == [] and outside == []
    finally:
        page.context.close()


# ---- last in the module: it changes the warehouse (a commune's November 2026 report)

NOV_2026 = "2026-11-01"


def test_a_commune_uploads_november_2026_and_appears_on_the_map_and_in_the_ranking(browser, server, tmp_path):
    import datetime as dt

    from accounts import store
    from etl.template import write_template

    silent = s.query(server.warehouse, """
        select u.unit_code, u.unit_name from units as u
        where u.unit_level = 'commune' and u.parent_code = (select province_code from stg_settings)
          and valid_in(u.valid_from, u.valid_to, ?::date)
          and not exists (select 1 from service_volume_monthly as v
                          where v.unit_code = u.unit_code and v.period = ?::date and v.total_dossiers is not null)
        order by u.unit_code limit 1""", [NOV_2026, NOV_2026])
    assert silent, "the sample's November 2026 is partly reported: some commune has not reported"
    code, name = silent[0]
    con = store.connect(server.accounts)
    try:
        store.create_user(con, "canboxa", "canboxa-mat-khau", "uploader", (code,), f"Cán bộ {name}")
    finally:
        con.close()
    path = write_template(tmp_path / f"Bao_cao_{code}_11-2026.xlsx", code, dt.date(2026, 11, 1),
                          {"services": {"E06-02": {"total_dossiers": 50, "online_dossiers": 40}}})

    page, watch = s.new_page(browser)
    page.set_viewport_size({"width": 1366, "height": 900})
    try:
        s.login(page, server.url, "canboxa", "canboxa-mat-khau")
        s.go(page, "Nộp báo cáo", '[data-testid="stFileUploader"]')
        page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(str(path))
        page.wait_for_selector(f"text={path.name}", timeout=s.LOAD_MS)
        s.settle(page)
        assert s.alerts(page, "Error") == []
        page.get_by_role("button", name=__import__("re").compile(r"Xác nhận nạp \d+ tệp hợp lệ")).click()
        page.wait_for_selector('[data-testid="stAlertContentSuccess"]', timeout=s.LOAD_MS)
        s.settle(page)

        # the map of the overview: the commune's point now carries its rate (80,0 %)
        s.open_page(page, server.url + "/?period=2026-11", MAP.format(key="overview-map") + " .main-svg")
        points = page.evaluate("""(sel) => {
            const gd = document.querySelector(sel + ' .js-plotly-plot');
            return gd.data.flatMap(t => t.customdata.map(c => [t.name, c[0], c[2]]));
        }""", MAP.format(key="overview-map"))
        assert [p for p in points if p[1] == code] == [["Tỷ lệ trực tuyến", code, "80,0 %"]]

        # the ranking of the services page, shown whole
        s.open_page(page, server.url + "/services?period=2026-11", MAP.format(key="svc-districts") + " .main-svg")
        page.locator('[data-testid="stMain"] label', has_text="Hiện tất cả").click()
        s.settle(page)
        bars = page.evaluate("""(sel) => document.querySelector(sel + ' .js-plotly-plot').data[0].customdata
                                          .map(c => [c[0], c[1]])""", MAP.format(key="svc-districts"))
        assert [code, name] in bars
        s.screenshot(page, "unit_map_commune_uploaded_services")
        assert s.exceptions(page) == [] and watch.errors == []
    finally:
        page.context.close()
