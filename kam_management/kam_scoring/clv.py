"""Churn risk and customer lifetime value: BG/NBD and Gamma-Gamma.

Purchases follow the BG/NBD model (Fader, Hardie & Lee 2005, "Counting your
customers the easy way"): while alive, a customer buys at a Poisson rate with
a gamma(r, alpha) heterogeneity, and after each purchase drops out with a
probability following a beta(a, b). Spend per purchase follows the
Gamma-Gamma model (Fader, Hardie & Lee 2005, "RFM and CLV"; Fader & Hardie,
"The Gamma-Gamma model of monetary value", 2013): parameters p, q, gamma,
independent of the purchase process.

Inputs per customer, in one time unit chosen by the caller (days in the
addon): ``x`` repeat purchases (purchase occasions after the first),
``t_x`` time from the first to the last purchase, ``T`` time from the first
purchase to the end of the observation, ``zbar`` mean value of the repeat
purchases.

Everything is vectorised and computed in log space; fits maximise the
log-likelihood with L-BFGS-B on the logarithms of the parameters, with their
analytical gradient, and report whether the optimiser converged. Too few
repeat buyers give a :class:`FitResult` with ``status = "not_enough_data"``
and no parameters, never numbers made up from noise.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.optimize import minimize
from scipy.special import betaln, digamma, expit, gammaln, hyp2f1

from .config import ClassificationConfig
from .engine import Scorer

# Below this many repeat buyers (customers with at least two purchase
# occasions) a fit says "not enough data" rather than guessing.
MIN_REPEAT_BUYERS = 20
# Average length of a month and of a year in days.
MONTH_DAYS = 365.25 / 12
YEAR_DAYS = 365.25
# Bounds of the fitted parameters (on their logarithm, after scaling).
_LOG_BOUND = 12.0

BGNBD_PARAMS = ("r", "alpha", "a", "b")
GAMMA_GAMMA_PARAMS = ("p", "q", "gamma")

# Status codes of a fit (the wording is left to the caller).
STATUS_OK = "ok"
STATUS_NOT_ENOUGH_DATA = "not_enough_data"
STATUS_NOT_CONVERGED = "not_converged"
STATUS_INFINITE_MEAN = "infinite_mean"


@dataclass(frozen=True)
class FitResult:
    """Outcome of a fit: parameters (empty unless fitted), size, likelihood."""

    model: str
    status: str
    params: dict[str, float] = field(default_factory=dict)
    n: int = 0
    repeat_buyers: int = 0
    log_likelihood: float = math.nan
    converged: bool = False
    iterations: int = 0
    # A parameter reached its bound: the fit is a limiting case of the model.
    at_bound: bool = False

    @property
    def ok(self) -> bool:
        """The parameters can be used for predictions."""
        return self.status == STATUS_OK

    def as_dict(self) -> dict[str, Any]:
        return {
            "model": self.model,
            "status": self.status,
            "params": dict(self.params),
            "n": self.n,
            "repeat_buyers": self.repeat_buyers,
            "log_likelihood": self.log_likelihood,
            "converged": self.converged,
            "iterations": self.iterations,
            "at_bound": self.at_bound,
        }


def _arrays(*values):
    return [np.asarray(value, dtype=float) for value in values]


def _compress(*columns):
    """Unique rows of the columns and how often each occurs."""
    stacked = np.column_stack(columns)
    unique, counts = np.unique(stacked, axis=0, return_counts=True)
    return [unique[:, i] for i in range(unique.shape[1])], counts.astype(float)


def _at_bound(coords: np.ndarray, bound=_LOG_BOUND) -> bool:
    return bool(np.any(np.abs(coords) >= np.asarray(bound) - 1e-6))


def _converged(solution, bound=_LOG_BOUND) -> bool:
    """First-order optimal: the optimiser says so, or the gradient projected
    on the bounds is nil (L-BFGS-B may stop its line search there).

    A parameter at its bound is the limiting case of the model (for instance
    r and alpha growing together: every customer buys at the same rate);
    its predictions are those of that limit, and remain valid.
    """
    if solution.success:
        return True
    grad = np.array(solution.jac, dtype=float)
    upper = solution.x >= bound - 1e-6
    lower = solution.x <= -bound + 1e-6
    grad[(upper & (grad < 0)) | (lower & (grad > 0))] = 0.0
    # Per customer and per unit of log-parameter: far below what matters.
    return bool(np.max(np.abs(grad)) < 1e-4)


# ----------------------------------------------------------------------
# BG/NBD
# ----------------------------------------------------------------------
def _bgnbd_terms(r, alpha, a, b, x, t_x, T):
    """The four log terms of the BG/NBD likelihood (A4 is -inf when x = 0)."""
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    repeat = x > 0
    a4 = np.full_like(x, -np.inf)
    a4[repeat] = (
        np.log(a)
        - np.log(b + x[repeat] - 1)
        - (r + x[repeat]) * np.log(alpha + t_x[repeat])
    )
    return a1, a2, a3, a4


def bgnbd_log_likelihood(params, x, t_x, T) -> np.ndarray:
    """Log-likelihood of each customer under BG/NBD ``params`` (r, alpha, a, b)."""
    r, alpha, a, b = (float(params[name]) for name in BGNBD_PARAMS)
    x, t_x, T = _arrays(x, t_x, T)
    a1, a2, a3, a4 = _bgnbd_terms(r, alpha, a, b, x, t_x, T)
    return a1 + a2 + np.logaddexp(a3, a4)


def _bgnbd_objective(log_params, x, t_x, T, weights, x_index=None):
    """Minus the mean log-likelihood and its gradient in log-parameters.

    ``x_index`` = (distinct x, inverse index): the terms that depend on x
    alone (gamma and digamma functions) are computed once per distinct x.
    """
    r, alpha, a, b = np.exp(log_params)
    xu, inv = x_index if x_index is not None else np.unique(x, return_inverse=True)
    repeat = x > 0
    a1 = (gammaln(r + xu) - gammaln(r))[inv] + r * np.log(alpha)
    a2 = (betaln(a, b + xu) - betaln(a, b))[inv]
    log_alpha_T = np.log(alpha + T)
    a3 = -(r + x) * log_alpha_T
    log_alpha_tx = np.zeros_like(x)
    log_alpha_tx[repeat] = np.log(alpha + t_x[repeat])
    log_b_x1 = np.zeros_like(xu)
    log_b_x1[xu > 0] = np.log(b + xu[xu > 0] - 1)
    a4 = np.where(repeat, np.log(a) - log_b_x1[inv] - (r + x) * log_alpha_tx, -np.inf)
    mix = np.logaddexp(a3, a4)
    total = weights.sum()
    value = -np.dot(weights, a1 + a2 + mix) / total
    w4 = np.exp(a4 - mix)  # share of the "dropped out after t_x" branch
    w3 = 1.0 - w4
    inv_alpha_tx = np.where(repeat, 1.0 / (alpha + t_x), 0.0)
    inv_b_x1 = np.where(repeat, np.exp(-log_b_x1[inv]), 0.0)
    psi_abx = digamma(a + b + xu)
    d_r = (
        (digamma(r + xu) - digamma(r))[inv]
        + np.log(alpha)
        - w3 * log_alpha_T
        - w4 * log_alpha_tx
    )
    d_alpha = r / alpha - (r + x) * (w3 / (alpha + T) + w4 * inv_alpha_tx)
    d_a = (digamma(a + b) - psi_abx)[inv] + w4 / a
    d_b = (digamma(b + xu) - psi_abx - digamma(b) + digamma(a + b))[inv] - w4 * inv_b_x1
    grad = np.array(
        [
            np.dot(weights, d_r) * r,
            np.dot(weights, d_alpha) * alpha,
            np.dot(weights, d_a) * a,
            np.dot(weights, d_b) * b,
        ]
    )
    return value, -grad / total


# Bounds of the BG/NBD coordinates (see _bgnbd_from_coords), symmetric.
_BGNBD_BOUNDS = np.array([_LOG_BOUND, _LOG_BOUND, _LOG_BOUND, 2 * _LOG_BOUND])


def _bgnbd_from_coords(u):
    """(r, alpha, a, b) from the optimiser's coordinates.

    u = (log r, log(r / alpha), log(a + b), logit(a / (a + b))): when the
    customers are much alike, the likelihood keeps growing as r and alpha grow
    together (or a and b), a curved valley in (log r, log alpha) that stalls
    the optimiser; in these coordinates it runs along one axis.
    """
    share = expit(u[3])
    return (
        np.exp(u[0]),
        np.exp(u[0] - u[1]),
        np.exp(u[2]) * share,
        np.exp(u[2]) * (1.0 - share),
    )


def _bgnbd_coords_objective(u, x, t_x, T, weights, x_index=None):
    r, alpha, a, b = _bgnbd_from_coords(u)
    log_params = np.log([r, alpha, a, b])
    value, grad = _bgnbd_objective(log_params, x, t_x, T, weights, x_index)
    share = expit(u[3])
    return value, np.array(
        [
            grad[0] + grad[1],
            -grad[1],
            grad[2] + grad[3],
            grad[2] * (1.0 - share) - grad[3] * share,
        ]
    )


def fit_bgnbd(x, t_x, T, min_repeat_buyers: int = MIN_REPEAT_BUYERS) -> FitResult:
    """Maximum-likelihood BG/NBD parameters for customers (x, t_x, T).

    Customers with ``T <= 0`` (first purchase at the end of the observation)
    carry no information and are left out.
    """
    x, t_x, T = _arrays(x, t_x, T)
    keep = np.isfinite(x) & np.isfinite(t_x) & np.isfinite(T) & (T > 0) & (x >= 0)
    x, t_x, T = x[keep], np.clip(t_x[keep], 0, None), T[keep]
    t_x = np.minimum(t_x, T)
    repeat_buyers = int((x > 0).sum())
    if repeat_buyers < max(int(min_repeat_buyers), 1):
        return FitResult(
            "bgnbd", STATUS_NOT_ENOUGH_DATA, n=len(x), repeat_buyers=repeat_buyers
        )
    # Times scaled to at most 1 so that every parameter starts near 1.
    scale = float(T.max())
    (ux, utx, uT), weights = _compress(x, t_x / scale, T / scale)
    solution = minimize(
        _bgnbd_coords_objective,
        np.array([0.0, 0.0, math.log(2.0), 0.0]),
        args=(ux, utx, uT, weights, np.unique(ux, return_inverse=True)),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-high, high) for high in _BGNBD_BOUNDS],
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9},
    )
    r, alpha, a, b = _bgnbd_from_coords(solution.x)
    params = {
        "r": float(r),
        "alpha": float(alpha * scale),
        "a": float(a),
        "b": float(b),
    }
    converged = _converged(solution, _BGNBD_BOUNDS)
    return FitResult(
        "bgnbd",
        STATUS_OK if converged else STATUS_NOT_CONVERGED,
        params=params if converged else {},
        n=len(x),
        repeat_buyers=repeat_buyers,
        log_likelihood=float(bgnbd_log_likelihood(params, x, t_x, T).sum()),
        converged=converged,
        iterations=int(solution.nit),
        at_bound=_at_bound(solution.x, _BGNBD_BOUNDS),
    )


def _log_odds_dead(params, x, t_x, T):
    """log(P(dead) / P(alive)) given the history; -inf for x = 0."""
    r, alpha, a, b = (float(params[name]) for name in BGNBD_PARAMS)
    out = np.full_like(x, -np.inf)
    repeat = x > 0
    xr = x[repeat]
    out[repeat] = (
        np.log(a)
        - np.log(b + xr - 1)
        + (r + xr) * (np.log(alpha + T[repeat]) - np.log(alpha + t_x[repeat]))
    )
    return out


def bgnbd_p_alive(params, x, t_x, T) -> np.ndarray:
    """Probability that each customer is still alive at ``T``."""
    x, t_x, T = _arrays(x, t_x, T)
    return expit(-_log_odds_dead(params, x, t_x, T))


def bgnbd_expected_purchases(params, t, x, t_x, T) -> np.ndarray:
    """Expected purchases in ``(T, T + t]`` given each customer's history.

    Equation (10) of the BG/NBD paper, with the hypergeometric function taken
    through Euler's transformation, 2F1(r+x, b+x; a+b+x-1; z) =
    (1-z)^(a-1-r-x) 2F1(a+b-1-r, a-1; a+b+x-1; z), whose parameters no longer
    grow with ``x``: heavy buyers neither overflow nor lose precision. Where
    the series still fails (very large a and b: the limit of a dropout
    probability equal for everyone) the same term is taken as its integral
    over the dropout probability, see :func:`_dropout_term_by_quadrature`.
    """
    r, alpha, a, b = (float(params[name]) for name in BGNBD_PARAMS)
    x, t_x, T = _arrays(x, t_x, T)
    t = np.asarray(t, dtype=float)
    if abs(a - 1.0) < 1e-9:  # removable singularity of the closed form
        a = 1.0 + 1e-9
    z = t / (alpha + T + t)
    c = a + b + x - 1
    with np.errstate(all="ignore"):
        series = hyp2f1(a + b - 1 - r, a - 1, c, z)
        term = np.exp((a - 1) * np.log1p(-z) + np.log(series))
    failed = ~np.isfinite(term)
    if failed.any() and a > 1:
        term = np.array(np.broadcast_to(term, x.shape))
        failed = np.broadcast_to(failed, x.shape)
        term[failed] = _dropout_term_by_quadrature(
            r, alpha, a, b, np.broadcast_to(t, x.shape)[failed], x[failed], T[failed]
        )
    body = c / (a - 1) * (1.0 - term)
    return body * expit(-_log_odds_dead(params, x, t_x, T))


def _dropout_term_by_quadrature(r, alpha, a, b, t, x, T, nodes=256):
    """E[(1 + p t / (alpha + T)) ** -(r + x)] for p ~ beta(a - 1, b + x).

    The term ``(1-z)^(a-1) 2F1(...)`` of :func:`bgnbd_expected_purchases`
    written as an expectation over the dropout probability (valid for
    a > 1), computed by the midpoint rule on the quantiles of p.
    """
    from scipy.stats import beta as beta_distribution

    quantiles = (np.arange(nodes) + 0.5) / nodes
    p = beta_distribution.ppf(quantiles[:, None], a - 1, b + x[None, :])
    ratio = np.asarray(t / (alpha + T), dtype=float)
    return np.mean((1.0 + p * ratio[None, :]) ** -(r + x), axis=0)


# ----------------------------------------------------------------------
# Gamma-Gamma
# ----------------------------------------------------------------------
def gamma_gamma_log_likelihood(params, x, zbar) -> np.ndarray:
    """Log-likelihood of each repeat buyer's mean value ``zbar`` over ``x``."""
    p, q, gamma = (float(params[name]) for name in GAMMA_GAMMA_PARAMS)
    x, zbar = _arrays(x, zbar)
    px = p * x
    return (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + px * np.log(x)
        + (px - 1) * np.log(zbar)
        - (px + q) * np.log(gamma + x * zbar)
    )


