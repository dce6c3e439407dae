"""Measures, their phases and baselines, and the measure page (chart part, data table, CSV).
May import: spc, drawing, evidence, charts, dashboards and the foundation (models, periods,
background)."""
