"""The data-pipeline assessment: failure modes, single points of failure, availability, lineage."""

from __future__ import annotations

import pytest
from benchmarks.generate_manifest import manifest

from mlreview.api import load, loads, review
from mlreview.areas.pipeline.assessment import PipelineAssessment
from mlreview.areas.pipeline.availability import downtime
from mlreview.areas.pipeline.present import lineage_graph, summarise, verdict
from mlreview.areas.registry import PIPELINE
from mlreview.problems import InputError
from mlreview.report.diagram import layout, mermaid
from mlreview.system.manifest import Feature
from tests.conftest import ROOT
from tests.rules.test_rule_cases import manifest_text

FRAUD = ROOT / "examples" / "card-fraud" / "system.yaml"
EQUIFAX = ROOT / "benchmarks" / "incidents" / "equifax-oms-attributes-2022" / "system.yaml"
FAILURE_KEYS = {
    "component",
    "failure",
    "affected",
    "time_to_impact_minutes",
    "serving_effect",
    "training_effect",
    "detected_by",
    "recovery",
    "severity",
}


def _assessment(path: object = FRAUD) -> PipelineAssessment:
    return review(load(path), questions=False).assessment(PIPELINE)  # type: ignore[arg-type]


def test_one_failure_mode_per_source_job_and_store() -> None:
    a = _assessment()
    system = load(FRAUD)
    expected = {
        c.id
        for c in (*system.manifest.sources, *system.manifest.pipelines, *system.manifest.stores)
    }
    assert {r.component for r in a.failure_modes} == expected
    for row in a.failure_modes:
        assert set(row.to_dict()) >= FAILURE_KEYS
        assert row.severity in ("critical", "high", "medium", "low")


def test_daily_job_with_26h_budget_leaves_2h() -> None:
    text = manifest_text(
        {
            "features": [{"id": "f1", "freshness_budget": "26h"}],
            "pipelines": [
                {"id": "stream_job", "schedule": "daily", "runtime": "1h"},
            ],
        }
    )
    rows = {r.component: r for r in review(loads(text)).assessment(PIPELINE).failure_modes}
    assert rows["stream_job"].time_to_impact_minutes == 120
    assert rows["events"].time_to_impact_minutes == 120  # feeds f1 only through the job
    assert rows["online"].reach == "live"


def test_failure_reaching_serving_only_through_the_retrain() -> None:
    rows = {r.component: r for r in _assessment().failure_modes}
    chargebacks = rows["chargeback_feed"]
    assert chargebacks.reach == "retrain"
    assert chargebacks.time_to_impact_minutes == 24 * 60
    assert "next daily retrain of fraud_xgb" in chargebacks.serving_effect


def test_single_points_of_failure_and_their_kind() -> None:
    a = _assessment()
    assert a.single_points_of_failure == ["card_auth_stream", "redis_features"]
    details = {d.component: d for d in a.single_point_details}
    assert details["redis_features"].stops == ["fraud_api"]
    assert details["card_auth_stream"].corrupts == ["fraud_api"]


def test_availability_composes_the_path() -> None:
    (row,) = _assessment().availability
    # sagemaker 99.95% (catalogue) and redis 99.9% (declared) in series, both without fallback
    assert row.series_estimate == pytest.approx(0.9995 * 0.999, abs=1e-6)
    assert row.estimate == pytest.approx(row.series_estimate, abs=3e-4)
    assert row.meets_slo is False
    assert row.years_simulated >= 200


def test_unknown_figures_make_an_upper_bound() -> None:
    (row,) = review(loads(manifest_text({}))).assessment(PIPELINE).availability
    assert row.estimate_is_upper_bound is True
    assert row.meets_slo is None
    assert "online" in row.unknown_availability


@pytest.mark.parametrize(
    ("patch", "said"),
    [
        # Nothing on the path declares a figure: no number, only what is missing.
        ({}, "api's path cannot be checked against its"),
        # The declared part bounds it (simulated outages of a 99.95% endpoint): the
        # bound, and what is missing.
        (
            {"endpoints": [{"id": "api", "availability": 0.9995}]},
            "api's path is at most 99.952% available from the components that declare a figure",
        ),
    ],
)
def test_a_path_with_unknown_figures_is_never_said_to_be_fully_available(
    patch: dict[str, object], said: str
) -> None:
    system = loads(manifest_text(patch))
    r = review(system)
    line = summarise(system, r.assessment(PIPELINE), r.findings)
    assert said in line
    assert "100.000%" not in line and "may miss" not in line
    # The verdict line spends no words on an SLO nothing lets it check.
    assert "SLO" not in verdict(system, r.assessment(PIPELINE), r.findings)


def test_lineage_drawn_as_mermaid_and_svg() -> None:
    graph = lineage_graph(_assessment().lineage)
    text = mermaid(graph)
    assert text.startswith("flowchart LR")
    assert "class " in text and "stops" in text and "linkStyle" in text
    drawn = layout(graph)
    assert {n["id"] for n in drawn["nodes"]} >= {"redis_features", "fraud_api"}
    red = [n for n in drawn["nodes"] if n["stroke"] == "#c92a2a"]
    assert [n["id"] for n in red] == ["redis_features"]


