"""The structure the code promises: a curated public API, rules that check themselves when
they register, and no report code that knows which area it draws."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest

import mlreview
from mlreview.areas.findings import Severity
from mlreview.areas.rule import Context, Hit, Monitor, RuleSet, SourceMonitor
from mlreview.engine.rules import every_rule
from tests.conftest import ROOT

PUBLIC = {
    "Finding",
    "InputError",
    "Problem",
    "Profile",
    "Review",
    "Severity",
    "SkewReport",
    "System",
    "Thresholds",
    "__version__",
    "load",
    "loads",
    "profile",
    "review",
    "skew",
}
SOURCE = ROOT / "src" / "mlreview"


def test_the_public_api_is_exactly_what_is_documented() -> None:
    assert set(mlreview.__all__) == PUBLIC
    for name in mlreview.__all__:
        assert getattr(mlreview, name) is not None, name
    with pytest.raises(AttributeError):
        _ = mlreview.not_a_name  # type: ignore[attr-defined]


def _register(rules: RuleSet[object], number: int, name: str, scenario: str = "skew") -> None:
    @rules.rule(
        number,
        name,
        severity=Severity.LOW,
        summary="s",
        rationale="r",
        sources=("x",),
        fix="f",
        mitigation="prevent",
        scenario=scenario,
    )
    def check(ctx: Context[object]) -> Iterator[Hit]:
        yield from ()


def test_a_rule_set_refuses_a_second_rule_with_the_same_code_or_name() -> None:
    rules: RuleSet[object] = RuleSet(area="skew", prefix="T")
    _register(rules, 1, "first")
    with pytest.raises(ValueError, match="already registered"):
        _register(rules, 1, "second")
    with pytest.raises(ValueError, match="already registered"):
        _register(rules, 2, "first")


def test_a_rule_naming_an_unknown_scenario_family_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown scenario family"):
        _register(RuleSet(area="skew", prefix="T"), 1, "x", scenario="no-such-family")


@pytest.mark.parametrize(
    ("make", "says"),
    [
        (lambda: Monitor("monitoring.system.no_such_field"), "is not a field"),
        (lambda: Monitor("monitoring.system"), "is not a monitor signal"),
        (lambda: SourceMonitor("monitors.nothing"), "is not a field of Source"),
    ],
)
def test_monitor_paths_are_checked_against_the_schema(make: object, says: str) -> None:
    with pytest.raises(ValueError, match=says):
        make()  # type: ignore[operator]


def test_every_rule_has_a_unique_code_and_name() -> None:
    rules = every_rule()
    assert len({r.code for r in rules}) == len(rules)
    assert len({r.name for r in rules}) == len(rules)


def _source_lines(pattern: str) -> list[str]:
    found = []
    for path in sorted(SOURCE.rglob("*.py")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(pattern, line):
                found.append(f"{path.relative_to(SOURCE)}:{n}: {line.strip()}")
    return found


def test_assessments_are_read_by_attribute_and_reports_never_name_an_area() -> None:
    assert _source_lines(r"assessment\[") == []
    assert _source_lines(r"area\.key ==") == []
    by_name = r"areas\[[\"'](skew|pipeline|serving|feedback)[\"']\]"
    assert _source_lines(by_name) == []
