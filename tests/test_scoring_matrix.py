"""Tests of the potential/position quadrants."""

import numpy as np
import pandas as pd
import pytest

from kam_scoring import QUADRANTS, quadrants


@pytest.mark.parametrize(
    ("potential", "position", "expected"),
    [
        (50.0, 50.0, "invest"),
        (100.0, 100.0, "invest"),
        (50.0, 49.99, "selective"),
        (49.99, 50.0, "maintain"),
        (49.99, 49.99, "milk"),
        (0.0, 0.0, "milk"),
        (np.nan, 80.0, None),
        (80.0, np.nan, None),
        (np.nan, np.nan, None),
    ],
)
def test_quadrant_edges(potential, position, expected):
    result = quadrants(pd.Series([potential]), pd.Series([position]))
    assert result.tolist() == [expected]


def test_custom_thresholds():
    result = quadrants(
        pd.Series([70.0, 70.0, 69.0]),
        pd.Series([30.0, 29.0, 30.0]),
        potential_threshold=70.0,
        position_threshold=30.0,
    )
    assert result.tolist() == ["invest", "selective", "maintain"]


def test_alignment_dtype_and_name():
    potential = pd.Series({3: 80.0, 1: 20.0, 2: 60.0})
    position = pd.Series({1: 90.0, 3: 10.0})
    result = quadrants(potential, position)
    assert result.index.tolist() == [3, 1, 2]
    assert result.to_dict() == {3: "selective", 1: "maintain", 2: None}
    assert result.dtype == np.dtype("O")
    assert result.name == "quadrant"


def test_empty_and_constant():
    empty = pd.Series([], dtype="float64")
    result = quadrants(empty, empty)
    assert result.empty
    assert result.dtype == np.dtype("O")
    assert QUADRANTS == ("invest", "selective", "maintain", "milk")
