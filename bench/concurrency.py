"""20 browser sessions open the overview together while an upload runs: p95 time to charts,
errors (must be none), the server's peak memory."""
from __future__ import annotations

import asyncio
import datetime as dt
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.server import CHROMIUM, CHROMIUM_ARGS, ROOT, cpu_seconds, peak_rss_mb, streamlit_server

CHART = "[data-testid='stPlotlyChart'] .main-svg, [data-testid='stMetric']"


async def _session(browser, url: str, errors: list, timeout_ms: int) -> float:
    ctx = await browser.new_context(viewport={"width": 1366, "height": 900})
    page = await ctx.new_page()
    page.on("console", lambda m: errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(f"pageerror: {e}"))
    t0 = time.perf_counter()
    try:
        await page.goto(url, wait_until="domcontentloaded")
        await page.wait_for_selector(CHART, timeout=timeout_ms)
        await page.wait_for_load_state("networkidle")
        if await page.locator("[data-testid='stException']").count():
            errors.append("streamlit exception on the page")
        return time.perf_counter() - t0
    except Exception as e:  # a timeout is an error, not a crash of the benchmark
        errors.append(f"{type(e).__name__}: {e}"[:300])
        return time.perf_counter() - t0
    finally:
        await ctx.close()


async def _run(url: str, sessions: int, timeout_ms: int) -> tuple[list[float], list[str]]:
    from playwright.async_api import async_playwright

    errors: list[str] = []
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            times = await asyncio.gather(*[_session(browser, url, errors, timeout_ms) for _ in range(sessions)])
        finally:
            await browser.close()
    return list(times), errors


def run(warehouse: Path, raw: Path, sessions: int = 20, timeout_ms: int = 120_000) -> dict:
    """Copies the warehouse, starts the app on the copy, opens `sessions` browsers at once
    while `python -m etl load` loads a workbook into the same warehouse."""
    work = Path(tempfile.mkdtemp(prefix="da06-bench-"))
    try:
        wh = work / "da06.duckdb"
        shutil.copyfile(warehouse, wh)
        env = {"DA06_WAREHOUSE": str(wh), "DA06_RAW": str(work / "raw"), "DA06_ACCOUNTS": str(work / "acc.sqlite")}
        # one real workbook to upload: the template of a district for the latest month, filled
        # (a cumulative count above the unit's November figure: a fall would be refused)
        from accounts import store
        from etl.template import write_template

        # the load is made by an account of the store (etl load --user): an administrator of the copy
        con = store.connect(Path(env["DA06_ACCOUNTS"]))
        try:
            store.create_user(con, "bench", "bench-concurrency-1", "admin", display_name="bench", actor="bench")
        finally:
            con.close()

        f = write_template(work / "upload.xlsx", "395", dt.date(2024, 12, 1), {"identity": {"395": {"cccd_records": 141234}}})
        with streamlit_server(env=env) as (url, proc):
            import os

            loader = subprocess.Popen([sys.executable, "-m", "etl", "-q", "load", str(f), "--user", "bench"],
                                      cwd=ROOT, env={**os.environ, **env}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            cpu0, wall0 = cpu_seconds(proc.pid), time.perf_counter()
            times, errors = asyncio.run(_run(url, sessions, timeout_ms))
            server_cpu, wall = cpu_seconds(proc.pid) - cpu0, time.perf_counter() - wall0
            out = loader.communicate(timeout=120)[0].decode(errors="replace")
            mem = peak_rss_mb(proc.pid)
        times.sort()
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        return {"sessions": sessions, "median": times[len(times) // 2], "p95": p95, "errors": errors,
                "peak_rss_mb": mem, "server_cpu_s": server_cpu, "wall_s": wall, "upload_exit": loader.returncode, "upload_output": out.strip()}
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    from etl.config import raw_dir, warehouse_path

    r = run(warehouse_path(), raw_dir(), int(sys.argv[1]) if len(sys.argv) > 1 else 20)
    print(r)
