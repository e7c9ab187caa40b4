"""Deterministic sample submissions: one workbook per district and agency and month.

Every file is written in the project's own template and marked "DỮ LIỆU MẪU". Sizes follow
each district's communes and type, with growth, seasonality, noise, a few late, missing,
corrected (replaced) and rejected files. For the official month the districts add up exactly
to the province's official figures (largest-remainder splits), so drilling down never
contradicts the report. Nothing here names a province: units, services and figures are data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import json
import math
import os
import shutil
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

from etl.build import Progress
from etl.config import raw_dir, settings
from etl.load import archive_file, sha256_file, submission_id_for
from etl.periods import add_months, month_range, parse_period, period_text
from etl.reference import DISTRICTS, catalogue, read_csv
from etl.template import write_template

# Monthly seasonality of dossier volumes (Tết holiday dip in Jan/Feb), relative to September.
SEASON = {1: 0.86, 2: 0.74, 3: 1.06, 4: 1.02, 5: 1.00, 6: 0.97, 7: 1.01, 8: 1.02, 9: 1.00, 10: 1.04, 11: 1.03, 12: 1.08}
TYPE_FACTOR = {"thành phố": 2.0, "thị xã": 1.3}
P_MISSING, P_LATE, P_CORRECTED, N_REJECTED = 0.02, 0.07, 0.03, 3


def _rng(*key) -> np.random.Generator:
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


def _interp(k: float, points: list[tuple[float, float]]) -> float:
    xs, ys = zip(*points)
    return float(np.interp(k, xs, ys))


class Model:
    """The sample's figures per district, month and topic."""

    def __init__(self):
        s = settings()
        self.cat = catalogue()
        self.prov = s.province_code
        self.ref = parse_period(s.official_period)
        self.months = month_range(parse_period(s.sample_first), parse_period(s.sample_last))
        self.districts = self.cat.districts(self.prov)
        rng = _rng("weights", s.sample_seed)
        self.weight = {}
        for d in self.districts:
            u = self.cat.units[d]
            self.weight[d] = (int(u["communes"] or 10)) * TYPE_FACTOR.get(u["unit_type"], 1.0) * float(rng.lognormal(0, 0.15))
        self.seed = s.sample_seed
        self._official()

    def k(self, m: dt.date) -> int:
        return (m.year - self.ref.year) * 12 + m.month - self.ref.month

    def _noisy(self, tag) -> list[float]:
        rng = _rng("split", self.seed, tag)
        return [self.weight[d] * float(rng.lognormal(0, 0.2)) for d in self.districts]

    def _official(self) -> None:
        n = lambda v: int(v) if v not in ("", None) else None  # noqa: E731
        D = self.districts
        # services: September split, exact
        self.svc_ref: dict[str, dict[str, dict]] = {}
        for r in read_csv("official_service_volume_2023_09.csv"):
            code = r["service_code"]
            T, O, OT, OD = n(r["total_dossiers"]), n(r["online_dossiers"]), n(r["on_time"]), n(r["overdue"])
            w = self._noisy(("svc", code))
            t = split_exact(T, w) if T is not None else [None] * len(D)
            if O is None:
                o = [None] * len(D)
            elif T is None:
                o = split_exact(O, w)
            else:
                r_ = _rng("rate", self.seed, code)
                o = split_capped(O, [ti * float(r_.lognormal(0, 0.25)) for ti in t], t)
            if OT is not None and O is not None and OT <= O:
                ot = o if OT == O else split_capped(OT, o, o)
            else:
                ot = [None] * len(D)  # e.g. Q422-01: on-time counted over all dossiers, not splittable
            od = split_capped(OD, o, [oi - (ti or 0) for oi, ti in zip(o, ot)]) if OD is not None and O is not None and OT is not None and OT <= O else [None] * len(D)
            self.svc_ref[code] = {d: {"total_dossiers": t[i], "online_dossiers": o[i], "on_time": ot[i], "overdue": od[i]} for i, d in enumerate(D)}
        # identity
        r = read_csv("official_identity_2023_09.csv")[0]
        cccd = split_exact(int(r["cccd_records"]), self._noisy("cccd"))
        apps = split_exact(int(r["vneid_applications"]), self._noisy("apps"))
        act = split_capped(int(r["vneid_activated"]), [a * float(_rng("act", self.seed, i).lognormal(0, 0.1)) for i, a in enumerate(apps)], apps)
        target = split_exact(int(r["vneid_target"]), [self.weight[d] for d in D])
        self.id_ref = {d: dict(cccd_records=cccd[i], vneid_applications=apps[i], vneid_activated=act[i], vneid_target=target[i]) for i, d in enumerate(D)}
        # cleaning
        self.cl_ref: dict[str, dict[str, dict]] = {}
        for r in read_csv("official_cleaning_2023_09.csv"):
            C, T = n(r["records_cleaned"]), n(r["records_total"])
            code = r["dataset_code"]
            if T is not None:
                t = split_exact(T, self._noisy(("clt", code)))
                c = t if C == T else split_capped(C, [ti * float(_rng("clr", self.seed, code, i).lognormal(0, 0.1)) for i, ti in enumerate(t)], t)
            else:
                t, c = [None] * len(D), split_exact(C, self._noisy(("clc", code)))
            self.cl_ref[code] = {d: {"records_cleaned": c[i], "records_total": t[i]} for i, d in enumerate(D)}
        self.official_task = {r["task_code"]: r["status"] for r in read_csv("official_task_status_2023_09.csv")}

    # -- monthly figures -------------------------------------------------------------
    def services(self, d: str, m: dt.date) -> dict[str, dict]:
        k = self.k(m)
        out = {}
        for code, per in self.svc_ref.items():
            ref = per[d]
            if k == 0:
                out[code] = dict(ref)
                continue
            rng = _rng("svcm", self.seed, code, d, period_text(m))
            T, O = ref["total_dossiers"], ref["online_dossiers"]
            growth = 1.07 ** (k / 12)
            f = growth * SEASON[m.month] / SEASON[self.ref.month] * float(rng.lognormal(0, 0.08))
            if T is None:
                out[code] = {"online_dossiers": int(round((O or 0) * f))}
                continue
            if T == 0:
                t = int(rng.poisson(0.3 * self.weight[d] / 20))
                out[code] = {"total_dossiers": t, "online_dossiers": t, "on_time": t if ref["on_time"] is not None else None, "overdue": None}
                continue
            t = max(0, int(round(T * f)))
            base_rate = O / T if T else 0
            gap = (1 - base_rate) * math.exp(-0.03 * k)  # the online share creeps up month by month
            rate = min(1.0, max(0.0, 1 - gap + float(rng.normal(0, 0.01))))
            o = min(t, int(round(t * rate)))
            ot = od = None
            if ref["on_time"] is not None and O:
                ot = min(o, int(round(o * ref["on_time"] / O)))
                if ref["overdue"] is not None:
                    od = o - ot
            out[code] = {"total_dossiers": t, "online_dossiers": o, "on_time": ot, "overdue": od}
        return out

    def identity(self, d: str, m: dt.date) -> dict:
        k = self.k(m)
        ref = self.id_ref[d]
        a = 0.85 + 0.3 * float(_rng("idexp", self.seed, d).random())
        g_cccd = _interp(k, [(-8, 0.95), (-3, 0.995), (0, 1.0), (15, 1.02), (40, 1.05)]) ** a
        g_apps = _interp(k, [(-8, 0.30), (-3, 0.62), (0, 1.0), (15, 1.20), (40, 1.35)]) ** a
        g_act = _interp(k, [(-8, 0.10), (-3, 0.45), (0, 1.0), (15, 1.55), (40, 1.80)]) ** a
        apps = int(round(ref["vneid_applications"] * g_apps))
        act = min(apps, int(round(ref["vneid_activated"] * g_act)))
        target = ref["vneid_target"] if m.year <= self.ref.year else int(round(ref["vneid_target"] * 1.4))
        return {"cccd_records": int(round(ref["cccd_records"] * g_cccd)), "vneid_applications": apps,
                "vneid_activated": act, "vneid_target": target}

    def cleaning(self, d: str, m: dt.date) -> dict[str, dict]:
        k = self.k(m)
        out = {}
        for code, per in self.cl_ref.items():
            ref = per[d]
            C, T = ref["records_cleaned"], ref["records_total"]
            if k == 0:
                out[code] = dict(ref)
                continue
            if T is None:
                c = int(round(C * (math.exp(0.04 * k) if k < 0 else 1 + 0.03 * k)))
                out[code] = {"records_cleaned": c, "records_total": None}
                continue
            t = int(round(T * (1 + 0.002 * k)))
            ratio = C / T if T else 1.0
            if ratio >= 1:
                r = 1.0
            elif k < 0:
                r = ratio * math.exp(0.04 * k)
            else:
                r = 1 - (1 - ratio) * math.exp(-0.06 * k)
            out[code] = {"records_cleaned": min(t, int(round(t * r))), "records_total": t}
        return out

    def task_plan(self, unit: str, task_code: str) -> tuple[int, int]:
        """(start k, done k) months relative to the official month; done k may lie beyond the sample."""
        t = self.cat.tasks[task_code]
        rng = _rng("task", self.seed, unit, task_code)
        if t["deadline"]:
            dl = dt.date.fromisoformat(t["deadline"])
            dk = self.k(dt.date(dl.year, dl.month, 1))
            u = rng.random()
            done = dk - int(rng.integers(0, 3)) if u < 0.7 else (dk + int(rng.integers(1, 5)) if u < 0.92 else 99)
        else:
            done = int(rng.integers(-7, 4))
        official = self.official_task.get(task_code)
        if official == "done":
            done = min(done, 0)
        elif official in ("in_progress", "not_started"):
            done = max(done, int(rng.integers(1, 6)))
        start = min(done - 1, -8 + int(rng.integers(0, 4)))
        if official == "not_started":
            start = max(start, 1)
        return start, done

    def tasks(self, unit: str, m: dt.date) -> dict[str, dict]:
        k = self.k(m)
        out = {}
        for code in self.cat.tasks_for(unit):
            start, done = self.task_plan(unit, code)
            st = "done" if k >= done else ("in_progress" if k >= start else "not_started")
            text = {"done": "Đã hoàn thành", "in_progress": "Đang triển khai thực hiện", "not_started": "Chưa triển khai"}[st]
            out[code] = {"status": st, "status_text": text + " (dữ liệu mẫu)"}
        return out


