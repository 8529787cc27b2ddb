from __future__ import annotations


class FieldError(ValueError):
    """Bad input, naming the field (and the row, for bulk input). Views and the API render it as such."""

    def __init__(self, field: str, message: str, row: int | None = None):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = str(message)
        self.row = row

    def as_dict(self) -> dict:
        out: dict = {"field": self.field, "message": self.message}
        if self.row is not None:
            out["row"] = self.row
        return out
