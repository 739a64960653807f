"""Small helpers shared by the scoring modules (private)."""

from __future__ import annotations

import numpy as np
import pandas as pd


def numeric(values: pd.Series) -> pd.Series:
    """Return ``values`` as a float Series; non-numeric entries become NaN."""
    return pd.to_numeric(values, errors="coerce").astype("float64")


def numeric_column(frame: pd.DataFrame, name: str) -> pd.Series:
    """Return column ``name`` of ``frame`` as floats (all NaN when absent)."""
    if name in frame.columns:
        return numeric(frame[name])
    return pd.Series(np.nan, index=frame.index, dtype="float64", name=name)


def percentile_rank(values: pd.Series) -> pd.Series:
    """Average percentile rank (0-100] of the non-NaN ``values``; NaN stays NaN."""
    return values.rank(method="average", pct=True) * 100.0
