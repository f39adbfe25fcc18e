"""Feast: ``feature_store.yaml`` (the online and offline stores), the Feast operator's
FeatureStore resource, and a registry dump (``feast registry-dump`` or the UI's registry JSON):
feature views with their TTL and sources, stream feature views, on-demand views, and feature
services as the features of a model."""

from __future__ import annotations

from typing import Any, ClassVar

from mlreview.draft.importers.base import (
    Collector,
    Doc,
    Importer,
    Origin,
    ident,
    items,
    mapping,
    placeholder,
    seconds,
    text_of,
)
from mlreview.draft.importers.kubernetes import resource

REGISTRY_KEYS = ("featureViews", "featureServices", "entities", "dataSources", "streamFeatureViews")
TECHNOLOGIES = {
    "sqlite": "sqlite",
    "redis": "redis",
    "dynamodb": "dynamodb",
    "datastore": "datastore",
    "bigtable": "bigtable",
    "postgres": "postgres",
    "cassandra": "cassandra",
    "snowflake.online": "snowflake",
    "snowflake.offline": "snowflake",
    "snowflake": "snowflake",
    "hbase": "hbase",
    "mysql": "mysql",
    "bigquery": "bigquery",
    "redshift": "redshift",
    "spark": "spark",
    "mssql": "sql-server",
    "file": "files",
    "dask": "files",
    "duckdb": "duckdb",
    "trino": "trino",
    "athena": "athena",
    "remote": "feast",
}
SOURCE_KINDS = {
    "BATCH_FILE": ("files", None),
    "BATCH_BIGQUERY": ("batch_table", "bigquery"),
    "BATCH_REDSHIFT": ("batch_table", "redshift"),
    "BATCH_SNOWFLAKE": ("batch_table", "snowflake"),
    "BATCH_SPARK": ("batch_table", "spark"),
    "BATCH_TRINO": ("batch_table", "trino"),
    "BATCH_ATHENA": ("batch_table", "athena"),
    "STREAM_KAFKA": ("stream", "kafka"),
    "STREAM_KINESIS": ("stream", "kinesis"),
    "PUSH_SOURCE": ("stream", None),
    "1": ("files", None),  # the numeric DataSource.SourceType of protobuf JSON
    "2": ("batch_table", "bigquery"),
    "3": ("stream", "kafka"),
    "4": ("stream", "kinesis"),
}
SKIPPED_SOURCES = ("REQUEST_SOURCE", "5")


def _is_config(data: dict[str, Any]) -> bool:
    return "project" in data and any(
        k in data for k in ("online_store", "offline_store", "provider")
    )


class Feast(Importer):
    name: ClassVar[str] = "feast"
    title: ClassVar[str] = "Feast"

    def claims(self, doc: Doc) -> bool:
        data = mapping(doc.data)
        kind, api, _, _ = resource(data)
        if kind == "FeatureStore" and api.startswith("feast.dev/"):
            return True
        if _is_config(data) and "apiVersion" not in data:
            return True
        return sum(k in data for k in REGISTRY_KEYS) >= 2

    def read(self, docs: list[Doc], out: Collector) -> None:
        stores: dict[str, dict[str, str]] = {}
        registries = []
        for doc in docs:
            data = mapping(doc.data)
            if resource(data)[0] == "FeatureStore":
                _operator(doc, data, stores, out)
            elif _is_config(data) and "apiVersion" not in data:
                _config(doc, data, stores, out)
            else:
                registries.append(doc)
        for doc in registries:
            _registry(doc, mapping(doc.data), stores, out)


def _store(
    doc: Doc, project: str, role: str, *, kind: str, where: str, out: Collector
) -> str | None:
    name = f"{project}-{role}"
    origin = Origin(doc, where)
    found = out.component("stores", name, origin, kind=role)
    if found is None:
        return None
    technology = TECHNOLOGIES.get(kind.lower())
    if technology:
        out.put(("stores", found, "technology"), technology, origin)
    else:
        out.note(doc, f"{where} {kind!r}: a store type mlreview does not know; technology left out")
    return found


