"""SARIF 2.1.0 for GitHub code scanning: rule metadata, repo-relative URIs, startLine >= 1."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any

from mlreview._version import __version__
from mlreview.areas.findings import Finding, Severity
from mlreview.areas.rule import Rule
from mlreview.engine.result import Review
from mlreview.engine.runner import every_rule
from mlreview.report.base import RenderOptions
from mlreview.report.json_format import dumps

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def artifact_uri(file: str) -> str:
    """A repo-relative POSIX path: relative to the working directory when inside it."""
    path = Path(file)
    if path.is_absolute():
        try:
            path = path.resolve().relative_to(Path.cwd().resolve())
        except ValueError:
            return path.resolve().as_uri()
    return str(PurePosixPath(*path.parts))


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


def _result(f: Finding, index: dict[str, int]) -> dict[str, Any]:
    fingerprint = hashlib.sha256(
        f"{f.rule}|{'|'.join(f.components)}|{f.message}".encode()
    ).hexdigest()[:32]
    result: dict[str, Any] = {
        "ruleId": f.rule,
        "ruleIndex": index[f.rule],
        "level": LEVEL[f.severity],
        "message": {"text": f"{f.message} Fix: {f.fix}"},
        "locations": [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": artifact_uri(f.file), "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": max(1, f.line)},
                }
            }
        ],
        "partialFingerprints": {"mlreviewFinding/v1": fingerprint},
        "properties": {"components": list(f.components), "severity": f.severity.value},
    }
    if f.suppressed is not None:
        result["suppressions"] = [{"kind": "inSource", "justification": f.suppressed}]
    return result


def render(review: Review, options: RenderOptions) -> str:
    rules = every_rule()
    index = {r.code: i for i, r in enumerate(rules)}
    results = [_result(f, index) for f in [*review.findings, *review.suppressed]]
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
