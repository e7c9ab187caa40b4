"""Helpers for the real-browser tests: a Streamlit server on a private warehouse, Debian's
chromium, waiting for a Streamlit page to finish, console-error collection, screenshots."""
from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
VIEWPORT = {"width": 1440, "height": 900}
# Generous: two cores are shared with other test runs.
LOAD_MS = 180_000
STARTUP_S = 180

def chromium_missing() -> bool:
    return not os.path.exists(CHROMIUM)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    url: str
    proc: subprocess.Popen
    log: Path
    warehouse: Path
    raw: Path
    accounts: Path
    notes: dict = field(default_factory=dict)

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(20)


def make_site(work: Path, sample_db: Path) -> dict[str, Path]:
    """A private copy of the sample warehouse, an empty archive folder and an accounts DB with
    the demo accounts, under `work`."""
    from accounts import store

    wh = work / "warehouse" / "da06.duckdb"
    wh.parent.mkdir(parents=True)
    shutil.copyfile(sample_db, wh)
    raw = work / "raw"
    raw.mkdir()
    acc = work / "accounts.sqlite"
    con = store.connect(acc)
    try:
        store.ensure_demo_accounts(con)
    finally:
        con.close()
    return {"DA06_WAREHOUSE": wh, "DA06_RAW": raw, "DA06_ACCOUNTS": acc}


def start_server(site: dict[str, Path], log: Path, launcher: list[str] | None = None, cwd: Path = ROOT) -> Server:
    """The app on `site`. launcher: how it is started, the arguments after python (default: the
    launcher with usage statistics off on the command line too); cwd: the folder it starts in."""
    port = free_port()
    launcher = launcher or ["-m", "dashboard.serve", "--browser.gatherUsageStats", "false"]
    cmd = [sys.executable, *launcher, "--server.headless", "true",
           "--server.port", str(port), "--server.address", "127.0.0.1", "--server.fileWatcherType", "none"]
    env = {**os.environ, **{k: str(v) for k, v in site.items()}, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    out = open(log, "wb")  # a file, not a pipe: a full pipe would block the server
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT)
    out.close()
    server = Server(f"http://127.0.0.1:{port}", proc, log, site["DA06_WAREHOUSE"], site["DA06_RAW"], site["DA06_ACCOUNTS"])
    deadline = time.time() + STARTUP_S
    while True:
        if proc.poll() is not None:
            raise RuntimeError("streamlit exited:\n" + server.log_text())
        try:
            with urllib.request.urlopen(server.url + "/_stcore/health", timeout=5) as r:
                if r.status == 200:
                    return server
        except OSError:
            pass
        if time.time() > deadline:
            server.stop()
            raise RuntimeError("streamlit did not start:\n" + server.log_text())
        time.sleep(0.3)


@contextlib.contextmanager
def own_server(browser, sample_db: Path, work: Path, warm: bool = True):
    """An app server of a test module's own (on a copy of the sample site), warmed up unless
    warm=False, stopped when the module is done."""
    srv = start_server(make_site(work, sample_db), work / "streamlit.log")
    try:
        if warm:
            warm_up(browser, srv)
        yield srv
    finally:
        srv.stop()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


# --------------------------------------------------------------------------- pages

class Watch:
    """Console errors and page errors of one browser page (known Streamlit noise removed)."""

    def __init__(self, page):
        self.errors: list[str] = []
        self.allowed: list[str] = []
        page.on("console", self._console)
        page.on("pageerror", lambda e: self.errors.append(f"pageerror: {e}"))

    def _console(self, m) -> None:
        if m.type != "error":
            return
        url = (m.location or {}).get("url", "")
        if any(a in m.text for a in self.allowed):
            return
        self.errors.append(f"console: {m.text} ({url})")


def new_page(browser, **ctx_kw):
    ctx = browser.new_context(viewport=VIEWPORT, locale="vi-VN", **ctx_kw)
    ctx.set_default_timeout(LOAD_MS)
    page = ctx.new_page()
    return page, Watch(page)


_IDLE_JS = """() => {
  const app = document.querySelector('[data-testid="stApp"]');
  if (!app) return false;
  if (document.querySelector('[data-testid="stStatusWidget"]')) return false;   // script running
  if (document.querySelector('[data-testid="stAppSkeleton"], [data-testid="stSkeleton"]')) return false;
  if (document.querySelector('[data-testid="stSpinner"]')) return false;
  if (document.querySelector('[data-stale="true"]')) return false;
  for (const c of document.querySelectorAll('[data-testid="stPlotlyChart"]')) {
    if (!c.querySelector('.main-svg')) return false;                              // chart not drawn yet
  }
  return true;
}"""