def _config(
    doc: Doc, data: dict[str, Any], stores: dict[str, dict[str, str]], out: Collector
) -> None:
    project = text_of(data.get("project"))
    if project is None or placeholder(project):
        out.skip(doc, "feature_store.yaml without a project name")
        return
    found = stores.setdefault(project, {})
    for role, key in (("online", "online_store"), ("offline", "offline_store")):
        if key not in data:
            continue
        config = data[key]
        if isinstance(config, str):
            kind, where = config, key
        else:
            kind = str(mapping(config).get("type") or ("sqlite" if role == "online" else "file"))
            where = (
                f"{key}.type" if "type" in mapping(config) else f"{key} (no type: Feast's default)"
            )
        made = _store(doc, project, role, kind=kind, where=where, out=out)
        if made:
            found[role] = made


def _operator(
    doc: Doc, data: dict[str, Any], stores: dict[str, dict[str, str]], out: Collector
) -> None:
    spec = mapping(data.get("spec"))
    project = text_of(spec.get("feastProject"))
    if project is None:
        out.skip(doc, "FeatureStore without spec.feastProject")
        return
    services = mapping(spec.get("services"))
    found = stores.setdefault(project, {})
    for role, key in (("online", "onlineStore"), ("offline", "offlineStore")):
        service = mapping(services.get(key))
        if not service:
            continue
        persistence = mapping(service.get("persistence"))
        kind = mapping(persistence.get("store")).get("type")
        if kind is None:
            kind = "sqlite" if "file" in persistence and role == "online" else "file"
        made = _store(
            doc, project, role, kind=str(kind), where=f"spec.services.{key}.persistence", out=out
        )
        if made:
            found[role] = made


def _spec(entry: Any) -> dict[str, Any]:
    e = mapping(entry)
    return mapping(e.get("spec")) or e


def _registry(
    doc: Doc, data: dict[str, Any], stores: dict[str, dict[str, str]], out: Collector
) -> None:
    project = text_of(data.get("project"))
    if project is None:
        projects = [_spec(p) for p in items(data.get("projects"))]
        project = text_of(projects[0].get("name")) if projects else None
    project = project or "feast"
    online = stores.get(project, {}).get("online")
    if online is None:
        origin = Origin(doc, f"project {project}: its online store (type not in the registry)")
        online = out.component("stores", f"{project}-online", origin, kind="online")
    sources: dict[str, str] = {}
    for entry in items(data.get("dataSources")):
        _source(doc, _spec(entry) | mapping(entry), sources, out)
    views: dict[str, str] = {}
    for key, stream in (("featureViews", False), ("streamFeatureViews", True)):
        for entry in items(data.get(key)):
            _view(
                doc, key, _spec(entry), stream, online=online, sources=sources, views=views, out=out
            )
    for entry in items(data.get("onDemandFeatureViews")):
        _on_demand(doc, _spec(entry), views, out)
    for entry in items(data.get("featureServices")):
        _service(doc, _spec(entry), views, out)


def _source(doc: Doc, spec: dict[str, Any], sources: dict[str, str], out: Collector) -> str | None:
    name = text_of(spec.get("name"))
    if name is None:
        return None
    if name in sources:
        return sources[name]
    kind_key = str(spec.get("type") or "")
    if kind_key in SKIPPED_SOURCES:
        return None
    kind, technology = SOURCE_KINDS.get(kind_key, ("batch_table", None))
    origin = Origin(doc, f"data source {name}: type {kind_key or '(none)'}")
    found = out.component("sources", name, origin, kind=kind)
    if found is None:
        return None
    sources[name] = found
    if technology:
        out.put(("sources", found, "technology"), technology, origin)
    owner = text_of(spec.get("owner"))
    if owner:
        out.put(("sources", found, "owner"), owner, Origin(doc, f"data source {name}: owner"))
    return found


def _ttl(value: Any) -> float | None:
    if isinstance(value, str) and value.endswith("s"):
        try:
            return float(value[:-1])
        except ValueError:
            return None
    if isinstance(value, dict):  # protobuf Duration as {"seconds": n}
        try:
            return float(value.get("seconds", 0))
        except (TypeError, ValueError):
            return None
    return None


def _view_features(
    doc: Doc, where: str, view: str, spec: dict[str, Any], *, views: dict[str, str], out: Collector
) -> list[tuple[str, str]]:
    """(feature id, column) of a view's columns: named by the column, or 'view.column' when
    another view (or another kind of component) has that name already."""
    columns = [mapping(f).get("name") for f in items(spec.get("features"))]
    found = []
    for column in [str(c) for c in columns if c]:
        origin = Origin(doc, f"{where}: features {column}")
        made = out.column_feature(column, view, origin, lambda f: views.get(f, view) != view)
        if made is not None:
            views.setdefault(made, view)
            found.append((made, column))
    return found


