"""dbt artefacts across schema versions, from real projects' target/ folders."""

from __future__ import annotations

import json
from pathlib import Path

from tests.importers.helpers import imported, loads, origin, report, value


def test_manifest_v7_and_run_results_give_the_dag_tests_and_run_times() -> None:
    done = imported(
        "dbt/openlineage-postgres_manifest_v7_dbt-1.3.1.json",
        "dbt/openlineage-postgres_run_results_dbt-1.3.1.json",
    )
    job = ("pipelines", "model.jaffle_shop.customers")
    assert value(done, *job, "engine") == "dbt"
    assert value(done, *job, "inputs") == [
        "postgres.public.stg_customers",
        "postgres.public.stg_orders",
        "postgres.public.stg_payments",
    ]
    assert value(done, *job, "outputs") == ["postgres.public.customers"]
    assert value(done, *job, "validation") == {"schema": True}  # unique, not_null
    assert value(done, *job, "runtime") == "0.0584s"
    seed = ("sources", "postgres.public.raw_customers")
    assert value(done, *seed, "kind") == "lookup_table"
    assert value(done, *seed, "versioned_snapshot") is True
    assert value(done, "stores", "postgres.public.customers", "technology") == "postgres"
    assert "tests on model.jaffle_shop.customers" in origin(done, *job, "validation", "schema")
    loads(done)


def test_manifest_v1_names_relations_by_database_schema_and_alias() -> None:
    done = imported("dbt/manifest_v1_dbt-0.19.1.json", "dbt/run_results_v4.json")
    job = ("pipelines", "model.jaffle_shop.fct_orders")
    assert value(done, *job, "inputs") == [
        "your-gcp-project.jaffle_shop.order_payments",
        "your-gcp-project.jaffle_shop.stg_orders",
    ]
    assert value(done, "stores", "your-gcp-project.jaffle_shop.fct_orders", "technology") == (
        "bigquery"
    )
    assert value(done, "pipelines", "model.jaffle_shop.orders", "runtime") == "2.69s"
    line = report(done, "run_results_v4.json")
    assert line.status == "partly read"
    assert "model.jaffle_shop.test_insert_overwrite: status error" in line.reasons[0]


def test_v2_run_results_alone_and_a_catalog() -> None:
    done = imported(
        "dbt/openlineage-fail_run_results_v2_dbt-0.21.0.json", "dbt/catalog_v1_dbt-1.12.json"
    )
    assert value(done, "pipelines", "model.dbt_bigquery_test.test_first_dbt_model", "kind") == (
        "etl"
    )
    assert report(done, "catalog_v1_dbt-1.12.json").status == "skipped"


def test_source_freshness_declared_and_measured(tmp_path: Path) -> None:
    """Hand-written sources.json (schema sources/v3): the one committed upstream is held out."""
    results = {
        "metadata": {"dbt_schema_version": "https://schemas.getdbt.com/dbt/sources/v3.json"},
        "results": [
            {
                "unique_id": "source.shop.pos.sales",
                "max_loaded_at_time_ago_in_s": 5400.4,
                "snapshotted_at": "2024-05-01T06:00:00Z",
                "status": "pass",
                "criteria": {
                    "warn_after": {"count": 12, "period": "hour"},
                    "error_after": {"count": 1, "period": "day"},
                },
            },
            {
                "unique_id": "source.shop.pos.returns",
                "max_loaded_at_time_ago_in_s": 600,
                "status": "pass",
                "criteria": {"warn_after": {"count": 6, "period": "hour"}},
            },
        ],
    }
    path = tmp_path / "sources.json"
    path.write_text(json.dumps(results), encoding="utf-8")
    done = imported(str(path))
    assert value(done, "sources", "pos.sales") == {
        "id": "pos.sales",
        "kind": "batch_table",
        "freshness": "90m",
        "monitors": {"freshness": "alert"},
    }
    assert value(done, "sources", "pos.returns", "monitors") == {"freshness": "dashboard"}
