"""Tests of the potential components and the weighted potential score."""

import math

import numpy as np
import pandas as pd
import pytest

from kam_scoring import (
    COMPONENT_COLUMNS,
    DEFAULT_WEIGHTS,
    potential_components,
    potential_score,
)

NAN = np.nan


@pytest.fixture
def frame():
    return pd.DataFrame(
        {
            "revenue": [100.0, 0.0, 0.0, 50.0, -10.0, 300.0],
            "revenue_prev": [80.0, 0.0, 40.0, 0.0, 10.0, 100.0],
            "cost": [60.0, NAN, 10.0, NAN, NAN, 330.0],
            "wallet_estimate": [400.0, NAN, 0.0, 100.0, NAN, 200.0],
            "objectives_fit": [5.0, NAN, 1.0, 4.0, NAN, 2.0],
        },
        index=pd.Index([11, 12, 13, 14, 15, 16], name="account"),
    )


def column(result, name):
    return [None if math.isnan(value) else value for value in result[name]]


def test_components(frame):
    result = potential_components(frame, window_months=6)
    assert list(result.columns) == list(COMPONENT_COLUMNS)
    assert result.index.equals(frame.index)
    assert (result.dtypes == np.dtype("float64")).all()
    assert column(result, "growth_pct") == [25.0, None, -100.0, None, -200.0, 200.0]
    # 14 has no previous revenue: a new customer, growth unknown (not 100).
    assert column(result, "growth_score") == [62.5, None, 0.0, None, 0.0, 100.0]
    assert column(result, "margin_pct") == [40.0, None, None, None, None, -10.0]
    # annualised revenue = revenue * 12 / 6
    assert column(result, "share_of_wallet_pct") == [
        50.0,
        None,
        None,
        100.0,
        None,
        100.0,
    ]
    assert column(result, "share_of_wallet_score") == column(
        result, "share_of_wallet_pct"
    )
    assert result["volume_score"].round(4).tolist() == [
        66.6667,
        0.0,
        0.0,
        33.3333,
        0.0,
        100.0,
    ]
    assert column(result, "profitability_score") == [
        100.0,
        None,
        None,
        None,
        None,
        50.0,
    ]
    assert column(result, "objectives_fit_score") == [
        100.0,
        None,
        0.0,
        75.0,
        None,
        25.0,
    ]


def test_window_changes_the_share_of_wallet(frame):
    result = potential_components(frame, window_months=12)
    assert column(result, "share_of_wallet_pct") == [
        25.0,
        None,
        None,
        50.0,
        None,
        100.0,
    ]


def test_growth_edge_cases():
    frame = pd.DataFrame(
        {
            "revenue": [0.0, 50.0, 150.0, 20.0, 0.0, -5.0],
            "revenue_prev": [0.0, 0.0, 100.0, -10.0, -10.0, 0.0],
        }
    )
    result = potential_components(frame, 12)
    # Without revenue in the previous window (none, or only credit notes) the
    # customer is new: growth is unknown, whatever it sells now.
    assert column(result, "growth_pct") == [None, None, 50.0, None, None, None]
    assert column(result, "growth_score") == [None, None, 75.0, None, None, None]


def test_new_customer_growth_is_left_out_and_renormalised():
    frame = pd.DataFrame(
        {
            "revenue": [500.0, 1000.0],
            "revenue_prev": [0.0, 1000.0],
            "cost": [250.0, 500.0],
        },
        index=["new", "steady"],
    )
    components = potential_components(frame, 12)
    assert math.isnan(components.loc["new", "growth_score"])
    assert components.loc["steady", "growth_score"] == 50.0
    weights = {"volume": 1.0, "growth": 1.0}
    # new: volume 50 alone (growth renormalised away); steady: (100 + 50) / 2.
    assert potential_score(components, weights).tolist() == [50.0, 75.0]


def test_missing_optional_columns_are_unknown():
    result = potential_components(pd.DataFrame({"revenue": [10.0, 30.0]}), 12)
    assert result["volume_score"].tolist() == [50.0, 100.0]
    # No previous revenue given: both are new customers, growth unknown.
    assert result["growth_score"].isna().all()
    for name in ("margin_pct", "share_of_wallet_pct", "objectives_fit_score"):
        assert result[name].isna().all()


def test_invalid_window():
    with pytest.raises(ValueError):
        potential_components(pd.DataFrame({"revenue": [1.0]}), 0)


def test_potential_score_with_default_weights(frame):
    components = potential_components(frame, window_months=6)
    result = potential_score(components, DEFAULT_WEIGHTS)
    # 11: (30*66.67 + 20*62.5 + 15*50 + 20*100 + 15*100) / 100
    # 14: (30*33.33 + 15*100 + 15*75) / 60, profitability and growth unknown
    # 16: (30*100 + 20*100 + 15*100 + 20*50 + 15*25) / 100
    assert result.to_dict() == {
        11: 75.0,
        12: 0.0,
        13: 0.0,
        14: 60.42,
        15: 0.0,
        16: 78.75,
    }
    assert result.name == "potential_score"


def scores(**values):
    return pd.DataFrame(
        {
            name: [values.get(name, NAN)]
            for name in (
                "volume_score",
                "growth_score",
                "share_of_wallet_score",
                "profitability_score",
                "objectives_fit_score",
            )
        }
    )


def test_missing_component_renormalises_the_weights():
    components = scores(volume_score=80.0, share_of_wallet_score=40.0)
    # (30*80 + 15*40) / (30 + 15)
    assert potential_score(components, DEFAULT_WEIGHTS).tolist() == [66.67]


def test_zero_weight_is_ignored():
    components = scores(volume_score=100.0, growth_score=20.0)
    weights = {"volume": 0.0, "growth": 1.0}
    assert potential_score(components, weights).tolist() == [20.0]


def test_no_weighted_component_available_gives_nan():
    components = scores(volume_score=100.0)
    result = potential_score(components, {"volume": 0.0, "growth": 1.0})
    assert result.isna().all()
    assert potential_score(scores(), DEFAULT_WEIGHTS).isna().all()


def test_relative_weights_and_unknown_names():
    components = scores(volume_score=90.0, growth_score=30.0)
    weights = {"volume": 1.0, "growth": 2.0, "unknown": 50.0}
    assert potential_score(components, weights).tolist() == [50.0]


def test_missing_score_column_counts_as_unknown():
    components = pd.DataFrame({"growth_score": [40.0]})
    assert potential_score(components, DEFAULT_WEIGHTS).tolist() == [40.0]


@pytest.mark.parametrize("weight", [-1.0, NAN])
def test_invalid_weight_raises(weight):
    with pytest.raises(ValueError):
        potential_score(scores(volume_score=1.0), {"volume": weight})


def test_empty_components():
    result = potential_score(pd.DataFrame(columns=list(COMPONENT_COLUMNS)), {})
    assert result.empty
