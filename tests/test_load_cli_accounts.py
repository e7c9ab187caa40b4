"""`python -m etl load --user`: the account must exist, be active and may upload (an uploader
only for their own units); the operating-system user is recorded; every CLI load is audited."""
from __future__ import annotations

import getpass
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from accounts import store
from tests.bad_workbooks.make import template
from tests.helpers import rows

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def site(sample_db, tmp_path):
    warehouse = tmp_path / "wh" / "da06.duckdb"
    warehouse.parent.mkdir()
    shutil.copyfile(sample_db, warehouse)
    acc = tmp_path / "accounts.sqlite"
    con = store.connect(acc)
    store.ensure_demo_accounts(con)
    store.create_user(con, "cu", "mot-mat-khau-dai", "uploader", ("395",))
    store.update_user(con, "cu", "admin", active=False)
    con.close()
    good = template(tmp_path / "tho_xuan_06_2024.xlsx", {"E06-03": {"total_dossiers": 1500, "online_dossiers": 1400}})
    return warehouse, tmp_path / "raw", acc, good


def _run(site, *args):
    warehouse, raw, acc, _ = site
    import os
    return subprocess.run([sys.executable, "-m", "etl", "--warehouse", str(warehouse), "--raw", str(raw), "-q", "load", *map(str, args)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120, env={**os.environ, "DA06_ACCOUNTS": str(acc)})


def _audit(acc):
    con = store.connect(acc)
    try:
        return [r[1:4] for r in reversed(store.audit_log(con)) if r[2].startswith("load.")]
    finally:
        con.close()


@pytest.mark.parametrize("name, why", [
    ("khongco", "Lỗi: tài khoản 'khongco' không tồn tại."),
    ("cu", "Lỗi: tài khoản 'cu' đã bị vô hiệu hóa."),
    ("lanhdao", "Lỗi: tài khoản 'lanhdao' (Lãnh đạo (xem)) không có quyền nộp báo cáo"),
])
def test_a_user_that_may_not_load_is_refused_with_exit_2_and_audited(site, name, why):
    warehouse, _, acc, good = site
    before = rows(warehouse, "select count(*) from submission_log")
    out = _run(site, good, "--user", name)
    assert out.returncode == 2 and out.stderr.startswith(why), out.stderr
    assert rows(warehouse, "select count(*) from submission_log") == before
    assert _audit(acc) == [(f"cli:{getpass.getuser()}", "load.refused", name)]


def test_an_uploader_loads_for_their_unit_and_the_os_user_is_recorded(site):
    warehouse, _, acc, good = site
    out = _run(site, good, "--user", "thoxuan")
    assert out.returncode == 0, out.stdout + out.stderr
    actor = f"thoxuan [cli:{getpass.getuser()}]"
    (sid,) = rows(warehouse, "select submission_id from submission_log where source = 'submitted'")[0]
    assert rows(warehouse, "select submitted_by from submission_log where source = 'submitted'") == [(actor,)]
    assert _audit(acc) == [(actor, "load.replaced", sid)]


def test_an_uploader_cannot_load_another_units_file(site, tmp_path):
    warehouse, _, acc, _ = site
    other = template(tmp_path / "other.xlsx", {"E06-03": {"total_dossiers": 10, "online_dossiers": 5}}, unit="396")
    out = _run(site, other, "--user", "thoxuan")
    assert out.returncode == 1 and "TỪ CHỐI" in out.stdout
    assert [a[:2] for a in _audit(acc)] == [(f"thoxuan [cli:{getpass.getuser()}]", "load.rejected")]


def test_a_load_without_user_is_audited_under_the_os_user(site):
    _, _, acc, good = site
    assert _run(site, good).returncode == 0
    assert [a[:2] for a in _audit(acc)] == [(f"cli:{getpass.getuser()}", "load.replaced")]
