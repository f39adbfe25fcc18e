"""Drafting a manifest from prose: the corpus, the building blocks, and the commands."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
import yaml
from benchmarks.eval_from_text import SPLITS, cases, draft_data, evaluate, score
from benchmarks.from_text_facts import score_facts
from hypothesis import given
from hypothesis import strategies as st

from mlreview.cli import main
from mlreview.draft.emit import scalar, to_yaml
from mlreview.draft.extract import draft_from_text
from mlreview.draft.from_text import drafted
from mlreview.draft.prose import mentions, sentences
from mlreview.problems import InputError
from mlreview.system.loader import load_text
from mlreview.system.yaml_source import read_yaml

CORPUS = [path for split in SPLITS for path in cases(split)]
UNQUOTED = {"id", "version", "pipeline"}


def test_the_corpus_is_large_and_varied() -> None:
    assert len(CORPUS) >= 25
    stacks = " ".join(p.read_text(encoding="utf-8").lower() for p in CORPUS)
    for stack in ("bigquery", "sagemaker", "azure", "kubernetes", "databricks", "on-prem"):
        assert stack in stacks


@pytest.mark.parametrize("case", CORPUS, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_description_drafts_a_valid_manifest_quoting_its_words(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    first = drafted(text, case.name)
    assert drafted(text, case.name).yaml == first.yaml
    load_text(first.yaml, case.name)
    for line in first.yaml.splitlines():
        if line.startswith("#") or not re.search(r":\s+\S", line):
            continue
        key = line.strip().removeprefix("- ").split(":")[0]
        if key not in UNQUOTED and not line.rstrip().endswith(":"):
            assert '  # "' in line or "  # placeholder" in line or "  # note:" in line, line


def test_wrong_fields_stay_below_two_percent() -> None:
    for split in SPLITS:
        total, _ = evaluate(split)
        assert len(total.wrong) < 0.02 * total.total, (split, total.wrong)


def test_scoring_counts_right_wrong_and_missed() -> None:
    expected = {
        "version": 1,
        "system": {"name": "x", "traffic": {"peak_qps": 400}},
        "sources": [{"id": "k", "kind": "stream", "technology": "kafka"}],
    }
    got = {
        "version": 1,
        "system": {"name": "y", "traffic": {"peak_qps": 401}, "owner": "me"},
        "sources": [{"id": "kafka", "kind": "database", "technology": "kafka"}],
    }
    result = score(expected, got)
    assert sorted(result.right) == ["sources[kafka].technology", "system.traffic.peak_qps"]
    assert len(result.wrong) == 2 and result.missed == []
    assert score(expected, {"version": 1, "system": {"name": "x"}}).missed


@pytest.mark.parametrize(
    ("text", "key", "value"),
    [
        ("Peak is 2,000 requests per second.", ("system", "traffic", "peak_qps"), 2000),
        ("We serve 1.5k rps at peak.", ("system", "traffic", "peak_qps"), 1500),
        ("About 35 million predictions a day.", ("system", "traffic", "daily_predictions"), 35e6),
        ("A CRM calls it 6 times per minute.", ("system", "traffic", "peak_qps"), 0.1),
        ("Traffic will triple next year.", ("system", "traffic", "growth_multiplier"), 3),
    ],
)
def test_rates_and_growth(text: str, key: tuple[str, ...], value: float) -> None:
    assert draft_from_text(text).get(key) == pytest.approx(value)


def test_negation_is_scoped_to_its_clause() -> None:
    d = draft_from_text(
        "An XGBoost model on SageMaker. No canary, but automatic rollback is enabled. "
        "We log predictions; features are not logged."
    )
    assert d.get(("endpoints", "api", "release", "canary")) is False
    assert d.get(("endpoints", "api", "release", "auto_rollback")) is True
    assert d.get(("endpoints", "api", "logging", "predictions")) is True
    assert d.get(("endpoints", "api", "logging", "features")) is False


def test_misspelt_technologies_and_words_are_recognised() -> None:
    found = {m.tech.name for m in mentions(sentences("Data from Snowflak via Airfow and kafak."))}
    assert found == {"snowflake", "airflow", "kafka"}
    d = draft_from_text("A lightgbm modle retrianed weekly.")
    assert d.get(("models", "lightgbm", "family")) == "lightgbm"
    assert d.get(("models", "lightgbm", "training", "cadence")) == "weekly"  # "retrianed"


def test_words_never_read_as_technologies() -> None:
    found = mentions(sentences("Models are trained and served; features are streamed daily."))
    assert found == []


def test_a_description_without_facts_stays_unknown() -> None:
    data = draft_data("We are thinking about machine learning.")
    assert data == {"version": 1, "system": {"name": "ml-system"}}


def test_source_words_quote_the_original_spelling() -> None:
    d = draft_from_text("Features come from Cassandra, filled hourly by an Airfow DAG.")
    words = d.words[("pipelines", "batch_features", "engine")]
    assert "Airfow" in words


@given(
    st.one_of(
        st.text(alphabet=st.characters(blacklist_categories=("Cs", "Cc")), max_size=30),
        st.integers(-(10**9), 10**9),
        st.floats(allow_nan=False, allow_infinity=False, width=32),
        st.booleans(),
    )
)
def test_every_scalar_reads_back_as_itself(value: object) -> None:
    doc = read_yaml(f"key: {scalar(value)}\n", "<test>")
    back = doc.data["key"]
    if isinstance(value, float) and value.is_integer():
        assert back == value
    else:
        assert back == value and type(back) is type(value)


def test_drafted_yaml_ends_with_the_open_questions() -> None:
    result = drafted("XGBoost fraud model served on SageMaker behind Redis lookups.", "n.txt")
    tail = result.yaml.split("# Open questions", 1)[1]
    assert len(re.findall(r"^# - ", tail, flags=re.M)) == len(result.review.questions) > 0


def test_empty_and_oversized_text_are_input_errors() -> None:
    with pytest.raises(InputError, match="is empty"):
        drafted(" \n", "notes.txt")
    with pytest.raises(InputError, match="characters"):
        drafted("x" * 300_000, "notes.txt")


def test_to_yaml_keeps_header_and_footer_as_comments() -> None:
    text = to_yaml(draft_from_text("A model."), ["head"], ["foot"])
    assert text.startswith("# head\n") and text.endswith("# foot\n")
    assert yaml.safe_load(text)["models"]


# --- the commands ---------------------------------------------------------------------------

NOTES = "XGBoost fraud model on SageMaker, p99 under 80 ms at 400 requests/s."


def test_init_from_text_writes_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    out = tmp_path / "system.yaml"
    assert main(["init", "--from-text", str(notes), "-o", str(out)]) == 0
    assert "p99_ms: 80" in out.read_text(encoding="utf-8")
    assert "open questions" in capsys.readouterr().err
    assert main(["init", "--from-text", str(notes), "-o", str(out)]) == 2
    assert "already exists" in capsys.readouterr().err
    assert main(["init", "--from-text", str(notes), "-o", str(out), "--force"]) == 0


def test_init_from_stdin_to_stdout(monkeypatch, capsys) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setattr(sys, "stdin", io.StringIO(NOTES))
    assert main(["init", "--from-text", "-", "-o", "-"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# Drafted by `mlreview init --from-text` from <stdin>.")
    load_text(out, "<stdout>")


def test_check_from_text_reviews_the_draft(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    notes = tmp_path / "notes.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert main(["check", "--from-text", str(notes), "-f", "json"]) == 0
    report = capsys.readouterr().out
    assert '"file": "' in report and "notes.txt (drafted manifest)" in report


def test_check_needs_exactly_one_input(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["check"]) == 2
    assert "expected a manifest file or --from-text" in capsys.readouterr().err
    notes = tmp_path / "n.txt"
    notes.write_text(NOTES, encoding="utf-8")
    assert main(["check", str(notes), "--from-text", str(notes)]) == 2


def test_missing_or_binary_notes_get_one_line_errors(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["init", "--from-text", str(tmp_path / "nope.txt")]) == 2
    assert (
        capsys.readouterr()
        .err.strip()
        .endswith("no such file; expected a text file describing the system")
    )
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"\xff\xfe\x00")
    assert main(["check", "--from-text", str(binary)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.count("\n") == 0 and "not UTF-8" in err


def test_facts_scoring_matches_names_loosely_and_values_strictly() -> None:
    draft = {
        "version": 1,
        "system": {"name": "x", "traffic": {"peak_qps": 1800}, "description": "Also: Datadog"},
        "stores": [{"id": "redis-feat", "kind": "online", "technology": "redis", "ttl": "2d"}],
        "endpoints": [
            {
                "id": "api",
                "model": "m",
                "mode": "online",
                "dependencies": [{"target": "redis-feat", "timeout_ms": 15}],
                "release": {"canary": True},
            }
        ],
    }
    entry = {
        "numbers": [1800, 48, 15, 7],
        "technologies": ["redis", "datadog", "kafka"],
        "facts": [
            {"path": "stores[redis-feat].ttl", "value": "48h", "quote": "q"},
            {"path": "endpoints[].dependencies[redis].timeout_ms", "value": 15, "quote": "q"},
            {"path": "system.traffic.peak_qps", "value": 2000, "quote": "q"},
            {"path": "endpoints[].slo.p99_ms", "value": 50, "quote": "q"},
        ],
        "negated": [
            {"path": "endpoints[].release.canary", "ruled_out_value": True, "quote": "no canary"}
        ],
    }
    s = score_facts(entry, draft)
    assert s.numbers_kept == [1800, 48, 15] and s.numbers_lost == [7]
    assert s.technologies_lost == ["kafka"]
    assert len(s.right) == 2 and len(s.wrong) == 1 and len(s.missed) == 1
    assert len(s.inverted) == 1