def _gamma_gamma_objective(log_params, x, zbar, weights):
    p, q, gamma = np.exp(log_params)
    px = p * x
    log_total = np.log(gamma + x * zbar)
    ll = (
        gammaln(px + q)
        - gammaln(px)
        - gammaln(q)
        + q * np.log(gamma)
        + px * np.log(x)
        + (px - 1) * np.log(zbar)
        - (px + q) * log_total
    )
    total = weights.sum()
    psi = digamma(px + q)
    d_p = x * (psi - digamma(px) + np.log(x) + np.log(zbar) - log_total)
    d_q = psi - digamma(q) + np.log(gamma) - log_total
    d_gamma = q / gamma - (px + q) / (gamma + x * zbar)
    grad = np.array(
        [
            np.dot(weights, d_p) * p,
            np.dot(weights, d_q) * q,
            np.dot(weights, d_gamma) * gamma,
        ]
    )
    return -np.dot(weights, ll) / total, -grad / total


def fit_gamma_gamma(x, zbar, min_repeat_buyers: int = MIN_REPEAT_BUYERS) -> FitResult:
    """Maximum-likelihood Gamma-Gamma parameters on the repeat buyers.

    Only customers with ``x > 0`` and a positive mean value count. A fitted
    ``q <= 1`` means an infinite expected spend: status ``infinite_mean``.
    """
    x, zbar = _arrays(x, zbar)
    keep = np.isfinite(x) & np.isfinite(zbar) & (x > 0) & (zbar > 0)
    x, zbar = x[keep], zbar[keep]
    if len(x) < max(int(min_repeat_buyers), 1):
        return FitResult(
            "gamma_gamma", STATUS_NOT_ENOUGH_DATA, n=len(x), repeat_buyers=len(x)
        )
    scale = float(np.mean(zbar))
    (ux, uz), weights = _compress(x, zbar / scale)
    solution = minimize(
        _gamma_gamma_objective,
        np.zeros(3),
        args=(ux, uz, weights),
        jac=True,
        method="L-BFGS-B",
        bounds=[(-_LOG_BOUND, _LOG_BOUND)] * 3,
        options={"maxiter": 2000, "ftol": 1e-14, "gtol": 1e-9},
    )
    p, q, gamma = np.exp(solution.x)
    params = {"p": float(p), "q": float(q), "gamma": float(gamma * scale)}
    converged = _converged(solution)
    status = STATUS_OK
    if not converged:
        status = STATUS_NOT_CONVERGED
    elif q <= 1.0:
        status = STATUS_INFINITE_MEAN
    return FitResult(
        "gamma_gamma",
        status,
        params=params if status == STATUS_OK else {},
        n=len(x),
        repeat_buyers=len(x),
        log_likelihood=float(gamma_gamma_log_likelihood(params, x, zbar).sum()),
        converged=converged,
        iterations=int(solution.nit),
        at_bound=_at_bound(solution.x),
    )


