"""A reviewed draft manifest from prose: the YAML with its source words and open questions."""

from __future__ import annotations

from dataclasses import dataclass

from mlreview.draft.emit import to_yaml
from mlreview.draft.extract import draft_from_text
from mlreview.engine.result import Review
from mlreview.engine.whatif.questions import review_with_questions
from mlreview.problems import InputError
from mlreview.system.loader import load_text
from mlreview.system.system import System

MAX_TEXT_CHARS = 200_000


@dataclass(frozen=True)
class Drafted:
    yaml: str
    system: System
    review: Review
    values: int


def drafted(text: str, source: str) -> Drafted:
    """Draft, load and review a manifest from ``text``; ``source`` names it in messages."""
    if not text.strip():
        raise InputError.single(source, "is empty; expected a description of the ML system")
    if len(text) > MAX_TEXT_CHARS:
        raise InputError.single(
            source, f"has {len(text)} characters; expected a description under {MAX_TEXT_CHARS}"
        )
    draft = draft_from_text(text)
    header = [
        f"Drafted by `mlreview init --from-text` from {source}.",
        "Each value ends with the words it came from. What the text does not say is left out:",
        "the review treats it as unknown. Check every value before relying on the review.",
    ]
    # Loaded with the header so that line numbers in the review match the written draft.
    system = load_text(to_yaml(draft, header, []), f"{source} (drafted manifest)")
    review = review_with_questions(system)
    footer = [""]
    if review.questions:
        footer.append("Open questions: the review's result changes with their answers.")
        for q in review.questions:
            footer.append(f"- {q.field}: {q.question} (assumed meanwhile: {q.assumed})")
    else:
        footer.append("No unknown field would change the review's result.")
    return Drafted(to_yaml(draft, header, footer), system, review, len(draft.words))
