"""Bad training data from another party's feed: where a model's labels or features are built
from a source owned outside the model team and ingested with no blocking check, the top risk's
headline names that feed and what it makes of the training data, and its proof corrupts what the
feed sends (the labels, where it carries them), not a feature of the lake it lands in."""

from __future__ import annotations

from mlreview.engine.result import Review
from tests.conftest import ROOT, run_renamed

# An incident manifest with its ids renamed, so that nothing rests on its own names.
BASE = (
    ROOT / "benchmarks" / "incidents" / "unity-audience-pinpointer-2022" / "system.yaml"
).read_text(encoding="utf-8")
RENAMES = {
    "advertiser_event_feeds": "partner_feed",
    "advertiser_conversion_signals": "partner_rates",
    "installs_and_purchases": "outcomes",
    "daily_training": "nightly_fit",
    "pinpointer_value_model": "value_model",
    "event_ingestion": "landing_job",
}


def _reviewed(edit: dict[str, str] | None = None) -> Review:
    return run_renamed(BASE, {**RENAMES, **(edit or {})})


def _top(review: Review) -> tuple[str, str, str]:
    top = review.top_risk
    assert top is not None and review.plan is not None
    return top.title, top.effect, review.plan.verify


def test_a_partner_feed_the_labels_come_from_is_named_in_the_headline_and_its_proof() -> None:
    title, effect, verify = _top(_reviewed())
    assert (
        title
        == "Bad data ingested from partner_feed corrupts the labels and a feature value_model "
        "trains on"
    )
    assert effect.startswith(
        "partner_feed, a third party's feed owned by advertisers with no versioned schema, is "
        "ingested with no blocking check, and the labels of outcomes and partner_rates are "
        "built from it"
    )
    assert "becomes what nightly_fit trains value_model on" in effect
    assert "automatic promotion ships it past a gate on the model's own metrics" in effect
    # The proof corrupts the labels the feed carries (a regression's values), not a feature.
    assert verify == (
        "Prove it: replay one day of partner_feed in staging with the label values it sends "
        "multiplied by 100 and a tenth of its events duplicated: the check must quarantine "
        "them within the hour they land, before nightly_fit reads them, and the serving model "
        "must not change."
    )
    assert "one feature's values" not in verify


def test_a_classifier_s_partner_labels_are_flipped_in_the_proof() -> None:
    _, _, verify = _top(_reviewed({"type: regression ": "type: classification "}))
    assert "with a tenth of the labels it sends flipped" in verify


def test_a_partner_feed_that_only_feeds_a_feature_corrupts_that_feature() -> None:
    # The labels come from the model team's own stream: the feed makes one feature only (and
    # the scenario is no longer the top risk, so its own proof is read).
    review = _reviewed({"source: landing_job": "source: unity_engagement_events"})
    found = [s for s in review.scenarios if s.key.startswith("bad-training-data")]
    assert [s.title for s in found] == [
        "Bad data ingested from partner_feed corrupts a feature value_model trains on"
    ]
    assert "with the values behind partner_rates multiplied by 100" in found[0].verify


def test_a_feed_the_model_team_owns_keeps_the_general_headline() -> None:
    owned = {
        "owner: advertisers\n    owned_by_model_team: false": (
            "owner: advertisers\n    owned_by_model_team: true"
        )
    }
    review = _reviewed(owned)
    found = [s for s in review.scenarios if s.key.startswith("bad-training-data")]
    assert [s.title for s in found] == ["Bad data trains and ships a worse value_model"]
    assert "ingested with" not in found[0].effect


def test_an_owner_written_with_braces_is_printed_as_written() -> None:
    _, effect, _ = _top(_reviewed({"owner: advertisers": "owner: '{ads} team'"}))
    assert effect.startswith("partner_feed, a third party's feed owned by {ads} team with")
