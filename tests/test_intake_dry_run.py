"""A dry run through the one intake path (etl.intake.submit, used by the upload page) checks
a file exactly as a load would and changes nothing: not the warehouse file, not its folder,
not the archive, not the audit log."""
from __future__ import annotations

import hashlib
import shutil

import pytest

from accounts import store
from etl.intake import submit
from tests.bad_workbooks.make import template


@pytest.mark.parametrize(("values", "status"), [
    ({"E06-03": {"total_dossiers": 1500, "online_dossiers": 1400}}, "valid"),
    ({"E06-03": {"total_dossiers": 1500, "online_dossiers": 1600}}, "rejected"),
])
def test_submit_dry_run_changes_nothing(sample_db, tmp_path, monkeypatch, values, status):
    monkeypatch.setenv("DA06_ACCOUNTS", str(tmp_path / "accounts.sqlite"))
    acc = store.connect()
    user = store.create_user(acc, "thoxuan", "mot-mat-khau-dai", "uploader", ("395",))
    audit_before = store.audit_log(acc)
    acc.close()
    folder = tmp_path / "wh"
    folder.mkdir()
    warehouse = folder / "da06.duckdb"
    shutil.copyfile(sample_db, warehouse)
    digest = hashlib.sha256(warehouse.read_bytes()).hexdigest()
    path = template(tmp_path / "bao_cao.xlsx", values)

    [r] = submit([(path, "bao_cao.xlsx")], user=user, dry_run=True, warehouse=warehouse, raw=tmp_path / "raw")

    assert r.status == status
    assert (r.unit_code, f"{r.period:%Y-%m}") == ("395", "2024-06")
    assert hashlib.sha256(warehouse.read_bytes()).hexdigest() == digest
    assert [p.name for p in folder.iterdir()] == ["da06.duckdb"]
    assert not (tmp_path / "raw").exists()
    acc = store.connect()
    assert store.audit_log(acc) == audit_before
    acc.close()