def settle(page, timeout_ms: int = LOAD_MS, quiet_ms: int = 700) -> None:
    """Wait until the Streamlit run is over and every plotly chart is drawn, and stays so."""
    deadline = time.time() + timeout_ms / 1000
    while True:
        page.wait_for_function(_IDLE_JS, timeout=max(1000, int((deadline - time.time()) * 1000)), polling=200)
        page.wait_for_timeout(quiet_ms)
        if page.evaluate(_IDLE_JS):
            return
        if time.time() > deadline:
            raise TimeoutError("the page did not settle")


def open_page(page, url: str, expect: str | None = None) -> None:
    """Open a URL and wait for the app to draw it; `expect` is a selector that must appear."""
    page.goto(url, wait_until="domcontentloaded")
    page.wait_for_selector("h1", timeout=LOAD_MS)
    if expect:
        page.wait_for_selector(expect, timeout=LOAD_MS)
    settle(page)


def undrawn_charts(page) -> int:
    """Plotly charts on the page that have no drawn SVG."""
    return page.evaluate("""() => [...document.querySelectorAll('[data-testid="stPlotlyChart"]')]
        .filter(c => !c.querySelector('.main-svg')).length""")


def exceptions(page) -> list[str]:
    return [e.inner_text() for e in page.locator('[data-testid="stException"]').all()]


def alerts(page, kind: str = "") -> list[str]:
    """Texts of st.error / st.warning / st.info / st.success boxes in the main area;
    kind: "Error", "Warning", "Info", "Success" or "" for all."""
    sel = f'[data-testid="stMain"] [data-testid^="stAlertContent{kind}"]'
    return [t.strip() for t in page.locator(sel).all_inner_texts()]


def screenshot(page, name: str) -> Path:
    """Full-length screenshot: Streamlit scrolls inside its main container, so the viewport is
    made as tall as the content for the shot, then put back."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    h = page.evaluate("""() => {
      const m = document.querySelector('[data-testid="stMain"]');
      const s = document.querySelector('[data-testid="stSidebarContent"]');
      return Math.max(m ? m.scrollHeight : 0, s ? s.scrollHeight : 0, document.body.scrollHeight);
    }""")
    size = page.viewport_size
    tall = min(max(int(h) + 40, size["height"]), 12000)
    if tall != size["height"]:
        page.set_viewport_size({"width": size["width"], "height": tall})
        page.wait_for_timeout(400)
        settle(page)
    page.screenshot(path=str(path), full_page=True)
    if tall != size["height"]:
        page.set_viewport_size(size)
    return path


def nav_titles(page) -> list[str]:
    """The menu's page titles (the icon's ligature text dropped)."""
    links = page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]').all_inner_texts()
    return [t.strip().splitlines()[-1].strip() for t in links]


def go(page, title: str, expect: str | None = None) -> None:
    """Follow a menu link (keeps the Streamlit session, hence the login)."""
    page.locator('[data-testid="stSidebarNav"] [data-testid="stSidebarNavLink"]', has_text=title).first.click()
    page.wait_for_timeout(300)
    page.wait_for_selector("h1", timeout=LOAD_MS)
    if expect:
        page.wait_for_selector(expect, timeout=LOAD_MS)
    settle(page)


def login(page, base: str, username: str, password: str) -> None:
    open_page(page, base + "/login", "[data-testid=\"stForm\"]")
    page.get_by_label("Tên đăng nhập").fill(username)
    page.get_by_label("Mật khẩu", exact=True).fill(password)
    page.locator('[data-testid="stFormSubmitButton"] button').click()
    page.wait_for_selector("text=Đang đăng nhập", timeout=LOAD_MS)
    settle(page)


# --------------------------------------------------------------------------- warehouse

def query(warehouse: Path, sql: str, params=()) -> list[tuple]:
    """Read the warehouse through a private copy: the server keeps the file open, and the file
    is only ever replaced whole (build and swap), so a copy is a consistent snapshot."""
    with tempfile.TemporaryDirectory() as tmp:
        snap = Path(tmp) / "snap.duckdb"
        shutil.copyfile(warehouse, snap)
        con = duckdb.connect(str(snap), read_only=True)
        try:
            return con.execute(sql, list(params)).fetchall()
        finally:
            con.close()


# --------------------------------------------------------------------------- server start-up

OFFICIAL_CCCD_SEPT_2023 = "3.421.346"  # the province's official CCCD records, September 2023
COLD_BOOKMARK = "/identity?period=2023-09"


def cold_bookmark(browser, server: Server) -> dict:
    """Open a bookmarked sub-page as the very first request a fresh server gets, and record
    what it shows (see test_bookmark_on_a_fresh_server)."""
    page, watch = new_page(browser)
    try:
        page.goto(server.url + COLD_BOOKMARK, wait_until="domcontentloaded")
        page.wait_for_selector('[data-testid="stMetric"], [data-testid^="stAlertContent"], [data-testid="stException"]',
                               timeout=LOAD_MS)
        settle(page)
        return {"figure": page.get_by_text(OFFICIAL_CCCD_SEPT_2023, exact=True).count() > 0,
                "menu": nav_titles(page), "alerts": alerts(page), "errors": list(watch.errors)}
    finally:
        page.context.close()


def warm_up(browser, server: Server) -> None:
    """Open "/" once, so the first timed or asserted page load does not also pay for the
    server's first script run (imports, the warehouse connection)."""
    page, _ = new_page(browser)
    try:
        open_page(page, server.url + "/", '[data-testid="stPlotlyChart"] .main-svg')
    finally:
        page.context.close()


