"""The arithmetic of the sample data (etl.sample and each topic's sample in etl/topics): seeded
random numbers, exact splits of a total over units, growth curves. Nothing here names a unit,
a topic or a province."""
from __future__ import annotations

import hashlib

import numpy as np

# Monthly seasonality of dossier volumes (Tết holiday dip in Jan/Feb), relative to September.
SEASON = {1: 0.86, 2: 0.74, 3: 1.06, 4: 1.02, 5: 1.00, 6: 0.97, 7: 1.01, 8: 1.02, 9: 1.00, 10: 1.04, 11: 1.03, 12: 1.08}


def rng(*key) -> np.random.Generator:
    h = hashlib.sha256(("|".join(map(str, key))).encode()).digest()
    return np.random.default_rng(int.from_bytes(h[:8], "little"))


def split_exact(total: int, weights) -> list[int]:
    """Integers proportional to weights that add up exactly to total (largest remainder)."""
    w = np.asarray(weights, dtype=float)
    if total == 0 or w.sum() == 0:
        return [0] * len(w)
    raw = w / w.sum() * total
    base = np.floor(raw).astype(int)
    rest = total - int(base.sum())
    order = np.argsort(-(raw - base), kind="stable")
    base[order[:rest]] += 1
    return [int(x) for x in base]


def split_capped(total: int, weights, caps) -> list[int]:
    """split_exact, then move any excess over caps to units with headroom (sum unchanged)."""
    out = split_exact(total, weights)
    caps = list(caps)
    for _ in range(len(out) * 4):
        excess = sum(max(0, o - c) for o, c in zip(out, caps))
        if excess == 0:
            break
        out = [min(o, c) for o, c in zip(out, caps)]
        room = [c - o for o, c in zip(out, caps)]
        add = split_exact(excess, room) if sum(room) else [0] * len(out)
        out = [o + a for o, a in zip(out, add)]
    if sum(max(0, o - c) for o, c in zip(out, caps)):
        raise ValueError("total exceeds the caps")
    return out


def interp(k: float, points: list[tuple[float, float]]) -> float:
    xs, ys = zip(*points)
    return float(np.interp(k, xs, ys))
