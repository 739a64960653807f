"""Churn and lifetime value: BG/NBD and Gamma-Gamma against the papers.

The CDNOW sample (tests/data, see its README) is the data set of both
papers: 2,357 customers observed for 39 weeks (time unit: weeks).
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from kam_scoring import (
    CLV_COLUMNS,
    ClassificationConfig,
    ClvScorer,
    ParetoScorer,
    classify,
    clv,
    config_problems,
    discounted_yearly_amounts,
    fit_bgnbd,
    fit_gamma_gamma,
    monthly_discount_factors,
    predict_clv,
)

CDNOW = Path(__file__).parent / "data" / "cdnow_customers_summary_with_transactions.csv"


@pytest.fixture(scope="module")
def cdnow():
    return pd.read_csv(CDNOW)


@pytest.fixture(scope="module")
def cdnow_fits(cdnow):
    return (
        fit_bgnbd(cdnow["x"], cdnow["t_x"], cdnow["T"]),
        fit_gamma_gamma(cdnow["x"], cdnow["zbar"]),
    )


def test_cdnow_sample_is_the_papers_sample(cdnow):
    assert len(cdnow) == 2357
    assert (cdnow["x"] > 0).sum() == 946


def test_bgnbd_matches_the_published_estimates(cdnow_fits):
    """Fader, Hardie & Lee (2005), table: r, alpha, a, b and LL."""
    fit = cdnow_fits[0]
    assert fit.ok and fit.converged
    assert (fit.n, fit.repeat_buyers) == (2357, 946)
    published = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    assert {k: round(v, 3) for k, v in fit.params.items()} == published
    assert round(fit.log_likelihood, 1) == -9582.4


def test_gamma_gamma_matches_the_published_estimates(cdnow, cdnow_fits):
    """Fader & Hardie: p = 6.25, q = 3.74, gamma = 15.44 on 946 repeat buyers.

    p and q agree to the published two decimals; our gamma is 15.4477 (the
    maximum; lifetimes finds the same), 0.008 from the published value, whose
    log-likelihood is 0.0015 lower: the papers' spreadsheet optimiser stopped
    a little short.
    """
    fit = cdnow_fits[1]
    assert fit.ok and fit.converged and fit.n == 946
    assert round(fit.params["p"], 2) == 6.25
    assert round(fit.params["q"], 2) == 3.74
    assert fit.params["gamma"] == pytest.approx(15.44, abs=0.01)
    repeat = cdnow[cdnow["x"] > 0]
    published = clv.gamma_gamma_log_likelihood(
        {"p": 6.25, "q": 3.74, "gamma": 15.44}, repeat["x"], repeat["zbar"]
    ).sum()
    assert fit.log_likelihood > published


def test_predictions_equal_lifetimes(cdnow, cdnow_fits):
    """Values printed by lifetimes 0.11.3 (benchmarks/compare_lifetimes.py)."""
    bg, gg = (fit.params for fit in cdnow_fits)
    rows = cdnow.iloc[[0, 5, 16, 156, 324]]
    x, t_x, T, zbar = (rows[c].to_numpy(float) for c in ("x", "t_x", "T", "zbar"))
    np.testing.assert_allclose(
        clv.bgnbd_p_alive(bg, x, t_x, T),
        [0.726609, 0.641801, 0.815326, 0.969134, 0.040996],
        atol=1e-6,
    )
    np.testing.assert_allclose(
        clv.bgnbd_expected_purchases(bg, 39, x, t_x, T),
        [1.22591, 3.33724, 5.933575, 20.053665, 0.749732],
        atol=1e-5,
    )
    value = clv.gamma_gamma_expected_value(gg, x, zbar)
    np.testing.assert_allclose(
        clv.lifetime_value(bg, value, x, t_x, T, 12, 0.01, month_length=4.345),
        [36.2785, 283.5236, 173.8973, 625.35, 32.9105],
        atol=1e-3,
    )


def test_hand_checked_p_alive_and_purchases():
    params = {"r": 2.0, "alpha": 3.0, "a": 2.0, "b": 3.0}
    # 1 / (1 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))
    #   = 1 / (1 + 2/4 * (9/7) ** 4)
    expected = 1 / (1 + 0.5 * (9 / 7) ** 4)
    assert clv.bgnbd_p_alive(params, [2], [4], [6])[0] == pytest.approx(expected)
    assert round(expected, 6) == 0.4226
    # Never repeated: alive for BG/NBD (one drops out only after a purchase).
    assert clv.bgnbd_p_alive(params, [0], [0], [6])[0] == 1.0
    # r=2, a=2, b=1, x=0: E = 2 [1 - (1-z)^2 2F1(2, 1; 2; z)] = 2 z,
    # z = t / (alpha + T + t) = 9 / 18.
    params = {"r": 2.0, "alpha": 3.0, "a": 2.0, "b": 1.0}
    assert clv.bgnbd_expected_purchases(params, 9, [0], [0], [6])[0] == (
        pytest.approx(1.0)
    )


def test_hand_checked_value_and_lifetime_value():
    params = {"p": 2.0, "q": 3.0, "gamma": 10.0}
    # p (gamma + x zbar) / (p x + q - 1) = 2 * 50 / 6; no repeat: p gamma / (q-1)
    values = clv.gamma_gamma_expected_value(params, [2, 0], [20.0, np.nan])
    np.testing.assert_allclose(values, [100 / 6, 10.0])
    bg = {"r": 2.0, "alpha": 3.0, "a": 2.0, "b": 1.0}
    # One month of 9 time units: 1 purchase of value 10, discounted 1% once.
    one = clv.lifetime_value(bg, [10.0], [0], [0], [6], 1, 0.01, month_length=9)
    assert one[0] == pytest.approx(10 / 1.01)
    assert clv.monthly_rate(12.682503) == pytest.approx(0.01, abs=1e-8)


def test_heavy_buyers_stay_finite():
    params = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
    x = np.array([500.0, 5000.0])
    purchases = clv.bgnbd_expected_purchases(params, 52, x, [1000, 1000], [1001, 1001])
    assert np.isfinite(purchases).all() and (purchases > 0).all()
    # about 0.5 and 5 purchases per unit of time, for 52 units
    assert purchases[1] / purchases[0] == pytest.approx(10, rel=0.05)


def test_not_enough_repeat_buyers_gives_no_numbers():
    x = np.array([1] * 19 + [0] * 200, dtype=float)
    t_x = np.where(x > 0, 10.0, 0.0)
    T = np.full(len(x), 40.0)
    fit = fit_bgnbd(x, t_x, T)
    assert fit.status == "not_enough_data" and not fit.ok
    assert fit.params == {} and fit.repeat_buyers == 19
    frame = pd.DataFrame(
        {
            "clv_frequency": x,
            "clv_recency": t_x,
            "clv_age": T,
            "clv_monetary": np.where(x > 0, 50.0, np.nan),
            "margin_pct": 30.0,
        }
    )
    out, fits = predict_clv(frame, 36, 10)
    assert out.isna().all().all() and list(out.columns) == list(CLV_COLUMNS)
    assert fits["gamma_gamma"].status == "not_enough_data"
    # Customers without any purchase and an empty history: no numbers either.
    empty = frame.iloc[:0]
    assert predict_clv(empty, 36, 10)[0].empty


def test_predict_clv_on_cdnow_in_days(cdnow):
    frame = pd.DataFrame(
        {
            "clv_frequency": cdnow["x"],
            "clv_recency": cdnow["t_x"] * 7,
            "clv_age": cdnow["T"] * 7,
            "clv_monetary": cdnow["zbar"].where(cdnow["x"] > 0),
            "margin_pct": 25.0,
        }
    )
    out, fits = predict_clv(frame, 36, 10)
    assert fits["bgnbd"].params["alpha"] == pytest.approx(4.4135 * 7, rel=1e-4)
    assert out["churn_probability"].between(0, 100).all()
    assert (out["expected_revenue_12m"] >= 0).all()
    # three years of revenue, discounted, are less than the undiscounted sum
    total = out[[f"projected_revenue_y{i}" for i in (1, 2, 3)]].sum(axis=1)
    assert (out["clv_value"] <= total + 1e-9).all()
    assert np.allclose(out["projected_margin_y1"], out["projected_revenue_y1"] * 0.25)
    assert np.allclose(out["expected_revenue_12m"], out["projected_revenue_y1"])


def test_monthly_discount_factors():
    factors = monthly_discount_factors(10.0, 24)
    assert len(factors) == 24
    assert factors[0] == pytest.approx(1.1 ** (-1 / 12))
    # twelve months discount as much as one year at the annual rate
    assert factors[11] == pytest.approx(1 / 1.1)
    assert factors[23] == pytest.approx(1 / 1.1**2)
    assert (monthly_discount_factors(0.0, 5) == 1.0).all()
    assert len(monthly_discount_factors(10.0, 0)) == 0


def test_discounted_yearly_amounts_spread_each_year_over_its_months():
    # year 1 is worth its mean monthly factor, not its end's 1 / 1.1
    year_1 = sum(1.1 ** (-m / 12) for m in range(1, 13)) / 12
    assert year_1 == pytest.approx(0.95004, abs=1e-5)
    assert discounted_yearly_amounts([1200.0], 10.0) == pytest.approx(1200 * year_1)
    # year 2 is year 1 discounted once more by a whole year
    assert discounted_yearly_amounts([0.0, 1200.0], 10.0) == pytest.approx(
        1200 * year_1 / 1.1
    )
    assert discounted_yearly_amounts([100.0, 200.0, 300.0], 0.0) == 600.0
    assert discounted_yearly_amounts([], 10.0) == 0.0


def test_lifetime_value_and_yearly_discounting_agree():
    """One convention: constant monthly purchases give the same value both ways."""
    months = 36
    monthly = np.full(months, 100.0)
    by_month = float(monthly @ monthly_discount_factors(8.0, months))
    by_year = discounted_yearly_amounts(monthly.reshape(3, 12).sum(axis=1), 8.0)
    assert by_year == pytest.approx(by_month)


def test_clv_scorer_reports_its_fits(cdnow):
    frame = pd.DataFrame(
        {
            "revenue": cdnow["zbar"] * (cdnow["x"] + 1),
            "clv_frequency": cdnow["x"],
            "clv_recency": cdnow["t_x"],
            "clv_age": cdnow["T"],
            "clv_monetary": cdnow["zbar"],
            "margin_pct": 20.0,
        }
    )
    result = classify(frame, ClassificationConfig(), [ParetoScorer, ClvScorer])
    fits = result.attrs["scorer_info"]["clv"]["fits"]
    assert fits["bgnbd"].ok and fits["gamma_gamma"].ok
    assert set(CLV_COLUMNS) <= set(result.columns)
    assert result["clv_value"].notna().all()


@pytest.mark.parametrize(
    ("months", "rate", "codes"),
    [
        (36, 10.0, []),
        (0, 10.0, ["clv_horizon_out_of_range"]),
        (121, 10.0, ["clv_horizon_out_of_range"]),
        (12.5, 10.0, ["clv_horizon_out_of_range"]),
        (12, -1.0, ["clv_discount_out_of_range"]),
        (12, 101.0, ["clv_discount_out_of_range"]),
        (12, float("nan"), ["clv_discount_out_of_range"]),
    ],
)
def test_clv_settings_are_validated(months, rate, codes):
    config = ClassificationConfig(clv_horizon_months=months, clv_discount_rate=rate)
    assert [code for code, _params in config_problems(config)] == codes


def test_degenerate_fit_still_predicts():
    """Very large a and b (one dropout probability for all): the series of
    the closed form overflows; the quadrature gives the limit."""
    params = {"r": 3.498, "alpha": 134.52, "a": 41425.8, "b": 162754.8}
    x = np.array([0.0, 2, 6, 9])
    t_x = np.array([0.0, 13, 380, 539])
    T = np.array([25.0, 16, 400, 1017])
    p = params["a"] / (params["a"] + params["b"])
    alive = clv.bgnbd_p_alive(params, x, t_x, T)
    for t in (30, 365, 1100):
        limit = (
            (1 - ((params["alpha"] + T) / (params["alpha"] + T + p * t)) ** (3.498 + x))
            / p
            * alive
        )
        np.testing.assert_allclose(
            clv.bgnbd_expected_purchases(params, t, x, t_x, T), limit, rtol=1e-4
        )
