"""OpenLineage run events (one event, a JSON list, or JSON lines; one run or many): jobs become
pipelines with their input and output datasets, the engine comes from the run and job facets,
run times from START to COMPLETE, failure rate and time to repair from FAIL history, and the
schema facets of final outputs become feature columns. Partial events (no runId, no eventTime,
test placeholders) are read for what they hold."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, ClassVar

from mlreview.draft.importers.base import (
    Collector,
    Doc,
    Importer,
    Origin,
    items,
    mapping,
    placeholder,
    seconds,
    text_of,
)

TERMINAL = ("COMPLETE", "FAIL", "ABORT")
EVENT_TYPES = ("START", "RUNNING", *TERMINAL, "OTHER")
FACET_ENGINES = ("airflow", "spark", "flink", "dbt")
"""Integrations whose run facets are named after them ('spark.logicalPlan', 'flink_job')."""
MIN_RUNS_FOR_RATE = 3
SCHEMES = {
    "kafka": ("stream", "kafka"),
    "postgres": ("database", "postgres"),
    "postgresql": ("database", "postgres"),
    "mysql": ("database", "mysql"),
    "bigquery": ("batch_table", "bigquery"),
    "snowflake": ("batch_table", "snowflake"),
    "redshift": ("batch_table", "redshift"),
    "hive": ("batch_table", "hive"),
    "s3": ("files", "s3"),
    "s3a": ("files", "s3"),
    "gs": ("files", "gcs"),
    "abfss": ("files", "adls"),
    "hdfs": ("files", "hdfs"),
    "file": ("files", None),
}


def _is_event(value: Any) -> bool:
    event = mapping(value)
    job = mapping(event.get("job"))
    if not text_of(job.get("name")):
        return False
    if str(event.get("eventType") or "").upper() in EVENT_TYPES:
        return True
    marks = ("eventTime", "run", "producer", "schemaURL")
    return sum(m in event for m in marks) >= 2 or "openlineage" in str(event.get("schemaURL"))


def _events(data: Any) -> list[dict[str, Any]]:
    return [mapping(e) for e in (data if isinstance(data, list) else [data]) if _is_event(e)]


def _time(value: Any) -> datetime | None:
    if not isinstance(value, str) or placeholder(value):
        return None
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        return None
    return when if when.tzinfo else when.replace(tzinfo=UTC)


@dataclass
class Run:
    start: datetime | None = None
    end: datetime | None = None
    state: str | None = None


@dataclass
class Job:
    name: str
    doc: Doc
    docs: list[Doc] = field(default_factory=list)
    events: int = 0
    engine: tuple[str, str] | None = None
    streaming: bool = False
    inputs: dict[tuple[str, str], Doc] = field(default_factory=dict)
    outputs: dict[tuple[str, str], Doc] = field(default_factory=dict)
    parent: str | None = None
    runs: list[Run] = field(default_factory=list)
    open_runs: dict[str, Run] = field(default_factory=dict)
    unpaired: list[Run] = field(default_factory=list)

    def origin(self, what: str) -> Origin:
        return Origin(self.doc, f"job {self.name}: {what}")


class OpenLineage(Importer):
    name: ClassVar[str] = "openlineage"
    title: ClassVar[str] = "OpenLineage"

    def claims(self, doc: Doc) -> bool:
        if isinstance(doc.data, list):
            return bool(doc.data) and len(_events(doc.data)) * 2 > len(doc.data)
        return _is_event(doc.data)

    def read(self, docs: list[Doc], out: Collector) -> None:
        jobs: dict[str, Job] = {}
        schemas: dict[tuple[str, str], tuple[list[str], Doc]] = {}
        for doc in docs:
            events = _events(doc.data)
            placeholders = 0
            for event in sorted(events, key=lambda e: str(e.get("eventTime") or "")):
                placeholders += _event(doc, event, jobs, schemas, out)
            if placeholders:
                out.note(doc, f"{placeholders} events carry test placeholders in their runId")
        kept = _kept(jobs, out)
        for job in kept:
            for dataset in [d for d in job.inputs if d in job.outputs]:
                del job.inputs[dataset]
                out.note(
                    job.doc, f"job {job.name} reads and writes {dataset[1]}: kept as an output"
                )
        written = {ds for j in kept for ds in j.outputs}
        read = {ds for j in kept for ds in j.inputs}
        ids: dict[tuple[str, str], str] = {}
        for job in kept:
            pipeline = out.component("pipelines", job.name, job.origin("job.name"))
            if pipeline is None:
                continue
            _pipeline(job, pipeline, written, ids, out)
            for other in job.docs[1:]:
                out.folded(other)
        for dataset in sorted(written - read):
            if dataset in schemas and dataset in ids:
                _features(dataset, ids[dataset], *schemas[dataset], out)


def _event(
    doc: Doc,
    event: dict[str, Any],
    jobs: dict[str, Job],
    schemas: dict[tuple[str, str], tuple[list[str], Doc]],
    out: Collector,
) -> int:
    """Fold one event into its job; 1 when its runId is a placeholder."""
    job_data = mapping(event.get("job"))
    name = str(job_data["name"])
    job = jobs.setdefault(name, Job(name, doc))
    if doc not in job.docs:
        job.docs.append(doc)
    job.events += 1
    run = mapping(event.get("run"))
    facets = mapping(run.get("facets"))
    job_facets = mapping(job_data.get("facets"))
    engine = text_of(mapping(facets.get("processing_engine")).get("name"))
    job_type = mapping(job_facets.get("jobType"))
    if engine:
        job.engine = job.engine or (engine.lower(), "run.facets.processing_engine.name")
    elif text_of(job_type.get("integration")):
        where = "job.facets.jobType.integration"
        job.engine = job.engine or (str(job_type["integration"]).lower(), where)
    else:
        named = [f for f in facets for e in FACET_ENGINES if f.lower().startswith(e)]
        if named:
            engine_of = next(e for e in FACET_ENGINES if named[0].lower().startswith(e))
            job.engine = job.engine or (engine_of, f"run.facets.{named[0]}")
    if str(job_type.get("processingType") or "").upper() == "STREAMING":
        job.streaming = True
    parent = mapping(mapping(facets.get("parent")).get("job"))
    if text_of(parent.get("name")):
        job.parent = str(parent["name"])
    for side, table in (("inputs", job.inputs), ("outputs", job.outputs)):
        for ds in items(event.get(side)):
            d = mapping(ds)
            dataset = (str(d.get("namespace") or ""), str(d.get("name") or ""))
            if not dataset[1]:
                continue
            bad = placeholder(dataset[1])
            if bad:
                out.note(doc, f"job {name}: dataset {dataset[1]!r} holds the placeholder {bad!r}")
                continue
            table.setdefault(dataset, doc)
            fields = items(mapping(mapping(d.get("facets")).get("schema")).get("fields"))
            names = [str(mapping(f).get("name")) for f in fields if mapping(f).get("name")]
            if names and side == "outputs":
                schemas.setdefault(dataset, (names, doc))
    return _run(job, event)


def _run(job: Job, event: dict[str, Any]) -> int:
    state = str(event.get("eventType") or "").upper()
    when = _time(event.get("eventTime"))
    given = mapping(event.get("run")).get("runId")
    run_id = given if isinstance(given, str) else ""
    fake = not run_id or placeholder(run_id) is not None
    if state == "START":
        run = Run(start=when)
        if fake:
            job.unpaired.append(run)
        else:
            job.open_runs[run_id] = run
    elif state in TERMINAL:
        if not fake and run_id in job.open_runs:
            run = job.open_runs.pop(run_id)
        elif fake and job.unpaired:
            run = job.unpaired.pop(0)  # runs paired by job and time: the ids are placeholders
        else:
            run = Run()
        run.end, run.state = when, state
        job.runs.append(run)
    return 1 if fake and run_id else 0


def _kept(jobs: dict[str, Job], out: Collector) -> list[Job]:
    """Jobs that become pipelines: those with datasets, and standalone jobs. A job with no
    datasets whose parent is imported is one step of it (a dbt model's SQL statements); a
    parent whose children carry the datasets is the invocation that ran them."""
    children: dict[str, list[Job]] = {}
    for job in jobs.values():
        if job.parent in jobs and job.parent != job.name:
            children.setdefault(job.parent, []).append(job)
    kept = []
    for job in jobs.values():
        has_data = bool(job.inputs or job.outputs)
        if not has_data and job.parent in jobs and job.parent != job.name:
            continue
        if not has_data and any(c.inputs or c.outputs for c in children.get(job.name, [])):
            out.note(job.doc, f"job {job.name} ran the jobs under it; they are the pipelines")
            continue
        kept.append(job)
    steps = [j for j in jobs.values() if j not in kept and j.parent in jobs]
    if steps:
        out.note(steps[0].doc, f"{len(steps)} step jobs without datasets folded into their parents")
    return kept


def _dataset(
    dataset: tuple[str, str], written: set[tuple[str, str]], doc: Doc, job: str, out: Collector
) -> str | None:
    namespace, name = dataset
    scheme = namespace.split("://", 1)[0].split(":", 1)[0].lower() if namespace else ""
    kind, technology = SCHEMES.get(scheme, ("batch_table", None))
    origin = Origin(doc, f"job {job}: dataset {namespace or '-'}/{name}")
    if dataset in written and kind != "stream":
        store_kind = "object_store" if kind == "files" else "warehouse"
        found = out.component("stores", name, origin, kind=store_kind)
        section = "stores"
    else:
        found = out.component("sources", name, origin, kind=kind)
        section = "sources"
    if found is not None and technology:
        where = Origin(doc, f"job {job}: dataset namespace {namespace}")
        out.put((section, found, "technology"), technology, where)
    return found


def _pipeline(
    job: Job,
    pipeline: str,
    written: set[tuple[str, str]],
    ids: dict[tuple[str, str], str],
    out: Collector,
) -> None:
    key = ("pipelines", pipeline)
    if job.streaming:
        out.put((*key, "kind"), "feature_stream", job.origin("job.facets.jobType.processingType"))
    else:
        out.put((*key, "kind"), "etl", job.origin("a batch job (what it produces is not said)"))
    if job.engine is not None:
        out.put((*key, "engine"), job.engine[0], job.origin(job.engine[1]))
    for side in ("inputs", "outputs"):
        table = job.inputs if side == "inputs" else job.outputs
        found = []
        for dataset, doc in sorted(table.items()):
            if dataset not in ids:
                made = _dataset(dataset, written, doc, job.name, out)
                if made is None:
                    continue
                ids[dataset] = made
            found.append(ids[dataset])
        if found:
            out.put((*key, side), sorted(set(found)), job.origin(f"{side} of its events"))
    _history(job, key, out)


def _history(job: Job, key: tuple[str, str], out: Collector) -> None:
    done = [r for r in job.runs if r.state == "COMPLETE" and r.start and r.end]
    durations = sorted((r.end - r.start).total_seconds() for r in done if r.end and r.start)
    if durations and statistics.median(durations) > 0:
        middle = statistics.median(durations)
        what = f"eventTime START to COMPLETE, median of {len(durations)} runs"
        out.put((*key, "runtime"), seconds(middle), job.origin(what))
    ended = [r for r in job.runs if r.state in TERMINAL]
    failed = [r for r in ended if r.state != "COMPLETE"]
    if len(ended) >= MIN_RUNS_FOR_RATE:
        what = f"{len(failed)} of {len(ended)} runs ended FAIL or ABORT"
        out.put((*key, "failure_rate"), round(len(failed) / len(ended), 4), job.origin(what))
    elif failed:
        out.note(
            job.doc,
            f"job {job.name}: {len(failed)} of {len(ended)} runs failed; fewer than "
            f"{MIN_RUNS_FOR_RATE} runs give no failure rate",
        )
    repairs = []
    ordered = sorted((r for r in ended if r.end), key=lambda r: r.end.timestamp() if r.end else 0)
    for i, run in enumerate(ordered):
        if run.state != "COMPLETE" and run.end:
            fixed = next((r for r in ordered[i + 1 :] if r.state == "COMPLETE"), None)
            if fixed is not None and fixed.end:
                repairs.append((fixed.end - run.end).total_seconds())
    if repairs:
        what = f"FAIL to the next COMPLETE, median of {len(repairs)}"
        out.put((*key, "mttr"), seconds(round(statistics.median(repairs))), job.origin(what))


def _features(
    dataset: tuple[str, str], source: str, columns: list[str], doc: Doc, out: Collector
) -> None:
    origin = Origin(doc, f"dataset {dataset[1]}: facets.schema.fields (a final output)")
    for column in columns:
        made = out.column_feature(column, source, origin, lambda f: out.draft.has("features", f))
        if made is not None:
            out.put(("features", made, "sources"), [source], origin)
