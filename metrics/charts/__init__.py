"""Chart snapshots in step with the data: engine inputs, one measure's recompute, bulk recompute.
May import: spc, dashboards (after a chart) and the foundation (models, periods, background)."""
