"""Tests of the RFM quintile scores and segments."""

import numpy as np
import pandas as pd
import pytest

from kam_scoring import RFM_SEGMENTS, quintile_scores, rfm_scores
from kam_scoring.rfm import SEGMENT_GRID


def scores(values, **kwargs):
    return quintile_scores(pd.Series(values, dtype="float64"), **kwargs).tolist()


@pytest.mark.parametrize(
    ("values", "expected"),
    [
        ([10.0], [3]),
        ([10.0, 20.0], [2, 4]),
        ([10.0, 20.0, 30.0], [1, 3, 5]),
        ([10.0, 20.0, 30.0, 40.0], [1, 2, 4, 5]),
        ([5.0, 4.0, 3.0, 2.0, 1.0], [5, 4, 3, 2, 1]),
        (list(range(10)), [1, 1, 2, 2, 3, 3, 4, 4, 5, 5]),
    ],
)
def test_quintiles_by_population_size(values, expected):
    assert scores(values) == expected


def test_ties_share_a_score():
    assert scores([7.0, 7.0, 7.0]) == [3, 3, 3]
    # The tie at the lowest value ranks first: it is not lifted out of 1.
    assert scores([1.0, 1.0, 2.0]) == [1, 1, 5]
    # Ties in the middle share their average rank (3.5 of 6).
    assert scores([1.0, 2.0, 3.0, 3.0, 4.0, 5.0]) == [1, 2, 3, 3, 4, 5]


def test_ties_never_push_the_ends_out_of_1_and_5():
    # Half of the values tied at the bottom, a third tied at the top.
    values = [1.0] * 6 + [2.0, 3.0] + [9.0] * 4
    assert scores(values) == [1] * 6 + [3, 4] + [5] * 4
    # Lower is better: the highest value is the worst.
    assert scores([30.0, 30.0, 30.0, 10.0], higher_is_better=False) == [1, 1, 1, 5]


def test_half_of_the_customers_bought_once():
    # Ten buyers: five bought once, the others 2 to 6 times.
    index = list(range(10))
    frequency = pd.Series([1, 1, 1, 1, 1, 2, 3, 4, 5, 6], index=index)
    # The most recent buyers are one-time buyers (new, promising).
    recency = pd.Series([1.0, 2.0, 6.0, 200.0, 300.0, 60, 90, 20, 10, 5], index=index)
    monetary = pd.Series([10.0 * (i + 1) for i in index], index=index)
    result = rfm_scores(recency, frequency, monetary)
    assert result["rfm_frequency"].tolist() == [1, 1, 1, 1, 1, 3, 4, 4, 5, 5]
    assert result.loc[0, "rfm_segment"] == "new"
    assert result.loc[2, "rfm_segment"] == "promising"
    assert result.loc[4, "rfm_segment"] == "hibernating"
    assert {"new", "promising"} <= set(result["rfm_segment"])


@pytest.mark.parametrize("size", [1, 2, 3, 7, 50])
def test_every_customer_bought_once(size):
    index = list(range(size))
    result = rfm_scores(
        pd.Series([float(day) for day in index], index=index),
        pd.Series([1] * size, index=index),
        pd.Series([100.0] * size, index=index),
    )
    assert result["rfm_frequency"].tolist() == [1] * size
    # The most recent one-time buyer is a new customer.
    if size >= 3:
        assert result.loc[0, "rfm_recency"] == 5
        assert result.loc[0, "rfm_segment"] == "new"


def test_nan_scores_zero_and_is_left_out_of_the_population():
    assert scores([np.nan, 10.0, np.nan, 20.0]) == [0, 2, 0, 4]
    assert scores([np.nan, np.nan]) == [0, 0]


def test_lower_is_better():
    assert scores([10.0, 20.0, 30.0], higher_is_better=False) == [5, 3, 1]


def test_quintile_scores_keep_the_index_and_are_int():
    result = quintile_scores(pd.Series({7: 1.0, 3: 2.0}))
    assert result.index.tolist() == [7, 3]
    assert result.dtype == np.dtype("int64")
    assert quintile_scores(pd.Series([], dtype="float64")).tolist() == []


