"""OpenLineage run events, from real (and partial) events."""

from __future__ import annotations

import json
from pathlib import Path

from tests.importers.helpers import imported, loads, report, value


def test_marquez_seed_runs_give_lineage_and_run_times() -> None:
    done = imported("openlineage/marquez_seed_metadata.json")
    job = ("pipelines", "etl_delivery_7_days")
    assert value(done, *job, "kind") == "etl"
    assert value(done, *job, "inputs") == [
        "public.customers",
        "public.drivers",
        "public.order_status",
        "public.orders_7_days",
        "public.restaurants",
    ]
    assert value(done, *job, "outputs") == ["public.delivery_7_days"]
    assert value(done, *job, "runtime") == "330s"  # 22:42:42 to 22:48:12
    assert value(done, "stores", "public.delivery_7_days", "kind") == "warehouse"
    assert value(done, "sources", "public.menus") is None  # written by etl_menus: a store
    assert value(done, "stores", "public.menus", "kind") == "warehouse"
    loads(done)


def test_dbt_events_with_placeholder_run_ids_are_paired_by_job() -> None:
    done = imported("openlineage/dbt_postgres_failed_run_ol_events.json")
    job = ("pipelines", "model.jaffle_shop.orders")
    assert value(done, *job, "engine") == "dbt"
    assert value(done, *job, "inputs") == [
        "postgres.public.stg_orders",
        "postgres.public.stg_payments",
    ]
    assert value(done, *job, "outputs") == ["postgres.public.orders"]
    assert value(done, "sources", "postgres.public.stg_orders", "technology") == "postgres"
    assert value(done, "pipelines", "model.jaffle_shop.orders.sql.1") is None  # a step
    assert value(done, "pipelines", "dbt-run-jaffle_shop") is None  # the invocation
    reasons = " ".join(report(done, "dbt_postgres_failed_run_ol_events.json").reasons)
    assert "8 events carry test placeholders in their runId" in reasons
    assert "1 of 1 runs failed" in reasons


def test_kafka_input_and_a_job_that_rewrites_its_input() -> None:
    done = imported(
        "openlineage/spark_pysparkKafkaReadCompleteEvent.json",
        "openlineage/example_full_event.json",
    )
    assert value(done, "sources", "topic1") == {
        "id": "topic1",
        "kind": "stream",
        "technology": "kafka",
    }
    assert value(done, "pipelines", "kafka_examples.collect_limit", "engine") == "spark"
    assert value(done, "pipelines", "myjob.mytask", "inputs") is None
    assert value(done, "pipelines", "myjob.mytask", "outputs") == ["instance.schema.table"]
    loads(done)


def test_templated_dataset_names_are_left_out() -> None:
    done = imported("openlineage/airflow_bigquery_expected.json")
    reasons = report(done, "airflow_bigquery_expected.json").reasons
    assert any("{{ env_var('BIGQUERY_PREFIX') }}" in r for r in reasons)
    assert (
        value(done, "pipelines", "bigquery_orders_popular_day_of_week.bigquery_insert", "engine")
        == "airflow"
    )


def test_fail_history_gives_a_failure_rate_and_time_to_repair(tmp_path: Path) -> None:
    """Hand-written JSON lines: the real files hold at most one run per job."""
    events = []
    times = [
        ("START", "01:00"),
        ("COMPLETE", "01:10"),
        ("START", "02:00"),
        ("FAIL", "02:05"),
        ("START", "03:00"),
        ("COMPLETE", "03:20"),
        ("START", "04:00"),
        ("COMPLETE", "04:12"),
    ]
    for i, (state, at) in enumerate(times):
        events.append(
            {
                "eventType": state,
                "eventTime": f"2024-05-01T{at}:00Z",
                "run": {"runId": f"run-{i // 2}"},
                "job": {"namespace": "prod", "name": "features_daily"},
                "outputs": [{"namespace": "s3://lake", "name": "features/daily"}],
                "producer": "https://example.org",
            }
        )
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(json.dumps(e) for e in events), encoding="utf-8")
    done = imported(str(path))
    job = ("pipelines", "features_daily")
    assert value(done, *job, "runtime") == "12m"  # median of 10, 20 and 12 minutes
    assert value(done, *job, "failure_rate") == 0.25
    assert value(done, *job, "mttr") == "75m"  # FAIL 02:05 to COMPLETE 03:20
    assert value(done, "stores", "features_daily-store", "kind") == "object_store"


def test_the_schema_of_a_final_output_gives_feature_columns() -> None:
    done = imported(
        "openlineage/spark_pysparkHiveSelectStartEvent.json",
        "openlineage/spark_pysparkHiveSelectEndEvent.json",
    )
    job = (
        "pipelines",
        "open_lineage_integration_hive.execute_insert_into_hive_table.warehouse_target",
    )
    assert value(done, *job, "inputs") == ["tmp_warehouse_test"]
    assert value(done, *job, "outputs") == ["tmp_warehouse_target"]
    assert value(done, "features", "key") == {
        "id": "key",
        "sources": ["tmp_warehouse_target"],
    }
    assert value(done, "features", "value", "sources") == ["tmp_warehouse_target"]
