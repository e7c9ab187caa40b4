"""Deterministic sample submissions: one workbook per district and agency and month.

Every file is written in the project's own template and marked "DỮ LIỆU MẪU". Sizes follow
each district's communes and type, with growth, seasonality, noise, a few late, missing,
corrected (replaced) and rejected files. For the official month the districts add up exactly
to the province's official figures (largest-remainder splits), so drilling down never
contradicts the report. Nothing here names a province: units, services and figures are data.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from etl.build import Progress
from etl.config import raw_dir, settings
from etl.load import archive_file, sha256_file, submission_id_for
from etl.periods import add_months, month_range, parse_period, period_text
from etl.reference import catalogue, read_csv
from etl.sampling import rng as _rng
from etl.template import write_template
from etl.topics import TOPICS

TYPE_FACTOR = {"thành phố": 2.0, "thị xã": 1.3}
P_MISSING, P_LATE, P_CORRECTED, N_REJECTED = 0.02, 0.07, 0.03, 3


class Model:
    """What every topic's sample (etl/topics, `sample`) draws on: the districts with their sizes
    (communes, type, noise), the months, the official month and the seed; and each topic's
    official month split over the districts (`ref[topic]`)."""

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
        self.refs = {key: t.sample.reference(self) for key, t in TOPICS.items() if t.sample}

    read_csv = staticmethod(read_csv)

    def k(self, m: dt.date) -> int:
        """Months from the official month."""
        return (m.year - self.ref.year) * 12 + m.month - self.ref.month

    def noisy(self, tag) -> list[float]:
        """The districts' weights with noise of their own for `tag`: how a total is split."""
        rng = _rng("split", self.seed, tag)
        return [self.weight[d] * float(rng.lognormal(0, 0.2)) for d in self.districts]

    def values(self, unit: str, m: dt.date) -> dict[str, dict]:
        """A unit's workbook figures for a month: every topic it reports, by row code."""
        return {key: TOPICS[key].sample.values(self, self.refs[key], unit, m)
                for key in self.cat.topics_for(unit) if TOPICS[key].sample}


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
            if not model.cat.is_valid(u, m):
                continue  # a unit reports only while it is valid (Huyện Đông Sơn to November 2024)
            rng = _rng("fate", s.sample_seed, u, period_text(m))
            x = rng.random()
            if m == model.ref:
                x = 1.0  # everyone reports the official month, on time
            if x < P_MISSING:
                continue
            late = x < P_MISSING + P_LATE
            when = _submission_time(u, m, s.due_day, s.sample_seed, late)
            values = model.values(u, m)
            y = rng.random()
            if u in model.districts and y < P_CORRECTED:
                # a first version with a mistake, corrected a few days later
                jobs.append({"unit": u, "period": m, "when": when - dt.timedelta(days=3), "values": _mistaken(values, "corrected")})
            elif u in model.districts and rejected_left and y > 0.995:
                rejected_left -= 1
                jobs.append({"unit": u, "period": m, "when": when - dt.timedelta(days=1), "values": _mistaken(values, "rejected")})
            jobs.append({"unit": u, "period": m, "when": when, "values": values})
    return jobs


def _mistaken(values: dict, kind: str) -> dict:
    """A copy of a unit's values with the mistakes its topics' samples make for `kind`."""
    wrong = json.loads(json.dumps(values))
    for key in wrong:
        if TOPICS[key].sample and TOPICS[key].sample.mistake:
            TOPICS[key].sample.mistake(wrong[key], kind)
    return wrong


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
