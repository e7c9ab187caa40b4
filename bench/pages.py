"""Each dashboard page in a real browser (Debian's chromium, headless): the time from navigation
until the page's script has finished and every chart on it is drawn, warm (the page was
loaded once before: the browser has the front end cached and the server has its cached
query results), against a blank Streamlit page measured the same way in the same run.

"Drawn": the app reports its script as not running (stApp[data-test-script-state=notRunning]),
the page title (h1) is there, and as many plotly charts as the warm-up load showed each hold
their .main-svg. The blank page is a two-line script (a title) served by its own Streamlit
server with the same options; loads of the blank page and of the dashboard pages alternate,
round by round, so noise from the shared machine falls on both alike.
"""
from __future__ import annotations

import statistics
import tempfile
import time
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, cpu_seconds, streamlit_server

PAGES = ("overview", "services", "identity", "cleaning", "utilities", "tasks", "district", "reporting")

BLANK_APP = '''import streamlit as st

st.set_page_config(page_title="Trang trống", layout="wide")
st.title("Trang trống")
'''

READY_JS = """(n) => {
    const app = document.querySelector("[data-testid='stApp']");
    if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
    if (!document.querySelector("h1")) return false;
    const charts = document.querySelectorAll("[data-testid='stPlotlyChart']");
    if (charts.length < n) return false;
    for (const c of charts) if (!c.querySelector(".main-svg")) return false;
    return true;
}"""

STATE_JS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return {script: app && app.getAttribute("data-test-script-state"), h1: !!document.querySelector("h1"),
            text: document.body.innerText.replace(/\\s+/g, " ").slice(0, 200)};
}"""

ERRORS_JS = """() => document.querySelectorAll("[data-testid='stException']").length"""


SCRIPT_DONE_JS = """() => {
    const app = document.querySelector("[data-testid='stApp']");
    return !!app && app.getAttribute("data-test-script-state") === "notRunning" && !!document.querySelector("h1");
}"""


def _load(page, url: str, charts: int, timeout_ms: int, server_pid: int | None = None) -> dict:
    """One load: seconds until the script has run and the title is shown, seconds until the
    charts are drawn too, and the CPU time the Streamlit server spent meanwhile."""
    c0 = cpu_seconds(server_pid) if server_pid else 0.0
    t0 = time.perf_counter()
    page.goto(url, wait_until="commit")
    page.wait_for_function(SCRIPT_DONE_JS, polling="raf", timeout=timeout_ms)
    t1 = time.perf_counter()
    page.wait_for_function(READY_JS, arg=charts, polling="raf", timeout=timeout_ms)
    t2 = time.perf_counter()
    return {"script": t1 - t0, "drawn": t2 - t0,
            "server_cpu": (cpu_seconds(server_pid) - c0) if server_pid else 0.0}


def _warm_up(page, url: str, timeout_ms: int) -> int:
    """The first load: waits for the script, then for the charts to settle; returns how many
    charts the page draws."""
    page.goto(url, wait_until="commit")
    try:
        page.wait_for_function(READY_JS, arg=0, polling="raf", timeout=timeout_ms)
    except Exception as e:
        state = page.evaluate(STATE_JS)
        raise RuntimeError(f"{url} not ready: {state}") from e
    n, stable_since = -1, time.perf_counter()
    while time.perf_counter() - stable_since < 1.5:  # the chart library loads lazily
        m = page.locator("[data-testid='stPlotlyChart'] .main-svg").count()
        if m != n:
            n, stable_since = m, time.perf_counter()
        page.wait_for_timeout(100)
    return page.locator("[data-testid='stPlotlyChart']").count()


# Floors: what parts of a dashboard page cost on their own, measured the same way. "chart": the
# blank page plus the overview's trend chart (the same figure, drawn with the app's chart
# settings). "frame": the app itself with every dashboard page reduced to its title (the
# navigation, the sidebar filters, the CSS, the warehouse caption), at / and at a page link.
BLANK_CHART_APP = '''import json

import streamlit as st

st.set_page_config(page_title="Trang trống", layout="wide")
st.title("Trang trống")
st.plotly_chart(json.load(open(__file__[:-3] + ".json", encoding="utf-8")), width="stretch", theme=None,
                config=json.loads({config!r}))
'''
STUB_PAGE = '''import streamlit as st

from dashboard import ui

ui.context()
st.title({title!r})
'''
FLOORS = ("frame /", "frame /services", "blank + chart")


def _overview_figure_json(warehouse: Path) -> str:
    """The overview's trend chart on this warehouse, as the page builds it."""
    import plotly.io as pio

    from dashboard import charts
    from dashboard.db import Warehouse
    from dashboard.filters import Filters
    from dashboard.queries import catalog, overview, services

    wh = Warehouse(Path(warehouse))
    try:
        o = catalog.filter_options(wh)
        last = o["default_period"]
        trend = services.trend(wh, Filters(last, last).trend_first(o["periods"]), last, None, None)
        target = next(k for k in overview.kpis(wh, last, last) if k["key"] == "online_rate")["target"]
    finally:
        wh.close()
    fig = charts.rate_trend(trend, [("online_rate", "Tỷ lệ trực tuyến")], target=target, height=320)
    return pio.to_json(fig, validate=False)


