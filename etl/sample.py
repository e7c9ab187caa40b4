"""Deterministic sample submissions: one workbook per reporting unit and month, for the units
valid in the month (data/reference/admin_units.csv: districts, then communes after the reform,
agencies with tasks), sent by the sample's as-of date (config.toml [sample]).

Every file is written in the project's own template and marked "DỮ LIỆU MẪU". Sizes follow
each district's communes and type, with growth, seasonality, noise, a few late, missing,
corrected (replaced) and rejected files, and lagging communes. For the official month the
districts add up exactly to the province's official figures (largest-remainder splits), so
drilling down never contradicts the report. A unit that took over others continues their
figures by the succession's weights (Model). Nothing here names a province: units, services and
figures are data.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import json
import os
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from etl.build import Progress
from etl.config import raw_dir, settings
from etl.load import archive_file, submission_id_for
from etl.periods import add_months, month_range, parse_period, period_text
from etl.reference import catalogue, read_csv
from etl.sampling import rng as _rng
from etl.template import write_template
from etl.topics import TOPICS
from etl.topics.base import ItemPartOfWhole, PartOfWhole

TYPE_FACTOR = {"thành phố": 2.0, "thị xã": 1.3}
P_MISSING, P_LATE, P_CORRECTED, N_REJECTED = 0.02, 0.07, 0.03, 3
COMMUNE_SIZE_SIGMA, FLOW_NOISE_SIGMA = 0.15, 0.05  # a new unit's size within its former units; a month's noise


def month_end(m: dt.date) -> dt.date:
    return add_months(m, 1) - dt.timedelta(days=1)


class UnitsOverTime:
    """The province's reporting units with their validity (data/reference/admin_units.csv) and
    what each took over from the units before it (unit_succession.csv). A unit is valid in a month
    when it is valid on the month's last day (the catalogue's rule)."""

    def __init__(self, province: str):
        self.rows = [r for r in read_csv("admin_units.csv") if r["parent_code"] == province]
        self.level = {r["unit_code"]: r["unit_level"] for r in self.rows}
        # the first month of a unit that began within the data (its stocks start there)
        self.first = {r["unit_code"]: dt.date.fromisoformat(r["valid_from"]).replace(day=1) for r in self.rows if r["valid_from"]}
        # to_unit -> [(from_unit, weight, effective date)]: only from a unit of these rows that
        # ended the day before (a former commune that shares a new commune's code is not one).
        self.inflow: dict[str, list[tuple[str, float, dt.date]]] = {}
        for r in read_csv("unit_succession.csv"):
            eff = dt.date.fromisoformat(r["effective_date"])
            if r["from_unit_code"] in self.level and r["to_unit_code"] in self.level \
                    and self.valid_on(r["from_unit_code"], eff - dt.timedelta(days=1)) and self.valid_on(r["to_unit_code"], eff):
                self.inflow.setdefault(r["to_unit_code"], []).append((r["from_unit_code"], float(r["weight"]), eff))

    def valid_on(self, unit: str, day: dt.date) -> bool:
        return any(r["unit_code"] == unit and (not r["valid_from"] or r["valid_from"] <= day.isoformat())
                   and (not r["valid_to"] or day.isoformat() <= r["valid_to"]) for r in self.rows)

    def valid(self, m: dt.date, levels: tuple[str, ...]) -> list[str]:
        """The units of these levels valid in the month, in the file's order."""
        day = month_end(m).isoformat()
        out = []
        for r in self.rows:
            if r["unit_level"] in levels and (not r["valid_from"] or r["valid_from"] <= day) \
                    and (not r["valid_to"] or day <= r["valid_to"]) and r["unit_code"] not in out:
                out.append(r["unit_code"])
        return out


