"""One read-only connection to the warehouse per process, reopened when the file is swapped.

Writers never change the file in place (see etl.warehouse): they replace it. Each query takes
its own cursor; `version()` changes whenever the warehouse does, so cached results keyed by it
are never stale.
"""
from __future__ import annotations

import threading
from pathlib import Path

import duckdb

from etl.config import warehouse_path
from etl.warehouse import file_identity


class Warehouse:
    def __init__(self, path: Path | None = None):
        self.path = Path(path or warehouse_path())
        self._lock = threading.Lock()
        self._con: duckdb.DuckDBPyConnection | None = None
        self._ident = None

    def exists(self) -> bool:
        return self.path.exists()

    def version(self) -> str:
        ident = file_identity(self.path)
        return f"{ident[0]}-{ident[1]}" if ident else "none"

    def _connection(self) -> duckdb.DuckDBPyConnection:
        ident = file_identity(self.path)
        if ident is None:
            raise FileNotFoundError(f"Chưa có kho dữ liệu {self.path}. Hãy chạy: python -m etl build")
        with self._lock:
            if self._con is None or ident != self._ident:
                old = self._con
                self._con = duckdb.connect(str(self.path), read_only=True)
                self._ident = ident
                if old is not None:
                    old.close()
            return self._con

    def query(self, sql: str, params: list | tuple = ()):
        """Run one query on its own cursor and return a pandas DataFrame."""
        cur = self._connection().cursor()
        try:
            return cur.execute(sql, list(params)).df()
        finally:
            cur.close()

    def close(self) -> None:
        with self._lock:
            if self._con is not None:
                self._con.close()
                self._con = None
