"""Every area, registered explicitly in the order the review prints them."""

from __future__ import annotations

from typing import Any

from mlreview.areas.area import Area
from mlreview.areas.feedback import assessment as feedback_assessment
from mlreview.areas.feedback import present as feedback_present
from mlreview.areas.feedback.rules import RULES as FEEDBACK_RULES
from mlreview.areas.pipeline import assessment as pipeline_assessment
from mlreview.areas.pipeline import present as pipeline_present
from mlreview.areas.pipeline.rules import RULES as PIPELINE_RULES
from mlreview.areas.serving import assessment as serving_assessment
from mlreview.areas.serving import present as serving_present
from mlreview.areas.serving.rules import RULES as SERVING_RULES
from mlreview.areas.skew import assessment as skew_assessment
from mlreview.areas.skew import present as skew_present
from mlreview.areas.skew.rules import RULES as SKEW_RULES

SKEW = Area(
    "skew",
    1,
    "Training-serving skew",
    SKEW_RULES,
    skew_assessment.assess,
    skew_present.summarise,
    skew_present.present,
    skew_present.verdict,
)
PIPELINE = Area(
    "pipeline",
    2,
    "Data-pipeline reliability",
    PIPELINE_RULES,
    pipeline_assessment.assess,
    pipeline_present.summarise,
    pipeline_present.present,
    pipeline_present.verdict,
)
SERVING = Area(
    "serving",
    3,
    "Serving scalability",
    SERVING_RULES,
    serving_assessment.assess,
    serving_present.summarise,
    serving_present.present,
    serving_present.verdict,
)
FEEDBACK = Area(
    "feedback",
    4,
    "Feedback-loop design",
    FEEDBACK_RULES,
    feedback_assessment.assess,
    feedback_present.summarise,
    feedback_present.present,
    feedback_present.verdict,
)

AREA_LIST: tuple[Area[Any], ...] = (SKEW, PIPELINE, SERVING, FEEDBACK)
