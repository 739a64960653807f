"""Tests of the classification configuration and its problems."""

import math

import pytest

from kam_scoring import (
    DEFAULT_WEIGHTS,
    POTENTIAL_COMPONENTS,
    ClassificationConfig,
    ConfigError,
    config_problems,
    validate_config,
)


def test_defaults_are_valid():
    config = ClassificationConfig()
    assert config.window_months == 12
    assert (config.pareto_a, config.pareto_b) == (80.0, 95.0)
    assert dict(config.weights) == {
        "volume": 30,
        "growth": 20,
        "share_of_wallet": 15,
        "profitability": 20,
        "objectives_fit": 15,
    }
    assert tuple(config.weights) == POTENTIAL_COMPONENTS
    assert (config.potential_threshold, config.position_threshold) == (50.0, 50.0)
    assert config_problems(config) == []
    validate_config(config)


def test_default_weights_are_not_shared():
    assert ClassificationConfig().weights is not ClassificationConfig().weights
    assert dict(DEFAULT_WEIGHTS) == dict(ClassificationConfig().weights)


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"window_months": 0}, [("window_not_positive", {"months": 0})]),
        ({"window_months": -3}, [("window_not_positive", {"months": -3})]),
        (
            {"window_months": 100_000},
            [("window_too_long", {"months": 100_000, "max": 120})],
        ),
        (
            {"window_months": 2**31},
            [("window_too_long", {"months": 2**31, "max": 120})],
        ),
        (
            {"pareto_b": 100.0},
            [("pareto_out_of_range", {"value": 100.0})],
        ),
        (
            {"weights": {"volume": 1e308, "growth": 1e308}},
            [
                (
                    "weight_too_large",
                    {"component": "volume", "weight": 1e308, "max": 100.0},
                ),
                (
                    "weight_too_large",
                    {"component": "growth", "weight": 1e308, "max": 100.0},
                ),
                ("weights_all_zero", {}),
            ],
        ),
        ({"pareto_a": 0.0}, [("pareto_out_of_range", {"value": 0.0})]),
        (
            {"pareto_b": 100.5},
            [("pareto_out_of_range", {"value": 100.5})],
        ),
        ({"pareto_a": 95.0}, [("pareto_order", {"a": 95.0, "b": 95.0})]),
        (
            {"pareto_a": 90.0, "pareto_b": 85.0},
            [("pareto_order", {"a": 90.0, "b": 85.0})],
        ),
        (
            {"pareto_a": 120.0},
            [
                ("pareto_out_of_range", {"value": 120.0}),
                ("pareto_order", {"a": 120.0, "b": 95.0}),
            ],
        ),
        (
            {"weights": {"volume": -1.0, "growth": 10.0}},
            [("weight_negative", {"component": "volume", "weight": -1.0})],
        ),
        ({"weights": {"volume": 0.0, "growth": 0.0}}, [("weights_all_zero", {})]),
        ({"weights": {}}, [("weights_all_zero", {})]),
        (
            {"weights": {"volume": -5.0}},
            [
                ("weight_negative", {"component": "volume", "weight": -5.0}),
                ("weights_all_zero", {}),
            ],
        ),
        (
            {"weights": {"volume": 10.0, "charm": 5.0}},
            [("weight_unknown", {"component": "charm"})],
        ),
        (
            {"potential_threshold": -1.0},
            [("threshold_out_of_range", {"name": "potential", "value": -1.0})],
        ),
        (
            {"position_threshold": 100.5},
            [("threshold_out_of_range", {"name": "position", "value": 100.5})],
        ),
    ],
)
def test_config_problems(changes, expected):
    config = ClassificationConfig(**changes)
    assert config_problems(config) == expected
    with pytest.raises(ConfigError) as raised:
        validate_config(config)
    assert raised.value.problems == expected
    assert isinstance(raised.value, ValueError)


def test_limits_are_valid():
    assert config_problems(ClassificationConfig(window_months=120)) == []
    config = ClassificationConfig(
        window_months=1,
        pareto_a=99.8,
        pareto_b=99.9,
        weights={"volume": 100.0},
        potential_threshold=0.0,
        position_threshold=100.0,
    )
    assert config_problems(config) == []


def test_nan_weight_is_a_problem():
    config = ClassificationConfig(weights={"volume": 1.0, "growth": math.nan})
    [(code, params)] = config_problems(config)
    assert code == "weight_negative"
    assert params["component"] == "growth"


def test_several_problems_are_all_reported():
    config = ClassificationConfig(
        window_months=0,
        weights={"luck": 1.0},
        position_threshold=-5.0,
    )
    codes = [code for code, _params in config_problems(config)]
    assert codes == [
        "window_not_positive",
        "weight_unknown",
        "weights_all_zero",
        "threshold_out_of_range",
    ]
    assert "window_not_positive" in str(ConfigError(config_problems(config)))
