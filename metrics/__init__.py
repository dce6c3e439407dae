"""Measures, data, charts and dashboards: the top floor of the portal (teams <- cycles <- metrics).

One package per idea; each package's docstring says what it holds and what it may import, and
tests/architecture keeps them to it. From the ground up:

- spc/         the SPC engine: pure numpy, no Django (DESIGN §5)
- drawing/     the chart drawn: Plotly figure, Making Data Count icons, text alternative (no Django)
- models.py, periods.py, background.py   the foundation: tables, periods, enqueueing tasks by name
- dashboards/  trust, directorate and team dashboards: figures, recompute, cache, pages, views
- charts/      chart snapshots in step with the data: one measure, or a trust in bulk
- entry/       entering data: this period, the grid, revisions
- imports/     importing a paste or file: parsing, import jobs
- measures/    measures, phases and baselines, the measure page
- workers/     the sweep and the worker check
- demo/        the demo trust and the large trust
- tasks.py     Celery tasks: thin adapters over the services (imported only by apps.py)

Where a data entry goes: entry.services saves it and calls charts.recompute.measure_changed,
which enqueues the chart's recompute (background, after commit); the worker's recompute then
asks dashboards.recompute for the team's, directorate's and trust's dashboards.
"""