# --------------------------------------------------------------------------- chrome, privacy

_STATIC = ROOT / "dashboard" / "static"

# Streamlit's and plotly's English, as they write it: the dictionary's phrases and a few more
# that must never show (the test's own list, so a phrase missing from the dictionary still fails).
STREAMLIT_ENGLISH = sorted(set(__import__("json").loads((_STATIC / "chrome_vi.json").read_text(encoding="utf-8"))["exact"])
                           | {"Upload", "Browse files", "Download as CSV", "Search", "Fullscreen", "Choose an option",
                              "Choose options", "Zoom", "Pan", "Autoscale", "Reset axes", "Rerun", "Settings",
                              "Clear cache", "Print", "Record a screencast", "About", "Deploy", "Connecting",
                              "Running...", "Please wait...", "Page not found", "Ask Google", "Ask ChatGPT",
                              "Copy to clipboard", "Stop", "Open", "Close", "No results"})
ENGLISH_PATTERNS = [r"\bper file\b", r"Drag and drop", r"Made with Streamlit", r"Ask (Google|ChatGPT)",
                    r"Traceback \(most recent call last\)", r"has encountered an error", r"^Help for ",
                    r"^Download plot", r"files are not allowed", r"or smaller\.?$", r"^Remove ", r" icon$", r"^Cancel upload", r"^Error:"]

_RECORDER_JS = """
(() => {
  const PHRASES = new Set(%(phrases)s);
  const PATTERNS = %(patterns)s.map(p => new RegExp(p));
  const ATTRS = ['aria-label', 'title', 'placeholder', 'data-title', 'alt'];
  const SKIP = 'script, style, svg, code, pre, [data-testid="stIconMaterial"]';
  window.__da06English = [];
  window.__da06EnglishLike = [];
  const seen = new Set();
  const queue = [];
  const english = v => { const t = (v || '').trim(); return !!t && (PHRASES.has(t) || PATTERNS.some(r => r.test(t))); };
  // An attribute in English words and no Vietnamese letter (Streamlit's own labels look so).
  // (A file's own name, "bao_cao.xlsx, 16.5KB", is data, not chrome.)
  const englishLike = v => /\\b[A-Za-z][a-z]{2,}\\b/.test(v) && !/[\\u00C0-\\u1EF9]/.test(v)
      && !/^[^\\s]+\\.(xlsx|xlsm|xls|ods|csv)(, [\\d.]+ ?[KMG]?B)?$/i.test(v);
  const add = (list, k) => { if (!seen.has(k)) { seen.add(k); list.push(k); } };
  const skipped = n => { const e = n.nodeType === 1 ? n : n.parentElement; return !e || !!e.closest(SKIP); };
  function check(n) {
    if (n.nodeType === 3) { if (english(n.nodeValue) && !skipped(n)) add(window.__da06English, 'text: ' + n.nodeValue.trim()); return; }
    if (n.nodeType !== 1 || skipped(n)) return;
    for (const a of ATTRS) {
      const v = n.getAttribute(a);
      if (!v) continue;
      if (english(v)) add(window.__da06English, a + ': ' + v.trim());
      else if (englishLike(v)) add(window.__da06EnglishLike, a + ': ' + v.trim());
    }
  }
  function deep(n) {
    check(n);
    if (n.nodeType !== 1) return;
    const w = document.createTreeWalker(n, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
    while (w.nextNode()) check(w.currentNode);
  }
  let pending = false;
  function flush() { pending = false; for (const n of queue.splice(0)) deep(n); }
  // Checked a moment after each change, as the user sees it (after the app's own translation).
  new MutationObserver(ms => {
    for (const m of ms) { if (m.type === 'childList') m.addedNodes.forEach(n => queue.push(n)); else queue.push(m.target); }
    if (!pending) { pending = true; setTimeout(flush, 0); }
  }).observe(document, {childList: true, subtree: true, characterData: true, attributes: true, attributeFilter: ATTRS});
})();
"""


