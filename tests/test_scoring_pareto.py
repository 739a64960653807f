"""Tests of the Pareto (ABC) classification."""

import numpy as np
import pandas as pd
import pytest

from kam_scoring import PARETO_COLUMNS, pareto_classes


def classes(result):
    return result["pareto_class"].to_dict()


def test_shares_ranks_and_exact_boundaries():
    revenue = pd.Series({1: 50.0, 2: 30.0, 3: 15.0, 4: 5.0})
    result = pareto_classes(revenue)
    assert list(result.columns) == list(PARETO_COLUMNS)
    assert result["revenue_share"].tolist() == [50.0, 30.0, 15.0, 5.0]
    assert result["cumulative_share"].tolist() == [50.0, 80.0, 95.0, 100.0]
    assert result["pareto_rank"].tolist() == [1, 2, 3, 4]
    # 2 ends exactly at 80 %: A. 3 starts exactly at 80 %: B, 4 at 95 %: C.
    assert classes(result) == {1: "a", 2: "a", 3: "b", 4: "c"}


def test_crossing_customer_is_in_the_upper_class():
    result = pareto_classes(pd.Series({1: 60.0, 2: 30.0, 3: 10.0}))
    # 2 goes from 60 % to 90 %: it crosses 80 % and stays in A;
    # 3 goes from 90 % to 100 %: it crosses 95 % and stays in B.
    assert classes(result) == {1: "a", 2: "a", 3: "b"}


def test_custom_thresholds():
    revenue = pd.Series({1: 50.0, 2: 30.0, 3: 15.0, 4: 5.0})
    result = pareto_classes(revenue, a=50.0, b=80.0)
    assert classes(result) == {1: "a", 2: "b", 3: "c", 4: "c"}


def test_ties_at_the_boundary_are_resolved_by_index():
    result = pareto_classes(pd.Series({10: 60.0, 4: 20.0, 2: 20.0}))
    assert result["pareto_rank"].to_dict() == {10: 1, 2: 2, 4: 3}
    assert classes(result) == {10: "a", 2: "a", 4: "b"}
    assert result.loc[2, "cumulative_share"] == 80.0
    assert result.loc[4, "cumulative_share"] == 100.0


def test_permutation_of_the_input_gives_the_same_result():
    rng = np.random.default_rng(7)
    revenue = pd.Series(
        rng.choice([0.0, -5.0, 10.0, 20.0, 35.5, 100.0], size=200),
        index=np.arange(1000, 1200),
    )
    expected = pareto_classes(revenue)
    shuffled = revenue.iloc[rng.permutation(len(revenue))]
    result = pareto_classes(shuffled)
    assert result.index.equals(shuffled.index)
    pd.testing.assert_frame_equal(result.sort_index(), expected.sort_index())


def test_float_rounding_does_not_move_a_customer_across_a_boundary():
    # 2.3 + 1.3 is exactly 80 % of 4.5, although float sums say 79.99...
    result = pareto_classes(pd.Series({1: 2.3, 2: 1.3, 3: 0.7, 4: 0.2}))
    assert classes(result) == {1: "a", 2: "a", 3: "b", 4: "c"}


def test_zero_negative_and_missing_revenue():
    revenue = pd.Series({1: 100.0, 2: 0.0, 3: -20.0, 4: np.nan, 5: 300.0})
    result = pareto_classes(revenue)
    assert result.index.tolist() == [1, 2, 3, 4, 5]
    assert result["pareto_rank"].to_dict() == {5: 1, 1: 2, 2: 3, 4: 4, 3: 5}
    assert result["revenue_share"].to_dict() == {
        1: 25.0,
        2: 0.0,
        3: 0.0,
        4: 0.0,
        5: 75.0,
    }
    assert result["cumulative_share"].to_dict() == {
        1: 100.0,
        2: 100.0,
        3: 100.0,
        4: 100.0,
        5: 75.0,
    }
    assert classes(result) == {1: "a", 2: "c", 3: "c", 4: "c", 5: "a"}


def test_credit_note_only_customer_is_c_even_with_wide_classes():
    result = pareto_classes(pd.Series({1: 10.0, 2: -10.0}), a=99.0, b=100.0)
    assert classes(result) == {1: "a", 2: "c"}
    assert result.loc[2, "revenue_share"] == 0.0


def test_all_zero_total():
    result = pareto_classes(pd.Series({1: 0.0, 2: -5.0, 3: np.nan}))
    assert classes(result) == {1: "c", 2: "c", 3: "c"}
    assert result["revenue_share"].tolist() == [0.0, 0.0, 0.0]
    assert result["cumulative_share"].tolist() == [0.0, 0.0, 0.0]
    assert result["pareto_rank"].to_dict() == {1: 1, 3: 2, 2: 3}


def test_single_customer():
    result = pareto_classes(pd.Series({42: 5.0}))
    assert result.loc[42].tolist() == [100.0, 100.0, 1, "a"]


@pytest.mark.parametrize("index", [pd.Index([], dtype="int64"), None])
def test_empty_input(index):
    result = pareto_classes(pd.Series([], dtype="float64", index=index))
    assert result.empty
    assert list(result.columns) == list(PARETO_COLUMNS)
    assert result.dtypes.to_dict() == {
        "revenue_share": np.dtype("float64"),
        "cumulative_share": np.dtype("float64"),
        "pareto_rank": np.dtype("int64"),
        "pareto_class": np.dtype("O"),
    }


def test_output_dtypes():
    result = pareto_classes(pd.Series({1: 3, 2: 1}))
    assert result["pareto_rank"].dtype == np.dtype("int64")
    assert result["pareto_class"].dtype == np.dtype("O")
    assert result["revenue_share"].tolist() == [75.0, 25.0]
