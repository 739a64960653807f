"""Potential components of an account and their weighted potential score.

Input columns (missing columns count as all NaN):

``revenue`` / ``revenue_prev``
    Net revenue in the current window and in the window before it; NaN counts
    as 0 (no invoice).
``cost``
    Cost of the revenue in the window; NaN means unknown.
``wallet_estimate``
    Yearly spend of the customer in our categories; NaN or <= 0 means unknown.
``objectives_fit``
    Fit with our objectives from 1 to 5; NaN means unknown.

Components (all floats, NaN where not computable):

``growth_pct``
    ``(revenue - revenue_prev) / revenue_prev * 100``; NaN when
    ``revenue_prev`` is 0 or less: a customer without revenue in the previous
    window is new, and its growth cannot be measured.
``margin_pct``
    ``(revenue - cost) / revenue * 100`` when revenue > 0 and cost is known.
``share_of_wallet_pct``
    Annualised revenue (``revenue * 12 / window_months``) in percent of the
    wallet estimate, clipped to [0, 100].
``volume_score``
    Percentile rank (0-100) of the revenue among accounts with a positive
    revenue; 0 for revenue <= 0.
``growth_score``
    ``growth_pct`` clipped to [-100, 100] and mapped linearly onto [0, 100]
    (no growth scores 50); NaN, so left out of the potential like any other
    unknown component, when ``growth_pct`` is NaN (new customer).
``share_of_wallet_score``
    Equal to ``share_of_wallet_pct``.
``profitability_score``
    Percentile rank (0-100) of ``margin_pct`` among accounts with a known
    margin.
``objectives_fit_score``
    ``(fit - 1) / 4 * 100``, clipped to [0, 100].

:func:`potential_score` is the weighted mean of the five ``*_score`` columns;
unknown components are skipped and the remaining weights renormalised per row.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from ._frame import numeric_column, percentile_rank
from .config import POTENTIAL_COMPONENTS

SCORE_COLUMNS = tuple(f"{component}_score" for component in POTENTIAL_COMPONENTS)

COMPONENT_COLUMNS = (
    "growth_pct",
    "margin_pct",
    "share_of_wallet_pct",
    *SCORE_COLUMNS,
)


def _growth(revenue: pd.Series, previous: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Return ``(growth_pct, growth_score)``; NaN without previous revenue."""
    had_revenue = previous > 0.0
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = ((revenue - previous) / previous * 100.0).where(had_revenue)
    score = (pct.clip(-100.0, 100.0) + 100.0) / 2.0
    return pct, score


def potential_components(frame: pd.DataFrame, window_months: int) -> pd.DataFrame:
    """Return the potential components of each row of ``frame``.

    See the module docstring for the input columns and the formulas. The
    result has the columns of :data:`COMPONENT_COLUMNS` and the index of
    ``frame``.
    """
    if not window_months > 0:
        raise ValueError(f"window_months must be positive, got {window_months!r}")
    revenue = numeric_column(frame, "revenue").fillna(0.0)
    previous = numeric_column(frame, "revenue_prev").fillna(0.0)
    cost = numeric_column(frame, "cost")
    wallet = numeric_column(frame, "wallet_estimate")
    fit = numeric_column(frame, "objectives_fit")

    growth_pct, growth_score = _growth(revenue, previous)
    selling = revenue > 0.0
    margin_pct = ((revenue - cost) / revenue * 100.0).where(selling & cost.notna())
    annual = revenue * 12.0 / window_months
    wallet_pct = (annual / wallet.where(wallet > 0.0) * 100.0).clip(0.0, 100.0)

    result = pd.DataFrame(
        {
            "growth_pct": growth_pct,
            "margin_pct": margin_pct,
            "share_of_wallet_pct": wallet_pct,
            "volume_score": percentile_rank(revenue.where(selling)).fillna(0.0),
            "growth_score": growth_score,
            "share_of_wallet_score": wallet_pct,
            "profitability_score": percentile_rank(margin_pct),
            "objectives_fit_score": ((fit - 1.0) / 4.0 * 100.0).clip(0.0, 100.0),
        },
        index=frame.index,
    )
    return result.astype("float64")


def _weight_vector(weights: Mapping[str, float]) -> np.ndarray:
    vector = np.array(
        [float(weights.get(component, 0.0)) for component in POTENTIAL_COMPONENTS]
    )
    if not np.all(np.isfinite(vector) & (vector >= 0.0)):
        raise ValueError(f"weights must be finite and non-negative: {dict(weights)}")
    return vector


def potential_score(
    components: pd.DataFrame, weights: Mapping[str, float]
) -> pd.Series:
    """Weighted mean of the component scores, rounded to 2 decimals.

    ``weights`` maps the names of :data:`~kam_scoring.config.POTENTIAL_COMPONENTS`
    to relative weights (missing names weigh 0, unknown names are ignored).
    Per row, NaN components are skipped and the remaining weights
    renormalised; the score is NaN when no component with a positive weight is
    available.
    """
    vector = _weight_vector(weights)
    values = np.column_stack(
        [numeric_column(components, column).to_numpy() for column in SCORE_COLUMNS]
    )
    available = ~np.isnan(values) & (vector > 0.0)
    used = np.where(available, vector, 0.0)
    weight_sum = used.sum(axis=1)
    weighted = np.where(available, values, 0.0) @ vector
    with np.errstate(divide="ignore", invalid="ignore"):
        score = np.where(weight_sum > 0.0, weighted / weight_sum, np.nan)
    return pd.Series(np.round(score, 2), index=components.index, name="potential_score")
