"""The archive of received files (data/raw/): a copy of every file and its JSON manifest.

The archive is the truth the warehouse is rebuilt from (etl.build), so it must never hold the
record of a submission the warehouse never took in. A load writes its files' manifests as
*pending* — journal entries in `data/raw/.pending/<submission_id>.json`, naming the warehouse
they belong to and where the manifest goes — and the warehouse swap is the commit: right after
the swap the loader turns its entries into manifests (commit_pending). A load killed before its
swap leaves entries whose submissions the warehouse does not have; one killed between the swap
and commit_pending leaves entries whose submissions it has. Whichever command next holds the
warehouse's lock settles them against the warehouse (settle_pending): the entries of submissions
it has become manifests, the others are dropped with the copies they name; a load stopped by an
error settles its own at once (etl.warehouse.writer's after_discard). Only manifests are the
archive (list_archive): a rebuild never sees a pending entry.

Order of writes of a pending file: the journal entry first (atomic rename), then the copy
(written as .part, renamed), so a copy never exists without an entry or a manifest naming it.
"""
from __future__ import annotations

import json
import logging
import os
import re
import shutil
from pathlib import Path

from etl.config import raw_dir

PENDING_DIR = ".pending"
logger = logging.getLogger(__name__)


def safe_extension(name: str) -> str:
    ext = os.path.splitext(name)[1].lower()
    return ext if re.match(r"^\.(xlsx|xlsm|xls|ods)$", ext) else ".bin"


def warehouse_key(target: Path) -> str:
    """How a journal entry names its warehouse: the absolute path."""
    return str(Path(target).resolve())


def _write_atomic(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".part")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _manifest_text(manifest: dict, archive_name: str) -> str:
    return json.dumps({**manifest, "archive_name": archive_name}, ensure_ascii=False, indent=1, sort_keys=True)


def archive_file(src: Path | bytes, manifest: dict, root: Path | None = None, unsorted: bool = False,
                 pending_for: Path | None = None) -> Path:
    """Copy a received file into data/raw/<period>/<unit>/<submission_id><ext> (or
    data/raw/unsorted/ when unit or period is unknown, or when asked) with a JSON manifest
    beside it. Nothing of the uploaded file name reaches the path: unit and period are checked
    codes. With `pending_for` (a warehouse), the manifest is a pending journal entry for that
    warehouse instead, written before the copy, until commit_pending or settle_pending."""
    root = Path(root or raw_dir())
    unit, period = manifest.get("unit_code"), manifest.get("period")
    if not unsorted and unit and period and re.fullmatch(r"[0-9A-Za-z.]+", unit) and re.fullmatch(r"\d{4}-\d{2}", period):
        folder = root / period / unit
    else:
        folder = root / "unsorted"
    sid = manifest["submission_id"]
    dest = folder / f"{sid}{safe_extension(manifest['file_name'])}"
    if pending_for is not None:
        journal = root / PENDING_DIR
        journal.mkdir(parents=True, exist_ok=True)
        entry = {"warehouse": warehouse_key(pending_for), "manifest": str((folder / f"{sid}.json").relative_to(root)),
                 "copy": str(dest.relative_to(root)), "content": json.loads(_manifest_text(manifest, dest.name))}
        _write_atomic(journal / f"{sid}.json", json.dumps(entry, ensure_ascii=False, indent=1, sort_keys=True))
    folder.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_suffix(dest.suffix + ".part")
    if isinstance(src, bytes):
        tmp.write_bytes(src)
    else:
        shutil.copyfile(src, tmp)
    os.replace(tmp, dest)
    if pending_for is None:
        (folder / f"{sid}.json").write_text(_manifest_text(manifest, dest.name), encoding="utf-8")
    return dest


def pending_entries(root: Path, target: Path) -> dict[str, tuple[Path, dict]]:
    """The journal entries of one warehouse: submission id -> (entry's path, entry)."""
    journal = Path(root) / PENDING_DIR
    out: dict[str, tuple[Path, dict]] = {}
    if not journal.is_dir():
        return out
    key = warehouse_key(target)
    for p in sorted(journal.glob("*.json")):
        try:
            entry = json.loads(p.read_text(encoding="utf-8"))
        except (OSError, ValueError):  # entries are renamed into place whole; this one is not ours
            continue
        if entry.get("warehouse") == key:
            out[p.stem] = (p, entry)
    return out


def _finish(root: Path, path: Path, entry: dict, landed: bool) -> None:
    root = Path(root)
    if landed:
        _write_atomic(root / entry["manifest"], json.dumps(entry["content"], ensure_ascii=False, indent=1, sort_keys=True))
    else:
        copy = root / entry["copy"]
        for p in (copy, copy.with_name(copy.name + ".part")):
            p.unlink(missing_ok=True)
    path.unlink(missing_ok=True)


def commit_pending(root: Path, target: Path, submission_ids: set[str]) -> None:
    """After the swap that put these submissions into the warehouse: their entries become
    manifests. Any other entry of the warehouse (a file whose staging failed and that was
    recorded under another id) is dropped: the caller holds the lock and settled before it
    staged, so every entry of the warehouse is its own."""
    for sid, (path, entry) in pending_entries(root, target).items():
        _finish(root, path, entry, sid in submission_ids)


def settle_pending(root: Path, target: Path, con=None) -> tuple[list[str], list[str]]:
    """The entries a killed load left, settled against the warehouse (the caller holds its lock;
    `con` is a connection on the warehouse's present state, else the file is opened read-only):
    (ids kept as manifests: their batch landed; ids dropped with their copies: it did not)."""
    entries = pending_entries(root, target)
    if not entries:
        return [], []
    ids = sorted(entries)
    query = "select submission_id from submission where list_contains(?, submission_id)"
    if con is not None:
        landed = {r[0] for r in con.execute(query, [ids]).fetchall()}
    elif Path(target).exists():
        import duckdb

        try:
            c = duckdb.connect(str(target), read_only=True)
            try:
                landed = {r[0] for r in c.execute(query, [ids]).fetchall()}
            finally:
                c.close()
        except duckdb.Error:  # a warehouse that cannot be read (the rebuild is there to replace it): undecided, kept pending
            logger.warning("%s cannot be read: %d pending archive record(s) left undecided", target, len(ids), exc_info=True)
            return [], []
    else:
        landed = set()
    for sid in ids:
        _finish(root, *entries[sid], sid in landed)
    return [s for s in ids if s in landed], [s for s in ids if s not in landed]


def settle_message(kept: list[str], dropped: list[str]) -> str:
    """What a command says when it settled pending records (Vietnamese, for the operator)."""
    return (f"Lưu trữ: {len(kept)} bản ghi của lần nạp đã vào kho được xác nhận, {len(dropped)} bản ghi của lần nạp "
            "bị dừng giữa chừng (chưa vào kho) được bỏ.")


def list_archive(root: Path) -> list[dict]:
    """Every archived submission's manifest, in the order the files were received (pending
    journal entries are not manifests: they are not the archive until their batch lands)."""
    out = []
    root = Path(root)
    if not root.exists():
        return out
    for m in root.rglob("*.json"):
        if m.relative_to(root).parts[0] == PENDING_DIR:
            continue
        man = json.loads(m.read_text(encoding="utf-8"))
        man["_path"] = str(m.parent / man["archive_name"])
        out.append(man)
    out.sort(key=lambda m: (m["submitted_at"], m["submission_id"]))
    return out
