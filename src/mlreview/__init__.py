"""mlreview: architecture review for production machine-learning systems.

>>> import mlreview
>>> system = mlreview.load("examples/card-fraud/system.yaml")
>>> report = mlreview.review(system)
>>> report.top_risk.title  # doctest: +SKIP
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from mlreview._version import __version__

if TYPE_CHECKING:
    from mlreview.api import Review, load, loads, review
    from mlreview.areas.findings import Finding, Severity
    from mlreview.datasets.profile import Profile
    from mlreview.datasets.skew import Thresholds
    from mlreview.problems import InputError, Problem
    from mlreview.skew_api import SkewReport, profile, skew
    from mlreview.system.system import System

__all__ = [
    "Finding",
    "InputError",
    "Problem",
    "Profile",
    "Review",
    "Severity",
    "SkewReport",
    "System",
    "Thresholds",
    "__version__",
    "load",
    "loads",
    "profile",
    "review",
    "skew",
]

_LAZY = {
    "Finding": "mlreview.areas.findings",
    "InputError": "mlreview.problems",
    "Problem": "mlreview.problems",
    "Profile": "mlreview.datasets.profile",
    "Review": "mlreview.api",
    "Severity": "mlreview.areas.findings",
    "SkewReport": "mlreview.skew_api",
    "System": "mlreview.system.system",
    "Thresholds": "mlreview.datasets.skew",
    "load": "mlreview.api",
    "loads": "mlreview.api",
    "profile": "mlreview.skew_api",
    "review": "mlreview.api",
    "skew": "mlreview.skew_api",
}


def __getattr__(name: str) -> Any:
    """Import the public API on first use, so ``mlreview --help`` starts fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mlreview' has no attribute {name!r}")
