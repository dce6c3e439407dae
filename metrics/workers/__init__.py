"""Background work kept honest: the sweep that re-enqueues lost work, the worker check.
May import: the foundation only (models, background)."""
