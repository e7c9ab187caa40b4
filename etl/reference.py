"""Reference data (units, services, datasets, tasks) read from data/reference/*.csv."""
from __future__ import annotations

import csv
from dataclasses import dataclass
from functools import lru_cache

from etl.config import REFERENCE_DIR

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
        """Which sheets a unit's monthly workbook carries."""
        level = self.level(unit_code)
        topics = []
        if level in ("province", "district", "commune"):
            topics += ["services", "identity", "cleaning"]
        if self.tasks_for(unit_code):
            topics.append("tasks")
        return topics


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    units = {r["unit_code"]: r for r in read_csv("units.csv")}
    services = {r["service_code"]: r for r in read_csv("services.csv")}
    datasets = {r["dataset_code"]: r for r in read_csv("datasets.csv")}
    tasks = {r["task_code"]: r for r in read_csv("tasks.csv")} if (REFERENCE_DIR / "tasks.csv").exists() else {}
    return Catalogue(units, services, datasets, tasks)


@lru_cache(maxsize=1)
def official_keys() -> frozenset[tuple[str, str, str]]:
    """(topic, unit_code, 'YYYY-MM') that the official report covers (data/reference/official_*):
    a submitted file never overwrites them."""
    from etl.config import settings

    s = settings()
    keys = set()
    for topic, name in (("services", "official_service_volume_2023_09.csv"), ("identity", "official_identity_2023_09.csv"),
                        ("cleaning", "official_cleaning_2023_09.csv")):
        if (REFERENCE_DIR / name).exists() and read_csv(name):
            keys.add((topic, s.province_code, s.official_period[:7]))
    if (REFERENCE_DIR / "official_task_status_2023_09.csv").exists():
        keys |= {("tasks", s.province_code, r["period"][:7]) for r in read_csv("official_task_status_2023_09.csv")}
    return frozenset(keys)
