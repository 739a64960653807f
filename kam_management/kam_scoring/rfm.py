"""RFM (recency, frequency, monetary) quintile scores and segments.

Each dimension is scored 1 (worst) to 5 (best) by percentile rank among the
customers who bought in the window (invoice count > 0). With ``n`` scored
customers and the average rank ``r`` (ties share it), ``p = (r - 0.5) / n`` and
the score is ``floor(5 * p) + 1``. A single customer scores 3, two customers
score 2 and 4, three score 1, 3 and 5. Recency is measured in days since the
last invoice, so fewer days score higher.

Ties never move the ends of the scale: when the values are not all equal, the
customers tied at the worst value rank first (score 1 from three customers on)
and those tied at the best value rank last (score 5), however many they are.
Otherwise a large group of equal values at the bottom, such as the one-time
buyers of a retailer, would share an average rank that lifts all of them to 2
or 3 and leave score 1 empty. When every value is the same, nothing tells the
customers apart and all of them score 3.

Frequency has a meaning of its own besides the rank: a one-time buyer (one
invoice in the window) always scores F = 1, also when every buyer bought once.

Customers without a purchase in the window (frequency 0 or unknown) score 0 in
every dimension, are left out of the ranking population and get the segment
``"no_purchase"``; so does a buyer whose recency cannot be scored (unknown
number of days), as no segment can be derived without it.

The segment comes from the (recency, frequency) pair through the usual RFM
segment grid, applied in this order (later rules override earlier ones):

=======  =======  ======================
R        F        segment
=======  =======  ======================
1-2      1-2      ``hibernating``
1-2      3-4      ``at_risk``
1-2      5        ``cannot_lose``
3        1-2      ``about_to_sleep``
3        3        ``need_attention``
3-4      4-5      ``loyal``
4        1        ``promising``
5        1        ``new``
4-5      2-3      ``potential_loyalist``
5        4-5      ``champions``
=======  =======  ======================
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import numeric

NO_PURCHASE = "no_purchase"

RFM_SEGMENTS = (
    "hibernating",
    "at_risk",
    "cannot_lose",
    "about_to_sleep",
    "need_attention",
    "loyal",
    "promising",
    "new",
    "potential_loyalist",
    "champions",
    NO_PURCHASE,
)

RFM_COLUMNS = ("rfm_recency", "rfm_frequency", "rfm_monetary", "rfm_segment")

# (recency scores, frequency scores, segment), applied in order.
_SEGMENT_RULES = (
    ((1, 2), (1, 2), "hibernating"),
    ((1, 2), (3, 4), "at_risk"),
    ((1, 2), (5,), "cannot_lose"),
    ((3,), (1, 2), "about_to_sleep"),
    ((3,), (3,), "need_attention"),
    ((3, 4), (4, 5), "loyal"),
    ((4,), (1,), "promising"),
    ((5,), (1,), "new"),
    ((4, 5), (2, 3), "potential_loyalist"),
    ((5,), (4, 5), "champions"),
)


def _segment_grid() -> np.ndarray:
    """6x6 lookup ``grid[recency, frequency]``; score 0 means ``no_purchase``."""
    grid = np.full((6, 6), NO_PURCHASE, dtype=object)
    for recencies, frequencies, segment in _SEGMENT_RULES:
        grid[np.ix_(recencies, frequencies)] = segment
    return grid


SEGMENT_GRID = _segment_grid()


def quintile_scores(values: pd.Series, higher_is_better: bool = True) -> pd.Series:
    """Score ``values`` 1-5 by percentile rank; NaN values score 0.

    NaN values are excluded from the population. Ties share the score of their
    average rank, except the ties at the worst value, which rank first, and the
    ties at the best value, which rank last (see the module docstring). With
    ``higher_is_better=False`` the lowest value scores 5.
    """
    numbers = numeric(values)
    count = int(numbers.notna().sum())
    ranks = numbers.rank(method="average", ascending=higher_is_better)
    if numbers.nunique() > 1:
        low, high = numbers.min(), numbers.max()
        worst, best = (low, high) if higher_is_better else (high, low)
        ranks = ranks.mask(numbers == worst, 1.0).mask(numbers == best, float(count))
    ranks = ranks.to_numpy(dtype=float)
    with np.errstate(invalid="ignore", divide="ignore"):
        raw = np.floor((ranks - 0.5) * 5.0 / count) + 1.0
    scores = np.nan_to_num(np.clip(raw, 1.0, 5.0), nan=0.0).astype(np.int64)
    return pd.Series(scores, index=values.index, name=values.name)


def rfm_scores(
    recency_days: pd.Series, frequency: pd.Series, monetary: pd.Series
) -> pd.DataFrame:
    """Return the RFM scores and segment of each customer.

    The three Series share the same index (account keys): days since the last
    invoice, number of invoices and revenue in the window. The result has the
    int columns ``rfm_recency``, ``rfm_frequency``, ``rfm_monetary`` and the
    str column ``rfm_segment`` (see :data:`RFM_SEGMENTS`).
    """
    index = frequency.index
    frequency = numeric(frequency)
    bought = (frequency > 0).to_numpy()
    recency = quintile_scores(
        numeric(recency_days).where(bought), higher_is_better=False
    )
    freq = quintile_scores(frequency.where(bought))
    # One invoice in the window is the lowest frequency there is.
    freq = freq.mask(bought & (frequency <= 1), 1)
    money = quintile_scores(numeric(monetary).where(bought))
    result = pd.DataFrame(
        {
            "rfm_recency": recency.to_numpy(),
            "rfm_frequency": freq.to_numpy(),
            "rfm_monetary": money.to_numpy(),
        },
        index=index,
    )
    segments = SEGMENT_GRID[recency.to_numpy(), freq.to_numpy()]
    result["rfm_segment"] = pd.Series(segments, index=index, dtype=object)
    return result
