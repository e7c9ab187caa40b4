"""One read-only connection to the warehouse per process, reopened when the file is swapped.

Writers never change the file in place (see etl.warehouse): they replace it. Each query takes
its own cursor; `version()` changes whenever the warehouse does, so cached results keyed by it
are never stale.

DuckDB keeps one database instance per file path and process: connecting to the same path
again returns the instance already open, i.e. the old file. So on a swap the old connection
must be closed before the new one is opened; a readers-writer lock lets running queries finish
first and holds new ones back for the moment of the switch.
"""
from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from etl.config import warehouse_path
from etl.warehouse import file_identity


class _ReadWriteLock:
    def __init__(self):
        self._cond = threading.Condition()
        self._readers = 0
        self._writer = False

    def acquire_read(self):
        with self._cond:
            while self._writer:
                self._cond.wait()
            self._readers += 1

    def release_read(self):
        with self._cond:
            self._readers -= 1
            if self._readers == 0:
                self._cond.notify_all()

    def acquire_write(self):
        with self._cond:
            while self._writer or self._readers:
                self._cond.wait()
            self._writer = True

    def release_write(self):
        with self._cond:
            self._writer = False
            self._cond.notify_all()


class Warehouse:
    def __init__(self, path: Path | str | None = None):
        self.path = Path(path or warehouse_path())
        self._rw = _ReadWriteLock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._ident = None

    def exists(self) -> bool:
        return self.path.exists()

    def version(self) -> str:
        ident = file_identity(self.path)
        return f"{ident[0]}-{ident[1]}" if ident else "none"

    def _reopen_if_swapped(self) -> None:
        ident = file_identity(self.path)
        if ident is None:
            raise FileNotFoundError(f"Chưa có kho dữ liệu {self.path}. Hãy chạy: python -m etl build")
        if self._con is not None and ident == self._ident:
            return
        self._rw.acquire_write()
        try:
            ident = file_identity(self.path)
            if self._con is None or ident != self._ident:
                if self._con is not None:
                    self._con.close()  # first: else DuckDB hands back the old file's instance
                    self._con = None
                self._con = duckdb.connect(str(self.path), read_only=True)
                self._ident = ident
        finally:
            self._rw.release_write()

    def query(self, sql: str, params: list | tuple = ()):
        """Run one query on its own cursor and return a pandas DataFrame."""
        self._reopen_if_swapped()
        self._rw.acquire_read()
        try:
            cur = self._con.cursor()
            try:
                return cur.execute(sql, list(params)).df()
            finally:
                cur.close()
        finally:
            self._rw.release_read()

    def close(self) -> None:
        self._rw.acquire_write()
        try:
            if self._con is not None:
                self._con.close()
                self._con = None
                self._ident = None
        finally:
            self._rw.release_write()
