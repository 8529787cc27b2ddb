"""An operation the squashed migrations share (issue 15, point 11: a fresh database migrates in seconds).

`CreateModels` is a list of `CreateModel` that re-renders Django's model state once instead of once per model.
After each state operation Django re-renders the changed model and every model related to it, recursively; as
nearly every model points at the user model, one `CreateModel` re-rendered nearly the whole project, and a fresh
`migrate` spent most of its time doing that (about 250 times). Here every model's state is added first, then the
new models and their relations are rendered together. The resulting state and the tables are exactly those of
the same `CreateModel`s run one by one (each creates its table through `CreateModel.database_forwards`).

`without_tables` names models of the list whose table another app's migration creates: a model that moved
between apps keeps its table (docs/architecture.md), so its new owner only learns of it (state only).

Not a migration: the loader skips modules whose name starts with an underscore.
"""

from __future__ import annotations

from django.db.migrations.operations.base import Operation, OperationCategory


class CreateModels(Operation):
    category = OperationCategory.ADDITION
    serialization_expand_args = ["operations"]

    def __init__(self, operations, without_tables=()):
        self.operations = list(operations)
        self.without_tables = tuple(without_tables)
        names = {operation.name_lower for operation in self.operations}
        unknown = {name.lower() for name in self.without_tables} - names
        if unknown:
            raise ValueError(f"without_tables names models not in the list: {sorted(unknown)}")

    def deconstruct(self):
        kwargs = {"without_tables": self.without_tables} if self.without_tables else {}
        return self.__class__.__qualname__, [self.operations], kwargs

    def _with_tables(self):
        skip = {name.lower() for name in self.without_tables}
        return [operation for operation in self.operations if operation.name_lower not in skip]

    def state_forwards(self, app_label, state):
        # While the state is not rendered, adding a model renders nothing ("apps" is a cached property: Django
        # itself tests `"apps" in state.__dict__`); then one reload renders the new models with their relations.
        apps = state.__dict__.pop("apps", None)
        try:
            for operation in self.operations:
                operation.state_forwards(app_label, state)
        finally:
            if apps is not None:
                state.__dict__["apps"] = apps
        state.reload_models([(app_label, operation.name_lower) for operation in self.operations], delay=False)

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        for operation in self._with_tables():
            operation.database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        for operation in reversed(self._with_tables()):
            operation.database_backwards(app_label, schema_editor, from_state, to_state)

    def references_model(self, name, app_label):
        return any(operation.references_model(name, app_label) for operation in self.operations)

    def describe(self):
        names = ", ".join(operation.name for operation in self.operations)
        if self.without_tables:
            return f"Create models {names} (tables of {', '.join(self.without_tables)} made elsewhere)"
        return f"Create models {names}"

    @property
    def migration_name_fragment(self):
        return "create_models"


class PartitionByRange(Operation):
    """Partition a table by a time column or by round on PostgreSQL (core.partitions.convert); nothing elsewhere.

    Django's model state does not change: the model keeps `id` as its key (the database's key becomes (id, column),
    which Django never needs to know: it reads and writes rows by id). Not reversible: going back would be a copy of
    every row, which is a decision for the operator, not a migration step."""

    reversible = False
    category = OperationCategory.ALTERATION

    def __init__(self, table, *, column, step):
        self.table, self.column, self.step = table, column, step

    def deconstruct(self):
        return self.__class__.__qualname__, [self.table], {"column": self.column, "step": self.step}

    def state_forwards(self, app_label, state):
        pass

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor != "postgresql":
            return
        from fangkong.core.partitions import convert

        with schema_editor.connection.cursor() as cursor:
            convert(cursor, self.table, self.column, self.step)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        raise NotImplementedError(f"{self.table} stays partitioned (see docs/partitions.md)")

    def describe(self):
        return f"Partition {self.table} by {self.step} of {self.column} (PostgreSQL)"

    @property
    def migration_name_fragment(self):
        return f"partition_{self.table}"
