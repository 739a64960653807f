"""Pareto (ABC) classification of accounts by revenue.

Rules:

* The total is the sum of the *positive* revenues only; NaN revenue counts as 0.
* Accounts are ranked by revenue, largest first; equal revenues are ordered by
  index ascending, so the result never depends on the input order.
  ``pareto_rank`` is 1 for the first account.
* ``revenue_share`` is the positive revenue of the account in percent of the
  total and ``cumulative_share`` the running sum of the shares up to and
  including the account.
* An account is class ``"a"`` when the cumulative share *before* it is lower
  than ``a`` percent: the account that crosses the ``a`` line is still in A, so
  A is the smallest top set reaching ``a`` percent. Class ``"b"`` follows the
  same rule with ``b``; every other account is ``"c"``. An account whose
  preceding accounts reach exactly ``a`` percent is therefore not in A.
  Comparisons use a relative tolerance of 1e-9 so that float rounding of
  decimal amounts cannot move an account across a boundary.
* Accounts with revenue <= 0 (no invoices, only credit notes, negative net
  revenue) are always ``"c"``, have ``revenue_share`` 0 and
  ``cumulative_share`` 100; they rank after all positive accounts.
* When the total is 0 (including an empty input) every account is ``"c"``
  with both shares 0.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._frame import numeric

PARETO_COLUMNS = ("revenue_share", "cumulative_share", "pareto_rank", "pareto_class")

_RTOL = 1e-9


def _empty(index: pd.Index) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "revenue_share": pd.Series(dtype="float64"),
            "cumulative_share": pd.Series(dtype="float64"),
            "pareto_rank": pd.Series(dtype="int64"),
            "pareto_class": pd.Series(dtype=object),
        },
        index=index,
    )


def _below(reached: np.ndarray, threshold: float) -> np.ndarray:
    """``reached < threshold`` where near-equal values count as reached."""
    close = np.isclose(reached, threshold, rtol=_RTOL, atol=0.0)
    return (reached < threshold) & ~close


def _sort_order(values: np.ndarray, index: pd.Index) -> np.ndarray:
    """Positions sorted by value descending, then by index ascending."""
    index_rank = np.empty(len(index), dtype=np.int64)
    index_rank[np.argsort(index.to_numpy(), kind="stable")] = np.arange(len(index))
    return np.lexsort((index_rank, -values))


def pareto_classes(
    revenue: pd.Series, a: float = 80.0, b: float = 95.0
) -> pd.DataFrame:
    """Return the Pareto shares, rank and class of each account of ``revenue``.

    ``revenue`` is indexed by account key; the result has the same index and
    the columns of :data:`PARETO_COLUMNS`. See the module docstring for the
    rules.
    """
    if revenue.empty:
        return _empty(revenue.index)
    values = numeric(revenue).fillna(0.0).to_numpy()
    positive = values > 0.0
    order = _sort_order(values, revenue.index)

    sorted_values = np.where(positive, values, 0.0)[order]
    cumulative = np.cumsum(sorted_values)
    total = cumulative[-1]
    before = cumulative - sorted_values

    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(1, len(values) + 1)
    klass = np.full(len(values), "c", dtype=object)
    revenue_share = np.zeros(len(values))
    cumulative_share = np.zeros(len(values))
    if total > 0.0:
        sorted_positive = positive[order]
        in_a = sorted_positive & _below(before * 100.0, a * total)
        in_b = sorted_positive & ~in_a & _below(before * 100.0, b * total)
        klass[order] = np.where(in_a, "a", np.where(in_b, "b", "c"))
        revenue_share[order] = sorted_values / total * 100.0
        cumulative_share[order] = np.where(
            sorted_positive, cumulative / total * 100.0, 100.0
        )

    result = pd.DataFrame(
        {
            "revenue_share": revenue_share,
            "cumulative_share": cumulative_share,
            "pareto_rank": rank,
        },
        index=revenue.index,
    )
    result["pareto_class"] = pd.Series(klass, index=revenue.index, dtype=object)
    return result
