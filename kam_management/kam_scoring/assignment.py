"""Assignment of key accounts to KAMs by competencies.

The documents recommend assessing each KAM's competencies and giving each
account to the KAM whose competencies best fit the account's strategic role.

* :func:`fit_matrix` turns the competencies an account needs (weights) and
  the KAMs' ratings (1-5) into the fit of every (account, KAM) pair: the
  weighted mean of the KAM's ratings of the competencies the account needs.
  A competency the KAM has not been rated on counts as 0.
* :func:`assignment_problem` sets up one proposal: the fits of the KAMs who
  may take accounts, each KAM's places (the recommended maximum less the
  key accounts it keeps outside the assignment), the pairs never proposed (a
  KAM in the account's team) and today's KAM of each account with its fit.
* :func:`assign` finds the assignment that maximises the total fit when each
  KAM takes at most ``capacity`` accounts. It is an exact optimiser, never a
  greedy loop: the rectangular assignment problem solved by
  :func:`scipy.optimize.linear_sum_assignment` on an expanded matrix where
  each KAM is repeated ``capacity`` times and each account has a column of
  its own meaning "left unassigned" (a tiny cost, so that an account is
  left out only when that raises the total fit). When accounts outnumber the
  capacity, the result is the best partial assignment and says which
  accounts stay unassigned.

Pure numpy/scipy/pandas, no Odoo.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy.optimize import linear_sum_assignment

# Among assignments of equal total fit, keeping today's KAM wins: a bonus far
# below any difference of fit a director would read (fits show 2 decimals).
KEEP_BONUS = 1e-6
# Cost of leaving an account out: assigning it, even with a fit of 0, is
# preferred, unless that takes a place a better fit needs.
UNASSIGNED_COST = 1e-7


class AssignmentError(ValueError):
    """Input the optimiser cannot work with; ``code`` names the problem."""

    def __init__(self, code, **params):
        super().__init__(code, params)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class Assignment:
    """The optimiser's answer.

    ``kam`` holds, for each account (row of the fit matrix), the index of its
    KAM (column), or -1 when the account stays unassigned; ``fit`` the fit of
    that pair (NaN when unassigned); ``total_fit`` their sum.
    """

    kam: np.ndarray
    fit: np.ndarray
    total_fit: float

    @property
    def unassigned(self) -> np.ndarray:
        """Row indices of the accounts left without a KAM."""
        return np.flatnonzero(self.kam < 0)


def fit_matrix(needs: pd.DataFrame, ratings: pd.DataFrame) -> pd.DataFrame:
    """Fit of every account (rows of ``needs``) with every KAM.

    :param needs: one row per account, one column per competency, the weight
        the account gives it (0 or NaN: not needed).
    :param ratings: one row per KAM, one column per competency, the rating
        1-5 (NaN: not rated, counts as 0).
    :return: accounts × KAMs, the weighted mean of the ratings, 0-5.
    :raise AssignmentError: ``weights_all_zero`` (with ``rows``) for accounts
        whose weights are all zero, ``negative_weight`` and
        ``rating_out_of_range`` for impossible values.
    """
    competencies = needs.columns.union(ratings.columns)
    weights = needs.reindex(columns=competencies).fillna(0.0).to_numpy(float)
    scores = ratings.reindex(columns=competencies).fillna(0.0).to_numpy(float)
    if (weights < 0).any():
        raise AssignmentError("negative_weight")
    rated = scores[scores != 0]
    if ((rated < 1) | (rated > 5)).any():
        raise AssignmentError("rating_out_of_range")
    totals = weights.sum(axis=1)
    empty = totals <= 0
    if empty.any():
        raise AssignmentError("weights_all_zero", rows=list(needs.index[empty]))
    fits = (weights @ scores.T) / totals[:, None]
    return pd.DataFrame(fits, index=needs.index, columns=ratings.index)


def assign(fit, capacity, current=None, allowed=None) -> Assignment:
    """Assignment maximising the total fit under each KAM's capacity.

    :param fit: accounts × KAMs array of fits (finite, not negative).
    :param capacity: per KAM, the most accounts it may take (integers ≥ 0).
    :param current: optional, per account, the index of today's KAM (-1 or
        None: none); among optimal answers the one keeping most of them wins.
    :param allowed: optional accounts × KAMs booleans; a False pair is never
        proposed (a KAM who is in the account's team, for instance).
    """
    fit = np.asarray(fit, dtype=float)
    if fit.ndim != 2:
        raise AssignmentError("bad_shape")
    n_accounts, n_kams = fit.shape
    capacity = np.asarray(capacity)
    if capacity.shape != (n_kams,):
        raise AssignmentError("bad_shape")
    if not np.isfinite(fit).all() or (fit < 0).any():
        raise AssignmentError("bad_fit")
    if (capacity < 0).any() or not np.equal(np.mod(capacity, 1), 0).all():
        raise AssignmentError("bad_capacity")
    capacity = capacity.astype(int)
    if allowed is None:
        allowed = np.ones_like(fit, dtype=bool)
    else:
        allowed = np.asarray(allowed, dtype=bool)
        if allowed.shape != fit.shape:
            raise AssignmentError("bad_shape")

    gain = fit.copy()
    if current is not None:
        current = np.asarray(
            [-1 if c is None else c for c in current], dtype=int
        ).reshape(n_accounts)
        kept = current >= 0
        gain[np.flatnonzero(kept), current[kept]] += KEEP_BONUS

    # Columns: each KAM `capacity` times, then one "unassigned" column per
    # account (only its own), so every account always has a place.
    slots = np.repeat(np.arange(n_kams), capacity)
    forbidden = 10.0 * (1.0 + gain.max(initial=0.0)) * max(n_accounts, 1)
    cost_kams = np.where(allowed, -gain, forbidden)[:, slots]
    cost_none = np.full((n_accounts, n_accounts), forbidden)
    np.fill_diagonal(cost_none, UNASSIGNED_COST)
    cost = np.hstack([cost_kams, cost_none])
    rows, cols = linear_sum_assignment(cost)

    kam = np.full(n_accounts, -1, dtype=int)
    in_slot = cols < len(slots)
    kam[rows[in_slot]] = slots[cols[in_slot]]
    # A forbidden pair is never chosen while its "unassigned" column is free,
    # which it always is; guard anyway.
    bad = (kam >= 0) & ~allowed[np.arange(n_accounts), np.maximum(kam, 0)]
    kam[bad] = -1
    chosen = np.where(kam >= 0, fit[np.arange(n_accounts), np.maximum(kam, 0)], np.nan)
    return Assignment(kam=kam, fit=chosen, total_fit=float(np.nansum(chosen)))


def total_fit(fit, kam) -> float:
    """Total fit of a given assignment (index per account, -1: none)."""
    fit = np.asarray(fit, dtype=float)
    kam = np.asarray(kam, dtype=int)
    mask = kam >= 0
    return float(fit[np.flatnonzero(mask), kam[mask]].sum())


@dataclass(frozen=True)
class AssignmentProblem:
    """What :func:`assign` needs for one proposal, and today's fits.

    Rows are the accounts, columns the KAMs who may take them, in the order
    given to :func:`assignment_problem`. ``capacity`` holds each KAM's
    places, ``allowed`` the pairs that may be proposed, ``current`` the
    column of each account's KAM today (-1: none, or not among the KAMs) and
    ``current_fit`` that KAM's fit (NaN: no KAM today, or one never rated).
    """

    fit: np.ndarray
    capacity: np.ndarray
    allowed: np.ndarray
    current: np.ndarray
    current_fit: np.ndarray

    @property
    def current_total(self) -> float:
        """Total fit of today's assignment (an unrated KAM counts 0)."""
        return float(np.nansum(self.current_fit))

    @property
    def places(self) -> int:
        """Places of all the KAMs together."""
        return int(self.capacity.sum())

    def solve(self) -> Assignment:
        """The best assignment of this problem (:func:`assign`)."""
        return assign(
            self.fit, self.capacity, current=self.current, allowed=self.allowed
        )


def assignment_problem(
    fits: pd.DataFrame,
    kams: Sequence[Hashable],
    max_accounts: int,
    kept: Mapping[Hashable, int] | None = None,
    team: Iterable[tuple[Hashable, Hashable]] = (),
    current: Mapping[Hashable, Hashable | None] | None = None,
) -> AssignmentProblem:
    """Set up the assignment of the accounts (rows of ``fits``) to ``kams``.

    :param fits: accounts × rated KAMs, as :func:`fit_matrix` returns; it may
        hold more KAMs than ``kams`` (today's KAMs who take no part).
    :param kams: the KAMs who may take the accounts, in the columns' order.
    :param max_accounts: the recommended most key accounts per KAM.
    :param kept: per KAM, the key accounts it keeps outside this assignment;
        its places are ``max_accounts`` less those, never below 0.
    :param team: (account, KAM) pairs of the accounts' teams: a KAM is never
        proposed for an account whose team it is in.
    :param current: per account, today's KAM (None: none).
    """
    kept = kept or {}
    current = current or {}
    kams = list(kams)
    fit = fits.reindex(columns=kams).to_numpy(float)
    capacity = np.array(
        [max(0, int(max_accounts) - int(kept.get(kam, 0))) for kam in kams],
        dtype=int,
    )
    row_of = {account: i for i, account in enumerate(fits.index)}
    col_of = {kam: j for j, kam in enumerate(kams)}
    allowed = np.ones(fit.shape, dtype=bool)
    for account, kam in team:
        if account in row_of and kam in col_of:
            allowed[row_of[account], col_of[kam]] = False
    today = [current.get(account) for account in fits.index]
    current_col = np.array([col_of.get(kam, -1) for kam in today], dtype=int)
    rated = set(fits.columns)
    current_fit = np.array(
        [
            fits.at[account, kam] if kam is not None and kam in rated else np.nan
            for account, kam in zip(fits.index, today, strict=True)
        ],
        dtype=float,
    )
    return AssignmentProblem(
        fit=fit,
        capacity=capacity,
        allowed=allowed,
        current=current_col,
        current_fit=current_fit,
    )