def frame_copy(dest: Path) -> Path:
    """A scratch copy of the app whose dashboard pages show only their title."""
    import shutil

    dest.mkdir(parents=True, exist_ok=True)
    for name in ("app.py", "config.toml", "dashboard", "etl", "accounts", "sql", "pages", ".streamlit"):
        src = ROOT / name
        if src.is_dir():
            shutil.copytree(src, dest / name, ignore=shutil.ignore_patterns("__pycache__"))
        elif src.exists():
            shutil.copy2(src, dest / name)
    for page in PAGES:
        (dest / "pages" / f"{page}.py").write_text(STUB_PAGE.format(title=f"Trang {page}"), encoding="utf-8")
    return dest


def run(warehouse: Path, loads: int = 5, timeout_ms: int = 45_000, root: Path | None = None,
        floors: bool = True) -> dict:
    """Starts the dashboard (on `warehouse`) and a blank app, loads each page once to warm up,
    then `loads` rounds of (blank page, every dashboard page[, the floors]). Returns per target
    the load times, the chart count, and the errors seen. `root`: run the app from a scratch
    copy of the repository instead (to measure a change to the app before making it)."""
    import contextlib
    import json

    from playwright.sync_api import sync_playwright

    from dashboard.ui import CHART_CONFIG

    work = Path(tempfile.mkdtemp(prefix="da06-bench-pages-"))
    blank = work / "blank_app.py"
    blank.write_text(BLANK_APP, encoding="utf-8")
    env = {"DA06_WAREHOUSE": str(Path(warehouse).resolve()), "DA06_RAW": str(work / "raw"), "DA06_ACCOUNTS": str(work / "acc.sqlite")}
    errors: list[str] = []
    names = ["blank", *PAGES, *(FLOORS if floors else ())]
    times: dict[str, list[float]] = {k: [] for k in names}
    script_times: dict[str, list[float]] = {k: [] for k in names}
    server_cpu: dict[str, list[float]] = {k: [] for k in names}
    current = {"name": "root"}
    charts: dict[str, int] = {}
    with contextlib.ExitStack() as stack:
        app_url, app_proc = stack.enter_context(streamlit_server(env=env, cwd=root))
        blank_url, blank_proc = stack.enter_context(streamlit_server(str(blank)))
        urls = {"blank": blank_url + "/", **{p: f"{app_url}/{'' if p == 'overview' else p}" for p in PAGES}}
        procs = {"blank": blank_proc, **{p: app_proc for p in PAGES}}
        roots = [app_url + "/"]
        if floors:
            chart_app = work / "blank_chart_app.py"
            chart_app.write_text(BLANK_CHART_APP.format(config=json.dumps(CHART_CONFIG)), encoding="utf-8")
            chart_app.with_suffix(".json").write_text(_overview_figure_json(warehouse), encoding="utf-8")
            frame_url, frame_proc = stack.enter_context(streamlit_server(env=env, cwd=frame_copy(work / "frame")))
            chart_url, chart_proc = stack.enter_context(streamlit_server(str(chart_app)))
            urls.update({"frame /": frame_url + "/", "frame /services": frame_url + "/services",
                         "blank + chart": chart_url + "/"})
            procs.update({"frame /": frame_proc, "frame /services": frame_proc, "blank + chart": chart_proc})
            roots.append(frame_url + "/")
        pw = stack.enter_context(sync_playwright())
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        stack.callback(browser.close)
        ctx = browser.new_context(viewport={"width": 1366, "height": 900})
        page = ctx.new_page()
        page.on("console", lambda m: errors.append(f"{current['name']}: console: {m.text}"[:300]) if m.type == "error" else None)
        page.on("response", lambda r: errors.append(f"{current['name']}: HTTP {r.status} {r.url}"[:300]) if r.status >= 400 else None)
        page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"[:300]))
        # The overview is the default page: its menu link is the root. Each app's root first: a
        # visitor's first load is the root (see deep_link_first for a page link first).
        for u in roots:
            _warm_up(page, u, timeout_ms)
        for name, url in list(urls.items()):
            current["name"] = name
            try:
                charts[name] = _warm_up(page, url, timeout_ms)
            except Exception as e:  # the page never finished: no figure for it, an error
                errors.append(f"{name}: warm-up: {type(e).__name__}: {e}"[:300])
                del urls[name]
                continue
            if page.evaluate(ERRORS_JS):
                errors.append(f"{name}: streamlit exception on the page")
        for _ in range(loads):
            for name, url in urls.items():
                current["name"] = name
                try:
                    x = _load(page, url, charts[name], timeout_ms, procs[name].pid)
                    script_times[name].append(x["script"])
                    times[name].append(x["drawn"])
                    server_cpu[name].append(x["server_cpu"])
                except Exception as e:  # a time-out is a figure, not a crash of the benchmark
                    errors.append(f"{name}: {type(e).__name__}: {e}"[:300])
        ctx.close()
    out = {}
    for name, ts in times.items():
        ts = sorted(ts)
        out[name] = {"median": statistics.median(ts) if ts else float("nan"),
                     "p95": ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))] if ts else float("nan"),
                     "n": len(ts), "charts": charts.get(name, 0),
                     "script_median": statistics.median(script_times[name]) if script_times[name] else float("nan"),
                     "server_cpu": statistics.median(server_cpu[name]) if server_cpu[name] else float("nan")}
    import shutil

    shutil.rmtree(work, ignore_errors=True)
    return {"targets": out, "errors": errors, "loads": loads}


