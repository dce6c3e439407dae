"""Importing a paste or a file: reading the table, the import job's preview, save and progress.
May import: entry (its service saves the rows) and the foundation (models, background)."""