def gamma_gamma_expected_value(params, x, zbar) -> np.ndarray:
    """Expected mean value of a customer's future purchases.

    Customers without a repeat purchase (or a mean value that is not
    positive) get the population mean p * gamma / (q - 1).
    """
    p, q, gamma = (float(params[name]) for name in GAMMA_GAMMA_PARAMS)
    x, zbar = _arrays(x, zbar)
    usable = (x > 0) & (zbar > 0)
    xs = np.where(usable, x, 0.0)
    zs = np.where(usable, zbar, 0.0)
    return p * (gamma + xs * zs) / (p * xs + q - 1)


# ----------------------------------------------------------------------
# Lifetime value
# ----------------------------------------------------------------------
def monthly_rate(annual_rate_pct: float) -> float:
    """Monthly discount rate equivalent to an annual rate given in percent."""
    return (1.0 + float(annual_rate_pct) / 100.0) ** (1.0 / 12.0) - 1.0


def monthly_discount_factors(annual_rate_pct: float, months: int) -> np.ndarray:
    """Discount factor of each of the next ``months`` months, the first is 1.

    The package's one convention: an amount of month ``m`` is worth
    ``(1 + monthly_rate(annual_rate_pct)) ** -m`` today, so that twelve
    months discount exactly as much as one year at the annual rate.
    """
    return (1.0 + monthly_rate(annual_rate_pct)) ** -np.arange(1, int(months) + 1)