# Not errors: the front end, opened at /<page>, first probes /<page>/_stcore/health and
# /_stcore/host-config as if the app were served under that path, then falls back to /.
_PROBE = ("/_stcore/health", "/_stcore/host-config", "Failed to load resource: the server responded with a status of 404")


def real_errors(errors: list[str]) -> list[str]:
    return [e for e in errors if not any(x in e for x in _PROBE)]


def section_pages(rep, raw, wh: Path, national, quick: bool):
    print("pages", flush=True)
    loads = 3 if quick else 7
    r = run(wh, loads=loads)
    t = r["targets"]
    base = t["blank"]

    def figures(x) -> str:
        return (f"median {x['median']:.2f} s, p95 {x['p95']:.2f} s (script done {x['script_median']:.2f} s; "
                f"server CPU {x['server_cpu']:.2f} s)")

    blank_text = f"blank page {base['median']:.2f} s (script done {base['script_median']:.2f} s; server CPU {base['server_cpu']:.2f} s)"
    # The target is re-based on the stack's own floor, measured in this run: the blank page plus
    # one plotly chart (issue 14). Without the floor (it failed), against the blank page.
    floor = t.get("blank + chart") if t.get("blank + chart", {}).get("n") else None
    floor_text = (f"blank page + one plotly chart {floor['median']:.2f} s (blank page alone {base['median']:.2f} s)"
                  if floor else blank_text)
    for name in PAGES:
        x = t[name]
        ratio = x["median"] / (floor or base)["median"]
        rep.add("pages (browser, warm)", (f"{name}: until its {x['charts']} charts are drawn" if x['charts'] != 1 else f"{name}: until its chart is drawn"),
                figures(x), floor_text, f"{ratio:.2f}×", "≤ 1.5× blank + one chart" if floor else "≤ 1.5× blank",
                ratio <= 1.5)
    floor_names = {"blank + chart": "floor: the blank page plus the overview's trend chart (one plotly chart, nothing else)",
                   "frame /": "floor: the app's frame alone at / (every dashboard page reduced to its title)",
                   "frame /services": "floor: the app's frame alone at a page link (/services)"}
    for name, label in floor_names.items():
        if name in t:
            x = t[name]
            rep.add("pages (browser, warm)", label, figures(x), blank_text, f"{x['median'] / base['median']:.1f}×", "", None)
    errs = real_errors(r["errors"])
    rep.add("pages (browser, warm)", "errors (Streamlit exceptions, console errors, failed requests, time-outs)",
            str(len(errs)), "", "", "0", not errs)
    if errs:
        rep.notes.append("Page errors: " + "; ".join(sorted(set(errs))[:6]))
    d = deep_link_first(wh)
    rep.add("pages (browser, warm)", "a page link (/services) as the first request after the app starts",
            "opens inside the app" if d["first"]["ok"] else "opens WITHOUT app.py: “" + d["first"]["text"][:90] + "…”",
            "after the root was opened once: " + ("inside the app" if d["after root"]["ok"] else "broken too"),
            "", "inside the app", d["first"]["ok"])
    rep.notes.append(
        f"Pages: Debian chromium headless, one tab, {loads} loads of each page after one warm-up load, the blank "
        "page, the 7 pages and the floors alternating round by round; the time runs from navigation until the app "
        "reports its script finished, the title is shown and every plotly chart holds its SVG (\"script done\": the "
        "first two only). The blank page is a two-line Streamlit script (set_page_config, title) on its own server "
        "with the same options. The overview is measured at / (its menu link). The floors are measured the same "
        "way: the blank page plus the overview's trend chart (the same figure and chart settings as the app's, on "
        "its own server), and a scratch copy of the app whose dashboard pages show only their title.")
    if "blank + chart" in t:
        chart_ratio = t["blank + chart"]["median"] / base["median"]
        chart_cost = t["blank + chart"]["median"] - t["blank + chart"]["script_median"]
        frame = min(t[n]["median"] for n in ("frame /", "frame /services") if n in t) / base["median"]
        rep.notes.append(
            f"Pages, why not ≤ 1.5× the blank page: a single plotly chart on the blank page already takes "
            f"{chart_ratio:.1f}× the blank page ({chart_cost:.2f} s from the script's end until the chart is drawn: "
            "the browser loads and runs Streamlit's 4,7 MB plotly bundle and draws the chart), and the app's frame "
            f"alone (navigation, sidebar filters, CSS, no page content) takes {frame:.1f}×. Every dashboard page "
            "has at least one plotly chart, so with plotly (the chart library the project chose) no page can "
            "reach 1.5× a blank page in this measurement; the pages' own ratios above are the frame, the chart and "
            "what the page shows (KPI cards, tables, further charts). Done to get closer (2026-11-23): page links "
            "no longer wait for Streamlit's probe of their own path (dashboard/serve.py; a blank two-page app "
            "opened at its second page's link took 1.5× the same app at /), figures are built once per distinct "
            "input (ui.figure: the server's work per warm page fell from ≈ 0.2–0.3 s to ≈ 0.12–0.15 s of CPU), and "
            "district_profile is one statement. Done 2026-12-07: every figure leaves the server with margins for "
            "its tick labels, legend and colour bar (dashboard/charts.py reserve_margins), so plotly's automargin no "
            "longer draws each chart a second time (plotly's drawing time on a page's charts, measured alone in "
            "chromium: about half); the utilities page ranks the top and bottom ten of the 166 communes, not a "
            "chart of 157 bars (≈ 0,4 s). Measured and not kept: preloading the plotly bundle with the page "
            "(<link rel=modulepreload>), no gain; the plotly_white template dropped from the figures, no gain; "
            "a page drawing only its first chart (the others left out) was still 2.7–3.4×.")
    if not d["first"]["ok"]:
        rep.notes.append(
            "Page links on a fresh server: Streamlit 1.67 runs a process's first script as a v1 multipage app when "
            "a `pages/` folder sits beside the main script (PagesManager.uses_pages_directory) until st.navigation "
            "has been called once. A bookmark such as /services?period=2024-12 opened first after a restart runs "
            "pages/services.py without app.py (\"Hãy mở bảng điều khiển qua app.py\") and lists every file of pages/ "
            "— upload and admin included — in the menu; the process stays in that mode until app.py's "
            "st.navigation runs once. The same happens whenever app.py stops before st.navigation (no warehouse). "
            "Fix: rename the folder (e.g. `app_pages/`, and the paths in app.py's st.Page calls) so Streamlit never "
            "sees a `pages/` folder, and call st.navigation before any st.stop() in app.py.")


