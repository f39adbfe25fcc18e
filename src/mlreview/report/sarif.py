"""SARIF 2.1.0 for GitHub code scanning: rule metadata, repo-relative URIs, startLine >= 1."""

from __future__ import annotations

import hashlib
from pathlib import Path, PurePosixPath
from typing import Any

from mlreview._version import __version__
from mlreview.areas.findings import Finding, Severity
from mlreview.areas.rule import Rule
from mlreview.engine.result import Review
from mlreview.engine.rules import every_rule
from mlreview.report._json import dumps
from mlreview.report.formats import RenderOptions

SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json"
LEVEL = {
    Severity.CRITICAL: "error",
    Severity.HIGH: "error",
    Severity.MEDIUM: "warning",
    Severity.LOW: "note",
    Severity.INFO: "note",
}


def artifact_uri(file: str) -> str:
    """The manifest's path relative to its repository's root (the nearest folder above it
    holding .git), else its file name relative to its own folder; the same wherever the command
    runs, and relative, as a base id requires (SARIF 2.1.0, 3.4.4)."""
    path = Path(file).resolve()
    root = next((p for p in path.parents if (p / ".git").exists()), path.parent)
    return str(PurePosixPath(*path.relative_to(root).parts))


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