class Model:
    """What every topic's sample (etl/topics, `sample`) draws on: the districts of the official
    month with their sizes (communes, type, noise), the months, the official month and the seed;
    and each topic's official month split over the districts (`ref[topic]`).

    A district's figures follow its own curves (each topic's `sample.values`) over the whole
    range, as if it went on. A unit that took over others reports its own curve (if any) plus
    their curves by the succession's weights from the effective date on: Thành phố Thanh Hóa
    with Huyện Đông Sơn from 2024-12, each commune of July 2025 with the shares of its former
    districts (the weights: the former communes it absorbed), each share scaled by the commune's
    size and the shares of one district rescaled to add up to 1, so a former district's communes
    continue its trend. Topics without counts (task statuses) follow each task's plan
    (etl/topics/tasks.py): a department's successor continues its predecessor's, a commune starts
    the district tasks it took over afresh."""

    def __init__(self):
        s = settings()
        self.cat = catalogue()
        self.prov = s.province_code
        self.ref = parse_period(s.official_period)
        self.months = month_range(parse_period(s.sample_first), parse_period(s.sample_last))
        self.as_of = dt.date.fromisoformat(s.sample_as_of) if s.sample_as_of else None
        self.districts = self.cat.districts(self.prov)
        rng = _rng("weights", s.sample_seed)
        self.weight = {}
        for d in self.districts:
            u = self.cat.units[d]
            self.weight[d] = (int(u["communes"] or 10)) * TYPE_FACTOR.get(u["unit_type"], 1.0) * float(rng.lognormal(0, 0.15))
        self.seed = s.sample_seed
        self.refs = {key: t.sample.reference(self) for key, t in TOPICS.items() if t.sample}
        self.units = UnitsOverTime(self.prov)
        self.counted = [key for key, t in TOPICS.items() if t.sample and any(c.kind == "count" for c in t.columns)]
        self.share = self._shares()
        self.lagging = self._lagging(s.sample_lagging)
        self._curves: dict = {}

    read_csv = staticmethod(read_csv)

    def k(self, m: dt.date) -> int:
        """Months from the official month."""
        return (m.year - self.ref.year) * 12 + m.month - self.ref.month

    def noisy(self, tag) -> list[float]:
        """The districts' weights with noise of their own for `tag`: how a total is split."""
        rng = _rng("split", self.seed, tag)
        return [self.weight[d] * float(rng.lognormal(0, 0.2)) for d in self.districts]

    def _shares(self) -> dict[str, list[tuple[str, float, dt.date]]]:
        """to_unit -> [(from_unit, share, effective date)]: the succession's weights times the
        to-unit's size, rescaled so that each from-unit's shares on a date add up to 1."""
        size = {u: float(_rng("size", self.seed, u).lognormal(0, COMMUNE_SIZE_SIGMA)) for u in self.units.inflow}
        total: dict[tuple[str, dt.date], float] = {}
        for to, flows in self.units.inflow.items():
            for frm, w, eff in flows:
                total[frm, eff] = total.get((frm, eff), 0.0) + w * size[to]
        return {to: [(frm, w * size[to] / total[frm, eff], eff) for frm, w, eff in flows] for to, flows in self.units.inflow.items()}

    def _lagging(self, n: int) -> list[str]:
        """The communes (units of the last month that took over others) that report a month late."""
        last = self.months[-1]
        pool = [u for u in self.units.valid(last, ("commune",))]
        order = _rng("lagging", self.seed).permutation(len(pool))
        return sorted(pool[i] for i in order[:n])

    def curve(self, unit: str, m: dt.date) -> dict[str, dict] | None:
        """A unit's counted topics for a month, unrounded: its own curve (a district of the
        official month) plus the shares of the units it took over by then. None: no curve."""
        key = (unit, m)
        if key not in self._curves:
            out: dict[str, dict] | None = None
            if unit in self.weight:
                out = {t: {row: {c: (float(v) if isinstance(v, (int, float)) else v) for c, v in cols.items()}
                           for row, cols in TOPICS[t].sample.values(self, self.refs[t], unit, m).items()} for t in self.counted}
            for frm, share, eff in self.share.get(unit, []):
                if eff > month_end(m):
                    continue
                part = self.curve(frm, m)
                if part is not None:
                    out = _add(out if out is not None else {}, part, share, frm, unit)
            self._curves[key] = out
        return self._curves[key]

    def values(self, unit: str, m: dt.date) -> dict[str, dict]:
        """A unit's workbook figures for a month: every topic it reports, by row code."""
        curve = self.curve(unit, m)
        out = {}
        for key in self.cat.topics_for(unit, m):
            t = TOPICS[key]
            if not t.sample:
                continue
            if key in self.counted and curve is not None and key in curve:
                noise = 1.0
                if not t.is_stock and unit not in self.weight:  # a month's noise of its own, flows only
                    noise = float(_rng("flow", self.seed, unit, key, period_text(m)).lognormal(0, FLOW_NOISE_SIGMA))
                out[key] = _whole(t, curve[key], noise)
            else:
                out[key] = t.sample.values(self, self.refs[key], unit, m)
        return out


