"""Small readings of the System that several areas share."""

from __future__ import annotations

from mlreview.system.manifest import Endpoint, Feature, Pipeline, Signal
from mlreview.system.system import System


def watched(signal: Signal | None) -> bool:
    """True when a monitor is declared as anything but false."""
    return signal is not None and signal is not False


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def ids(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def peak_qps(system: System, endpoint: Endpoint) -> float | None:
    """The endpoint's declared peak rate, else the system's."""
    for traffic in (endpoint.traffic, system.manifest.system.traffic):
        if traffic and traffic.peak_qps:
            return traffic.peak_qps
    return None


def multiplier(system: System, endpoint: Endpoint, override: float | None = None) -> float:
    """The growth target: as asked, else the endpoint's or the system's declared one, else the
    configuration's default (10 unless set)."""
    if override:
        return override
    for traffic in (endpoint.traffic, system.manifest.system.traffic):
        if traffic and traffic.growth_multiplier:
            return traffic.growth_multiplier
    return system.defaults.growth_target


def refresh_pipelines(system: System, feature: Feature) -> list[Pipeline]:
    return system.refreshers(feature)


def served_online(system: System, feature: Feature) -> bool:
    """Whether any online or streaming endpoint reads this feature."""
    live = {e.id for e in system.online_endpoints()}
    return bool(system.downstream(feature.id) & live)
