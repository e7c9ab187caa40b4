"""Small timing helpers: repeated runs, median and p95."""
from __future__ import annotations

import statistics
import time


def measure(fn, repeat: int = 15, warmup: int = 2) -> dict:
    for _ in range(warmup):
        fn()
    ts = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        ts.append(time.perf_counter() - t)
    ts.sort()
    p95 = ts[min(len(ts) - 1, int(round(0.95 * (len(ts) - 1))))]
    return {"median": statistics.median(ts), "p95": p95, "n": repeat}


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.1f} ms"
