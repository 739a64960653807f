"""Tests of the position scores computed from criterion assessments."""

import numpy as np
import pandas as pd

from kam_scoring import latest_assessments, position_scores

COLUMNS = ["id", "account_id", "criterion_id", "weight", "score", "date"]


def assessments(rows, columns=COLUMNS):
    return pd.DataFrame(rows, columns=columns)


def test_latest_assessment_per_criterion_and_weighted_mean():
    frame = assessments(
        [
            # account 1: criterion 10 re-assessed, the latest score (1) counts
            (1, 1, 10, 2.0, 5, "2024-01-01"),
            (2, 1, 10, 2.0, 1, "2024-06-01"),
            (3, 1, 11, 1.0, 4, "2024-03-01"),
            # account 2: same date twice on criterion 10, the highest id wins
            (7, 2, 10, 1.0, 2, "2024-05-01"),
            (5, 2, 10, 1.0, 5, "2024-05-01"),
            (6, 2, 11, 3.0, 3, "2024-02-01"),
            # account 3: only zero weights, left out
            (8, 3, 10, 0.0, 5, "2024-01-01"),
            # account 4: the zero-weight criterion is ignored
            (9, 4, 10, 1.0, 3, "2024-01-01"),
            (10, 4, 11, 0.0, 5, "2024-01-01"),
            # account 5: 100 / 3 rounded
            (11, 5, 10, 1.0, 2, "2024-01-01"),
            (12, 5, 11, 1.0, 2, "2024-01-01"),
            (13, 5, 12, 1.0, 3, "2024-01-01"),
        ]
    )
    result = position_scores(frame)
    # 1: (2*0 + 1*75) / 3; 2: (1*25 + 3*50) / 4
    assert result.to_dict() == {1: 25.0, 2: 43.75, 4: 50.0, 5: 33.33}
    assert result.name == "position_score"
    assert result.index.name == "account_id"
    assert result.dtype == np.dtype("float64")


def test_latest_date_wins_over_a_higher_id():
    frame = assessments(
        [
            (20, 1, 10, 1.0, 5, "2024-01-01"),
            (10, 1, 10, 1.0, 2, "2024-02-01"),
        ]
    )
    assert position_scores(frame).to_dict() == {1: 25.0}


def test_latest_weight_counts_and_unknown_date_is_oldest():
    frame = assessments(
        [
            (1, 1, 10, 1.0, 5, None),
            (2, 1, 10, 0.0, 1, "2023-01-01"),
            (3, 1, 11, 1.0, 4, "2023-01-01"),
        ]
    )
    latest = latest_assessments(frame)
    assert latest["id"].tolist() == [2, 3]
    # criterion 10 now weighs 0: only criterion 11 (score 4) counts
    assert position_scores(frame).to_dict() == {1: 75.0}


def test_without_id_column_and_with_dates():
    frame = assessments(
        [
            (1, 10, 1.0, 4, pd.Timestamp("2024-02-01")),
            (1, 10, 1.0, 2, pd.Timestamp("2024-01-01")),
        ],
        columns=COLUMNS[1:],
    )
    assert position_scores(frame).to_dict() == {1: 75.0}


def test_missing_scores_are_not_assessments():
    frame = assessments(
        [
            (1, 1, 10, 1.0, 3, "2024-01-01"),
            (2, 1, 10, 1.0, None, "2024-02-01"),
        ]
    )
    assert position_scores(frame).to_dict() == {1: 50.0}


def test_all_zero_weights_and_empty_input():
    zero = assessments([(1, 1, 10, 0.0, 5, "2024-01-01")])
    assert position_scores(zero).empty
    result = position_scores(assessments([]))
    assert result.empty
    assert result.dtype == np.dtype("float64")