def test_rfm_scores_and_segments():
    index = [1, 2, 3, 4, 5]
    result = rfm_scores(
        pd.Series([10.0, 200.0, 30.0, 90.0, np.nan], index=index),
        pd.Series([12, 1, 5, 2, 0], index=index),
        pd.Series([1000.0, 50.0, 400.0, 100.0, 0.0], index=index),
    )
    assert result.to_dict("index") == {
        1: {
            "rfm_recency": 5,
            "rfm_frequency": 5,
            "rfm_monetary": 5,
            "rfm_segment": "champions",
        },
        2: {
            "rfm_recency": 1,
            "rfm_frequency": 1,
            "rfm_monetary": 1,
            "rfm_segment": "hibernating",
        },
        3: {
            "rfm_recency": 4,
            "rfm_frequency": 4,
            "rfm_monetary": 4,
            "rfm_segment": "loyal",
        },
        4: {
            "rfm_recency": 2,
            "rfm_frequency": 2,
            "rfm_monetary": 2,
            "rfm_segment": "hibernating",
        },
        5: {
            "rfm_recency": 0,
            "rfm_frequency": 0,
            "rfm_monetary": 0,
            "rfm_segment": "no_purchase",
        },
    }
    for column in ("rfm_recency", "rfm_frequency", "rfm_monetary"):
        assert result[column].dtype == np.dtype("int64")
    assert result["rfm_segment"].dtype == np.dtype("O")


def test_no_purchase_customers_are_out_of_the_population():
    # Customer 9 has a recent date but no invoice in the window (frequency 0),
    # customer 8 an unknown frequency: only 7 is ranked, alone, so it scores 3.
    result = rfm_scores(
        pd.Series({7: 40.0, 8: 1.0, 9: 0.0}),
        pd.Series({7: 3.0, 8: np.nan, 9: 0.0}),
        pd.Series({7: 10.0, 8: 999.0, 9: -5.0}),
    )
    assert result.loc[7].tolist() == [3, 3, 3, "need_attention"]
    assert result.loc[8].tolist() == [0, 0, 0, "no_purchase"]
    assert result.loc[9].tolist() == [0, 0, 0, "no_purchase"]


def test_single_buyer_and_empty_input():
    result = rfm_scores(pd.Series([3.0]), pd.Series([2]), pd.Series([5.0]))
    assert result.loc[0].tolist() == [3, 3, 3, "need_attention"]
    # A single one-time buyer still has the lowest frequency.
    result = rfm_scores(pd.Series([3.0]), pd.Series([1]), pd.Series([5.0]))
    assert result.loc[0].tolist() == [3, 1, 3, "about_to_sleep"]
    empty = rfm_scores(
        pd.Series([], dtype=float),
        pd.Series([], dtype=float),
        pd.Series([], dtype=float),
    )
    assert empty.empty
    assert list(empty.columns) == [
        "rfm_recency",
        "rfm_frequency",
        "rfm_monetary",
        "rfm_segment",
    ]


@pytest.mark.parametrize(
    ("recency", "frequency", "segment"),
    [
        (1, 1, "hibernating"),
        (2, 2, "hibernating"),
        (1, 3, "at_risk"),
        (2, 4, "at_risk"),
        (1, 5, "cannot_lose"),
        (2, 5, "cannot_lose"),
        (3, 1, "about_to_sleep"),
        (3, 2, "about_to_sleep"),
        (3, 3, "need_attention"),
        (3, 4, "loyal"),
        (3, 5, "loyal"),
        (4, 4, "loyal"),
        (4, 5, "loyal"),
        (4, 1, "promising"),
        (5, 1, "new"),
        (4, 2, "potential_loyalist"),
        (4, 3, "potential_loyalist"),
        (5, 2, "potential_loyalist"),
        (5, 3, "potential_loyalist"),
        (5, 4, "champions"),
        (5, 5, "champions"),
        (0, 3, "no_purchase"),
        (3, 0, "no_purchase"),
        (0, 0, "no_purchase"),
    ],
)
def test_segment_grid(recency, frequency, segment):
    assert SEGMENT_GRID[recency, frequency] == segment


def test_segment_grid_covers_every_scored_cell():
    scored = set(SEGMENT_GRID[1:, 1:].ravel())
    assert scored == set(RFM_SEGMENTS) - {"no_purchase"}
    assert len(RFM_SEGMENTS) == len(set(RFM_SEGMENTS)) == 11
