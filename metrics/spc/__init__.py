"""The SPC engine: pure numpy/pandas-free-of-Django statistics for QI Portal (DESIGN §5).

``analyse`` analyses one series; ``analyse_many`` many at once. Results are frozen dataclasses
whose ``to_dict()`` is the chart snapshot JSON. ``funnel`` compares units of different sizes
at one period (a funnel plot).
May import: nothing of the project (numpy, pandas and the standard library only).
"""

from .batch import analyse_many
from .engine import analyse
from .funnel import FunnelResult, FunnelUnit, funnel
from .result import SpcPhase, SpcPoint, SpcResult
from .validation import CHART_TYPES

__all__ = [
    "CHART_TYPES",
    "FunnelResult",
    "FunnelUnit",
    "SpcPhase",
    "SpcPoint",
    "SpcResult",
    "analyse",
    "analyse_many",
    "funnel",
]
