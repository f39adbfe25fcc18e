"""Prometheus alert rules: which monitors exist and whether they page, from real rule files."""

from __future__ import annotations

from pathlib import Path

from mlreview.draft.imports import import_paths
from tests.importers.helpers import DATA, imported, origin, report, value

KAFKA = "prometheus/grafana-mixin_kafka-observ-lib_prometheus_alerts.yaml"


def test_a_critical_serving_error_alert_pages() -> None:
    done = imported("prometheus/grafana-mixin_tensorflow-serving_prometheus_alerts.yaml")
    assert value(done, "monitoring", "system") == {"errors": "alert", "saturation": "dashboard"}
    assert "alert TensorFlowModelRequestHighErrorRate (severity critical: pages" in origin(
        done, "monitoring", "system", "errors"
    )
    assert "TensorFlowServingHighBatchQueuingLatency" in origin(
        done, "monitoring", "system", "saturation"
    )


def test_warnings_are_seen_not_paged_and_spend_is_not_a_monitor() -> None:
    done = imported("prometheus/awesome_litellm_embedded-exporter.yml")
    assert value(done, "monitoring", "system") == {"errors": "dashboard", "latency": "dashboard"}
    line = report(done, "awesome_litellm_embedded-exporter.yml")
    assert line.reasons == [
        "1 of 3 alerts watch what the manifest has no field for (LitellmProviderSpendOverBudget)"
    ]


def test_a_prometheusrule_of_control_plane_alerts_maps_only_the_hpa_ones() -> None:
    done = imported("prometheus/kube-prometheus_kubernetesControlPlane-prometheusRule.yaml")
    assert value(done, "monitoring", "system") == {"saturation": "dashboard"}
    assert "KubeHpaMaxedOut" in origin(done, "monitoring", "system", "saturation")
    reasons = " ".join(report(done, "kubernetesControlPlane-prometheusRule.yaml").reasons)
    assert "51 of 55 alerts watch what the manifest has no field for" in reasons
    assert "KubeAPIDown" not in value(done, "monitoring", "system").values()


def test_consumer_lag_goes_to_every_stream_pipeline_it_can_find() -> None:
    alone = imported(KAFKA)
    assert alone.values == 0
    assert any("no feature_stream pipeline" in r for r in report(alone, KAFKA).reasons)
    known = {
        "pipelines": {
            "velocity": {"id": "velocity", "kind": "feature_stream", "engine": "flink"},
            "nightly": {"id": "nightly", "kind": "feature_batch"},
        }
    }
    done = import_paths([str(DATA / KAFKA)], known=known)
    assert value(done, "pipelines", "velocity", "alerts", "consumer_lag") == "alert"
    assert value(done, "pipelines", "nightly") is None
    assert "KafkaLagIsTooHigh" in origin(done, "pipelines", "velocity", "alerts", "consumer_lag")


def test_rules_for_things_the_manifest_does_not_describe_are_skipped_with_names() -> None:
    done = imported("prometheus/awesome_redis_oliver006-redis-exporter.yml")
    line = report(done, "awesome_redis_oliver006-redis-exporter.yml")
    assert line.status == "skipped"
    assert "12 of 12 alerts" in line.reasons[0] and "RedisDown" in line.reasons[0]


def test_a_catalogue_of_example_alerts_is_not_a_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "rules.yml"  # the shape of samber/awesome-prometheus-alerts' _data/rules.yml
    path.write_text(
        "groups:\n  - name: Basic\n    services:\n      - name: Prometheus\n"
        "        exporters: [{slug: self, rules: [{name: down, query: 'up == 0'}]}]\n",
        encoding="utf-8",
    )
    line = report(imported(str(path)), "rules.yml")
    assert line.status == "skipped"
    assert "a catalogue of example alerts" in line.reasons[0]
