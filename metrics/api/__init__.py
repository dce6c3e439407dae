"""The API for a trust's warehouse and tools: measures, batches of data points, charts (issue 14).
May import: entry, measures, charts, dashboards, the foundation (models, periods), teams' API."""
