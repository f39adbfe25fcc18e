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
    from mlreview.problems import InputError, Problem
    from mlreview.system.system import System

__all__ = [
    "Finding",
    "InputError",
    "Problem",
    "Review",
    "Severity",
    "System",
    "__version__",
    "load",
    "loads",
    "review",
]

_LAZY = {
    "Finding": "mlreview.areas.findings",
    "InputError": "mlreview.problems",
    "Problem": "mlreview.problems",
    "Review": "mlreview.api",
    "Severity": "mlreview.areas.findings",
    "System": "mlreview.system.system",
    "load": "mlreview.api",
    "loads": "mlreview.api",
    "review": "mlreview.api",
}


def __getattr__(name: str) -> Any:
    """Import the public API on first use, so ``mlreview --help`` starts fast."""
    if name in _LAZY:
        import importlib

        return getattr(importlib.import_module(_LAZY[name]), name)
    raise AttributeError(f"module 'mlreview' has no attribute {name!r}")
