"""`python -m etl build` builds the warehouse at $DA06_WAREHOUSE from an archive, idempotently."""
import os
import subprocess
import sys

from tests.conftest import ROOT


def test_build_command(tmp_path, sample_raw):
    target = tmp_path / "cli.duckdb"
    env = {**os.environ, "DA06_WAREHOUSE": str(target), "DA06_RAW": str(sample_raw)}
    for _ in range(2):  # a second build replaces the first
        out = subprocess.run([sys.executable, "-m", "etl", "-q", "build"], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
        assert out.returncode == 0, out.stderr
    # (Huyện Đông Sơn, ended on 30/11/2024, sends no file for December 2024)
    assert "1147 tệp lưu trữ (1145 hợp lệ, 2 bị từ chối)" in out.stdout
    assert target.exists() and not target.with_name(target.name + ".building").exists()
