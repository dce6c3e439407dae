"""Settings for `bench_pages.py`'s gunicorn only: the production settings, with the collected
static files in a temporary folder (whitenoise's manifest storage needs them when DEBUG is off)
so a benchmark never writes into the tree. Nothing else differs."""

import os

from qi_portal.settings import *  # noqa: F403

STATIC_ROOT = os.environ["QI_BENCH_STATIC_ROOT"]
