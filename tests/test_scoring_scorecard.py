"""The scorecard's KPI mappings, areas, health weights and traffic light."""

import math

import numpy as np
import pandas as pd
import pytest

from kam_scoring.scorecard import (
    AREAS,
    KPI_MAPPINGS,
    TREND_STEP,
    ScorecardConfig,
    alert_points_lost,
    health_trend,
    kpi_points,
    score_scorecard,
    scorecard_problems,
    survey_summary,
)


@pytest.mark.parametrize(
    ("kpi", "value", "points"),
    [
        ("revenue_achieved_pct", 0.0, 0.0),
        ("revenue_achieved_pct", 50.0, 50.0),
        ("revenue_achieved_pct", 111.0, 100.0),
        ("margin_achieved_pct", 80.0, 80.0),
        ("growth_pct", -20.0, 0.0),
        ("growth_pct", 0.0, 50.0),
        ("growth_pct", 10.0, 75.0),
        ("growth_pct", 60.0, 100.0),
        ("new_categories", 0.0, 50.0),
        ("new_categories", 1.0, 75.0),
        ("new_categories", 5.0, 100.0),
        ("win_rate_pct", 25.0, 50.0),
        ("pipeline_coverage", 0.5, 50.0),
        ("pipeline_coverage", 3.0, 100.0),
        ("qualified_count", 2.0, 200.0 / 3),
        ("strong_contacts", 1.0, 25.0),
        ("decision_makers_covered_pct", 50.0, 50.0),
        ("new_contacts", 1.0, 50.0),
        ("interactions", 6.0, 25.0),
        ("survey_score", 4.0, 0.0),
        ("survey_score", 9.0, 80.0),
        ("survey_score", 5.0, 0.0),
        ("survey_score", 7.5, 50.0),
        ("survey_score", 10.0, 100.0),
        ("moments_balance_pct", 0.0, 50.0),
        ("moments_balance_pct", -100.0, 0.0),
        ("alert_points_lost", 0.0, 100.0),
        ("alert_points_lost", 35.0, 65.0),
        ("alert_points_lost", 150.0, 0.0),
    ],
)
def test_each_kpi_mapping(kpi, value, points):
    got = kpi_points(pd.DataFrame({kpi: [value]}))[f"{kpi}_points"].iloc[0]
    assert got == pytest.approx(points)


def test_every_kpi_belongs_to_an_area():
    assert {m.area for m in KPI_MAPPINGS.values()} == set(AREAS)


def test_missing_kpi_left_out_of_its_area():
    kpis = pd.DataFrame(
        {"revenue_achieved_pct": [80.0], "growth_pct": [np.nan]}, index=[7]
    )
    result = score_scorecard(kpis, ScorecardConfig())
    assert result.loc[7, "sales_score"] == pytest.approx(80.0)
    assert math.isnan(result.loc[7, "growth_pct_points"])


def test_health_is_weighted_mean_of_measured_areas():
    kpis = pd.DataFrame(
        {
            "revenue_achieved_pct": [100.0, 0.0],
            "win_rate_pct": [0.0, 50.0],
            "alert_points_lost": [0.0, np.nan],
        },
        index=[1, 2],
    )
    config = ScorecardConfig(
        area_weights={
            "sales": 30.0,
            "opportunities": 10.0,
            "relationships": 20.0,
            "satisfaction": 20.0,
            "alerts": 10.0,
        }
    )
    result = score_scorecard(kpis, config)
    # Account 1: sales 100 (30), opportunities 0 (10), alerts 100 (10).
    assert result.loc[1, "health_score"] == pytest.approx((3000 + 1000) / 50)
    # Account 2: sales 0 (30), opportunities 100 (10); alerts unknown.
    assert result.loc[2, "health_score"] == pytest.approx(1000 / 40)
    assert result.loc[1, "missing_areas"] == "relationships,satisfaction"
    assert result.loc[2, "missing_areas"] == "relationships,satisfaction,alerts"


def test_traffic_light_thresholds():
    kpis = pd.DataFrame({"revenue_achieved_pct": [95.0, 70.0, 69.9, 40.0, 10.0]})
    result = score_scorecard(kpis, ScorecardConfig(green_from=70, amber_from=40))
    assert list(result["health_light"]) == ["green", "green", "amber", "amber", "red"]


def test_no_data_gives_no_health_and_no_light():
    kpis = pd.DataFrame({"revenue_achieved_pct": [np.nan]}, index=[3])
    result = score_scorecard(kpis, ScorecardConfig())
    assert math.isnan(result.loc[3, "health_score"])
    assert result.loc[3, "health_light"] is None
    assert result.loc[3, "missing_areas"] == ",".join(AREAS)


def test_zero_weight_area_not_counted_nor_missing():
    kpis = pd.DataFrame({"revenue_achieved_pct": [50.0], "win_rate_pct": [50.0]})
    weights = dict.fromkeys(AREAS, 0.0) | {"sales": 1.0}
    result = score_scorecard(kpis, ScorecardConfig(area_weights=weights))
    assert result["health_score"].iloc[0] == pytest.approx(50.0)
    assert result["missing_areas"].iloc[0] == ""


