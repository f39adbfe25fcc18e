"""Every area and rule, registered explicitly."""

from __future__ import annotations

from mlreview.areas.area import Area
from mlreview.areas.feedback import assessment as feedback_assessment
from mlreview.areas.feedback.rules import RULES as FEEDBACK_RULES
from mlreview.areas.pipeline import assessment as pipeline_assessment
from mlreview.areas.pipeline.rules import RULES as PIPELINE_RULES
from mlreview.areas.rule import Rule
from mlreview.areas.serving import assessment as serving_assessment
from mlreview.areas.serving.rules import RULES as SERVING_RULES
from mlreview.areas.skew import assessment as skew_assessment
from mlreview.areas.skew.rules import RULES as SKEW_RULES

AREA_LIST: tuple[Area, ...] = (
    Area(
        "skew",
        "Training-serving skew",
        SKEW_RULES,
        skew_assessment.assess,
        skew_assessment.summarise,
    ),
    Area(
        "pipeline",
        "Data-pipeline reliability",
        PIPELINE_RULES,
        pipeline_assessment.assess,
        pipeline_assessment.summarise,
    ),
    Area(
        "serving",
        "Serving scalability",
        SERVING_RULES,
        serving_assessment.assess,
        serving_assessment.summarise,
    ),
    Area(
        "feedback",
        "Feedback-loop design",
        FEEDBACK_RULES,
        feedback_assessment.assess,
        feedback_assessment.summarise,
    ),
)


def all_rules() -> list[Rule]:
    return [r for area in AREA_LIST for r in area.rules.rules]
