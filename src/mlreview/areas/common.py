"""Small readings of the System that several areas share."""

from __future__ import annotations

from mlreview.document.cells import number
from mlreview.system.manifest import (
    Dependency,
    Endpoint,
    Feature,
    Model,
    Node,
    Pipeline,
    Signal,
)
from mlreview.system.system import System


def watched(signal: Signal | None) -> bool:
    """True when a monitor is declared as anything but false."""
    return signal is not None and signal is not False


def plural(n: int, word: str, many: str | None = None) -> str:
    return f"{n} {word if n == 1 else (many or word + 's')}"


def either(ids: list[str], joint: str = "or", limit: int = 3) -> str:
    """'a', 'a or b', 'a, b or c', 'a, b or 2 others': roots in a title, where one verb serves
    each of them."""
    if len(ids) > limit:
        ids = [*ids[: limit - 1], f"{len(ids) - limit + 1} others"]
    return ids[0] if len(ids) == 1 else f"{', '.join(ids[:-1])} {joint} {ids[-1]}"


def possessive(name: str) -> str:
    """``name`` with its possessive ending: 'model_a's', and 'nightly_features'' for a name
    ending in s, which never doubles the s ('nightly_features's run')."""
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def worded(template: str, **names: str) -> str:
    """``template.format(**names)``, a ``{name}'s`` in it written with ``possessive``."""
    for key, value in names.items():
        template = template.replace(
            f"{{{key}}}'s", possessive(value).replace("{", "{{").replace("}", "}}")
        )
    return template.format(**names)


RAW_INPUT_FAMILIES = ("transformer", "diffusion", "llm", "gpt", "generation", "generative")
"""Words in a model's family that name a model fed raw text or images, not engineered features."""


def raw_input(system: System, model: Model) -> bool:
    """A generative model (an LLM, an image generator) that declares no features: it reads the
    request itself, so findings about feature values computed twice or logged do not apply."""
    family = (model.family or "").lower()
    return not system.model_features(model) and any(w in family for w in RAW_INPUT_FAMILIES)


def trained_here(model: Model) -> bool:
    """The system trains this model: its training is automated, or names a pipeline or a
    cadence. A model only served here (an inference fleet serving models trained elsewhere,
    `training: {automated: false}` and nothing more) is not faulted for how it learns."""
    t = model.training
    return t is None or bool(t.automated or t.pipeline or t.cadence)


def ids(items: list[str]) -> str:
    return ", ".join(items) if items else "none"


def peak_qps(system: System, endpoint: Endpoint) -> tuple[float | None, str | None]:
    """The endpoint's declared peak rate, else its share of the system's, with a note when it
    is a share: endpoints in the same mode serving the same model with no traffic of their own
    (one model on several platforms) split the system's peak evenly, since each request goes
    to one of them; counting the whole peak on each would size every one for all of it."""
    if endpoint.traffic and endpoint.traffic.peak_qps:
        return endpoint.traffic.peak_qps, None
    traffic = system.manifest.system.traffic
    if not (traffic and traffic.peak_qps):
        return None, None
    siblings = [
        e.id
        for e in system.manifest.endpoints
        if e.model == endpoint.model
        and (e.mode == "batch") == (endpoint.mode == "batch")
        and not (e.traffic and e.traffic.peak_qps)
    ]
    if len(siblings) <= 1:
        return traffic.peak_qps, None
    each = traffic.peak_qps / len(siblings)
    return each, (
        f"peak {number(each)} QPS: the system's {number(traffic.peak_qps)} QPS split evenly "
        f"over the {len(siblings)} endpoints serving {endpoint.model} with no traffic of their "
        f"own ({', '.join(siblings)}; assumed)"
    )


def peak_share_words(system: System, endpoint: Endpoint) -> str | None:
    """Where an endpoint's peak comes from when it is an even share of the system's, in words,
    so a review that grows it says which figure the manifest states: 'an even third of the
    system's 20,000 QPS peak, assumed'; None when the endpoint's peak is its own or the whole."""
    if endpoint.traffic and endpoint.traffic.peak_qps:
        return None
    traffic = system.manifest.system.traffic
    peak, note = peak_qps(system, endpoint)
    if note is None or peak is None or not (traffic and traffic.peak_qps):
        return None
    count = round(traffic.peak_qps / peak)
    part = {2: "half", 3: "third", 4: "quarter"}.get(count, f"1/{count}")
    return f"an even {part} of the system's {number(traffic.peak_qps)} QPS peak, assumed"


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


LOAD_MARGIN = 0.9
"""Refuse an output above this share of the most its consumer accepts (docs/plans.md)."""
LOAD_GROWTH = 1.5
"""...or above this multiple of what it holds today, whichever is lower (docs/plans.md)."""


def load_limit_words(endpoint: str, dep: Dependency) -> str | None:
    """'api accepts at most 200 entries of file (60 in use, 3.3x headroom)', when the
    dependency declares the consumer's limit."""
    limit = dep.load_limit
    if limit is None:
        return None
    text = f"{endpoint} accepts at most {number(limit.max_entries)} entries of {dep.target}"
    typical = limit.typical_entries
    if typical is None:
        return text
    headroom = limit.max_entries / typical
    return f"{text} ({number(typical)} in use, {headroom:.1f}x headroom)"


def load_ceiling(dep: Dependency) -> tuple[int, str] | None:
    """The entry count above which an output is refused before it ships, and its working:
    the lower of 90% of the consumer's limit and 1.5 times what the artefact holds today."""
    limit = dep.load_limit
    if limit is None:
        return None
    margin = int(LOAD_MARGIN * limit.max_entries)
    working = f"{LOAD_MARGIN:.0%} of the {number(limit.max_entries)} accepted"
    if limit.typical_entries is None:
        return margin, working
    grown = int(LOAD_GROWTH * limit.typical_entries)
    if grown < margin:
        return grown, f"{LOAD_GROWTH:g} times the {number(limit.typical_entries)} in use"
    return margin, working


def platform_of(endpoint: Endpoint) -> str | None:
    """What an endpoint's outputs depend on beyond the model: its accelerator (kernels and
    compiler), else its serving platform."""
    return endpoint.accelerator or endpoint.platform


def serving_platforms(system: System, endpoint: Endpoint) -> list[str]:
    """The distinct platforms serving the endpoint's model online, its own first, when there
    is more than one: the same model on different hardware or stacks, each with its own
    kernels, compiler and sampling code."""
    mine = platform_of(endpoint)
    if mine is None:
        return []
    others = [
        platform_of(e)
        for e in system.online_endpoints()
        if e.model == endpoint.model and e.id != endpoint.id
    ]
    found = list(dict.fromkeys([mine, *sorted(p for p in others if p is not None)]))
    return found if len(found) > 1 else []


def marked_inferred(system: System, node: Node, field: str) -> bool:
    """The manifest states ``field`` of ``node`` on a line it marks inferred."""
    path = (*node.path, field)
    return path in system.doc.values and system.line(node, field) in system.marked_lines
