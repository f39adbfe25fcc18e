"""`mlreview rules` and `mlreview rule`: the rule catalogue and one rule's documentation."""

from __future__ import annotations

import argparse

from mlreview.cli._common import EXIT_OK, UsageError, write


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument("--format", "-f", choices=("text", "markdown", "json"), default="text")
    rules.set_defaults(run=run_rules)
    rule = sub.add_parser("rule", help="explain one rule")
    rule.add_argument("code", help="rule code or name, e.g. SKEW003 or no-serving-feature-log")
    rule.set_defaults(run=run_rule)


def run_rules(args: argparse.Namespace) -> int:
    from mlreview.report.rule_docs import rules_json, rules_markdown, rules_text

    writer = {"text": rules_text, "markdown": rules_markdown, "json": rules_json}[args.format]
    write(writer(), None)
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    from mlreview.engine.runner import every_rule
    from mlreview.report.rule_docs import explain

    matches = [
        r for r in every_rule() if r.code == args.code.upper() or r.name == args.code.lower()
    ]
    if not matches:
        raise UsageError(
            f"rule {args.code!r}: no rule has that code or name (see 'mlreview rules')"
        )
    write(explain(matches[0]), None)
    return EXIT_OK
