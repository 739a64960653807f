"""The assignment optimiser against brute force, capacity and partial cases."""

import itertools

import numpy as np
import pandas as pd
import pytest

from kam_scoring.assignment import (
    KEEP_BONUS,
    AssignmentError,
    assign,
    assignment_problem,
    fit_matrix,
    total_fit,
)


def brute_force(fit, capacity, allowed=None):
    """Best total fit over every assignment (each account to a KAM or none)."""
    n_accounts, n_kams = fit.shape
    best = 0.0
    for choice in itertools.product(range(-1, n_kams), repeat=n_accounts):
        counts = np.bincount([c for c in choice if c >= 0], minlength=n_kams)
        if (counts > capacity).any():
            continue
        if allowed is not None and any(
            c >= 0 and not allowed[i, c] for i, c in enumerate(choice)
        ):
            continue
        best = max(best, total_fit(fit, choice))
    return best


@pytest.mark.parametrize("seed", range(40))
def test_optimum_equals_brute_force(seed):
    rng = np.random.default_rng(seed)
    n_accounts = int(rng.integers(1, 7))
    n_kams = int(rng.integers(1, 4))
    fit = rng.uniform(0, 5, size=(n_accounts, n_kams)).round(2)
    capacity = rng.integers(0, 3, size=n_kams)
    result = assign(fit, capacity)
    assert result.total_fit == pytest.approx(brute_force(fit, capacity), abs=1e-5)
    # Capacity respected, fits reported as in the matrix.
    counts = np.bincount(result.kam[result.kam >= 0], minlength=n_kams)
    assert (counts <= capacity).all()
    assigned = result.kam >= 0
    np.testing.assert_allclose(
        result.fit[assigned], fit[np.flatnonzero(assigned), result.kam[assigned]]
    )
    # As many accounts as the capacity allows.
    assert assigned.sum() == min(n_accounts, int(capacity.sum()))


@pytest.mark.parametrize("seed", range(15))
def test_optimum_with_forbidden_pairs(seed):
    rng = np.random.default_rng(100 + seed)
    fit = rng.uniform(0, 5, size=(5, 3))
    capacity = np.array([2, 1, 2])
    allowed = rng.uniform(size=fit.shape) > 0.3
    result = assign(fit, capacity, allowed=allowed)
    for row, kam in enumerate(result.kam):
        assert kam < 0 or allowed[row, kam]
    assert result.total_fit == pytest.approx(
        brute_force(fit, capacity, allowed), abs=1e-5
    )


def test_not_greedy():
    # Greedy (best pair first) gives account 0 to KAM 0 (5.0) and account 1
    # to KAM 1 (1.0): 6.0. The optimum swaps them: 4.9 + 4.9 = 9.8.
    fit = np.array([[5.0, 4.9], [4.9, 1.0]])
    result = assign(fit, [1, 1])
    assert list(result.kam) == [1, 0]
    assert result.total_fit == pytest.approx(9.8)


def test_partial_assignment_when_capacity_short():
    fit = np.array([[1.0, 2.0], [4.0, 3.0], [5.0, 1.0], [2.0, 2.5]])
    result = assign(fit, [1, 1])
    assert list(result.unassigned) == [0, 3]
    assert list(result.kam) == [-1, 1, 0, -1]
    assert result.total_fit == pytest.approx(8.0)
    assert np.isnan(result.fit[0])


def test_capacity_repeats_kam():
    fit = np.array([[5.0, 1.0], [5.0, 1.0], [5.0, 1.0]])
    result = assign(fit, [2, 5])
    assert sorted(result.kam.tolist()) == [0, 0, 1]


def test_current_kam_kept_on_ties():
    fit = np.array([[3.0, 3.0], [3.0, 3.0]])
    result = assign(fit, [2, 2], current=[1, 0])
    assert list(result.kam) == [1, 0]
    result = assign(fit, [2, 2], current=[0, None])
    assert result.kam[0] == 0
    # The bonus never beats a real difference of fit.
    fit = np.array([[3.0, 3.01]])
    assert list(assign(fit, [1, 1], current=[0]).kam) == [1]
    assert KEEP_BONUS < 0.005


def test_no_accounts_or_no_capacity():
    assert assign(np.zeros((0, 2)), [1, 1]).total_fit == 0
    result = assign(np.ones((2, 2)), [0, 0])
    assert list(result.kam) == [-1, -1]


