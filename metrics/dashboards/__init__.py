"""Trust, directorate and team dashboards: figures, recompute, cache, pages, views, coach visits.
May import: spc and drawing (formats, icons), the foundation (models, background), cycles, teams."""
