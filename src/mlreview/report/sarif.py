"""SARIF 2.1.0 for GitHub code scanning: rule metadata, repo-relative URIs, startLine >= 1."""

from __future__ import annotations

from typing import Any

from mlreview._version import __version__
from mlreview.areas import pitfalls
from mlreview.areas.findings import Finding, Severity
from mlreview.areas.rule import Rule
from mlreview.engine.result import Review
from mlreview.engine.rules import every_rule
from mlreview.report._json import dumps
from mlreview.report.formats import RenderOptions
from mlreview.system.repository import repository_path

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def rule_descriptor(rule: Rule) -> dict[str, Any]:
    full = f"{rule.summary} {rule.rationale}"
    return {
        "id": rule.code,
        "name": rule.name,
        "shortDescription": {"text": rule.summary},
        "fullDescription": {"text": full[:1024]},
        "help": {
            "text": f"{rule.rationale}\nFix: {rule.fix}\nSources: {'; '.join(rule.sources)}",
            "markdown": f"{rule.rationale}\n\n**Fix:** {rule.fix}\n\n**Sources:** "
            + "; ".join(rule.sources),
        },
        "defaultConfiguration": {"level": LEVEL[rule.severity]},
        "properties": {
            "tags": ["mlreview", rule.area, "reliability"],
            "precision": "high",
            "problem.severity": "error" if LEVEL[rule.severity] == "error" else "warning",
        },
    }


def _result(
    f: Finding, index: dict[str, int], cited: dict[str, tuple[str, ...]], new: bool = False
) -> dict[str, Any]:
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message} Fix: {f.fix}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": repository_path(f.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, f.line)},
                }
            }
        ],
        "partialFingerprints": {"mlreviewFinding/v2": f.fingerprint},
        "properties": {
            "components": list(f.components),
            "path": f.path,
            "severity": f.severity.value,
        },
    }
    if f.fingerprint in cited:
        result["properties"]["pitfalls"] = [
            {"id": p.id, "title": p.title, "sources": [c.url for c in p.sources]}
            for p in map(pitfalls.entry, cited[f.fingerprint])
        ]
    if new:
        result["baselineState"] = "new"
    if f.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
    return result


def render(review: Review, options: RenderOptions) -> str:
    rules = every_rule()
    index = {r.code: i for i, r in enumerate(rules)}
    # Against a baseline, the findings it knows are left out and the others are new.
    new = review.baseline is not None
    results = [_result(f, index, review.pitfalls, new) for f in review.findings]
    results += [_result(f, index, review.pitfalls) for f in review.suppressed]
    doc = {
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": "mlreview",
                        "semanticVersion": __version__,
                        "informationUri": "https://pypi.org/project/mlreview/",
                        "rules": [rule_descriptor(r) for r in rules],
                    }
                },
                "automationDetails": {"id": f"mlreview/{review.system_name}/"},
                "results": results,
            }
        ],
    }
    return dumps(doc)
