"""`python -m etl load` reads a file with the same bounded reader as the upload check: the 5,7 KB
workbook with one cell at XFD1048576 (tests/bad_workbooks/far_cell.xlsx, which made the reader
ask for ~550 GB) is refused by a real command-line load running under a 2 GB address-space
limit, with the corpus's Vietnamese message, and no figure changes; so is its check (--dry-run,
which runs in a limited child process)."""
from __future__ import annotations

import json
import os
import resource
import subprocess
import sys

import pytest

from tests.conftest import ROOT
from tests.helpers import tables

CORPUS = ROOT / "tests" / "bad_workbooks"
LIMIT = 2 * 1024**3


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (LIMIT, LIMIT))


@pytest.mark.parametrize("dry_run", [False, True])
def test_the_far_cell_workbook_is_refused_by_a_command_line_load_under_a_memory_limit(empty_warehouse, tmp_path, dry_run):
    raw = tmp_path / "raw"
    env = {**os.environ, "DA06_WAREHOUSE": str(empty_warehouse), "DA06_RAW": str(raw)}
    before = tables(empty_warehouse)
    [[severity, message]] = json.loads((CORPUS / "cases.json").read_text(encoding="utf-8"))["far_cell.xlsx"]["issues"]

    out = subprocess.run([sys.executable, "-m", "etl", "-q", "load", str(CORPUS / "far_cell.xlsx"), *(["--dry-run"] if dry_run else [])],
                         cwd=ROOT, env=env, capture_output=True, text=True, timeout=120, preexec_fn=_limited)

    assert out.returncode == 1, out.stderr
    assert out.stdout.splitlines() == ["TỪ CHỐI: far_cell.xlsx — 0 dòng", f"  LỖI  {message}"]
    after = tables(empty_warehouse)
    assert {k: v for k, v in after.items() if k != "submission"} == {k: v for k, v in before.items() if k != "submission"}
    logged = [(r[1], r[8]) for r in after["submission"]]
    assert logged == ([] if dry_run else [("far_cell.xlsx", "rejected")])
