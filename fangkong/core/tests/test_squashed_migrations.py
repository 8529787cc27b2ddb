"""The squashed migrations (issue 15, point 11): a fresh database goes through them, a database part-way through the
originals still can, and both end in the same models."""

from __future__ import annotations

import pytest
from django.db.migrations.loader import MigrationLoader

from fangkong.core.migrations._operations import CreateModels

OURS = {
    "core",
    "registry",
    "residents",
    "incidents",
    "screening",
    "testing",
    "containment",
    "portal",
    "command",
    "safety",
    "livelihood",
    "dataprotection",
}


def _fresh() -> MigrationLoader:
    return MigrationLoader(None, ignore_no_migrations=True)  # no database: nothing applied, the squashes are used


def _originals() -> MigrationLoader:
    """The graph of a database part-way through every squashed set: the originals, no squash."""
    loader = MigrationLoader(None, ignore_no_migrations=True, replace_migrations=False)
    for key, migration in loader.replacements.items():
        loader.graph.remove_replacement_node(key, migration.replaces)
    loader.graph.validate_consistency()
    return loader


def test_a_fresh_database_goes_through_the_squashed_migrations():
    loader = _fresh()
    plan = {key for leaf in loader.graph.leaf_nodes() for key in loader.graph.forwards_plan(leaf) if key[0] in OURS}
    replaced = {old for migration in loader.replacements.values() for old in migration.replaces}
    assert replaced
    assert not replaced & plan
    # 73 before the squash, 16 after; the migrations added since then come on top. Past 25, squash again.
    assert len(plan) <= 25, sorted(plan)


def test_the_originals_stay_and_end_where_the_squashed_migrations_end():
    fresh, originals = _fresh(), _originals()
    for migration in fresh.replacements.values():
        assert set(migration.replaces) <= set(originals.disk_migrations), migration  # why: core 0001_squashed_0009
    squashed, stepwise = fresh.project_state(), originals.project_state()
    assert set(squashed.models) == set(stepwise.models)
    for key, model_state in stepwise.models.items():
        assert squashed.models[key] == model_state, key  # fields, options (indexes, constraints, db_table)
        assert list(squashed.models[key].fields) == list(model_state.fields), key  # PostgreSQL's column order


def test_create_models_names_only_its_own_models():
    with pytest.raises(ValueError):
        CreateModels([], without_tables=["Nothing"])
