"""Shared fixtures: a real sample archive and a real DuckDB warehouse built from it.

The sample archive and its warehouse are built once per test session (they are read-only
for the tests that use them); tests that change data get their own temporary warehouse.
"""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

import duckdb
import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from etl.build import build  # noqa: E402
from etl.sample import generate  # noqa: E402

SOURCE_REPORT = ROOT / "data" / "reference" / "sources" / "bao_cao_thang_9_2023.txt"


@pytest.fixture(scope="session")
def sample_raw(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("raw")
    generate(root, progress=False)
    return root


@pytest.fixture(scope="session")
def sample_db(tmp_path_factory, sample_raw) -> Path:
    path = tmp_path_factory.mktemp("warehouse") / "da06.duckdb"
    build(path, sample_raw, progress=False)
    return path


@pytest.fixture
def warehouse(sample_db, tmp_path) -> Path:
    """A private copy of the sample warehouse, for a test that loads into it."""
    path = tmp_path / "da06.duckdb"
    shutil.copyfile(sample_db, path)
    return path


@pytest.fixture
def con(sample_db):
    c = duckdb.connect(str(sample_db), read_only=True)
    yield c
    c.close()


@pytest.fixture
def empty_warehouse(tmp_path) -> Path:
    """A warehouse with reference data and official figures only (no submissions)."""
    path = tmp_path / "warehouse" / "da06.duckdb"
    (tmp_path / "raw").mkdir()
    build(path, tmp_path / "raw", progress=False)
    return path


@pytest.fixture(scope="session")
def report_text() -> str:
    return " ".join(SOURCE_REPORT.read_text(encoding="utf-8").split())


@pytest.fixture(scope="session", autouse=True)
def _private_accounts(tmp_path_factory):
    """Every CLI load writes the audit log: tests (and the commands they start) use a private
    accounts file unless a test names its own."""
    import os

    if "DA06_ACCOUNTS" not in os.environ:
        os.environ["DA06_ACCOUNTS"] = str(tmp_path_factory.mktemp("accounts") / "accounts.sqlite")
        yield
        del os.environ["DA06_ACCOUNTS"]
    else:
        yield
