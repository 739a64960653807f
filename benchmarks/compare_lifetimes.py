"""Compare the CLV engine with the ``lifetimes`` package on the CDNOW sample.

Run it in an environment where ``lifetimes`` is installed (it is not a
requirement of the project, and has had no release since 2020)::

    python3 -m venv venv && venv/bin/pip install lifetimes
    venv/bin/python benchmarks/compare_lifetimes.py

It fits both implementations on ``tests/data/cdnow_customers_summary_with_
transactions.csv`` (2,357 customers, weeks) and prints the parameters and
the largest difference of each prediction over all customers.
"""

import harness
import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter

ROOT = harness.ROOT
harness.load_scoring()
from kam_scoring import clv  # noqa: E402


def main():
    data = pd.read_csv(
        ROOT / "tests/data/cdnow_customers_summary_with_transactions.csv"
    )
    x, t_x, T, zbar = (data[c].to_numpy(float) for c in ("x", "t_x", "T", "zbar"))
    ours_bg = clv.fit_bgnbd(x, t_x, T)
    ours_gg = clv.fit_gamma_gamma(x, zbar)
    theirs_bg = BetaGeoFitter().fit(x, t_x, T)
    repeat = x > 0
    theirs_gg = GammaGammaFitter().fit(x[repeat], zbar[repeat])
    print("BG/NBD ours   ", {k: round(v, 6) for k, v in ours_bg.params.items()})
    print("BG/NBD theirs ", theirs_bg.params_.round(6).to_dict())
    print("Gamma-Gamma ours   ", {k: round(v, 6) for k, v in ours_gg.params.items()})
    print("Gamma-Gamma theirs ", theirs_gg.params_.round(6).to_dict())
    # Predictions of each implementation with its own parameters.
    rows = {
        "P(alive)": (
            clv.bgnbd_p_alive(ours_bg.params, x, t_x, T),
            theirs_bg.conditional_probability_alive(x, t_x, T),
        ),
        "purchases in 39 weeks": (
            clv.bgnbd_expected_purchases(ours_bg.params, 39, x, t_x, T),
            theirs_bg.conditional_expected_number_of_purchases_up_to_time(
                39, x, t_x, T
            ),
        ),
        "expected value": (
            clv.gamma_gamma_expected_value(ours_gg.params, x, zbar),
            theirs_gg.conditional_expected_average_profit(
                pd.Series(x), pd.Series(zbar)
            ),
        ),
    }
    value = clv.gamma_gamma_expected_value(ours_gg.params, x, zbar)
    rows["CLV 12 months, 1%/month"] = (
        clv.lifetime_value(ours_bg.params, value, x, t_x, T, 12, 0.01, 4.345),
        theirs_gg.customer_lifetime_value(
            theirs_bg,
            pd.Series(x),
            pd.Series(t_x),
            pd.Series(T),
            pd.Series(zbar),
            time=12,
            discount_rate=0.01,
            freq="W",
        ),
    )
    for name, (ours, theirs) in rows.items():
        ours, theirs = np.asarray(ours, float), np.asarray(theirs, float)
        scale = np.abs(theirs).max()
        print(
            f"{name:28s} max |diff| {np.abs(ours - theirs).max():.2e}"
            f"  (largest value {scale:.4g})"
        )


if __name__ == "__main__":
    main()
