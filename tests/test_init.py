"""`mlreview init`: the questionnaire and the in-place edits it makes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from rich.console import Console

from mlreview.draft.interview import answer_hint, interview, parse_answer
from mlreview.draft.yaml_edit import set_value
from mlreview.engine.result import Question
from mlreview.engine.whatif.questions import review_with_questions
from mlreview.problems import InputError
from mlreview.system.loader import load, load_text
from mlreview.system.units import Duration
from tests.conftest import ROOT

FORECAST = ROOT / "examples" / "demand-forecast" / "system.yaml"

BLOCK = """\
version: 1
system:
  name: s  # a comment that must survive
  traffic:
    peak_qps: 10
models:
  - id: m
    family: xgboost
endpoints:
  - id: api
    model: m
    mode: online
    slo: {p99_ms: 80}
"""


class Script:
    """Answers prompts from a list; records every prompt it was shown."""

    def __init__(self, answers: list[str]) -> None:
        self.answers: Iterator[str] = iter(answers)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        return next(self.answers, "")


def _quiet() -> Console:
    return Console(file=open("/dev/null", "w"), width=100)  # noqa: PTH123


@pytest.mark.parametrize(
    ("path", "value", "expect"),
    [
        (("system", "owner"), "ml-team", "  owner: ml-team  # test"),
        (("system", "decision", "automated_action"), True, "    automated_action: true  # test"),
        (("endpoints", 0, "release", "canary"), False, "      canary: false  # test"),
        (("endpoints", 0, "slo", "availability"), 0.999, "slo: {p99_ms: 80, availability: 0.999}"),
        (("monitoring", "skew", "training_serving"), True, "    training_serving: true  # test"),
    ],
)
def test_set_value_edits_in_place(path: tuple[str | int, ...], value: object, expect: str) -> None:
    text = set_value(BLOCK, "m.yaml", path, value, "test")
    assert expect in text
    assert "# a comment that must survive" in text
    assert set(BLOCK.splitlines()) - set(text.splitlines()) <= {"    slo: {p99_ms: 80}"}
    node: object = load_text(text, "m.yaml").manifest
    for part in path:
        node = node[part] if isinstance(part, int) else getattr(node, part)  # type: ignore[index]
    assert node == value


def test_set_value_refuses_a_known_field() -> None:
    with pytest.raises(InputError, match="already set"):
        set_value(BLOCK, "m.yaml", ("system", "traffic", "peak_qps"), 5.0, "test")


@pytest.mark.parametrize(
    ("path", "answer", "value"),
    [
        (("endpoints", 0, "release", "canary"), "yes", True),
        (("monitoring", "skew", "training_serving"), "dashboard", "dashboard"),
        (("sources", 0, "on_failure", "behaviour"), "last_known_good", "last_known_good"),
        (("endpoints", 0, "cold_start"), "90s", Duration.parse("90s")),
        (("endpoints", 0, "slo", "availability"), "99.9%", 0.999),
        (("endpoints", 0, "replicas", "max"), "12", 12),
    ],
)
def test_answers_are_typed_by_field(
    path: tuple[str | int, ...], answer: str, value: object
) -> None:
    assert parse_answer(path, answer) == value


@pytest.mark.parametrize(
    ("path", "answer", "says"),
    [
        (("endpoints", 0, "release", "canary"), "maybe", "yes or no"),
        (("sources", 0, "on_failure", "behaviour"), "panic", "expected one of"),
        (("endpoints", 0, "replicas", "max"), "2.5", "whole number"),
        (("endpoints", 0, "cold_start"), "soon", "duration"),
    ],
)
def test_bad_answers_say_what_fits(path: tuple[str | int, ...], answer: str, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        parse_answer(path, answer)


def test_a_new_manifest_from_a_description_and_answers(tmp_path: Path) -> None:
    target = tmp_path / "system.yaml"
    description = iter(
        [
            "XGBoost fraud model served on SageMaker with 2 instances.",
            "Features come from Redis filled by a Flink job reading Kafka.",
            "",
        ]
    )

    def answer(prompt: str) -> str:
        if prompt == ">":
            return next(description)
        return "yes" if "yes / no" in prompt else ""

    assert interview(target, ask=answer, console=_quiet()) == 0
    system = load(target)
    assert system.manifest.models[0].family == "xgboost"
    assert system.manifest.endpoints[0].platform == "sagemaker"
    assert "answered in mlreview init" in target.read_text(encoding="utf-8")


def test_ctrl_c_writes_nothing(tmp_path: Path) -> None:
    def interrupt(prompt: str) -> str:
        raise KeyboardInterrupt

    target = tmp_path / "system.yaml"
    assert interview(target, ask=interrupt, console=_quiet()) == 130
    assert not target.exists()
    assert list(tmp_path.iterdir()) == []


def test_ctrl_c_midway_leaves_an_existing_manifest_untouched(tmp_path: Path) -> None:
    target = tmp_path / "system.yaml"
    target.write_text(FORECAST.read_text(encoding="utf-8"), encoding="utf-8")
    before = target.read_bytes()
    answers = iter(["yes"])

    def then_interrupt(prompt: str) -> str:
        try:
            return next(answers)
        except StopIteration:
            raise KeyboardInterrupt from None

    assert interview(target, ask=then_interrupt, console=_quiet()) == 130
    assert target.read_bytes() == before
    assert [p.name for p in tmp_path.iterdir()] == ["system.yaml"]


def test_rerun_asks_only_what_is_still_unknown(tmp_path: Path) -> None:
    target = tmp_path / "system.yaml"
    target.write_text(FORECAST.read_text(encoding="utf-8"), encoding="utf-8")
    first = review_with_questions(load(target)).questions
    script = Script(["yes" if q.field.endswith("on_failure.alert") else "" for q in first])
    assert interview(target, ask=script, console=_quiet()) == 0
    after = review_with_questions(load(target))
    answered = {q.field for q in first if q.field.endswith("on_failure.alert")}
    assert answered and not answered & {q.field for q in after.questions}
    rerun = Script([])
    assert interview(target, ask=rerun, console=_quiet()) == 0
    assert len(rerun.prompts) == len(after.questions)


def test_an_answer_that_cannot_be_read_is_asked_again_then_skipped(tmp_path: Path) -> None:
    target = tmp_path / "system.yaml"
    target.write_text(FORECAST.read_text(encoding="utf-8"), encoding="utf-8")
    before = target.read_text(encoding="utf-8")
    asked: list[str] = []

    def garbage(prompt: str) -> str:
        asked.append(prompt)
        return "not an answer"

    questions = review_with_questions(load(target)).questions
    assert interview(target, ask=garbage, console=_quiet()) == 0
    # Every question was tried three times and skipped; nothing was written.
    assert len(asked) == 3 * len(questions)
    assert target.read_text(encoding="utf-8") == before


def test_end_of_input_before_a_description_writes_nothing(tmp_path: Path) -> None:
    def closed(prompt: str) -> str:
        raise EOFError

    target = tmp_path / "system.yaml"
    assert interview(target, ask=closed, console=_quiet()) == 2
    assert not target.exists()


def test_a_grouped_question_can_be_answered_per_component(tmp_path: Path) -> None:
    target = tmp_path / "system.yaml"
    target.write_text(FORECAST.read_text(encoding="utf-8"), encoding="utf-8")
    grouped = next(q for q in review_with_questions(load(target)).questions if len(q.paths) > 1)
    first, second = grouped.owners[:2]

    class PerComponent(Script):
        def __call__(self, prompt: str) -> str:
            self.prompts.append(prompt)
            if prompt.lstrip().startswith("answer for all of") and "'each'" in prompt:
                # Split the grouped question only, the first time it is put (it need not be
                # the first question asked).
                mine = first in prompt and second in prompt
                return "each" if mine and not any("'each'" in p for p in self.prompts[:-1]) else ""
            if prompt.lstrip().startswith(f"{first} ("):
                return self.yes_or(grouped, "yes")
            if prompt.lstrip().startswith(f"{second} ("):
                return self.yes_or(grouped, "no")
            return ""

        @staticmethod
        def yes_or(q: Question, answer: str) -> str:
            """Two different answers of the question's own type."""
            hint = answer_hint(q.paths[0])
            if "yes / no" in hint:
                return answer
            if hint.startswith("a duration"):
                return "15m" if answer == "yes" else "8h"
            if hint == "a number":
                return "0.999" if answer == "yes" else "0.99"
            return "alert" if answer == "yes" else "false"

    script = PerComponent([])
    assert interview(target, ask=script, console=_quiet()) == 0
    assert any(p.lstrip().startswith(f"{first} (") for p in script.prompts)
    system = load(target)
    answered = [_read(system.manifest, p) for p in grouped.paths[:2]]
    assert answered[0] != answered[1]


def _read(node: object, path: tuple[str | int, ...]) -> object:
    for part in path:
        node = node[part] if isinstance(part, int) else getattr(node, part)  # type: ignore[index]
    return node
