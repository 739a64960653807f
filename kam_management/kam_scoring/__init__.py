"""Key account scoring: Pareto, RFM, potential, position, quadrants, churn and CLV.

Pure pandas/numpy/scipy; the Odoo layer gathers one row per account and
calls one function per pass, each exported here:

* classification: :func:`classify` with the scorers to run
  (:data:`DEFAULT_SCORERS`, plus :class:`ClvScorer` in the addon);
* scorecard: :func:`score_scorecard` (and :func:`health_trend`);
* churn and lifetime value: :func:`predict_clv`;
* assignment: :func:`fit_matrix`, :func:`assignment_problem` and
  :func:`assign`.
"""

from .assignment import (
    Assignment,
    AssignmentError,
    AssignmentProblem,
    assign,
    assignment_problem,
    fit_matrix,
)
from .clv import (
    CLV_COLUMNS,
    CLV_INPUT_COLUMNS,
    MIN_REPEAT_BUYERS,
    ClvScorer,
    FitResult,
    discounted_yearly_amounts,
    fit_bgnbd,
    fit_gamma_gamma,
    monthly_discount_factors,
    monthly_rate,
    predict_clv,
)
from .config import (
    DEFAULT_WEIGHTS,
    POTENTIAL_COMPONENTS,
    ClassificationConfig,
    ConfigError,
    config_problems,
    validate_config,
)
from .engine import (
    DEFAULT_SCORERS,
    INPUT_COLUMNS,
    ParetoScorer,
    PotentialScorer,
    QuadrantScorer,
    RfmScorer,
    Scorer,
    classify,
    order_scorers,
)
from .matrix import QUADRANTS, quadrants
from .objectives import expected_to_date, period_share_elapsed
from .pareto import PARETO_COLUMNS, pareto_classes
from .position import latest_assessments, position_scores
from .potential import COMPONENT_COLUMNS, potential_components, potential_score
from .rfm import RFM_COLUMNS, RFM_SEGMENTS, quintile_scores, rfm_scores
from .scorecard import (
    AREAS,
    KPI_MAPPINGS,
    TREND_STEP,
    ScorecardConfig,
    health_trend,
    score_scorecard,
    scorecard_problems,
    survey_summary,
)


def _manifest_version():
    """The addon's version: its manifest, read as text (importing the addon
    would import Odoo), so the engine's version is the manifest's."""
    import ast  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    manifest = Path(__file__).resolve().parent.parent / "__manifest__.py"
    return ast.literal_eval(manifest.read_text(encoding="utf-8"))["version"]


__version__ = _manifest_version()

__all__ = [
    "AREAS",
    "CLV_COLUMNS",
    "CLV_INPUT_COLUMNS",
    "COMPONENT_COLUMNS",
    "DEFAULT_SCORERS",
    "DEFAULT_WEIGHTS",
    "INPUT_COLUMNS",
    "KPI_MAPPINGS",
    "MIN_REPEAT_BUYERS",
    "PARETO_COLUMNS",
    "POTENTIAL_COMPONENTS",
    "QUADRANTS",
    "RFM_COLUMNS",
    "RFM_SEGMENTS",
    "TREND_STEP",
    "Assignment",
    "AssignmentError",
    "AssignmentProblem",
    "ClassificationConfig",
    "ClvScorer",
    "ConfigError",
    "FitResult",
    "ParetoScorer",
    "PotentialScorer",
    "QuadrantScorer",
    "RfmScorer",
    "ScorecardConfig",
    "Scorer",
    "__version__",
    "assign",
    "assignment_problem",
    "classify",
    "config_problems",
    "discounted_yearly_amounts",
    "expected_to_date",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "fit_matrix",
    "health_trend",
    "latest_assessments",
    "monthly_discount_factors",
    "monthly_rate",
    "order_scorers",
    "pareto_classes",
    "period_share_elapsed",
    "position_scores",
    "potential_components",
    "potential_score",
    "predict_clv",
    "quadrants",
    "quintile_scores",
    "rfm_scores",
    "score_scorecard",
    "scorecard_problems",
    "survey_summary",
    "validate_config",
]
