"""The example client's world: the API's measures and tokens (tests/api/conftest.py), and the
script loaded as a module from its file (scripts/ is not a package)."""

import importlib.util
import sys
from pathlib import Path

import pytest

from tests.api.conftest import make_token, measures  # noqa: F401
from tests.metrics.conftest import measure_factory, mondays  # noqa: F401

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "push_extract.py"


@pytest.fixture(scope="session")
def push_extract():
    spec = importlib.util.spec_from_file_location("push_extract", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules["push_extract"] = module  # its dataclasses look themselves up there
    spec.loader.exec_module(module)
    return module
