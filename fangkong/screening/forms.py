"""The base of screening's input schemas: core.forms.FormInput, with one rule more for its pages. A required date
or number left blank on a form (a shift's start, a test's day) was not given: it reads as missing (`required`,
naming the field), not as a value that cannot be read (`invalid`). A required text left blank is passed on as it
is, for the service to say what it needs (its own sentence, `required` too)."""

from __future__ import annotations

from fangkong.core import forms


class ScreeningInput(forms.FormInput):
    @classmethod
    def form_values(cls, post) -> dict:
        values = super().form_values(post)
        for name, field in cls.model_fields.items():
            value = values.get(name)
            if field.is_required() and field.annotation is not str and isinstance(value, str) and not value.strip():
                del values[name]
        return values
