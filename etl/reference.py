"""Reference data (units, services, datasets, tasks) read from data/reference/*.csv."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from etl.config import REFERENCE_DIR, settings
from etl.topics import TOPICS

DISTRICTS = "DISTRICTS"  # tasks.csv: a task every district-level unit carries out


def read_csv(name: str) -> list[dict[str, str]]:
    with open(REFERENCE_DIR / name, encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@dataclass(frozen=True)
class Catalogue:
    units: dict[str, dict]
    services: dict[str, dict]
    datasets: dict[str, dict]
    tasks: dict[str, dict]

    def level(self, unit_code: str) -> str | None:
        u = self.units.get(unit_code)
        return u["unit_level"] if u else None

    def districts(self, province_code: str) -> list[str]:
        return [c for c, u in self.units.items() if u["unit_level"] == "district" and u["parent_code"] == province_code]

    def agencies(self, province_code: str) -> list[str]:
        return [c for c, u in self.units.items() if u["unit_level"] == "agency" and u["parent_code"] == province_code]

    def tasks_for(self, unit_code: str) -> list[str]:
        level = self.level(unit_code)
        out = []
        for code, t in self.tasks.items():
            r = t["responsible_unit_code"]
            if r == unit_code or (r == DISTRICTS and level == "district"):
                out.append(code)
        return out

    def topics_for(self, unit_code: str) -> list[str]:
        """Which sheets a unit's monthly workbook carries: the topics whose levels include the
        unit's (and that give it rows, for a topic reported only where assigned)."""
        return [key for key, t in TOPICS.items() if t.reported_by(self, unit_code)]


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    units = {r["unit_code"]: r for r in read_csv("units.csv")}
    services = {r["service_code"]: r for r in read_csv("services.csv")}
    datasets = {r["dataset_code"]: r for r in read_csv("datasets.csv")}
    tasks = {r["task_code"]: r for r in read_csv("tasks.csv")} if (REFERENCE_DIR / "tasks.csv").exists() else {}
    return Catalogue(units, services, datasets, tasks)


def official_rows(topic) -> list[dict[str, str]]:
    """The rows of a topic's official figures (data/reference/<topic.official.csv>), each with its
    unit (the province unless the file names one) and month (the official month unless the file
    gives one per row, as 'YYYY-MM-DD')."""
    if topic.official is None or not (REFERENCE_DIR / topic.official.csv).exists():
        return []
    s = settings()
    return [{**r, "unit_code": r.get("unit_code") or s.province_code, "period": (r.get("period") or s.official_period)[:7]}
            for r in read_csv(topic.official.csv)]


@lru_cache(maxsize=1)
def official_keys() -> frozenset[tuple[str, str, str]]:
    """(topic, unit_code, 'YYYY-MM') that the official report covers (data/reference/official_*):
    a submitted file never overwrites them."""
    return frozenset((key, r["unit_code"], r["period"]) for key, t in TOPICS.items() for r in official_rows(t))
