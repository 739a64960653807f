"""Key account scoring: Pareto, RFM, potential, position, quadrants, churn and CLV.

Pure pandas/numpy; the Odoo layer gathers one row per account, calls
:func:`classify` and stores the result.
"""

from .clv import (
    CLV_COLUMNS,
    CLV_INPUT_COLUMNS,
    MIN_REPEAT_BUYERS,
    ClvScorer,
    FitResult,
    fit_bgnbd,
    fit_gamma_gamma,
    history_summary,
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
    INPUT_COLUMNS,
    ParetoScorer,
    PotentialScorer,
    QuadrantScorer,
    RfmScorer,
    Scorer,
    classify,
    order_scorers,
    register_scorer,
    registered_scorers,
    scorer_classes,
    unregister_scorer,
)
from .matrix import QUADRANTS, quadrants
from .pareto import PARETO_COLUMNS, pareto_classes
from .position import latest_assessments, position_scores
from .potential import COMPONENT_COLUMNS, potential_components, potential_score
from .rfm import RFM_COLUMNS, RFM_SEGMENTS, quintile_scores, rfm_scores


def _manifest_version():
    """The addon's version: its manifest, read as text (importing the addon
    would import Odoo), so the engine's version is the manifest's."""
    import ast  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    manifest = Path(__file__).resolve().parent.parent / "__manifest__.py"
    return ast.literal_eval(manifest.read_text(encoding="utf-8"))["version"]


__version__ = _manifest_version()

__all__ = [
    "CLV_COLUMNS",
    "CLV_INPUT_COLUMNS",
    "MIN_REPEAT_BUYERS",
    "ClvScorer",
    "FitResult",
    "fit_bgnbd",
    "fit_gamma_gamma",
    "history_summary",
    "predict_clv",
    "scorer_classes",
    "COMPONENT_COLUMNS",
    "DEFAULT_WEIGHTS",
    "INPUT_COLUMNS",
    "PARETO_COLUMNS",
    "POTENTIAL_COMPONENTS",
    "QUADRANTS",
    "RFM_COLUMNS",
    "RFM_SEGMENTS",
    "ClassificationConfig",
    "ConfigError",
    "ParetoScorer",
    "PotentialScorer",
    "QuadrantScorer",
    "RfmScorer",
    "Scorer",
    "__version__",
    "classify",
    "config_problems",
    "latest_assessments",
    "order_scorers",
    "pareto_classes",
    "position_scores",
    "potential_components",
    "potential_score",
    "quadrants",
    "quintile_scores",
    "register_scorer",
    "registered_scorers",
    "rfm_scores",
    "unregister_scorer",
    "validate_config",
]