def test_large_feature_sets_collapse_in_the_diagram() -> None:
    done = review(loads(manifest(features=60, sources=10, pipelines=5)), questions=False)
    graph = lineage_graph(done.assessment(PIPELINE).lineage)
    drawn = layout(graph)
    features = [n for n in drawn["nodes"] if n["kind"] == "feature"]
    assert len(features) <= 10
    assert all("features from" in n["label"] for n in features)


def test_how_soon_a_failure_is_noticed() -> None:
    rows = {r.component: r for r in _assessment().failure_modes}
    assert rows["redis_features"].noticed == "at once (alert)"  # monitoring.system.errors
    assert rows["merchant_risk_table"].noticed == "when someone looks at a dashboard"
    assert rows["chargeback_labels"].noticed.startswith("not until a symptom")


def _unvalidated_training(stream_blocks: bool) -> list[object]:
    # Another team's events, with no versioned schema, land in the offline store through
    # stream_job and are trained on by train_job, which checks nothing.
    patch = {
        "sources": [
            {
                "id": "events",
                "owner": "platform",
                "owned_by_model_team": False,
                "contract": {"schema_versioned": False},
            }
        ],
        "pipelines": [
            {
                "id": "stream_job",
                "outputs": ["online", "offline"],
                "validation": {"schema": True, "blocking": stream_blocks},
            },
            {"id": "train_job", "validation": {"blocking": False}},
        ],
    }
    done = review(loads(manifest_text(patch)))
    return [f for f in done.findings if f.rule == "DATA003"]


def test_an_unversioned_source_that_reaches_training_unchecked_is_named() -> None:
    (hit,) = _unvalidated_training(stream_blocks=False)
    assert "events" in hit.components
    assert "events reach it unversioned and unchecked" in hit.message
    # Another team's source makes a bad training set likelier (base 4, +2).
    assert hit.score[1] == 6


def test_a_blocking_check_on_the_way_keeps_the_source_unnamed() -> None:
    (hit,) = _unvalidated_training(stream_blocks=True)
    assert "events" not in hit.components
    assert hit.score[1] == 4


def test_a_path_just_under_its_slo_is_said_in_minutes_a_month() -> None:
    # Equifax's scoring path is 99.9497% available against a 99.95% SLO: four decimals ask the
    # reader to subtract; minutes a month against what the SLO allows do not.
    # With its figures stated (the incident marks them inferred), it is a miss.
    text = EQUIFAX.read_text().replace(
        "availability: 0.9995            # inferred", "availability: 0.9995"
    )
    text = text.replace("availability: 0.9995}   # inferred", "availability: 0.9995}")
    done = review(loads(text), questions=False)
    said = done.areas["pipeline"].verdict
    assert (
        "oms_online_scoring's path is down at least 22.0 min a month, over the 21.9 its 99.950% "
        "SLO allows"
    ) in said
    assert "99.9497%" not in said
    (below,) = [f for f in done.findings if f.rule == "DATA019"]
    assert (
        "path (consumer_credit_file) leaves it down at least 22.0 min a month, over the 21.9 its "
        "99.950% SLO allows" in below.message
    )


def test_minutes_a_month_add_decimals_until_they_differ() -> None:
    assert downtime(0.999, 0.9995) == (
        "down 43.8 min a month, over the 21.9 its 99.950% SLO allows"
    )
    assert downtime(0.99995, 0.9999) == (
        "down 2.2 min a month, within the 4.4 its 99.990% SLO allows"
    )
    # 21.917 against 21.915: one decimal would read 21.9 against 21.9.
    assert downtime(0.99949995, 0.9995).startswith("down 21.92 min a month, over the 21.91")
    assert downtime(0.99, 0.999, upper_bound=True).startswith("down at least 438.3 min a month")


def test_a_miss_on_inferred_availabilities_is_said_to_rest_on_them() -> None:
    # Equifax's source availability and SLO are both marked inferred: the 0.1 minute a month
    # miss they make is a check to make, not a fact the review may state.
    said = review(load(EQUIFAX), questions=False).areas["pipeline"].verdict
    assert "misses" not in said
    assert (
        "down at least 22.0 min a month, over the 21.9 its 99.950% SLO allows, a miss that "
        "rests on availabilities marked inferred (oms_online_scoring's SLO and "
        "consumer_credit_file): check them" in said
    )


def test_a_feature_names_the_one_job_that_refreshes_it() -> None:
    # DoorDash's online store has a daily upload and a stream job; the daily one reads the
    # warehouse the events land in, so by lineage alone it would refresh the session features.
    path = ROOT / "benchmarks" / "incidents" / "doordash-ads-online-offline-2024" / "system.yaml"
    system = load(path)
    session = system.get("realtime_session_features")
    assert isinstance(session, Feature)
    assert [p.id for p in system.refreshers(session)] == ["realtime_features"]
    said = review(system, questions=False).areas["pipeline"].verdict
    assert "realtime_session_features past its budget" not in said


