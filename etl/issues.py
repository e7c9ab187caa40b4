"""Problems found in a submission, each with sheet and cell, worded in Vietnamese."""
from __future__ import annotations

from dataclasses import dataclass, field


def cell_ref(row0: int, col0: int) -> str:
    """Zero-based row/column -> Excel reference ('E12')."""
    letters, n = "", col0 + 1
    while n:
        n, r = divmod(n - 1, 26)
        letters = chr(65 + r) + letters
    return f"{letters}{row0 + 1}"


@dataclass(frozen=True)
class Issue:
    severity: str  # 'error' blocks the load; 'warning' does not
    message: str
    sheet: str | None = None
    cell: str | None = None
    # The name of the cell's row ('Đăng ký khai sinh'), when the row is known: shown in str(),
    # left out of comparisons (an issue is the same problem at the same cell whatever its row is called).
    row: str | None = field(default=None, compare=False)

    def __str__(self) -> str:
        where = ""
        if self.sheet and self.cell and self.row:
            where = f"{self.sheet}!{self.cell} — {self.row}: "
        elif self.sheet and self.cell:
            where = f"{self.sheet}!{self.cell}: "
        elif self.sheet:
            where = f"{self.sheet}: "
        return f"{where}{self.message}"


class Rejected(Exception):
    """A submission that cannot be loaded; carries every blocking issue."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("\n".join(str(i) for i in issues))
