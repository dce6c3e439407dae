"""Improvement projects, change ideas and PDSA cycles (the cycles issue builds them here)."""
