"""What every sheet's import answers (rosters, the tree, units, places, staff): how many rows made something, changed
something or found it as it was, and each rejected row with its row number, column, message and code."""

from __future__ import annotations

from dataclasses import dataclass, field

from fangkong.core.errors import FieldError


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[dict] = field(default_factory=list)

    def reject(self, row: int, exc: FieldError) -> None:
        """Row `row` refused for `exc` (its column, message and code)."""
        self.rejected.append({"row": row, "field": exc.field, "message": exc.message, "code": exc.code})

    def as_dict(self) -> dict:
        return {
            "created": self.created,
            "updated": self.updated,
            "unchanged": self.unchanged,
            "rejected": self.rejected,
        }
