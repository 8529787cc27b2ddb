"""Epidemiology over the cases: transmission chains (`chains`), clusters and their suggestions (`clusters`,
`suggestions`), and the epidemic curve (`epicurve`). Reads are scoped to the viewer like the cases themselves
(Cap.STATUS_VIEW); grouping cases into clusters is case work (Cap.CASE_WORK)."""

from __future__ import annotations