def discounted_yearly_amounts(amounts, annual_rate_pct: float) -> float:
    """Value today of amounts per year (year 1 first), discounted monthly.

    Each year's amount is spread evenly over its twelve months and each month
    is discounted by :func:`monthly_discount_factors`, as the lifetime value
    of :func:`predict_clv` is: a year's amount is worth its mean monthly
    factor (0.950 for year 1 at 10% a year, where the year's end would be
    1 / 1.1 = 0.909).
    """
    amounts = np.asarray(amounts, dtype=float).ravel()
    if not len(amounts):
        return 0.0
    factors = monthly_discount_factors(annual_rate_pct, 12 * len(amounts))
    return float(amounts @ factors.reshape(len(amounts), 12).mean(axis=1))


def _compressed_call(function, x, t_x, T):
    """``function`` computed once per distinct (x, t_x, T), spread back."""
    unique, inverse = np.unique(
        np.column_stack([x, t_x, T]), axis=0, return_inverse=True
    )
    return function(unique[:, 0], unique[:, 1], unique[:, 2])[..., inverse.ravel()]


def cumulative_purchases(params, times, x, t_x, T) -> np.ndarray:
    """Expected purchases up to each of ``times`` (rows) for each customer."""
    x, t_x, T = _arrays(x, t_x, T)
    times = np.asarray(times, dtype=float)
    if not len(x):
        return np.zeros((len(times), 0))

    def compute(ux, utx, uT):
        return np.vstack(
            [bgnbd_expected_purchases(params, t, ux, utx, uT) for t in times]
        )

    return _compressed_call(compute, x, t_x, T)


