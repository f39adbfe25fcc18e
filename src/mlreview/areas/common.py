"""Small readings of the System that several areas share."""

from __future__ import annotations

from dataclasses import dataclass

from mlreview.document.cells import duration, number, share
from mlreview.system.manifest import (
    Dependency,
    Endpoint,
    Feature,
    FeedbackLoop,
    Model,
    Node,
    Pipeline,
    Signal,
    Source,
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


@dataclass(frozen=True)
class Ingested:
    """Another party's source that a model's training data is built from: the feedback loops
    whose labels come from it (the source itself or a job it flows into) and the model's
    features computed from it."""

    source: Source
    labels: tuple[str, ...]
    features: tuple[str, ...]

    def words(self) -> str:
        """'the labels and a feature', 'the labels', '2 features'."""
        parts = ["the labels"] if self.labels else []
        if self.features:
            n = len(self.features)
            parts.append("a feature" if n == 1 else f"{n} features")
        return " and ".join(parts)


def ingested(system: System, model: Model, sources: list[str]) -> list[Ingested]:
    """Of ``sources``, those owned outside the model team (``owned_by_model_team: false``) that
    ``model``'s labels or features are built from, in the order given."""
    loops = [f for f in system.manifest.feedback if f.model == model.id]
    mine = system.model_feature_ids(model)
    out = []
    for ident in sources:
        s = system.get(ident)
        if not isinstance(s, Source) or s.owned_by_model_team is not False:
            continue
        labels = tuple(
            f.id
            for f in loops
            if f.label is not None
            and f.label.source is not None
            and (f.label.source == s.id or s.id in system.upstream(f.label.source))
        )
        features = tuple(x for x in system.features_fed_by(s.id) if x in mine)
        if labels or features:
            out.append(Ingested(s, labels, features))
    return out


def feature_window(feature: Feature) -> float | None:
    """A feature's declared aggregation window in seconds (training's, else serving's)."""
    for side in (feature.training, feature.serving):
        if side is not None and side.window is not None:
            return float(side.window)
    return None


def windowed_features(system: System, model: Model) -> list[tuple[Feature, float]]:
    """The model's features with a declared aggregation window (longer than none), most
    important first."""
    found = [(f, w) for f in system.model_features(model) if (w := feature_window(f)) and w > 0]
    return sorted(found, key=lambda fw: (fw[0].importance_rank or 10**6, fw[0].id))


def lag_words(period: float, window: float) -> str:
    """How far a mean over ``window`` has moved toward a step change ``period`` after it:
    '7 d / 91 d = 7.7%' (docs/plans.md: a mean over W moves t / W of a step in time t)."""
    return f"{duration(period)} / {duration(window)} = {share(min(1.0, period / window))}"


@dataclass(frozen=True)
class Proxied:
    """An input source standing in for an outcome measured elsewhere: the hand-refit models it
    feeds, and the source their labels come from that none of their inputs reads."""

    models: tuple[Model, ...]
    truth: Source
    loop: FeedbackLoop


def proxied(system: System, source: str) -> Proxied | None:
    """Where ``source`` feeds models that are refit only by hand (``training.automated: false``)
    with no model-age alert, and a feedback loop of theirs takes its labels straight from another
    source that feeds none of their features (the ground truth, measured elsewhere): whatever
    moves ``source`` without the outcome bends the relation they were fitted on until someone
    refits them. None otherwise."""
    fed = set(system.features_fed_by(source))
    models = [m for m in system.manifest.models if system.model_feature_ids(m) & fed]
    if not models or not all(m.training and m.training.automated is False for m in models):
        return None
    monitoring = system.manifest.monitoring
    freshness = monitoring.freshness if monitoring else None
    if freshness is not None and freshness.model_age not in (None, False):
        return None
    ids = {m.id for m in models}
    inputs = {f for m in models for f in system.model_feature_ids(m)}
    for loop in system.manifest.feedback:
        label = loop.label
        truth = system.get(label.source) if label and label.source else None
        if loop.model not in ids or not isinstance(truth, Source) or truth.id == source:
            continue
        if set(system.features_fed_by(truth.id)) & inputs:
            continue  # the truth is already an input
        return Proxied(tuple(models), truth, loop)
    return None


def third_party_label(system: System, loop: FeedbackLoop) -> str | None:
    """The id of the third party's platform a loop's labels arrive through (a source of kind
    third_party, or a pipeline reading one), else None: what arrives there is written by people
    the organisation does not control."""
    ident = loop.label.source if loop.label else None
    carrier = system.get(ident) if ident else None
    if isinstance(carrier, Source):
        return carrier.id if carrier.kind == "third_party" else None
    if isinstance(carrier, Pipeline):
        for i in carrier.inputs:
            fed = system.get(i)
            if isinstance(fed, Source) and fed.kind == "third_party":
                return fed.id
    return None


def unfiltered(system: System, loop: FeedbackLoop) -> list[str]:
    """The filters a loop's feedback lacks that matter for where it comes from: bots and
    poisoning when a third party's platform carries it; only bots when it is the system's own
    log of what its users did (a poisoning check there would vet the system's own records)."""
    filters = loop.quality_filters
    bots = filters.bots if filters else None
    poison = filters.poisoning if filters else None
    gaps = [] if bots else ["bot"]
    if third_party_label(system, loop) is not None and not poison:
        gaps.append("poisoning")
    return gaps
