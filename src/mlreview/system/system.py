"""A validated manifest with an id index, positions and lineage lookups."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import NamedTuple

from mlreview.system.manifest import (
    COMPONENT_SECTIONS,
    Component,
    Endpoint,
    Feature,
    Manifest,
    Model,
    Node,
    Pipeline,
    Source,
    Suppression,
)
from mlreview.system.recall import Recall
from mlreview.system.yaml_source import Document


class Edge(NamedTuple):
    source: str
    target: str
    loop: bool
    serving: bool


@dataclass(frozen=True)
class Defaults:
    """What a repository's configuration sets for the reviews of its manifests: the growth
    target when a manifest declares none, and thresholds of rules that have them (by rule code,
    then threshold name). Never a manifest value: what the manifest leaves unknown stays so."""

    growth_target: float = 10.0
    thresholds: tuple[tuple[str, tuple[tuple[str, float], ...]], ...] = ()

    def thresholds_of(self, rule: str) -> dict[str, float]:
        return dict(next((values for code, values in self.thresholds if code == rule), ()))


class System:
    """The reviewed system: the manifest, where each value sits in the file, and its lineage."""

    def __init__(
        self,
        manifest: Manifest,
        doc: Document,
        defaults: Defaults = Defaults(),
        components: dict[str, Component] | None = None,
    ) -> None:
        """``components``: the id index of ``manifest``, when the caller has it."""
        self.manifest = manifest
        self.doc = doc
        self.defaults = defaults
        self._walks: dict[tuple[str, bool], frozenset[str]] = {}
        self._refreshers: dict[str, list[str]] = {}
        self._kinds: dict[tuple[frozenset[str], str], list[str]] = {}
        self._model_features: dict[str, list[Feature]] = {}
        self._model_feature_ids: dict[str, frozenset[str]] = {}
        self._refreshed_nodes: dict[str, tuple[tuple[Feature, Pipeline], ...]] = {}
        self.recall = Recall()
        """Per-component results kept for what-if reviews (set by the review engine)."""
        self.components: dict[str, Component] = {}
        if components is not None:
            self.components = components
            return
        for section in COMPONENT_SECTIONS:
            for comp in getattr(manifest, section):
                self.components.setdefault(comp.id, comp)

    def with_defaults(self, defaults: Defaults) -> System:
        """The same system reviewed under a configuration's defaults."""
        other = self.with_manifest(self.manifest)
        other.defaults = defaults
        return other

    @property
    def file(self) -> str:
        return self.doc.file

    @property
    def name(self) -> str:
        return self.manifest.system.name

    def position(self, node: Node, field: str | None = None) -> tuple[int, int]:
        """1-based (line, column) of ``node``'s ``field`` or of the node itself."""
        if field is not None:
            path = (*node.path, field)
            if path in self.doc.values:
                return self.doc.values[path]
        return self.doc.position(node.path)

    def line(self, node: Node, field: str | None = None) -> int:
        return self.position(node, field)[0]

    @property
    def marked_lines(self) -> frozenset[int]:
        """Lines whose comment marks their values as inferred, assumed or guessed (found once
        when the file is read: what-if copies of the system share the document)."""
        return self.doc.marked_lines

    def label(self, path: tuple[str | int, ...]) -> str:
        """'features[txn_count].serving', naming list items by id where they have one."""
        return self.doc.label(path)

    @cached_property
    def suppressions(self) -> list[tuple[Node, Suppression]]:
        """(owner, suppression) for every ``suppress`` entry in the manifest, in file order."""
        found: list[tuple[Node, Suppression]] = []

        def visit(node: Node) -> None:
            for name in type(node).model_fields:
                value = getattr(node, name)
                for item in value if isinstance(value, list) else [value]:
                    if isinstance(item, Suppression):
                        found.append((node, item))
                    elif isinstance(item, Node):
                        visit(item)

        visit(self.manifest)
        return found

    # --- lookups ----------------------------------------------------------------------------

    def get(self, ident: str) -> Component | None:
        return self.components.get(ident)

    def model_features(self, model: Model) -> list[Feature]:
        if model.features is None:
            return list(self.manifest.features)
        found = self._model_features.get(model.id)
        if found is None:
            wanted = set(model.features)
            found = [f for f in self.manifest.features if f.id in wanted]
            self._model_features[model.id] = found
        return list(found)

    def model_feature_ids(self, model: Model) -> frozenset[str]:
        """The ids of ``model_features(model)``, for membership tests (built once per model and
        System: a membership scan per finding was quadratic in the manifest)."""
        found = self._model_feature_ids.get(model.id)
        if found is None:
            found = frozenset(f.id for f in self.model_features(model))
            self._model_feature_ids[model.id] = found
        return found

    @cached_property
    def _endpoints_by_model(self) -> dict[str, list[Endpoint]]:
        out: dict[str, list[Endpoint]] = {}
        for e in self.manifest.endpoints:
            out.setdefault(e.model, []).append(e)
        return out

    def endpoints_of(self, model: Model) -> list[Endpoint]:
        return list(self._endpoints_by_model.get(model.id, ()))

    def model_of(self, endpoint: Endpoint) -> Model:
        comp = self.components[endpoint.model]
        assert isinstance(comp, Model)
        return comp

    def online_endpoints(self) -> list[Endpoint]:
        return [e for e in self.manifest.endpoints if e.mode != "batch"]

    def training_pipeline(self, model: Model) -> Pipeline | None:
        if model.training and model.training.pipeline:
            comp = self.components.get(model.training.pipeline)
            return comp if isinstance(comp, Pipeline) else None
        return None

    # --- lineage ----------------------------------------------------------------------------

    @cached_property
    def _flow(self) -> dict[str, list[str]]:
        """Reverse edges among sources, pipelines and stores only."""
        back: dict[str, list[str]] = {}
        for p in self.manifest.pipelines:
            back.setdefault(p.id, []).extend(p.inputs)
            for o in p.outputs:
                back.setdefault(o, []).append(p.id)
        return back

    @cached_property
    def _flow_walks(self) -> dict[str, frozenset[str]]:
        return {}

    def _flow_upstream(self, ident: str) -> frozenset[str]:
        walks = self._flow_walks
        if ident in walks:
            return walks[ident]
        seen: set[str] = set()
        todo = [ident]
        while todo:
            for prev in self._flow.get(todo.pop(), []):
                if prev not in seen:
                    seen.add(prev)
                    todo.append(prev)
        walks[ident] = frozenset(seen)
        return walks[ident]

    @cached_property
    def _writers(self) -> dict[str, list[Pipeline]]:
        out: dict[str, list[Pipeline]] = {}
        for p in self.manifest.pipelines:
            for o in dict.fromkeys(p.outputs):
                out.setdefault(o, []).append(p)
        return out

    def writers(self, ident: str) -> list[Pipeline]:
        """Pipelines that write into a store or source."""
        return list(self._writers.get(ident, ()))

    @cached_property
    def _readers(self) -> dict[str, list[str]]:
        out: dict[str, list[str]] = {}
        for p in self.manifest.pipelines:
            for i in dict.fromkeys(p.inputs):
                out.setdefault(i, []).append(p.id)
        return out

    def readers(self, ident: str) -> list[Pipeline]:
        """Pipelines that read a source, store or pipeline, in manifest order."""
        return [self._pipeline(i) for i in self._readers.get(ident, ())]

    @cached_property
    def _endpoints_reached(self) -> dict[str, tuple[str, ...]]:
        return {}

    def endpoints_reached(self, ident: str) -> tuple[str, ...]:
        """Ids of the endpoints downstream of ``ident``."""
        cache = self._endpoints_reached
        if ident not in cache:
            cache[ident] = tuple(
                i for i in self.downstream(ident) if isinstance(self.components.get(i), Endpoint)
            )
        return cache[ident]

    def refreshers(self, feature: Feature) -> list[Pipeline]:
        """Pipelines that refresh the data a feature is served from.

        A shared store is written by many jobs; only those reading the feature's sources (or
        anything upstream of them) refresh this feature.
        """
        if feature.id not in self._refreshers:
            self._refreshers[feature.id] = self._refresher_ids(feature)
        return [self._pipeline(i) for i in self._refreshers[feature.id]]

    def _pipeline(self, ident: str) -> Pipeline:
        comp = self.components[ident]
        assert isinstance(comp, Pipeline)
        return comp

    def _refresher_ids(self, feature: Feature) -> list[str]:
        if feature.pipeline:
            return [feature.pipeline]
        target_ids = [feature.store] if feature.store else list(feature.sources)
        if not feature.store or not feature.sources:
            return sorted({p.id for t in target_ids for p in self.writers(t)})
        lineage = set(feature.sources)
        for s in feature.sources:
            lineage |= self._flow_upstream(s)
        # The store's writers whose upstream meets the feature's lineage, found from each
        # lineage node rather than by testing every writer: a store shared by every job
        # would make this features x jobs.
        by_node = self._writers_from(feature.store)
        return sorted({p for node in lineage for p in by_node.get(node, ())})

    @cached_property
    def _writers_upstream(self) -> dict[str, dict[str, list[str]]]:
        return {}

    def _writers_from(self, store: str) -> dict[str, list[str]]:
        """For each component upstream of a writer of ``store``: the writers it flows into."""
        cache = self._writers_upstream
        if store not in cache:
            by_node: dict[str, list[str]] = {}
            for p in self.writers(store):
                for node in self._flow_upstream(p.id):
                    by_node.setdefault(node, []).append(p.id)
            cache[store] = by_node
        return cache[store]

    @cached_property
    def _feature_origins(self) -> dict[str, frozenset[str]]:
        """Per feature with declared sources: those sources and everything upstream of them."""
        out = {}
        for f in self.manifest.features:
            if f.sources:
                origins = set(f.sources)
                for s in f.sources:
                    origins |= self._flow_upstream(s)
                out[f.id] = frozenset(origins)
        return out

    def features_fed_by(self, ident: str) -> list[str]:
        """Features computed from source ``ident``: those whose declared ``sources`` name it or
        something it flows into; a feature that declares none, by lineage. A job that reads
        several sources into one store does not make each of them feed every feature there."""
        fed, unsourced = self._fed
        down = self.downstream(ident)
        return sorted([*fed.get(ident, ()), *(f for f in unsourced if f in down)])

    def features_of(self, ident: str) -> frozenset[str]:
        """Features a component's failure reaches: those it feeds (``features_fed_by``), those
        served from it (their store) and those it refreshes (a job)."""
        held = self._held.get(ident, frozenset())
        return frozenset(self.features_fed_by(ident)) | held

    @cached_property
    def _held(self) -> dict[str, frozenset[str]]:
        """Per store and per job: the features served from it or refreshed by it."""
        out: dict[str, set[str]] = {}
        for f in self.manifest.features:
            for ident in {*([f.store] if f.store else []), *(p.id for p in self.refreshers(f))}:
                out.setdefault(ident, set()).add(f.id)
        return {k: frozenset(v) for k, v in out.items()}

    @cached_property
    def _refreshed(self) -> dict[str, list[tuple[str, str]]]:
        """Per job and per component upstream of a job: the (feature, job) pairs whose refresh
        it feeds, features in manifest order, each feature's jobs in ``refreshers`` order."""
        out: dict[str, list[tuple[str, str]]] = {}
        for f in self.manifest.features:
            for pipe in self.refreshers(f):
                for ident in {pipe.id, *self.upstream(pipe.id)}:
                    out.setdefault(ident, []).append((f.id, pipe.id))
        return out

    def refreshed_from(self, ident: str) -> list[tuple[Feature, Pipeline]]:
        """The features whose refresh ``ident`` feeds, each with the job refreshing it (found
        once per component of this system: the failure modes ask for each, the plan's what-ifs
        again)."""
        found = self._refreshed_nodes.get(ident)
        if found is None:
            pairs = []
            for feature_id, pipe_id in self._refreshed.get(ident, ()):
                feature = self.components[feature_id]
                assert isinstance(feature, Feature)
                pairs.append((feature, self._pipeline(pipe_id)))
            found = self._refreshed_nodes[ident] = tuple(pairs)
        return list(found)

    @cached_property
    def _fed(self) -> tuple[dict[str, list[str]], list[str]]:
        """Features by each of their origins, and the features without declared sources."""
        fed: dict[str, list[str]] = {}
        unsourced: list[str] = []
        origins = self._feature_origins
        for f in self.manifest.features:
            if f.id not in origins:
                unsourced.append(f.id)
                continue
            for ident in origins[f.id]:
                fed.setdefault(ident, []).append(f.id)
        return fed, unsourced

    def index(self) -> None:
        """Compute the lineage lookups now (they depend only on ids and references)."""
        lookups = (
            "_adjacency",
            "_flow_adjacency",
            "_feature_origins",
            "_fed",
            "_held",
            "_readers",
            "_scoring_reads",
        )
        for lookup in lookups:
            getattr(self, lookup)

    def with_manifest(self, manifest: Manifest) -> System:
        """The same file with a manifest whose ids and references are unchanged (what-if runs
        change only scalar fields), sharing the lineage already computed."""
        other = System(manifest, self.doc, self.defaults, self._components_of(manifest))
        other._walks = self._walks
        other._refreshers = self._refreshers
        other._kinds = self._kinds
        for cached in (
            "_flow",
            "_edges",
            "_adjacency",
            "_flow_adjacency",
            "suppressions",
            "_feature_origins",
            "_fed",
            "_held",
            "_refreshed",
            "_flow_walks",
            "_writers_upstream",
            "_endpoints_reached",
            "_readers",
            "_scoring_reads",
        ):
            if cached in self.__dict__:
                other.__dict__[cached] = self.__dict__[cached]
        return other

    def _components_of(self, manifest: Manifest) -> dict[str, Component] | None:
        """The id index of ``manifest``, which has this system's ids, from this system's: only
        the sections a what-if replaced (``with_value`` copies the nodes on its path alone) are
        walked, each item compared by identity (the whole manifest was walked per what-if, 660
        times for the questions on 300 features). None when the ids differ after all."""
        out = dict(self.components)
        for section in COMPONENT_SECTIONS:
            now, before = getattr(manifest, section), getattr(self.manifest, section)
            if now is before:
                continue
            if len(now) != len(before):
                return None
            for new, old in zip(now, before, strict=True):
                if new is old:
                    continue
                if new.id != old.id:
                    return None
                ident = new.id
                if out.get(ident) is old:  # the first of a repeated id is the one indexed
                    out[ident] = new
        return out

    @cached_property
    def _edges(self) -> list[Edge]:
        """Lineage: sources -> pipelines -> stores -> features -> models -> endpoints.

        ``loop`` marks feedback edges (predictions back into data); ``serving`` marks
        store -> feature reads, which a walk follows only when it starts at the store.
        """
        edges: list[Edge] = []

        def edge(a: str, b: str, *, loop: bool = False, serving: bool = False) -> None:
            edges.append(Edge(a, b, loop, serving))

        for p in self.manifest.pipelines:
            for i in p.inputs:
                edge(i, p.id)
            for o in p.outputs:
                edge(p.id, o)
        for f in self.manifest.features:
            for s in f.sources:
                edge(s, f.id)
            if f.store:
                edge(f.store, f.id, serving=True)
                for p in self.refreshers(f):
                    edge(p.id, f.id)
            if f.derived_from_model:
                edge(f.derived_from_model, f.id, loop=True)
        for m in self.manifest.models:
            for f in self.model_features(m):
                edge(f.id, m.id)
            pipe = self.training_pipeline(m)
            if pipe:
                edge(pipe.id, m.id)
        for e in self.manifest.endpoints:
            edge(e.model, e.id)
            for d in e.dependencies:
                edge(d.target, e.id)
        for src in self.manifest.sources:
            if src.produced_by_model:
                edge(src.produced_by_model, src.id, loop=True)
        for loop in self.manifest.feedback:
            if loop.label and loop.label.source:
                edge(loop.label.source, loop.model, loop=True)
        return edges

    @cached_property
    def _adjacency(self) -> tuple[dict[str, list[Edge]], dict[str, list[Edge]]]:
        out: dict[str, list[Edge]] = {}
        into: dict[str, list[Edge]] = {}
        for e in self._edges:
            out.setdefault(e.source, []).append(e)
            into.setdefault(e.target, []).append(e)
        return out, into

    @cached_property
    def _flow_adjacency(self) -> tuple[dict[str, list[str]], dict[str, list[str]]]:
        """The neighbours along edges a walk follows past its start (neither feedback nor
        serving edges): a shared online store has thousands of serving edges, which every walk
        through it would otherwise test and skip."""
        out: dict[str, list[str]] = {}
        into: dict[str, list[str]] = {}
        for e in self._edges:
            if not (e.loop or e.serving):
                out.setdefault(e.source, []).append(e.target)
                into.setdefault(e.target, []).append(e.source)
        return out, into

    def _walk(self, start: str, forward: bool) -> frozenset[str]:
        key = (start, forward)
        if key in self._walks:
            return self._walks[key]
        onward = self._flow_adjacency[0 if forward else 1]
        seen: set[str] = set()
        todo = []
        for e in self._adjacency[0 if forward else 1].get(start, []):
            nxt = e.target if forward else e.source
            if e.loop or nxt in seen:
                continue
            seen.add(nxt)
            if forward or not e.serving:
                todo.append(nxt)
        while todo:
            for nxt in onward.get(todo.pop(), ()):
                if nxt not in seen:
                    seen.add(nxt)
                    todo.append(nxt)
        seen.discard(start)
        self._walks[key] = frozenset(seen)
        return self._walks[key]

    def downstream(self, ident: str) -> frozenset[str]:
        """Everything that reads, directly or not, from ``ident`` (feedback edges excluded)."""
        return self._walk(ident, forward=True)

    def upstream(self, ident: str) -> frozenset[str]:
        """Everything ``ident`` reads from, directly or not (feedback edges excluded)."""
        return self._walk(ident, forward=False)

    def edges(self) -> list[Edge]:
        """Every lineage edge, feedback edges included (``loop`` marks them)."""
        return list(self._edges)

    def loops(self) -> list[Edge]:
        """Feedback edges: predictions flowing back into data or labels."""
        return [e for e in self._edges if e.loop]

    def of_kind(self, idents: frozenset[str] | set[str], kind: str) -> list[str]:
        if not isinstance(idents, frozenset):
            return sorted(i for i in idents if kind == self.components[i].KIND)
        # Kept per set (a lineage walk's, shared by what-if copies: ids and kinds stay).
        found = self._kinds.get((idents, kind))
        if found is None:
            found = sorted(i for i in idents if kind == self.components[i].KIND)
            self._kinds[idents, kind] = found
        return list(found)

    def scoring_reads(self, endpoint: Endpoint) -> list[str]:
        """Components an endpoint reads each time it scores: its dependencies and the stores
        (or, without a store, the sources) of its model's features. A stream is not read per
        request: a feature built from one with no store named reaches serving the way the
        manifest does not say, so only an endpoint that consumes streams (mode streaming) or
        calls it as a dependency reads it (a log the training examples come from is not on
        the serving path)."""
        return list(self._scoring_reads[endpoint.id])

    @cached_property
    def _scoring_reads(self) -> dict[str, tuple[str, ...]]:
        """``scoring_reads`` of every endpoint, by id: only references and the kinds and modes
        that are required fields are read (dependencies' targets, the model, its features'
        stores and sources, a source's kind, an endpoint's mode), so it is found once and
        shared with what-if copies, like the lineage. Each online endpoint's was found again
        at every scenario whose effect names what is served (the 129 scenarios of a
        5,000-feature manifest walked its 5,000 features 429 times, 3.2 million noted reads)."""
        out: dict[str, tuple[str, ...]] = {}
        for endpoint in self.manifest.endpoints:
            reads = {d.target for d in endpoint.dependencies}
            for f in self.model_features(self.model_of(endpoint)):
                if f.store:
                    reads.add(f.store)
                else:
                    reads.update(s for s in f.sources if self._read_per_request(endpoint, s))
            out[endpoint.id] = tuple(sorted(reads))
        return out

    def _read_per_request(self, endpoint: Endpoint, ident: str) -> bool:
        source = self.components.get(ident)
        return not (
            isinstance(source, Source) and source.kind == "stream" and endpoint.mode != "streaming"
        )

    def live_reads(self, endpoint: Endpoint) -> list[str]:
        """Components an online or streaming endpoint reads while answering a request."""
        return self.scoring_reads(endpoint) if endpoint.mode != "batch" else []

    def serving_sources(self) -> list[Source]:
        """Sources whose failure reaches online predictions without waiting for a retrain."""
        reached: set[str] = set()
        for e in self.online_endpoints():
            for ident in self.live_reads(e):
                reached.add(ident)
                reached |= self.upstream(ident)
        return [s for s in self.manifest.sources if s.id in reached]