def _add(into: dict, part: dict, share: float, frm: str, unit: str) -> dict:
    """into += share * part, topic by topic, row by row; a row named after the from-unit (the
    unit's own row, such as its identity figures) becomes the unit's."""
    out = into
    for t, rows in part.items():
        for row, cols in rows.items():
            mine = out.setdefault(t, {}).setdefault(unit if row == frm else row, {})
            for c, v in cols.items():
                if isinstance(v, float):
                    mine[c] = (mine.get(c) or 0.0) + share * v
                else:
                    mine.setdefault(c, v)
    return out


def _whole(topic, rows: dict, noise: float) -> dict:
    """Rounded figures, parts kept within their wholes (the topic's own rules say which)."""
    out = {row: {c: (int(round(v * noise)) if isinstance(v, float) else v) for c, v in cols.items()} for row, cols in rows.items()}
    for cols in out.values():
        for rule in topic.row_rules:
            if isinstance(rule, PartOfWhole) and cols.get(rule.whole) is not None:
                over = sum(cols.get(p) or 0 for p in rule.parts) - cols[rule.whole]
                for p in reversed(rule.parts):
                    if over > 0 and cols.get(p):
                        cut = min(over, cols[p])
                        cols[p] -= cut
                        over -= cut
    for rule in topic.sheet_rules:
        if isinstance(rule, ItemPartOfWhole):
            p, w = out.get(rule.part, {}), out.get(rule.whole, {})
            if p.get(rule.measure) is not None and w.get(rule.measure) is not None:
                p[rule.measure] = min(p[rule.measure], w[rule.measure])
    return out


