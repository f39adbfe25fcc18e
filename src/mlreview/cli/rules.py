"""`mlreview rules` and `mlreview rule`: the rule catalogue and one rule's documentation."""

from __future__ import annotations

import argparse
import sys

from mlreview.cli._common import EXIT_OK, UsageError, width_for, write
from mlreview.report import formats

KINDS: tuple[formats.Kind, ...] = ("document", "data")


def add(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    rules = sub.add_parser("rules", help="list every rule")
    rules.add_argument(
        "--format", "--output-format", "-f", choices=formats.names(*KINDS), default="terminal"
    )
    rules.add_argument(
        "--full", action="store_true", help="each rule's rationale, fix and sources too"
    )
    rules.add_argument("--width", type=int, default=None, help="terminal width (default: detected)")
    rules.set_defaults(run=run_rules)
    rule = sub.add_parser("rule", help="explain one rule")
    rule.add_argument("code", help="rule code or name, e.g. SKEW003 or no-serving-feature-log")
    rule.add_argument(
        "--format", "--output-format", "-f", choices=formats.names("document"), default="terminal"
    )
    rule.add_argument("--width", type=int, default=None, help="terminal width (default: detected)")
    rule.set_defaults(run=run_rule)


def _options(args: argparse.Namespace) -> formats.RenderOptions:
    return formats.RenderOptions(width=width_for(args.width, sys.stdout.isatty()))


def run_rules(args: argparse.Namespace) -> int:
    from mlreview.report.rule_docs import rules_data, rules_document

    what = formats.Printable(lambda: rules_document(args.full), rules_data)
    write(formats.render(what, args.format, _options(args)), None)
    return EXIT_OK


def run_rule(args: argparse.Namespace) -> int:
    from mlreview.engine.rules import find
    from mlreview.report.rule_docs import rule_document

    rule = find(args.code)
    if rule is None:
        raise UsageError(
            f"rule {args.code!r}: no rule has that code or name (see 'mlreview rules')"
        )
    what = formats.Printable(lambda: rule_document(rule), lambda: None)
    write(formats.render(what, args.format, _options(args)), None)
    return EXIT_OK