@pytest.mark.parametrize(
    ("fit", "capacity", "code"),
    [
        (np.array([[1.0, np.nan]]), [1, 1], "bad_fit"),
        (np.array([[1.0, -1.0]]), [1, 1], "bad_fit"),
        (np.array([[1.0, 1.0]]), [1, -1], "bad_capacity"),
        (np.array([[1.0, 1.0]]), [1.5, 1], "bad_capacity"),
        (np.array([[1.0, 1.0]]), [1], "bad_shape"),
    ],
)
def test_bad_input(fit, capacity, code):
    with pytest.raises(AssignmentError) as err:
        assign(fit, capacity)
    assert err.value.code == code


def test_fit_matrix_weighted_mean():
    needs = pd.DataFrame(
        {"strategy": [3.0, 0.0], "negotiation": [1.0, 2.0]}, index=["a1", "a2"]
    )
    ratings = pd.DataFrame(
        {"strategy": [5.0, 2.0], "negotiation": [1.0, np.nan], "other": [4.0, 4.0]},
        index=["k1", "k2"],
    )
    fits = fit_matrix(needs, ratings)
    assert list(fits.index) == ["a1", "a2"]
    assert list(fits.columns) == ["k1", "k2"]
    # a1: (3*5 + 1*1) / 4 = 4; with k2: (3*2 + 0) / 4 = 1.5 (not rated: 0).
    assert fits.loc["a1", "k1"] == pytest.approx(4.0)
    assert fits.loc["a1", "k2"] == pytest.approx(1.5)
    assert fits.loc["a2", "k1"] == pytest.approx(1.0)
    assert fits.loc["a2", "k2"] == pytest.approx(0.0)


def test_fit_matrix_bad_input():
    ratings = pd.DataFrame({"s": [3.0]}, index=["k"])
    with pytest.raises(AssignmentError) as err:
        fit_matrix(pd.DataFrame({"s": [0.0, 1.0]}, index=["a1", "a2"]), ratings)
    assert err.value.code == "weights_all_zero"
    assert err.value.params["rows"] == ["a1"]
    with pytest.raises(AssignmentError) as err:
        fit_matrix(pd.DataFrame({"s": [-1.0]}, index=["a"]), ratings)
    assert err.value.code == "negative_weight"
    with pytest.raises(AssignmentError) as err:
        fit_matrix(
            pd.DataFrame({"s": [1.0]}, index=["a"]),
            pd.DataFrame({"s": [7.0]}, index=["k"]),
        )
    assert err.value.code == "rating_out_of_range"


def test_assignment_problem_sets_places_pairs_and_todays_fits():
    # accounts 10, 11, 12; rated KAMs 1, 2 and 9 (9 is today's KAM of 12 but
    # takes no part in this assignment)
    fits = pd.DataFrame(
        [[4.0, 2.0, 5.0], [3.0, 3.5, 1.0], [1.0, 2.0, 4.5]],
        index=[10, 11, 12],
        columns=[1, 2, 9],
    )
    problem = assignment_problem(
        fits,
        [2, 1],
        max_accounts=3,
        kept={1: 1, 2: 5},
        team=[(11, 1), (10, 7), (99, 2)],
        current={10: 1, 11: None, 12: 9},
    )
    # columns in the KAMs' order; KAM 9 is left out
    assert problem.fit.tolist() == [[2.0, 4.0], [3.5, 3.0], [2.0, 1.0]]
    # places: 3 less those kept outside, never below 0
    assert problem.capacity.tolist() == [0, 2]
    assert problem.places == 2
    # KAM 1 is in the team of 11; unknown accounts or KAMs are ignored
    assert problem.allowed.tolist() == [[True, True], [True, False], [True, True]]
    # today's KAM: its column (-1: none or not in the assignment) and its fit
    assert problem.current.tolist() == [1, -1, -1]
    assert problem.current_fit[0] == 4.0
    assert np.isnan(problem.current_fit[1])
    assert problem.current_fit[2] == 4.5
    assert problem.current_total == 8.5
    result = problem.solve()
    # KAM 2 has no place; KAM 1 keeps 10 and takes 12 (11 is out: team)
    assert result.kam.tolist() == [1, -1, 1]
    assert result.total_fit == 5.0


def test_assignment_problem_unrated_todays_kam_and_defaults():
    fits = pd.DataFrame([[2.0]], index=[10], columns=[1])
    problem = assignment_problem(fits, [1], max_accounts=4, current={10: 8})
    assert problem.capacity.tolist() == [4]
    assert problem.allowed.all()
    assert problem.current.tolist() == [-1]
    assert np.isnan(problem.current_fit[0])
    assert problem.current_total == 0.0
    bare = assignment_problem(fits, [1], max_accounts=1)
    assert bare.current.tolist() == [-1]
    assert bare.solve().kam.tolist() == [0]