def _submission_time(unit: str, m: dt.date, due_day: int, seed: int, late: bool, extra_days: int = 0, lagging: bool = False) -> dt.datetime:
    rng = _rng("when", seed, unit, period_text(m), extra_days)
    nxt = add_months(m, 1)
    day = int(rng.integers(due_day + 1, 29)) if late else int(rng.integers(3, due_day + 1))
    if lagging:  # in the second month after the period
        nxt, day = add_months(m, 2), int(rng.integers(8, 26))
    minute = int(rng.integers(7 * 60 + 30, 17 * 60))
    return dt.datetime(nxt.year, nxt.month, day, minute // 60, minute % 60) + dt.timedelta(days=extra_days)


def reporting_units(model: Model, m: dt.date) -> list[str]:
    """The units that owe a report for the month: the districts and communes valid in it, and the
    agencies valid in it that carry tasks in it (their own, or those of the departments they
    succeed)."""
    return [u for u in model.units.valid(m, ("district", "commune", "agency"))
            if model.units.level[u] != "agency" or model.cat.tasks_for(u, m)]


def plan_files(model: Model, with_values: bool = True) -> list[dict]:
    """Every sample file to write: unit, month, time, what kind of file it is (`mistake`: None, or
    a first version 'corrected' later, or one 'rejected') and its values (without them, `values`
    fills them in: generate does it in its worker processes). Only files sent by the sample's
    as-of date are in it."""
    s = settings()
    jobs = []
    rejected_left = N_REJECTED
    lagging = set(model.lagging)
    for m in model.months:
        for u in reporting_units(model, m):
            rng = _rng("fate", s.sample_seed, u, period_text(m))
            x = rng.random()
            if m == model.ref:
                x = 1.0  # everyone reports the official month, on time
            elif m == model.units.first.get(u):
                x = max(x, P_MISSING)  # a new unit's first report (its stocks' start) may be late, never missing
            if x < P_MISSING:
                continue
            late = x < P_MISSING + P_LATE
            when = _submission_time(u, m, s.due_day, s.sample_seed, late, lagging=u in lagging)
            if not model.cat.topics_for(u, m):
                continue
            y = rng.random()
            counted = model.units.level[u] != "agency"
            if counted and y < P_CORRECTED:
                # a first version with a mistake, corrected a few days later
                jobs.append({"unit": u, "period": m, "when": when - dt.timedelta(days=3), "mistake": "corrected"})
            elif counted and rejected_left and y > 0.995:
                rejected_left -= 1
                jobs.append({"unit": u, "period": m, "when": when - dt.timedelta(days=1), "mistake": "rejected"})
            jobs.append({"unit": u, "period": m, "when": when, "mistake": None})
    if model.as_of:
        jobs = [j for j in jobs if j["when"].date() <= model.as_of]
    if with_values:
        for j in jobs:
            values(model, j)
    return jobs


def values(model: Model, job: dict) -> dict:
    """A planned file's figures (the unit's, with its mistakes for a mistaken version), kept in the job."""
    if "values" not in job:
        v = model.values(job["unit"], job["period"])
        job["values"] = _mistaken(v, job["mistake"]) if job["mistake"] else v
    return job["values"]


def _mistaken(values: dict, kind: str) -> dict:
    """A copy of a unit's values with the mistakes its topics' samples make for `kind`."""
    wrong = json.loads(json.dumps(values))
    for key in wrong:
        if TOPICS[key].sample and TOPICS[key].sample.mistake:
            TOPICS[key].sample.mistake(wrong[key], kind)
    return wrong


_WORKER_MODEL: Model | None = None  # the model a worker process computes its files' figures with (inherited, or its own)


def _write_one(job: dict) -> dict:
    global _WORKER_MODEL
    if "values" not in job:
        _WORKER_MODEL = _WORKER_MODEL or Model()
        values(_WORKER_MODEL, job)
    m = job["period"]
    name = f"DA06_{job['unit']}_{period_text(m)}.xlsx"
    buf = io.BytesIO()
    write_template(buf, job["unit"], m, job["values"], sample=True)
    data = buf.getvalue()
    sha = hashlib.sha256(data).hexdigest()
    sid = submission_id_for(job["when"], sha)
    manifest = {"submission_id": sid, "file_name": name, "sha256": sha, "unit_code": job["unit"],
                "period": period_text(m), "declared_unit": None, "declared_period": None,
                "submitted_at": job["when"].isoformat(), "submitted_by": f"mau.{job['unit']}", "source": "sample"}
    archive_file(data, manifest, Path(job["root"]))
    return manifest


def generate(root: Path | None = None, progress: bool | None = None, workers: int | None = None) -> int:
    """Write every sample file into the archive (data/raw/). Existing sample files are replaced;
    submitted (non-sample) files are left alone."""
    global _WORKER_MODEL
    root = Path(root or raw_dir())
    for man in root.rglob("*.json") if root.exists() else []:
        data = json.loads(man.read_text(encoding="utf-8"))
        if data.get("source") == "sample":
            (man.parent / data["archive_name"]).unlink(missing_ok=True)
            man.unlink()
    model = _WORKER_MODEL = Model()
    jobs = plan_files(model, with_values=False)
    bar = Progress("Sinh dữ liệu mẫu", len(jobs), progress)
    for j in jobs:
        j["root"] = str(root)
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
