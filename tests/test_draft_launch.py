"""Drafting `system.traffic.launch` from prose: a peak stated for a launch is its forecast, and
what caps its demand (sign-ups, each user's use) is read beside it."""

from __future__ import annotations

from typing import Any

import pytest

from mlreview.draft.extract import draft_from_text

SERVICE = (
    "A chat assistant on GPUs, eight per replica, 16 conversations in flight per replica, "
    "about 2.5 turns a second per replica. "
)


def _launch(text: str) -> Any:
    return draft_from_text(text).get(("system", "traffic", "launch"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            SERVICE + "We expect a peak of around 6,000 turns a second after the launch. "
            "Plus users have a cap on messages every few hours. Sign-ups are open and not capped.",
            {"peak_qps": 6000.0, "per_user_limit": True, "signups_capped": False},
        ),
        (
            SERVICE + "Our estimate for the launch peak is about 200 requests a second. There is "
            "no separate per-user image limit for now. New users join from a waitlist.",
            {"peak_qps": 200.0, "per_user_limit": False, "signups_capped": True},
        ),
    ],
)
def test_a_launch_peak_and_what_caps_it_are_drafted(text: str, expected: dict[str, Any]) -> None:
    assert _launch(text) == expected


def test_a_peak_that_is_not_a_launch_drafts_no_launch() -> None:
    text = SERVICE + "Traffic peaks around 6,000 turns a second. Sign-ups are open."
    assert _launch(text) is None
