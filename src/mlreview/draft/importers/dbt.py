"""dbt artefacts, recognised by their schema URL: ``manifest.json`` (schema v1 to v12) gives the
model DAG as pipelines writing warehouse tables, sources and seeds with their declared
freshness, and tests as validation; ``run_results.json`` gives run times and failures;
``sources.json`` the age of each source at its last freshness check."""

from __future__ import annotations

import re
import statistics
from dataclasses import dataclass, field
from typing import Any, ClassVar

from mlreview.draft.importers.base import (
    Collector,
    Doc,
    Importer,
    Origin,
    items,
    mapping,
    quantity,
    seconds,
    text_of,
)

SCHEMA = re.compile(r"schemas\.getdbt\.com/dbt/(manifest|run-results|sources|catalog)/v(\d+)\.json")
SCHEMA_TESTS = ("not_null", "unique", "relationships", "unique_combination_of_columns")
RANGE_TESTS = ("accepted_values", "accepted_range", "expression_is_true", "not_accepted_values")
PERIODS = {"minute": "m", "hour": "h", "day": "d"}
MIN_RUNS_FOR_RATE = 3


def _schema(doc: Doc) -> tuple[str, int] | None:
    version = mapping(mapping(doc.data).get("metadata")).get("dbt_schema_version")
    match = SCHEMA.search(str(version or ""))
    return (match.group(1), int(match.group(2))) if match else None


def relation(node: dict[str, Any]) -> str | None:
    """'database.schema.table' of a node, without the quoting of its relation_name."""
    parts = [node.get("database"), node.get("schema")]
    parts.append(node.get("alias") or node.get("identifier") or node.get("name"))
    names = [str(p).strip('"`[]') for p in parts if text_of(p)]
    return ".".join(names) if len(names) >= 2 else None


@dataclass
class Project:
    """What the manifests say, by dbt unique_id: the manifest id each node became."""

    ids: dict[str, str] = field(default_factory=dict)
    pipelines: dict[str, str] = field(default_factory=dict)
    runs: dict[str, list[tuple[str, float | None, Doc]]] = field(default_factory=dict)


class Dbt(Importer):
    name: ClassVar[str] = "dbt"
    title: ClassVar[str] = "dbt"

    def claims(self, doc: Doc) -> bool:
        return _schema(doc) is not None

    def read(self, docs: list[Doc], out: Collector) -> None:
        project = Project()
        by_kind: dict[str, list[Doc]] = {}
        for doc in docs:
            found = _schema(doc)
            if found:
                by_kind.setdefault(found[0], []).append(doc)
        for doc in by_kind.get("manifest", []):
            _manifest(doc, project, out)
        for doc in by_kind.get("run-results", []):
            _run_results(doc, project, out)
        _history(project, out)
        for doc in by_kind.get("sources", []):
            _freshness_results(doc, project, out)
        for doc in by_kind.get("catalog", []):
            out.skip(
                doc,
                "a dbt catalog: column types and table statistics, nothing the manifest describes",
            )


def _manifest(doc: Doc, project: Project, out: Collector) -> None:
    data = mapping(doc.data)
    adapter = text_of(mapping(data.get("metadata")).get("adapter_type"))
    nodes = {str(k): mapping(v) for k, v in mapping(data.get("nodes")).items()}
    sources = {str(k): mapping(v) for k, v in mapping(data.get("sources")).items()}
    for uid, node in sorted(nodes.items()):
        if node.get("resource_type") == "seed":
            _seed(doc, uid, node, adapter, project=project, out=out)
    for uid, node in sorted(sources.items()):
        _source(doc, uid, node, adapter, project=project, out=out)
    models = {u: n for u, n in nodes.items() if n.get("resource_type") in ("model", "snapshot")}
    for uid, node in sorted(models.items()):
        _model_table(doc, uid, node, adapter, project=project, out=out)
    for uid, node in sorted(models.items()):
        _model(doc, uid, node, project, out)
    checks: dict[str, set[str]] = {}
    for node in nodes.values():
        if node.get("resource_type") != "test":
            continue
        name = str(mapping(node.get("test_metadata")).get("name") or "")
        for target in items(mapping(node.get("depends_on")).get("nodes")):
            if str(target) in project.pipelines:
                checks.setdefault(str(target), set()).add(name)
    for uid, names in sorted(checks.items()):
        pipeline = project.pipelines[uid]
        origin = Origin(doc, f"tests on {uid}: {', '.join(sorted(n or 'custom' for n in names))}")
        if names & set(SCHEMA_TESTS):
            out.put(("pipelines", pipeline, "validation", "schema"), True, origin)
        if names & set(RANGE_TESTS):
            out.put(("pipelines", pipeline, "validation", "ranges"), True, origin)


