"""What the Excel imports share: a problem found at a row and column of the file.

An import reads, checks every row, then writes all or nothing; it runs as a job (core.jobs) whose failed
result lists these errors, which the job page shows as a table (``components/import_errors.html``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RowError:
    """One problem: the row number as Excel shows it (None: the whole file), the column header, a Chinese
    message."""

    row: int | None
    column: str
    message: str

    def __str__(self) -> str:
        if self.row is None:
            return self.message
        where = f"第{self.row}行" + (f"「{self.column}」" if self.column else "")
        return f"{where}：{self.message}"

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "message": self.message}
