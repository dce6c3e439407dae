"""Trust, directorate and team dashboards: figures, recompute, cache, pages, views, coach visits.
May import: spc, drawing (formats, icons) and evidence, the foundation (models, background),
cycles, teams."""