def _freshness(
    doc: Doc, key: tuple[str, str], criteria: dict[str, Any], where: str, out: Collector
) -> None:
    declared = {}
    for level in ("warn_after", "error_after"):
        rule = mapping(criteria.get(level))
        count, period = quantity(rule.get("count")), PERIODS.get(str(rule.get("period")))
        if count and period:
            declared[level] = f"{count:g}{period}"
    if not declared:
        return
    shown = ", ".join(f"{k} {v}" for k, v in declared.items())
    if "error_after" in declared:
        signal, why = "alert", f"{where}.freshness {shown}: an error fails `dbt source freshness`"
    else:
        signal, why = "dashboard", f"{where}.freshness {shown}: a warning only"
    out.put((*key, "monitors", "freshness"), signal, Origin(doc, why))


def _source(
    doc: Doc,
    uid: str,
    node: dict[str, Any],
    adapter: str | None,
    *,
    project: Project,
    out: Collector,
) -> None:
    name = relation(node) or str(node.get("name") or uid)
    where = f"sources.{uid}"
    seeded = out.draft.has("sources", name)  # a source declared on a table a seed loads
    kind = {} if seeded else {"kind": "batch_table"}
    ident = out.component("sources", name, Origin(doc, where), **kind)
    if ident is None:
        return
    project.ids[uid] = ident
    if adapter:
        out.put(("sources", ident, "technology"), adapter, Origin(doc, "metadata.adapter_type"))
    _freshness(doc, ("sources", ident), mapping(node.get("freshness")), where, out)


def _seed(
    doc: Doc,
    uid: str,
    node: dict[str, Any],
    adapter: str | None,
    *,
    project: Project,
    out: Collector,
) -> None:
    name = relation(node) or str(node.get("name") or uid)
    origin = Origin(doc, f"nodes.{uid} (a seed: a CSV kept in the project's repository)")
    ident = out.component("sources", name, origin, kind="lookup_table")
    if ident is None:
        return
    project.ids[uid] = ident
    out.put(("sources", ident, "versioned_snapshot"), True, origin)
    if adapter:
        out.put(("sources", ident, "technology"), adapter, Origin(doc, "metadata.adapter_type"))


def _model_table(
    doc: Doc,
    uid: str,
    node: dict[str, Any],
    adapter: str | None,
    *,
    project: Project,
    out: Collector,
) -> None:
    materialized = str(mapping(node.get("config")).get("materialized") or "")
    table = relation(node)
    if materialized == "ephemeral" or table is None:
        return
    origin = Origin(doc, f"nodes.{uid} (materialized {materialized or 'as configured'})")
    ident = out.component("stores", table, origin, kind="warehouse")
    if ident is None:
        return
    project.ids[uid] = ident
    if adapter:
        out.put(("stores", ident, "technology"), adapter, Origin(doc, "metadata.adapter_type"))


