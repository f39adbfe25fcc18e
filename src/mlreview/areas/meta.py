"""Review hygiene: suppressions that silence nothing or name no rule."""

from __future__ import annotations

from collections.abc import Iterator

from mlreview.areas.findings import Severity
from mlreview.areas.rule import Context, Hit, RuleSet

RULES = RuleSet(area="meta", prefix="MLR")


@RULES.rule(
    1,
    "unused-suppression",
    severity=Severity.LOW,
    summary="A suppression silences no finding.",
    rationale="Stale suppressions hide the next real finding of that rule on that component "
    "and mislead readers about what was accepted.",
    sources=("ruff RUF100 (unused noqa)", "checkov suppression comments"),
    fix="Delete the suppression, or correct its rule code.",
    mitigation="prevent",
    scenario="review-hygiene",
    likelihood=1,
)
def unused_suppression(ctx: Context) -> Iterator[Hit]:
    used: set[tuple[str | int, ...]] = ctx.assessment["used"]
    codes: dict[str, str] = ctx.assessment["codes"]
    ran: set[str] = ctx.assessment["ran"]
    for owner, sup in ctx.system.suppressions:
        code = codes.get(sup.rule.upper()) or codes.get(sup.rule.lower())
        if sup.path in used or (code is not None and code not in ran):
            continue
        p = ctx.probe()
        p.get(sup, "rule")
        ident = getattr(owner, "id", None) or ctx.system.label(owner.path)
        why = "matches no rule" if code is None else "silenced nothing"
        yield p.hit([str(ident)], f"Suppression of {sup.rule} on {ident} {why}.", sup, "rule")
