"""Tests of the scoring pipeline and of the scorers it is given."""

import numpy as np
import pandas as pd
import pytest

from kam_scoring import (
    COMPONENT_COLUMNS,
    DEFAULT_SCORERS,
    INPUT_COLUMNS,
    PARETO_COLUMNS,
    QUADRANTS,
    RFM_COLUMNS,
    RFM_SEGMENTS,
    ClassificationConfig,
    ConfigError,
    ParetoScorer,
    PotentialScorer,
    QuadrantScorer,
    RfmScorer,
    Scorer,
    classify,
    order_scorers,
)

OUTPUT_COLUMNS = [
    *PARETO_COLUMNS,
    *RFM_COLUMNS,
    *COMPONENT_COLUMNS,
    "potential_score",
    "quadrant",
]


def make_scorer(name, requires, provides, compute=None):
    """Build a Scorer subclass; ``compute(frame)`` returns the first column."""

    def score(self, frame, config):
        values = compute(frame) if compute else pd.Series(1.0, index=frame.index)
        result = pd.DataFrame(index=frame.index)
        for column in provides:
            result[column] = values
        return result

    attributes = {
        "name": name,
        "requires": tuple(requires),
        "provides": tuple(provides),
        "score": score,
    }
    return type(f"Test{name.title()}Scorer", (Scorer,), attributes)


def names(scorers):
    return [scorer.name for scorer in scorers]


def test_built_in_scorers_in_dependency_order():
    assert names(order_scorers(DEFAULT_SCORERS)) == [
        "pareto",
        "rfm",
        "potential",
        "quadrant",
    ]
    assert isinstance(DEFAULT_SCORERS, tuple)
    assert QuadrantScorer.requires == ("potential_score", "position_score")
    assert "potential_score" in PotentialScorer.provides


def test_order_scorers_puts_providers_first():
    ordered = order_scorers([QuadrantScorer(), RfmScorer, PotentialScorer()])
    assert names(ordered) == ["rfm", "potential", "quadrant"]
    assert all(isinstance(scorer, Scorer) for scorer in ordered)


def test_custom_scorers_are_ordered_and_run():
    # given before its provider, it must still run after it
    priority = make_scorer(
        "priority",
        ["base", "rfm_segment"],
        ["priority"],
        lambda frame: frame["base"] * 2 + (frame["rfm_segment"] == "champions"),
    )
    base = make_scorer(
        "base", ["potential_score"], ["base"], lambda frame: frame["potential_score"]
    )
    scorers = [*DEFAULT_SCORERS, priority, base]
    assert names(order_scorers(scorers)) == [
        "pareto",
        "rfm",
        "potential",
        "quadrant",
        "base",
        "priority",
    ]
    frame = pd.DataFrame(
        {"revenue": [100.0, 50.0], "invoice_count": [4, 2]},
        index=[1, 2],
    )
    result = classify(frame, ClassificationConfig(), scorers)
    assert list(result.columns)[-2:] == ["base", "priority"]
    assert result["base"].tolist() == result["potential_score"].tolist()
    assert result["priority"].tolist() == [
        result.loc[1, "potential_score"] * 2,
        result.loc[2, "potential_score"] * 2,
    ]


def test_defining_a_scorer_changes_no_run():
    """No registry: a scorer runs only where it is given."""
    frame = pd.DataFrame({"revenue": [10.0, 30.0]})
    before = classify(frame, ClassificationConfig(), DEFAULT_SCORERS)
    extra = make_scorer("extra", ["revenue"], ["extra"])
    after = classify(frame, ClassificationConfig(), DEFAULT_SCORERS)
    assert "extra" not in after
    pd.testing.assert_frame_equal(before, after)
    assert "extra" in classify(frame, ClassificationConfig(), [extra])


def test_cycle_detection():
    first = make_scorer("first", ["y"], ["x"])
    second = make_scorer("second", ["x"], ["y"])
    with pytest.raises(ValueError, match="cycle"):
        order_scorers([first, second])
    with pytest.raises(ValueError, match="cycle"):
        classify(
            pd.DataFrame(), ClassificationConfig(), [*DEFAULT_SCORERS, first, second]
        )


def test_unmet_requirement():
    orphan = make_scorer("orphan", ["nowhere"], ["somewhere"])
    with pytest.raises(ValueError, match="nowhere"):
        order_scorers([orphan])
    assert names(order_scorers([orphan], available=["nowhere"])) == ["orphan"]
    with pytest.raises(ValueError, match="potential_score"):
        order_scorers([QuadrantScorer])


def test_same_column_provided_twice():
    twin = make_scorer("twin", ["revenue"], ["quadrant"])
    with pytest.raises(ValueError, match="quadrant"):
        order_scorers([QuadrantScorer, PotentialScorer, twin])


def test_scorer_rules():
    dup = make_scorer("dup", ["revenue"], ["dup"])
    with pytest.raises(ValueError, match="dup"):
        order_scorers([dup, make_scorer("dup", ["revenue"], ["dup2"])])
    # the same class twice runs once
    assert names(order_scorers([ParetoScorer, ParetoScorer])) == ["pareto"]
    with pytest.raises(TypeError):
        order_scorers([dict])
    with pytest.raises(TypeError):
        order_scorers([Scorer])
    with pytest.raises(ValueError):
        order_scorers([make_scorer("", ["revenue"], ["nothing"])])
    with pytest.raises(ValueError):
        order_scorers([make_scorer("nothing", ["revenue"], [])])


