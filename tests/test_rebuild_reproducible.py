"""The warehouse is derived: two builds from the same archive give identical figures, and the
sample generator writes byte-identical files every time."""
import hashlib

from etl.build import build
from etl.sample import generate

PUBLIC_VIEWS = ["service_volume_monthly", "identity_monthly", "cleaning_monthly", "task_status", "submission_log", "reporting_status"]


def _dump(path):
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        out = {}
        for v in PUBLIC_VIEWS:
            cols = [r[0] for r in con.execute(f"describe {v}").fetchall() if r[0] != "archive_path"]
            out[v] = con.execute(f"select {', '.join(cols)} from {v} order by all").fetchall()
        return out
    finally:
        con.close()


def test_two_builds_give_identical_figures(tmp_path, sample_raw, sample_db):
    again = tmp_path / "again.duckdb"
    build(again, sample_raw, progress=False, workers=1)  # the session build used 2 processes
    assert _dump(again) == _dump(sample_db)


def test_sample_generator_is_deterministic(tmp_path, sample_raw):
    generate(tmp_path / "raw", progress=False)

    def digests(root):
        return sorted(hashlib.sha256(p.read_bytes()).hexdigest() for p in root.rglob("*.xlsx"))

    assert digests(tmp_path / "raw") == digests(sample_raw)