def deep_link_first(warehouse: Path, path: str = "services", timeout_ms: int = 60_000) -> dict:
    """A fresh server whose first request is a page link (/services, a bookmark): does the page
    open inside the app (title, sidebar filters), or without app.py? Streamlit 1.67 runs the
    first script of a process as a v1 multipage app when a `pages/` folder sits beside the main
    script, until st.navigation has been called once; a deep link as the very first request
    runs pages/<page>.py alone, and the process stays in that mode."""
    from playwright.sync_api import sync_playwright

    work = Path(tempfile.mkdtemp(prefix="da06-bench-deeplink-"))
    env = {"DA06_WAREHOUSE": str(Path(warehouse).resolve()), "DA06_RAW": str(work / "raw"), "DA06_ACCOUNTS": str(work / "acc.sqlite")}
    try:
        with streamlit_server(env=env) as (url, _), sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                page = browser.new_page()
                results = {}
                for name, u in (("first", f"{url}/{path}"), ("after root", f"{url}/{path}")):
                    if name == "after root":
                        _warm_up(page, url + "/", timeout_ms)
                    page.goto(u, wait_until="commit")
                    page.wait_for_function(READY_JS.replace('if (!document.querySelector("h1")) return false;', ""),
                                           arg=0, polling="raf", timeout=timeout_ms)
                    page.wait_for_timeout(500)
                    body = page.inner_text("body")
                    results[name] = {"ok": "Bộ lọc" in body and "Hãy mở bảng điều khiển qua app.py" not in body,
                                     "text": " ".join(body.split())[:200]}
            finally:
                browser.close()
    finally:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return results


if __name__ == "__main__":
    import sys

    from etl.config import warehouse_path

    r = run(Path(sys.argv[1]) if len(sys.argv) > 1 else warehouse_path(), int(sys.argv[2]) if len(sys.argv) > 2 else 5,
            root=Path(sys.argv[3]) if len(sys.argv) > 3 else None)
    base = r["targets"]["blank"]["median"]
    for name, t in r["targets"].items():
        print(f"{name:10} server cpu {t['server_cpu']:.3f} s  script {t['script_median']:.3f} s median {t['median']:.3f} s  p95 {t['p95']:.3f} s  ×{t['median'] / base:.2f}  charts {t['charts']}  n {t['n']}")
    print("errors:", len(r["errors"]), sorted(set(r["errors"]))[:20])