def lifetime_value(
    params,
    expected_value,
    x,
    t_x,
    T,
    months: int,
    monthly_discount: float,
    month_length: float = MONTH_DAYS,
) -> np.ndarray:
    """Discounted value of each customer's purchases over the next ``months``.

    The standard discounted-cash-flow sum (as in the ``lifetimes`` package):
    the expected purchases of each month times the expected value per
    purchase, discounted by ``(1 + monthly_discount) ** month``.
    ``month_length`` is a month in the time unit of ``t_x`` and ``T``.
    """
    steps = np.arange(0, int(months) + 1) * month_length
    cumulative = cumulative_purchases(params, steps, x, t_x, T)
    per_month = np.diff(cumulative, axis=0)
    discount = (1.0 + monthly_discount) ** -np.arange(1, int(months) + 1)
    return np.asarray(expected_value, dtype=float) * (discount @ per_month)


# ----------------------------------------------------------------------
# The scorer
# ----------------------------------------------------------------------
CLV_INPUT_COLUMNS = ("clv_frequency", "clv_recency", "clv_age", "clv_monetary")
CLV_COLUMNS = (
    "churn_probability",
    "expected_purchases_12m",
    "expected_avg_value",
    "expected_revenue_12m",
    "clv_value",
    "projected_revenue_y1",
    "projected_revenue_y2",
    "projected_revenue_y3",
    "projected_margin_y1",
    "projected_margin_y2",
    "projected_margin_y3",
)