def test_a_feature_job_that_does_not_write_its_store_is_an_input_error() -> None:
    text = (
        "version: 1\nsystem: {name: x}\nsources: [{id: s, kind: stream}]\n"
        "stores: [{id: st, kind: online}]\n"
        "pipelines: [{id: p, kind: etl, inputs: [s], outputs: []}]\n"
        "features: [{id: f, sources: [s], store: st, pipeline: p}]\n"
    )
    with pytest.raises(
        InputError, match=r"x\.yaml:6:\d+: features\[f\]\.pipeline: p does not write st"
    ):
        loads(text, "x.yaml")


def test_a_called_sources_in_range_default_is_a_silent_single_point() -> None:
    """google-rpc: the endpoint's call to attribute_rpc falls back to the source's in-range -1,
    which nothing flags; the verdict said no component's failure corrupts predictions."""
    path = ROOT / "benchmarks" / "incidents" / "google-rpc-error-code" / "system.yaml"
    said = review(load(path), questions=False).areas["pipeline"].verdict
    assert said.startswith("attribute_rpc silently corrupts query_scoring when it fails")


def test_scoring_reads_are_each_endpoints_stores_or_sources_and_shared_with_copies() -> None:
    """An endpoint's scoring reads, kept once per system, are its dependencies' targets and, per
    feature of its model, the store or else the sources; a what-if copy shares them."""
    system = loads(manifest(60, 8, 4), "generated.yaml")
    assert system.manifest.endpoints
    for e in system.manifest.endpoints:
        expected = {d.target for d in e.dependencies}
        for f in system.model_features(system.model_of(e)):
            if f.store:
                expected.add(f.store)
            else:  # a stream is read as it scores only by an endpoint that consumes streams
                kinds = {s: system.components[s] for s in f.sources}
                expected.update(
                    s
                    for s, c in kinds.items()
                    if getattr(c, "kind", None) != "stream" or e.mode == "streaming"
                )
        assert system.scoring_reads(e) == sorted(expected)
    system.scoring_reads(system.manifest.endpoints[0]).append("not kept")
    assert "not kept" not in system.scoring_reads(system.manifest.endpoints[0])
    copy = system.with_manifest(system.manifest.model_copy())
    assert copy._scoring_reads is system._scoring_reads


def _stream_feature(mode: str) -> PipelineAssessment:
    """A feature built from a stream with no store named, on an endpoint of ``mode``."""
    text = manifest_text(
        {
            "features": [{"id": "f1", "store": "__delete__"}],
            "sources": [{"id": "events", "on_failure": "__delete__"}],
            "endpoints": [{"id": "api", "mode": mode}],
        }
    )
    return review(loads(text)).assessment(PIPELINE)  # type: ignore[return-value]


def test_a_stream_behind_a_storeless_feature_is_not_read_per_request() -> None:
    # An online endpoint cannot read a log per request: the stream reaches it through what
    # the pipelines refresh, and its outage does not stop the endpoint's predictions.
    rows = {r.component: r for r in _stream_feature("online").failure_modes}
    assert rows["events"].reach != "live"
    assert "events" not in _stream_feature("online").single_points_of_failure
    # An endpoint that consumes the stream reads it as it scores.
    rows = {r.component: r for r in _stream_feature("streaming").failure_modes}
    assert rows["events"].reach == "live"


DEFAULTS_SAID = (
    "api scores on default values, read as real ones (no missing indicator declared), "
    "whenever online fails or a call takes over 20 ms"
)
CACHE = {
    "endpoints": [
        {
            "id": "api",
            "dependencies": [
                {"target": "online", "calls_per_request": 1, "timeout_ms": 20, "fallback": "cache"}
            ],
        }
    ]
}


@pytest.mark.parametrize(
    ("patch", "said"),
    [
        # A call that falls back to defaults nothing marks: each timeout is a wrong prediction.
        ({}, True),
        # The features it reads serve a sentinel when missing: the model can tell them apart.
        (
            {"features": [{"id": "f1", "missing": {"training": "default", "serving": "sentinel"}}]},
            False,
        ),
        # A cache answers with the last values, not defaults.
        (CACHE, False),
    ],
)
def test_a_calls_unflagged_default_is_named_in_the_verdict(
    patch: dict[str, object], said: bool
) -> None:
    """stripe, unity: a store read falling back to defaults after a timeout; the verdict said
    no component's failure corrupts predictions."""
    r = review(loads(manifest_text(patch)))
    assert (DEFAULTS_SAID in r.areas["pipeline"].verdict) is said


def test_a_part_with_a_risk_in_it_states_its_worst_case() -> None:
    """google-play: 'no declared component's failure ... corrupts predictions' printed above
    the part's top risk; with a finding above low the verdict names the worst one instead."""
    quiet = review(loads(manifest_text(CACHE))).areas["pipeline"].verdict
    assert quiet == "no declared component's failure alone stops or corrupts predictions"
    patch = {**CACHE, "monitoring": {"inputs": {"null_rate": False}}}
    said = review(loads(manifest_text(patch))).areas["pipeline"].verdict
    assert said == (
        "no declared component's outage alone stops predictions; the worst case here: "
        "no null rate check on live inputs to api"
    )
