"""Feast repo configs, the operator's FeatureStore resource and registry JSON, from real files."""

from __future__ import annotations

from tests.importers.helpers import imported, loads, origin, report, value


def test_feature_store_yaml_gives_the_online_and_offline_stores() -> None:
    done = imported(
        "feast/aws_credit_scoring_dynamodb_redshift_feature_store.yaml",
        "feast/azure_redis_mssql_feature_store.yaml",
    )
    assert value(done, "stores", "credit_scoring_aws-online") == {
        "id": "credit_scoring_aws-online",
        "kind": "online",
        "technology": "dynamodb",
    }
    assert value(done, "stores", "credit_scoring_aws-offline", "technology") == "redshift"
    assert value(done, "stores", "production-online", "technology") == "redis"
    assert value(done, "stores", "production-offline", "technology") == "sql-server"


def test_defaults_the_operator_resource_and_an_unfilled_template() -> None:
    done = imported(
        "feast/template_spark_feature_store.yaml",
        "feast/operator_v1_featurestore_db_persistence.yaml",
        "feast/template_aws_feature_store.yaml",
    )
    assert value(done, "stores", "my_project-offline", "technology") == "spark"
    # The operator's online store (postgres) and the template's default (sqlite) disagree.
    (conflict,) = done.conflict_lines()
    assert "stores[my_project-online].technology" in conflict
    assert "says postgres" in conflict and "says sqlite" in conflict
    operator = report(done, "operator_v1_featurestore_db_persistence.yaml")
    assert operator.status == "partly read"
    assert "document 1: Secret (v1) is not a kind mlreview imports" in operator.reasons
    template = report(done, "template_aws_feature_store.yaml")
    assert template.status == "skipped"
    assert "found character '%' that cannot start any token" in template.reasons[0]


def test_the_registry_gives_views_sources_materialisation_and_services() -> None:
    done = imported(
        "feast/aws_credit_scoring_dynamodb_redshift_feature_store.yaml",
        "feast/ui_registry_credit_scoring.json",
    )
    feature = ("features", "credit_card_due")
    assert value(done, *feature, "sources") == ["credit_history"]
    assert value(done, *feature, "store") == "credit_scoring_aws-online"
    assert value(done, *feature, "freshness_budget") == "9000d"  # ttl 777600000s
    assert value(done, *feature, "shared_definition") is True
    # A column two views share keeps one id per view.
    assert value(done, "features", "zipcode_money_features.total_wages", "column") == (
        "total_wages"
    )
    assert value(done, "sources", "credit_history", "kind") == "files"
    assert value(done, "sources", "driver_stats_stream", "technology") == "kafka"
    assert value(done, "pipelines", "credit_history-materialize") == {
        "id": "credit_history-materialize",
        "kind": "materialization",
        "inputs": ["credit_history"],
        "outputs": ["credit_scoring_aws-online"],
        "engine": "feast",
    }
    assert value(done, "pipelines", "transaction_stream_example-stream", "kind") == (
        "feature_stream"
    )
    assert value(done, "models", "credit_score_v3", "features") == [
        "credit_card_due",
        "mortgage_due",
        "missed_payments_1y",
        "city",
        "state",
        "location_type",
        "tax_returns_filed",
        "population",
        "total_wages",
        "transaction_gt_last_credit_card_due",
    ]
    assert value(done, "models", "zipcode_model_v2", "features") == [
        "zipcode_money_features.tax_returns_filed",
        "zipcode_money_features.total_wages",
    ]
    assert "featureViews credit_history: ttl 777600000s" in origin(
        done, *feature, "freshness_budget"
    )
    loads(done)


def test_a_registry_with_numeric_source_types() -> None:
    done = imported("feast/ui_rag_registry.json")
    assert value(done, "sources", "rag_document_source", "kind") == "files"
    assert value(done, "features", "document_embedding", "store") == "rag_project-online"
    assert value(done, "pipelines", "rag_query_embeddings-materialize", "inputs") == [
        "rag_query_source"
    ]
