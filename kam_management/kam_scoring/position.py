"""Competitive position of accounts from criterion assessments.

Each assessment row rates one account on one criterion: ``account_id``,
``criterion_id``, ``weight`` (>= 0), ``score`` (1-5), ``date`` and, optionally,
``id``. For every account and criterion only the latest assessment counts: the
latest ``date`` wins (an unknown date is the oldest), then the highest ``id``.
Rows without a score are not assessments and are dropped beforehand.

The position is the weighted mean of ``(score - 1) / 4 * 100`` (scores clipped
to 1-5) over the criteria with a positive weight, rounded to 2 decimals. The
weight of a criterion is the one of its latest assessment; unknown weights
count as 0. Accounts whose criteria all weigh 0 are left out of the result.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import numeric

_KEYS = ["account_id", "criterion_id"]


def _empty() -> pd.Series:
    return pd.Series(
        dtype="float64", name="position_score", index=pd.Index([], name="account_id")
    )


def latest_assessments(assessments: pd.DataFrame) -> pd.DataFrame:
    """Keep the latest scored assessment per account and criterion."""
    columns = [*_KEYS, "weight", "score", "date"]
    if "id" in assessments.columns:
        columns.append("id")
    rows = assessments[columns].copy()
    rows["score"] = numeric(rows["score"])
    rows = rows[rows["score"].notna()]
    rows["date"] = pd.to_datetime(rows["date"])
    order = [*_KEYS, "date", *(["id"] if "id" in rows.columns else [])]
    rows = rows.sort_values(order, kind="mergesort", na_position="first")
    return rows.drop_duplicates(_KEYS, keep="last")


def position_scores(assessments: pd.DataFrame) -> pd.Series:
    """Return the position score (0-100) of each assessed account.

    The result is a float Series named ``position_score`` indexed by
    ``account_id``. See the module docstring for the rules.
    """
    if assessments.empty:
        return _empty()
    rows = latest_assessments(assessments)
    weight = numeric(rows["weight"]).fillna(0.0)
    rows = rows[(weight > 0.0).to_numpy()]
    if rows.empty:
        return _empty()
    weight = numeric(rows["weight"]).to_numpy()
    points = (rows["score"].clip(1.0, 5.0).to_numpy() - 1.0) / 4.0 * 100.0
    frame = pd.DataFrame(
        {"weighted": points * weight, "weight": weight},
        index=pd.Index(rows["account_id"].to_numpy(), name="account_id"),
    )
    sums = frame.groupby(level=0, sort=True).sum()
    result = np.round(sums["weighted"] / sums["weight"], 2)
    return result.rename("position_score").astype("float64")