def test_alert_points_weighted_by_severity():
    severities = pd.Series(["high", "low", "low", "medium"], index=[1, 1, 1, 2])
    lost = alert_points_lost(severities)
    assert lost.to_dict() == {1: 45.0, 2: 15.0}


@pytest.mark.parametrize(
    ("config", "codes"),
    [
        (ScorecardConfig(), []),
        (
            ScorecardConfig(area_weights=dict.fromkeys(AREAS, 0.0)),
            ["area_weights_all_zero"],
        ),
        (
            ScorecardConfig(area_weights={"sales": -1.0, "alerts": 5.0}),
            ["area_weight_out_of_range"],
        ),
        (
            ScorecardConfig(area_weights={"sales": 1e308}),
            ["area_weight_out_of_range", "area_weights_all_zero"],
        ),
        (ScorecardConfig(area_weights={"luck": 1.0, "sales": 1.0}), ["area_unknown"]),
        (ScorecardConfig(green_from=40, amber_from=70), ["light_order"]),
        (ScorecardConfig(green_from=120), ["light_out_of_range"]),
    ],
)
def test_config_problems(config, codes):
    assert [code for code, _params in scorecard_problems(config)] == codes


def test_vectorised_over_many_accounts():
    rng = np.random.default_rng(3)
    n = 10_000
    kpis = pd.DataFrame(
        {name: rng.uniform(-50, 150, n) for name in KPI_MAPPINGS},
    )
    result = score_scorecard(kpis, ScorecardConfig())
    assert result["health_score"].between(0, 100).all()
    assert set(result["health_light"]) <= {"green", "amber", "red"}


def test_survey_summary_ignores_values_off_the_scale():
    # What the public survey stores for a forged answer: none of it is data.
    answers = pd.DataFrame(
        {
            "account_id": [1, 1, 1, 1, 2, 2],
            "value": [8.0, 11.0, -5.0, 2147483647.0, 12.0, -1.0],
        }
    )
    summary = survey_summary(answers)
    assert summary.loc[1, "survey_score"] == pytest.approx(8.0)
    assert summary.loc[1, "survey_answers"] == 1
    assert 2 not in summary.index
    assert summary["survey_score"].between(0, 10).all()
    assert summary["survey_nps"].between(-100, 100).all()


def test_survey_summary_score_nps_and_count():
    answers = pd.DataFrame(
        {
            # Account 1: promoters 10 and 9, a passive 7, a detractor 2.
            # Account 2: one detractor, one skipped question.
            "account_id": [1, 1, 1, 1, 2, 2],
            "value": [10.0, 9.0, 7.0, 2.0, 6.0, np.nan],
        }
    )
    summary = survey_summary(answers)
    assert summary.loc[1, "survey_score"] == pytest.approx(7.0)
    assert summary.loc[1, "survey_nps"] == pytest.approx(25.0)
    assert summary.loc[1, "survey_answers"] == 4
    assert summary.loc[2, "survey_score"] == pytest.approx(6.0)
    assert summary.loc[2, "survey_nps"] == pytest.approx(-100.0)
    assert summary.loc[2, "survey_answers"] == 1


def test_survey_summary_without_values_has_no_row():
    answers = pd.DataFrame({"account_id": [3, 3], "value": [np.nan, np.nan]})
    assert survey_summary(answers).empty
    empty = pd.DataFrame({"account_id": [], "value": []})
    assert list(survey_summary(empty).columns) == [
        "survey_score",
        "survey_nps",
        "survey_answers",
    ]


@pytest.mark.parametrize(
    ("survey", "balance", "expected"),
    [
        # Survey 8 -> 60 points, balance 0% -> 50 points: mean 55.
        (8.0, 0.0, 55.0),
        # Surveys sent, none answered: the survey KPI is unknown, not 0.
        (np.nan, 0.0, 50.0),
        (9.0, np.nan, 80.0),
        (np.nan, np.nan, np.nan),
    ],
)
def test_satisfaction_area_from_survey_and_moments(survey, balance, expected):
    kpis = pd.DataFrame(
        {"survey_score": [survey], "moments_balance_pct": [balance]}, index=[5]
    )
    result = score_scorecard(kpis, ScorecardConfig())
    if math.isnan(expected):
        assert math.isnan(result.loc[5, "satisfaction_score"])
        assert "satisfaction" in result.loc[5, "missing_areas"]
    else:
        assert result.loc[5, "satisfaction_score"] == pytest.approx(expected)
        assert "satisfaction" not in result.loc[5, "missing_areas"]


@pytest.mark.parametrize(
    ("health", "previous", "trend"),
    [
        (70.0, 65.0, "up"),
        (70.0, 65.1, "flat"),
        (60.0, 65.0, "down"),
        (60.1, 65.0, "flat"),
        (50.0, 50.0, "flat"),
        (None, 50.0, None),
        (50.0, None, None),
        (float("nan"), 50.0, None),
        (50.0, float("nan"), None),
    ],
)
def test_health_trend(health, previous, trend):
    assert TREND_STEP == 5.0
    assert health_trend(health, previous) == trend


def test_health_trend_step():
    assert health_trend(52.0, 50.0, step=2.0) == "up"
    assert health_trend(52.0, 50.0) == "flat"
