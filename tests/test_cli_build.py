"""`python -m etl build` builds the warehouse at $DA06_WAREHOUSE from an archive, idempotently."""
import os
import subprocess
import sys

from etl.sample import N_REJECTED, Model, plan_files
from tests.conftest import ROOT


def test_build_command(tmp_path, sample_raw):
    target = tmp_path / "cli.duckdb"
    env = {**os.environ, "DA06_WAREHOUSE": str(target), "DA06_RAW": str(sample_raw)}
    for _ in range(2):  # a second build replaces the first
        out = subprocess.run([sys.executable, "-m", "etl", "-q", "build"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    # Every file of the sample's plan is archived and counted (units only within their validity:
    # Huyện Đông Sơn, ended on 30/11/2024, sends no file for December 2024); exactly the files
    # the sample spoils on purpose are rejected, and the sample, long enough, spoils all it may.
    plan = plan_files(Model(), with_values=False)
    files = len(list(sample_raw.rglob("*.xlsx")))
    rejected = sum(j["mistake"] == "rejected" for j in plan)
    assert files == len(plan) and rejected == N_REJECTED
    assert f"{files} tệp lưu trữ ({files - rejected} hợp lệ, {rejected} bị từ chối)" in out.stdout
    assert target.exists() and not target.with_name(target.name + ".building").exists()