def _submission_time(unit: str, m: dt.date, due_day: int, seed: int, late: bool, extra_days: int = 0) -> dt.datetime:
    rng = _rng("when", seed, unit, period_text(m), extra_days)
    nxt = add_months(m, 1)
    day = int(rng.integers(due_day + 1, 29)) if late else int(rng.integers(3, due_day + 1))
    minute = int(rng.integers(7 * 60 + 30, 17 * 60))
    return dt.datetime(nxt.year, nxt.month, day, minute // 60, minute % 60) + dt.timedelta(days=extra_days)


def plan_files(model: Model) -> list[dict]:
    """Every sample file to write: unit, month, time, values and what kind of file it is."""
    s = settings()
    jobs = []
    units = model.districts + [a for a in model.cat.agencies(model.prov) if model.cat.tasks_for(a)]
    rejected_left = N_REJECTED
    for m in model.months:
        for u in units:
            rng = _rng("fate", s.sample_seed, u, period_text(m))
            x = rng.random()
            if m == model.ref:
                x = 1.0  # everyone reports the official month, on time
            if x < P_MISSING:
                continue
            late = x < P_MISSING + P_LATE
            when = _submission_time(u, m, s.due_day, s.sample_seed, late)
            if u in model.districts:
                values = {"services": model.services(u, m), "identity": {u: model.identity(u, m)}, "cleaning": model.cleaning(u, m)}
                if "tasks" in model.cat.topics_for(u):
                    values["tasks"] = model.tasks(u, m)
            else:
                values = {"tasks": model.tasks(u, m)}
            y = rng.random()
            if u in model.districts and y < P_CORRECTED:
                # a first version with a wrong total, corrected a few days later
                first = json.loads(json.dumps(values))
                first["services"]["E06-03"]["total_dossiers"] = int((first["services"]["E06-03"]["total_dossiers"] or 0) * 1.1) + 5
                jobs.append({"unit": u, "period": m, "when": when - dt.timedelta(days=3), "values": first})
            elif u in model.districts and rejected_left and y > 0.995:
                rejected_left -= 1
                bad = json.loads(json.dumps(values))
                bad["services"]["E06-02"]["total_dossiers"] = "không rõ"
                jobs.append({"unit": u, "period": m, "when": when - dt.timedelta(days=1), "values": bad})
            jobs.append({"unit": u, "period": m, "when": when, "values": values})
    return jobs


def _write_one(job: dict) -> dict:
    m = job["period"]
    tmpdir = Path(job["tmpdir"])
    name = f"DA06_{job['unit']}_{period_text(m)}.xlsx"
    path = tmpdir / f"{job['unit']}_{period_text(m)}_{job['when']:%Y%m%d%H%M}.xlsx"
    write_template(path, job["unit"], m, job["values"], sample=True)
    sha = sha256_file(path)
    sid = submission_id_for(job["when"], sha)
    manifest = {"submission_id": sid, "file_name": name, "sha256": sha, "unit_code": job["unit"],
                "period": period_text(m), "declared_unit": None, "declared_period": None,
                "submitted_at": job["when"].isoformat(), "submitted_by": f"mau.{job['unit']}", "source": "sample"}
    archive_file(path, manifest, Path(job["root"]))
    path.unlink()
    return manifest


def generate(root: Path | None = None, progress: bool | None = None, workers: int | None = None) -> int:
    """Write every sample file into the archive (data/raw/). Existing sample files are replaced;
    submitted (non-sample) files are left alone."""
    root = Path(root or raw_dir())
    for man in root.rglob("*.json") if root.exists() else []:
        data = json.loads(man.read_text(encoding="utf-8"))
        if data.get("source") == "sample":
            (man.parent / data["archive_name"]).unlink(missing_ok=True)
            man.unlink()
    model = Model()
    jobs = plan_files(model)
    bar = Progress("Sinh dữ liệu mẫu", len(jobs), progress)
    with tempfile.TemporaryDirectory() as tmp:
        for j in jobs:
            j["tmpdir"], j["root"] = tmp, str(root)
        workers = workers if workers is not None else min(2, os.cpu_count() or 1)
        if workers > 1:
            with ProcessPoolExecutor(workers) as ex:
                for _ in ex.map(_write_one, jobs, chunksize=16):
                    bar.step()
        else:
            for j in jobs:
                _write_one(j)
                bar.step()
    bar.close()
    return len(jobs)
