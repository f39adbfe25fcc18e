"""MLflow MLmodel files, from real models."""

from __future__ import annotations

from tests.importers.helpers import imported, loads, origin, report, value


def test_flavour_and_signature_columns() -> None:
    done = imported(
        "mlflow/azureml-heart-classifier/MLmodel", "mlflow/azureml-ncd-lightgbm-iris/MLmodel"
    )
    heart = ("models", "azureml-heart-classifier")
    assert value(done, *heart, "family") == "sklearn"
    assert value(done, *heart, "features") == [
        "age", "sex", "cp", "trestbps", "chol", "fbs", "restecg",
        "thalach", "exang", "oldpeak", "slope", "ca", "thal",
    ]  # fmt: skip
    assert value(done, "models", "azureml-ncd-lightgbm-iris", "family") == "lightgbm"
    assert value(done, "features", "sepal_length", "id") == "sepal_length"
    assert origin(done, *heart, "family").endswith(
        "azureml-heart-classifier/MLmodel: flavors.sklearn"
    )
    loads(done)


def test_models_without_named_inputs_say_so() -> None:
    done = imported(
        "mlflow/mlflow-1x-sklearn/MLmodel",
        "mlflow/azureml-openai-embeddings/MLmodel",
        "mlflow/mlserver-pytorch-3.8/MLmodel",
    )
    assert value(done, "models", "mlflow-1x-sklearn", "family") == "sklearn"
    assert value(done, "models", "azureml-openai-embeddings", "family") == "openai"
    assert value(done, "models", "mlserver-pytorch-3.8", "family") == "pytorch"
    assert report(done, "mlflow-1x-sklearn/MLmodel").reasons == [
        "no signature: the model's inputs are not named"
    ]
    assert "no named columns" in report(done, "azureml-openai-embeddings/MLmodel").reasons[0]


def test_an_mlmodel_that_is_not_yaml_upstream() -> None:
    done = imported("mlflow/java-scoring-sample_model_root/MLmodel.with.databricks_runtime")
    line = report(done, "MLmodel.with.databricks_runtime")
    assert line.status == "skipped"
    assert line.reasons == [
        "neither JSON nor YAML (not valid YAML: line 10 column 39: mapping values are not "
        "allowed here)"
    ]
