from __future__ import annotations


class FieldError(ValueError):
    """Bad input, naming the field (and the row, for bulk input). Views and the API render it as such.

    `code` is stable (clients and tests match it, never the translated sentence): a short snake_case word such as
    "required", "invalid", "too_large", "not_allowed". The default "invalid" fits any malformed value."""

    def __init__(self, field: str, message: str, row: int | None = None, *, code: str = "invalid"):
        super().__init__(f"{field}: {message}")
        self.field = field
        self.message = str(message)
        self.row = row
        self.code = code

    def as_dict(self) -> dict:
        out: dict = {"field": self.field, "message": self.message, "code": self.code}
        if self.row is not None:
            out["row"] = self.row
        return out