def test_scorer_output_is_checked():
    def shifted(self, frame, config):
        return pd.DataFrame({"bad": 1.0}, index=frame.index + 1)

    wrong_index = type(
        "WrongIndex",
        (Scorer,),
        {
            "name": "wrong_index",
            "requires": ("revenue",),
            "provides": ("bad",),
            "score": shifted,
        },
    )
    frame = pd.DataFrame({"revenue": [1.0]})
    with pytest.raises(ValueError, match="index"):
        classify(frame, ClassificationConfig(), [wrong_index])
    missing = make_scorer("missing", ["revenue"], [])
    missing.provides = ("ghost",)
    with pytest.raises(ValueError, match="ghost"):
        classify(frame, ClassificationConfig(), [missing])


def test_classify_small_frame():
    frame = pd.DataFrame(
        {
            "revenue": [900.0, 100.0, 0.0],
            "revenue_prev": [450.0, 100.0, 50.0],
            "cost": [450.0, 90.0, np.nan],
            "invoice_count": [10, 1, 0],
            "days_since_last": [5.0, 300.0, np.nan],
            "wallet_estimate": [1800.0, np.nan, np.nan],
            "objectives_fit": [5.0, 1.0, np.nan],
            "position_score": [80.0, 80.0, np.nan],
        },
        index=pd.Index([101, 102, 103], name="partner_id"),
    )
    result = classify(frame, ClassificationConfig(), DEFAULT_SCORERS)
    assert list(result.columns) == [*frame.columns, *OUTPUT_COLUMNS]
    assert result.index.equals(frame.index)
    assert result["pareto_class"].tolist() == ["a", "b", "c"]
    # two buyers: R and F score 4 for the better one and 2 for the other
    assert result["rfm_segment"].tolist() == ["loyal", "hibernating", "no_purchase"]
    # 101: volume 100, growth 100, wallet 50, margin rank 100, fit 100
    # 102: (30*50 + 20*50 + 20*50 + 15*0) / 85, wallet unknown
    # 103: volume 0, growth 0
    assert result["potential_score"].tolist() == [92.5, 41.18, 0.0]
    assert result["quadrant"].tolist() == ["invest", "maintain", None]
    pd.testing.assert_frame_equal(result[frame.columns], frame)


def test_classify_adds_missing_inputs_and_keeps_extra_columns():
    frame = pd.DataFrame({"revenue": [10.0, 30.0], "name": ["x", "y"]})
    result = classify(frame, ClassificationConfig(), DEFAULT_SCORERS)
    assert list(result.columns) == [
        "revenue",
        "name",
        *INPUT_COLUMNS[1:],
        *OUTPUT_COLUMNS,
    ]
    assert result["position_score"].isna().all()
    assert result["quadrant"].isna().all()
    assert result["rfm_segment"].tolist() == ["no_purchase", "no_purchase"]
    assert list(frame.columns) == ["revenue", "name"]


def test_classify_twice_replaces_the_outputs():
    frame = pd.DataFrame({"revenue": [10.0, 30.0], "invoice_count": [1, 2]})
    once = classify(frame, ClassificationConfig(), DEFAULT_SCORERS)
    twice = classify(once, ClassificationConfig(), DEFAULT_SCORERS)
    assert sorted(twice.columns) == sorted(once.columns)
    pd.testing.assert_frame_equal(twice[once.columns], once)


def test_classify_rejects_an_invalid_config():
    with pytest.raises(ConfigError) as raised:
        classify(
            pd.DataFrame({"revenue": [1.0]}),
            ClassificationConfig(pareto_a=99.0, pareto_b=98.0),
            DEFAULT_SCORERS,
        )
    assert raised.value.problems == [("pareto_order", {"a": 99.0, "b": 98.0})]


def test_classify_empty_frame():
    result = classify(pd.DataFrame(), ClassificationConfig(), DEFAULT_SCORERS)
    assert result.empty
    assert list(result.columns) == [*INPUT_COLUMNS, *OUTPUT_COLUMNS]


def test_classify_with_explicit_scorers():
    frame = pd.DataFrame({"revenue": [5.0, 1.0]})
    result = classify(frame, ClassificationConfig(), [ParetoScorer()])
    assert list(result.columns) == [*INPUT_COLUMNS, *PARETO_COLUMNS]


def test_classify_many_random_accounts():
    rng = np.random.default_rng(2024)
    size = 100_000
    frame = pd.DataFrame(
        {
            "revenue": rng.lognormal(8, 2, size) * (rng.random(size) > 0.1),
            "revenue_prev": rng.lognormal(8, 2, size) * (rng.random(size) > 0.2),
            "cost": rng.lognormal(7.5, 2, size),
            "invoice_count": rng.integers(0, 40, size),
            "days_since_last": rng.integers(0, 365, size).astype(float),
            "wallet_estimate": rng.lognormal(9, 2, size),
            "objectives_fit": rng.integers(1, 6, size).astype(float),
            "position_score": rng.random(size) * 100,
        },
        index=pd.Index(np.arange(1, size + 1), name="partner_id"),
    )
    result = classify(frame, ClassificationConfig(), DEFAULT_SCORERS)
    assert len(result) == size
    assert list(result.columns) == [*INPUT_COLUMNS, *OUTPUT_COLUMNS]
    assert set(result["pareto_class"]) == {"a", "b", "c"}
    assert set(result["rfm_segment"]) <= set(RFM_SEGMENTS)
    assert set(result["quadrant"]) <= set(QUADRANTS)
    assert result["pareto_rank"].is_unique
    assert result["potential_score"].between(0, 100).all()
    a_share = result.loc[result["pareto_class"] == "a", "revenue_share"].sum()
    assert 80.0 <= a_share < 80.0 + result["revenue_share"].max()