def _model(doc: Doc, uid: str, node: dict[str, Any], project: Project, out: Collector) -> None:
    origin = Origin(doc, f"nodes.{uid}")
    pipeline = out.component("pipelines", uid, origin, kind="etl")
    if pipeline is None:
        return
    project.pipelines[uid] = pipeline
    out.put(("pipelines", pipeline, "engine"), "dbt", origin)
    inputs = []
    for parent in items(mapping(node.get("depends_on")).get("nodes")):
        target = project.ids.get(str(parent)) or project.pipelines.get(str(parent))
        if target is None and str(parent) in project.ids.values():
            target = str(parent)
        if target is not None:
            inputs.append(target)
        elif not str(parent).startswith(("macro.", "test.", "metric.", "semantic_model.")):
            out.note(doc, f"nodes.{uid}: depends on {parent}, which is not in the manifest")
    if inputs:
        out.put(
            ("pipelines", pipeline, "inputs"),
            sorted(set(inputs)),
            Origin(doc, f"nodes.{uid}.depends_on.nodes"),
        )
    if uid in project.ids:
        out.put(
            ("pipelines", pipeline, "outputs"),
            [project.ids[uid]],
            Origin(doc, f"nodes.{uid} relation"),
        )


def _run_results(doc: Doc, project: Project, out: Collector) -> None:
    results = [mapping(r) for r in items(mapping(doc.data).get("results"))]
    models = [
        r for r in results if str(r.get("unique_id") or "").startswith(("model.", "snapshot."))
    ]
    if not models:
        out.skip(doc, "run results of tests and seeds only: no model run times")
        return
    for r in models:
        status = str(r.get("status") or "")
        project.runs.setdefault(str(r["unique_id"]), []).append(
            (status, quantity(r.get("execution_time")), doc)
        )


def _history(project: Project, out: Collector) -> None:
    for uid, runs in sorted(project.runs.items()):
        doc = runs[0][2]
        pipeline = project.pipelines.get(uid)
        if pipeline is None:
            origin = Origin(doc, f"results {uid}")
            pipeline = out.component("pipelines", uid, origin, kind="etl")
            if pipeline is None:
                continue
            out.put(("pipelines", pipeline, "engine"), "dbt", origin)
            project.pipelines[uid] = pipeline
        ok = sorted(t for s, t, _ in runs if s == "success" and t is not None)
        if ok and statistics.median(ok) > 0:
            middle = statistics.median(ok)
            many = f", median of {len(ok)} runs" if len(ok) > 1 else ""
            what = f"results {uid}: execution_time{many}"
            out.put(("pipelines", pipeline, "runtime"), seconds(middle), Origin(doc, what))
        failed = [s for s, _, _ in runs if s in ("error", "fail")]
        if len(runs) >= MIN_RUNS_FOR_RATE:
            what = f"results {uid}: {len(failed)} of {len(runs)} runs ended in error"
            out.put(
                ("pipelines", pipeline, "failure_rate"),
                round(len(failed) / len(runs), 4),
                Origin(doc, what),
            )
        elif failed:
            out.note(
                doc, f"results {uid}: status {failed[0]}; {len(runs)} runs give no failure rate"
            )
        for _, _, other in runs[1:]:
            if other is not doc:
                out.folded(other)


def _freshness_results(doc: Doc, project: Project, out: Collector) -> None:
    for r in (mapping(x) for x in items(mapping(doc.data).get("results"))):
        uid = str(r.get("unique_id") or "")
        if not uid.startswith("source."):
            continue
        ident = project.ids.get(uid)
        if ident is None:
            name = ".".join(uid.split(".")[2:]) or uid
            ident = out.component(
                "sources", name, Origin(doc, f"results {uid}"), kind="batch_table"
            )
            if ident is None:
                continue
            project.ids[uid] = ident
        age = quantity(r.get("max_loaded_at_time_ago_in_s"))
        if age is not None and age > 0:
            when = r.get("snapshotted_at")
            what = f"results {uid}: max_loaded_at_time_ago_in_s (at snapshotted_at {when})"
            out.put(("sources", ident, "freshness"), seconds(round(age)), Origin(doc, what))
        _freshness(doc, ("sources", ident), mapping(r.get("criteria")), f"results {uid}", out)
