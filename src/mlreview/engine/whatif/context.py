"""What the rest of the manifest says about an unknown field: a value it implies (so there is
nothing to ask), the physical limits of the values worth trying, and the role of the component
it belongs to (so one question only stands for components alike).

- **Implied values.** A feature with separate training and serving code is not defined once;
  one with the same code on both paths is. A dependency on a store without its own QPS limit
  is limited by the store's. A feature the serving path computes, logs or reads from a store an
  endpoint reads exists when the prediction is made.
- **Physical limits.** A call cannot take longer than its client's timeout; a feature cannot be
  fresher than the job that refreshes it makes it (its longest gap between runs plus the run
  time); only online stores and caches expire entries.
- **Roles.** Sources, stores and jobs of different kinds, sources on and off the serving path,
  and features served online or only in batch are asked about separately: a Kafka stream and
  an S3 bucket do not share an answer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from mlreview.areas.common import served_online
from mlreview.system.manifest import (
    Component,
    Dependency,
    Feature,
    Manifest,
    Node,
    Pipeline,
    Source,
    Store,
)
from mlreview.system.paths import Path, keys_of
from mlreview.system.system import System
from mlreview.system.units import Duration

OFFLINE_STORES = frozenset({"offline", "warehouse", "object_store"})


def component_at(system: System, path: Path) -> Component | None:
    """The list item a path runs through (``features[3]`` of ``features[3].store``)."""
    if len(path) < 2 or not isinstance(path[1], int):
        return None
    items = getattr(system.manifest, keys_of(Manifest).get(str(path[0]), ""), None)
    if isinstance(items, list) and path[1] < len(items):
        item = items[path[1]]
        return item if isinstance(item, Component) else None
    return None


def _shared_definition(system: System, f: Feature) -> bool | None:
    t = f.training.code if f.training else None
    s = f.serving.code if f.serving else None
    return (t == s) if t and s else None


def _dependency_limit(system: System, d: Dependency) -> float | None:
    limit = getattr(system.get(d.target), "max_qps", None)
    return float(limit) if limit else None


def _exists_at_prediction(system: System, f: Feature) -> bool | None:
    if f.serving is not None and f.serving.code:
        return True
    if f.logged_at_serving:
        return True
    if f.store and served_online(system, f):
        return True
    read_in_batch = f.store is not None and any(
        f.id in {g.id for g in system.model_features(system.model_of(e))}
        for e in system.manifest.endpoints
        if e.mode == "batch"
    )
    return True if read_in_batch else None


IMPLIED: dict[tuple[type[Node], str], Callable[[System, Any], Any]] = {
    (Feature, "shared_definition"): _shared_definition,
    (Feature, "available_at_prediction_time"): _exists_at_prediction,
    (Dependency, "max_qps"): _dependency_limit,
}


def implied(system: System, model: type[Node], name: str, owner: Node | None) -> Any:
    """The value the rest of the manifest implies for ``model.name`` on ``owner``, or None."""
    rule = IMPLIED.get((model, name))
    if rule is None or owner is None:
        return None
    return rule(system, owner)


def _refresh_age(system: System, f: Feature) -> float | None:
    """The oldest a healthy schedule lets the feature's served value get, in seconds."""
    ages = [
        p.schedule.longest_gap + (float(p.runtime) if p.runtime is not None else 0.0)
        for p in system.refreshers(f)
        if p.schedule is not None and not p.schedule.continuous
    ]
    return max(ages) if ages else None


def floor_and_ceiling(
    system: System, model: type[Node], name: str, owner: Node | None
) -> tuple[Any, Any] | None:
    """The physical limits of the values tried for ``model.name``; None for none."""
    if model is Dependency and name == "latency_ms" and isinstance(owner, Dependency):
        return (None, owner.timeout_ms) if owner.timeout_ms is not None else None
    if model is Feature and name == "freshness_budget" and isinstance(owner, Feature):
        age = _refresh_age(system, owner)
        if not age:
            return None
        hours = math.ceil(age / 3600 - 1e-9)
        return (Duration(hours * 3600.0, f"{hours}h"), None)
    return None


def never_here(model: type[Node], name: str, owner: Node | None) -> bool:
    """True when the field means nothing on this component (a TTL on a warehouse table)."""
    return (
        model is Store
        and name == "ttl"
        and isinstance(owner, Store)
        and (owner.kind in OFFLINE_STORES)
    )


def serving_ids(system: System) -> frozenset[str]:
    """The ids of the sources on the serving path (``System.serving_sources``)."""
    return frozenset(s.id for s in system.serving_sources())


def role(
    system: System, comp: Component | None, serving: frozenset[str] | None = None
) -> tuple[str, ...]:
    """What makes components alike for one question: their kind and the part they play.
    ``serving``: ``serving_ids(system)``, when the caller asks about many components (it walks
    every online endpoint's reads: 12% of the questions' CPU at 2,000 features, once per
    source asked about)."""
    if isinstance(comp, Source):
        on_path = comp.id in (serving if serving is not None else serving_ids(system))
        return (comp.kind, "serving" if on_path else "training")
    if isinstance(comp, Store | Pipeline):
        return (comp.kind,)
    if isinstance(comp, Feature):
        return ("online" if served_online(system, comp) else "batch",)
    mode = getattr(comp, "mode", None)
    return (mode,) if isinstance(mode, str) else ()
