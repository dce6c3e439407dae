"""The demo trust's measures and data, and the large performance-test trust.
May import: charts, dashboards, measures, the foundation, cycles and teams (the top floor)."""