def _view(
    doc: Doc,
    key: str,
    spec: dict[str, Any],
    stream: bool,
    *,
    online: str | None,
    sources: dict[str, str],
    views: dict[str, str],
    out: Collector,
) -> None:
    name = text_of(spec.get("name"))
    if name is None:
        return
    where = f"{key} {name}"
    inputs = []
    for source_key in ("batchSource", "streamSource"):
        src = mapping(spec.get(source_key))
        made = _source(doc, src, sources, out) if src else None
        if made:
            inputs.append((source_key, made))
    ttl = _ttl(spec.get("ttl"))
    is_online = spec.get("online", True) is not False
    for made, _ in _view_features(doc, where, name, spec, views=views, out=out):
        if inputs:
            out.put(
                ("features", made, "sources"),
                sorted({s for _, s in inputs}),
                Origin(doc, f"{where}: sources"),
            )
        if is_online and online:
            out.put(("features", made, "store"), online, Origin(doc, f"{where}: online"))
        if ttl:
            what = f"{where}: ttl {spec.get('ttl')} (older values are not served)"
            out.put(("features", made, "freshness_budget"), seconds(ttl), Origin(doc, what))
        what = f"{where}: one view definition serves both training and online reads"
        out.put(("features", made, "shared_definition"), True, Origin(doc, what))
    if is_online and online and inputs:
        kind = "feature_stream" if stream else "materialization"
        job = f"{name}-stream" if stream else f"{name}-materialize"
        why = "a stream feature view: a stream job writes it" if stream else "feast materialize"
        origin = Origin(doc, f"{where} ({why})")
        pipeline = out.component("pipelines", job, origin, kind=kind)
        if pipeline:
            used = [s for k, s in inputs if (k == "streamSource") == stream] or [
                s for _, s in inputs
            ]
            out.put(("pipelines", pipeline, "inputs"), sorted(set(used)), origin)
            out.put(("pipelines", pipeline, "outputs"), [online], origin)
            if stream:
                mode = text_of(mapping(spec.get("userDefinedFunction")).get("mode")) or text_of(
                    spec.get("mode")
                )
                if mode:
                    out.put(("pipelines", pipeline, "engine"), mode, Origin(doc, f"{where}: mode"))
            else:
                out.put(("pipelines", pipeline, "engine"), "feast", origin)


def _on_demand(doc: Doc, spec: dict[str, Any], views: dict[str, str], out: Collector) -> None:
    name = text_of(spec.get("name"))
    if name is None:
        return
    where = f"onDemandFeatureViews {name}"
    for made, _ in _view_features(doc, where, name, spec, views=views, out=out):
        what = f"onDemandFeatureViews {name}: one function computes it at training and serving"
        out.put(("features", made, "shared_definition"), True, Origin(doc, what))


def _service(doc: Doc, spec: dict[str, Any], views: dict[str, str], out: Collector) -> None:
    name = text_of(spec.get("name"))
    if name is None:
        return
    origin = Origin(doc, f"featureServices {name}")
    model = out.component("models", name, origin)
    if model is None:
        return
    description = text_of(spec.get("description"))
    if description:
        out.put(
            ("models", model, "description"),
            description,
            Origin(doc, f"featureServices {name}: description"),
        )
    features = []
    for projection in items(spec.get("features")):
        p = mapping(projection)
        view = str(p.get("featureViewName") or "")
        columns = [str(mapping(c).get("name")) for c in items(p.get("featureColumns"))]
        for column in columns:
            fid = _find_feature(view, column, views)
            if fid is None:
                out.note(
                    doc, f"featureServices {name}: {view}:{column} is not a feature of the registry"
                )
            else:
                features.append(fid)
    if features:
        what = f"featureServices {name}: features"
        out.put(("models", model, "features"), list(dict.fromkeys(features)), Origin(doc, what))


def _find_feature(view: str, column: str, views: dict[str, str]) -> str | None:
    for fid in (ident(f"{view}.{column}"), ident(column)):
        if fid and views.get(fid) == view:
            return fid
    return None
