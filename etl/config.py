"""Paths and settings. The warehouse path can be overridden with DA06_WAREHOUSE."""
from __future__ import annotations

import datetime as dt
import os
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE_DIR = ROOT / "data" / "reference"
SQL_DIR = ROOT / "sql"
SCHEMA_FILE = Path(__file__).resolve().parent / "schema.sql"


def raw_dir() -> Path:
    return Path(os.environ.get("DA06_RAW", ROOT / "data" / "raw"))


def warehouse_path() -> Path:
    return Path(os.environ.get("DA06_WAREHOUSE", ROOT / "data" / "warehouse" / "da06.duckdb"))


@dataclass(frozen=True)
class Settings:
    province_code: str
    due_day: int
    start_period: str
    end_period: str
    official_label: str
    official_period: str
    sample_label: str
    sample_first: str
    sample_last: str
    sample_seed: int
    sample_as_of: str = ""  # 'YYYY-MM-DD': the sample holds only files sent by then ('' = every file)
    sample_lagging: int = 0  # communes that send every report a month late


@lru_cache(maxsize=1)
def settings() -> Settings:
    with open(ROOT / "config.toml", "rb") as f:
        c = tomllib.load(f)
    due_day = int(os.environ.get("DA06_DUE_DAY", c["reporting"]["due_day"]))
    return Settings(
        province_code=c["province"]["code"],
        due_day=due_day,
        start_period=c["reporting"]["start_period"],
        end_period=c["reporting"].get("end_period", ""),
        official_label=c["official"]["source_label"],
        official_period=c["official"]["period"],
        sample_label=c["sample"]["source_label"],
        sample_first=c["sample"]["first_period"],
        sample_last=c["sample"]["last_period"],
        sample_seed=int(c["sample"]["seed"]),
        sample_as_of=c["sample"].get("as_of", ""),
        sample_lagging=int(c["sample"].get("lagging_communes", 0)),
    )


def _reporting_section() -> dict:
    with open(ROOT / "config.toml", "rb") as f:
        return dict(tomllib.load(f).get("reporting", {}))


def reporting_as_of() -> dt.date:
    """The date "today" for the reporting calendar (what is due, what is not yet due):
    DA06_AS_OF (YYYY-MM-DD), else [reporting] as_of in config.toml, else the real date. Read on
    every call: the real date moves."""
    text = os.environ.get("DA06_AS_OF") or str(_reporting_section().get("as_of", "") or "")
    return dt.date.fromisoformat(text) if text else dt.date.today()


def complete_share() -> float:
    """[reporting] complete_share: the share of a month's expected reports that must be in for
    the dashboards to open on that month (DA06_COMPLETE_SHARE overrides; default 0.8)."""
    text = os.environ.get("DA06_COMPLETE_SHARE") or _reporting_section().get("complete_share", 0.8)
    return float(text)


@lru_cache(maxsize=1)
def report_settings() -> dict:
    """The [report] section of config.toml: letterhead names, place, signer, recipients, the
    task groups of Appendix I."""
    with open(ROOT / "config.toml", "rb") as f:
        c = tomllib.load(f)
    r = dict(c.get("report", {}))
    r.setdefault("recipients", [])
    r.setdefault("appendix_i_groups", [])
    return r