def record_english(context) -> None:
    """From the first byte of every page of `context` on, record Streamlit's English as it appears
    (a connection message, a status, a menu, a toolbar) — read with english_seen(page)."""
    import json

    context.add_init_script(_RECORDER_JS % {"phrases": json.dumps(STREAMLIT_ENGLISH), "patterns": json.dumps(ENGLISH_PATTERNS)})


def english_seen(page) -> dict[str, list[str]]:
    page.wait_for_timeout(50)
    return page.evaluate("() => ({phrases: window.__da06English || [], like: window.__da06EnglishLike || []})")


def record_requests(page, base: str) -> list[str]:
    """Every request and web socket of `page` to a host other than the app's (base: its URL)."""
    from urllib.parse import urlsplit

    own = urlsplit(base).netloc
    outside: list[str] = []

    def seen(url: str) -> None:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about") or parts.netloc == own:
            return
        outside.append(url)

    page.on("request", lambda r: seen(r.url))
    page.on("websocket", lambda w: seen(w.url))
    return outside


def new_context(browser, width: int, height: int = 900):
    """A browser context `width` px wide, in Vietnamese, that records Streamlit's English from
    the first byte of each of its pages (english_seen)."""
    ctx = browser.new_context(viewport={"width": width, "height": height}, locale="vi-VN")
    ctx.set_default_timeout(LOAD_MS)
    record_english(ctx)
    return ctx


@contextlib.contextmanager
def watched_page(browser, base: str, width: int, height: int = 900):
    """A tab of its own new_context that also records its console errors (Watch) and its
    requests to a host other than the app's (base: its URL): yields (page, watch, outside);
    the context is closed after."""
    ctx = new_context(browser, width, height)
    try:
        page = ctx.new_page()
        yield page, Watch(page), record_requests(page, base)
    finally:
        ctx.close()


def assert_clean(page, outside: list[str], watch: Watch, where: str) -> None:
    """Nothing a person must not see, nothing the page must not do: no traceback, none of
    Streamlit's English, no request to another host, no console or page error."""
    seen = english_seen(page)
    assert not traceback_shown(page), where
    assert seen["phrases"] == [], (where, seen["phrases"])
    assert seen["like"] == [], (where, seen["like"])
    assert outside == [], (where, outside)
    assert watch.errors == [], (where, watch.errors)


def traceback_shown(page) -> bool:
    body = page.inner_text("body")
    return "Traceback" in body or "File \"" in body or page.locator('[data-testid="stException"]').count() > 0


KPI_CUT_JS = """() => {
  const out = [];
  for (const v of document.querySelectorAll('[data-testid="stMetricValue"]')) {
    for (const e of [v, ...v.querySelectorAll('*')]) {
      if (e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1) out.push(v.innerText.trim());
    }
    const card = v.closest('[data-testid="stMetric"]');
    if (card && v.getBoundingClientRect().right > card.getBoundingClientRect().right + 1) out.push(v.innerText.trim());
  }
  return [...new Set(out)];
}"""

SIDEWAYS_JS = """() => {
  const m = document.querySelector('[data-testid="stMain"]');
  return Math.max(document.documentElement.scrollWidth - window.innerWidth, m ? m.scrollWidth - m.clientWidth : 0);
}"""
