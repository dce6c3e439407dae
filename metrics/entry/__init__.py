"""Entering data points: this period, the grid, corrections kept as revisions, typed numbers.
May import: charts (an entry marks its chart stale) and the foundation (models, periods)."""