def predict_clv(
    frame: pd.DataFrame,
    horizon_months: int,
    annual_discount_pct: float,
    min_repeat_buyers: int = MIN_REPEAT_BUYERS,
) -> tuple[pd.DataFrame, dict[str, FitResult]]:
    """Fit both models on ``frame`` and predict every customer's future.

    ``frame`` has the :data:`CLV_INPUT_COLUMNS` in days (frequency = repeat
    purchase occasions, recency = first to last purchase, age = first purchase
    to today, monetary = mean value of the repeat purchases) and optionally
    ``margin_pct``. Customers without a purchase (NaN age) get NaN. When either
    fit fails every prediction is NaN and the returned fits say why.
    Churn probability is 1 - P(alive), in percent.
    """
    out = pd.DataFrame(np.nan, index=frame.index, columns=list(CLV_COLUMNS))
    x = pd.to_numeric(frame["clv_frequency"], errors="coerce").to_numpy(float)
    t_x = pd.to_numeric(frame["clv_recency"], errors="coerce").to_numpy(float)
    T = pd.to_numeric(frame["clv_age"], errors="coerce").to_numpy(float)
    zbar = pd.to_numeric(frame["clv_monetary"], errors="coerce").to_numpy(float)
    known = np.isfinite(x) & np.isfinite(t_x) & np.isfinite(T) & (x >= 0) & (T >= 0)
    x, t_x, T = x[known], np.minimum(np.clip(t_x[known], 0, None), T[known]), T[known]
    zbar = zbar[known]
    fits = {
        "bgnbd": fit_bgnbd(x, t_x, T, min_repeat_buyers),
        "gamma_gamma": fit_gamma_gamma(x, zbar, min_repeat_buyers),
    }
    if not (fits["bgnbd"].ok and fits["gamma_gamma"].ok) or not len(x):
        return out, fits
    bg, gg = fits["bgnbd"].params, fits["gamma_gamma"].params
    horizon = int(horizon_months)
    # Cumulative purchases at the end of each month; a year is 12 months.
    steps = np.arange(0, max(horizon, 36) + 1) * MONTH_DAYS
    cumulative = cumulative_purchases(bg, steps, x, t_x, T)
    value = gamma_gamma_expected_value(gg, x, zbar)
    per_month = np.diff(cumulative[: horizon + 1], axis=0)
    discount = monthly_discount_factors(annual_discount_pct, horizon)
    yearly = cumulative[[12, 24, 36]]
    per_year = np.diff(cumulative[[0, 12, 24, 36]], axis=0)
    columns = {
        "churn_probability": 100.0 * (1.0 - bgnbd_p_alive(bg, x, t_x, T)),
        "expected_purchases_12m": yearly[0],
        "expected_avg_value": value,
        "expected_revenue_12m": yearly[0] * value,
        "clv_value": value * (discount @ per_month),
    }
    margin = (
        pd.to_numeric(frame["margin_pct"], errors="coerce").to_numpy(float)[known]
        if "margin_pct" in frame
        else np.full(len(x), np.nan)
    )
    for year in range(3):
        revenue = per_year[year] * value
        columns[f"projected_revenue_y{year + 1}"] = revenue
        columns[f"projected_margin_y{year + 1}"] = revenue * margin / 100.0
    rows = np.flatnonzero(known)
    for name, values in columns.items():
        # Never an infinite number: a prediction that cannot be computed is NaN.
        values = np.where(np.isfinite(values), values, np.nan)
        out.iloc[rows, out.columns.get_loc(name)] = values
    return out, fits


class ClvScorer(Scorer):
    """Churn probability, expected purchases and revenue, lifetime value.

    One scorer for both models: the lifetime value needs the fitted BG/NBD
    itself, not only its per-customer outputs. The fits are returned in the
    output's ``attrs["fits"]`` (see :func:`~kam_scoring.engine.classify`).
    Not one of :data:`~kam_scoring.engine.DEFAULT_SCORERS`: it needs the
    purchase history columns the addon reads, and the addon adds it to its
    list of scorers.
    """

    name = "clv"
    requires = (*CLV_INPUT_COLUMNS, "margin_pct")
    provides = CLV_COLUMNS

    def score(self, frame: pd.DataFrame, config: ClassificationConfig) -> pd.DataFrame:
        output, fits = predict_clv(
            frame, config.clv_horizon_months, config.clv_discount_rate
        )
        output.attrs["fits"] = fits
        return output
