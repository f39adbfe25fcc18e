"""JUnit XML, as Jenkins' JUnit plugin and GitLab's unit-test reports read it.

One test suite per area; in it one test case per rule and the components its findings name
(one passing case for a rule that found nothing). A case fails when a finding in it is at or
above --fail-on (so without --fail-on nothing fails, as the exit code says); a case of findings a
suppression or the baseline accepts is skipped with the reason. Text from the manifest has its
control characters shown as escapes (XML 1.0 cannot hold them); ElementTree escapes the rest."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Iterable

from mlreview.areas.findings import AREA_TITLES, Finding, Severity
from mlreview.areas.rule import Rule
from mlreview.engine.result import Review
from mlreview.engine.rules import every_rule
from mlreview.report._escape import visible
from mlreview.report.formats import RenderOptions
from mlreview.system.repository import repository_path


def _grouped(findings: Iterable[Finding]) -> dict[tuple[str, tuple[str, ...]], list[Finding]]:
    out: dict[tuple[str, tuple[str, ...]], list[Finding]] = {}
    for f in findings:
        out.setdefault((f.rule, f.components), []).append(f)
    return out


def _describe(f: Finding) -> str:
    lines = (
        f"[{f.severity.value}] {f.message}",
        f"Fix: {f.fix}",
        f"At: {repository_path(f.file)}:{f.line}, {f.path}",
    )
    return "\n".join(visible(line) for line in lines)


class _Cases:
    """A review's findings sorted into (rule, components) cases."""

    def __init__(self, review: Review, fail_on: str | None) -> None:
        self.reported = _grouped(review.findings)
        self.suppressed = _grouped(review.suppressed)
        use = review.baseline
        self.known = _grouped(use.known if use is not None else ())
        self.baseline_file = use.file if use is not None else ""
        self.bar = Severity(fail_on).rank if fail_on is not None else None
        self.file = repository_path(review.file)

    def keys(self, rule: Rule) -> list[tuple[str, tuple[str, ...]]]:
        keys = [*self.reported, *self.known, *self.suppressed]
        return list(dict.fromkeys(k for k in keys if k[0] == rule.code))

    def case(self, rule: Rule, key: tuple[str, tuple[str, ...]] | None) -> ET.Element:
        name = f"{rule.code} {rule.name}"
        if key is not None:
            name += f" on {', '.join(key[1])}"
        case = ET.Element(
            "testcase", {"classname": f"mlreview.{rule.area}.{rule.code}", "name": visible(name)}
        )
        if key is None:
            case.set("file", self.file)
            return case
        reported = self.reported.get(key, [])
        failing: list[Finding] = []
        passing: list[Finding] = []
        for f in reported:
            fails = self.bar is not None and f.severity.rank >= self.bar
            (failing if fails else passing).append(f)
        first = (reported or self.known.get(key) or self.suppressed[key])[0]
        case.set("file", repository_path(first.file))
        case.set("line", str(max(1, first.line)))
        if failing:
            worst = failing[0]
            failure = ET.SubElement(
                case,
                "failure",
                {"message": visible(worst.message), "type": worst.severity.value},
            )
            failure.text = "\n\n".join(_describe(f) for f in failing)
        elif not passing:
            skipped = ET.SubElement(case, "skipped")
            if key in self.suppressed:
                reasons = "; ".join(f.suppressed or "" for f in self.suppressed[key])
                skipped.set("message", visible(f"suppressed: {reasons}"))
            else:
                skipped.set("message", visible(f"in the baseline {self.baseline_file}"))
        if passing:
            out = ET.SubElement(case, "system-out")
            out.text = "\n\n".join(_describe(f) for f in passing)
        return case


def render(review: Review, options: RenderOptions) -> str:
    cases = _Cases(review, options.fail_on)
    ran = set(review.rules_run)
    root = ET.Element("testsuites", {"name": visible(f"mlreview: {review.system_name}")})
    totals = {"tests": 0, "failures": 0, "errors": 0, "skipped": 0}
    for area, title in AREA_TITLES.items():
        rules = [r for r in every_rule() if r.area == area and r.code in ran]
        if not rules:
            continue
        suite = ET.SubElement(root, "testsuite", {"name": f"{title} ({cases.file})"})
        for rule in rules:
            keys: list[tuple[str, tuple[str, ...]] | None] = [*cases.keys(rule)]
            for key in keys or [None]:
                suite.append(cases.case(rule, key))
        counts = {
            "tests": len(suite),
            "failures": len(suite.findall("testcase/failure")),
            "errors": 0,
            "skipped": len(suite.findall("testcase/skipped")),
        }
        for attr, n in counts.items():
            suite.set(attr, str(n))
            totals[attr] += n
    for attr, n in totals.items():
        root.set(attr, str(n))
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, "unicode") + "\n"
