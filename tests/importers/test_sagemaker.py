"""SageMaker endpoints from describe output, ACK resources and CloudFormation, from real files."""

from __future__ import annotations

import json
from pathlib import Path

from mlreview.draft.importers.files import documents, find
from tests.importers.helpers import DATA, imported, loads, origin, report, value

PATTERNS = "sagemaker/deployment-patterns_endpoint-config-template.yml"


def test_describe_endpoint_gives_instances_rollout_and_family() -> None:
    done = imported("sagemaker/ack_testdata_DescribeEndpoint_update_deployment_config.json")
    e = ("endpoints", "xgboost-endpoint")
    assert value(done, *e, "platform") == "sagemaker"
    assert value(done, *e, "replicas") == {"min": 3, "max": 3}
    assert value(done, *e, "instance_type") == "m5.xlarge"
    assert value(done, *e, "release") == {"canary": True, "auto_rollback": True}
    assert value(done, "models", "xgboost-endpoint-model", "family") == "xgboost"
    assert "5xalarm-endpointtest" in origin(done, *e, "release", "auto_rollback")
    loads(done)


def test_serverless_config_and_placeholders() -> None:
    done = imported(
        "sagemaker/ack_testdata_DescribeEndpointConfig_serverless.json",
        "sagemaker/ack_sagemaker_endpoint_autoscaling_target.yaml",
        "sagemaker/ack_sample_endpoint_config.yaml",
    )
    e = ("endpoints", "single-variant-config")
    assert value(done, *e, "replicas") == {"min": 0, "max": 20}
    assert value(done, *e, "concurrency_per_replica") == 1
    assert value(done, "models", "single-variant-config-model", "id") == (
        "single-variant-config-model"
    )
    target = report(done, "ack_sagemaker_endpoint_autoscaling_target.yaml")
    assert target.status == "skipped"
    assert "'$RESOURCE_ID' is an unfilled placeholder" in target.reasons[0]
    config = report(done, "ack_sample_endpoint_config.yaml")
    assert config.reasons == [
        "the endpoint's name '<YOUR ENDPOINT CONFIG NAME>' is an unfilled placeholder"
    ]


def test_a_sam_template_read_safely_with_its_tags() -> None:
    done = imported("sagemaker/safe-deployment_deploy-model-prd.yml")
    e = ("endpoints", "Endpoint")  # EndpointName is !Sub ${ModelName}-prd-${TrainJobId}
    assert value(done, *e, "replicas") == {"min": 2, "max": 10}  # the ScalableTarget's
    assert value(done, *e, "autoscaling") == {
        "enabled": True,
        "metric": "invocations_per_instance",
        "target": 750.0,
    }
    assert value(done, *e, "instance_type") == "ml.m5.large"
    assert value(done, *e, "logging") == {"predictions": True, "features": True, "sample_rate": 1.0}
    assert value(done, "monitoring", "drift", "features") == "dashboard"
    reasons = " ".join(report(done, "safe-deployment_deploy-model-prd.yml").reasons)
    assert "name ${ModelName}-prd-${TrainJobId} needs ModelName, TrainJobId" in reasons
    assert "DeploymentPreference rolls out a Lambda function" in reasons
    loads(done)


def test_a_parameter_file_decides_the_conditions() -> None:
    done = imported(PATTERNS, "sagemaker/deployment-patterns_staging-config.json")
    e = ("endpoints", "Endpoint")
    assert value(done, *e, "replicas") == {"min": 3, "max": 3}  # EndpointInstanceCount "3"
    assert value(done, *e, "release") is None  # staging: no canary (IsProduction is false)
    assert value(done, "monitoring", "system", "errors") == "dashboard"  # ActionsEnabled: False
    assert report(done, "deployment-patterns_staging-config.json").status == "read"


def test_production_parameters_turn_on_the_canary(tmp_path: Path) -> None:
    """Hand-written parameter file: the project's prod-config.json is held out."""
    values = {"StageName": "prod", "EndpointInstanceCount": "4", "EnableDataCapture": "false"}
    path = tmp_path / "prod-config.json"
    path.write_text(json.dumps({"Parameters": values}), encoding="utf-8")
    done = imported(PATTERNS, str(path))
    e = ("endpoints", "Endpoint")
    assert value(done, *e, "release") == {
        "canary": True,
        "canary_traffic": 0.1,
        "auto_rollback": True,
    }
    assert value(done, *e, "replicas") == {"min": 4, "max": 4}
    assert value(done, *e, "logging") == {"predictions": False}


def test_cloudformation_tags_become_plain_mappings_and_nothing_else() -> None:
    files, _ = find([str(DATA / PATTERNS)])
    docs = documents(files[0])
    assert isinstance(docs, list)
    (doc,) = docs
    endpoint = doc.data["Resources"]["Endpoint"]["Properties"]
    assert endpoint["EndpointConfigName"] == {
        "Fn::GetAtt": ["EndpointConfig", "EndpointConfigName"]
    }


def test_a_tag_outside_cloudformation_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "evil.yaml"
    path.write_text("a: !!python/object/apply:os.system ['true']\n", encoding="utf-8")
    line = report(imported(str(path)), "evil.yaml")
    assert line.status == "skipped"
    assert "python/object/apply:os.system" in line.reasons[0]


def test_shadow_variants_and_the_routing_strategy(tmp_path: Path) -> None:
    """Hand-written describe-endpoint-config: the real shadow template is behind a condition."""
    config = {
        "EndpointConfigName": "ranker-config",
        "ProductionVariants": [
            {
                "VariantName": "AllTraffic",
                "ModelName": "ranker-v7",
                "InstanceType": "ml.g5.xlarge",
                "InitialInstanceCount": 2,
                "RoutingConfig": {"RoutingStrategy": "LEAST_OUTSTANDING_REQUESTS"},
            }
        ],
        "ShadowProductionVariants": [{"VariantName": "Shadow", "ModelName": "ranker-v8"}],
    }
    path = tmp_path / "describe-endpoint-config.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    done = imported(str(path))
    e = ("endpoints", "ranker-config")
    assert value(done, *e, "model") == "ranker-v7"
    assert value(done, *e, "routing") == "shared"
    assert value(done, *e, "release") == {"shadow": True}
    assert value(done, *e, "replicas") == {"min": 2, "max": 2}
