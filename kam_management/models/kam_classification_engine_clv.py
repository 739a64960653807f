"""Churn risk and lifetime value in the classification run.

The models need each customer's whole purchase history, not the
classification window: one more aggregated query reads it (per commercial
partner, per company), its four figures join the engine's frame, and the
``clv`` scorer of the scoring package (BG/NBD and Gamma-Gamma) turns them
into predictions. Its fits (parameters, sample size, log-likelihood,
convergence) are recorded on the run.
"""

import math

import pandas as pd
from odoo import api, models
from odoo.tools import SQL

from ..kam_scoring import ClvScorer

# Run fields filled from each fit: {model: (prefix, parameter names)}.
FIT_FIELDS = {
    "bgnbd": ("clv_bgnbd", ("r", "alpha", "a", "b")),
    "gamma_gamma": ("clv_gg", ("p", "q", "gamma")),
}


class KamClassificationEngine(models.AbstractModel):
    _inherit = "kam.classification.engine"

    @api.model
    def _kam_scorers(self):
        return [*super()._kam_scorers(), ClvScorer]

    @api.model
    def _read_figures(self, company, prev_start, start, end):
        """The window's figures, plus the purchase history of every customer
        ever invoiced: all of them count in the fit of the models (leaving
        out those who stopped buying would make churn look rare)."""
        figures = super()._read_figures(company, prev_start, start, end)
        history = self._read_history(company, end)
        return figures.join(history, how="outer")

    @api.model
    def _read_history(self, company, today):
        """Purchase history per commercial partner, in days, one query.

        A purchase occasion is a day with at least one posted customer
        invoice; credit notes count against the value, never as an occasion.
        ``clv_frequency`` = occasions - 1, ``clv_recency`` = days from the
        first to the last occasion, ``clv_age`` = days from the first to
        ``today``, ``clv_monetary`` = net value after the first day per
        repeat occasion (company currency, untaxed).
        """
        revenue = self.env["account.move.line"]._kam_revenue_sql(company, date_to=today)
        self.env.cr.execute(
            SQL(
                """
                WITH days AS (
                    SELECT r.partner_id,
                           r.invoice_date AS day,
                           SUM(r.amount) AS amount,
                           BOOL_OR(r.move_type = 'out_invoice') AS purchase
                      FROM (%(revenue)s) r
                  GROUP BY r.partner_id, r.invoice_date
                )
                SELECT d.partner_id,
                       COUNT(*) FILTER (WHERE d.purchase) - 1,
                       MIN(d.day) FILTER (WHERE d.purchase),
                       MAX(d.day) FILTER (WHERE d.purchase),
                       SUM(d.amount),
                       (ARRAY_AGG(d.amount ORDER BY d.day)
                            FILTER (WHERE d.purchase))[1]
                  FROM days d
                  JOIN res_partner p ON p.id = d.partner_id AND p.active
              GROUP BY d.partner_id
                HAVING BOOL_OR(d.purchase)
                """,
                revenue=revenue,
            )
        )
        rows = pd.DataFrame(
            self.env.cr.fetchall(),
            columns=[
                "partner_id",
                "frequency",
                "first",
                "last",
                "total",
                "first_amount",
            ],
        ).set_index("partner_id")
        first = pd.to_datetime(rows["first"])
        history = pd.DataFrame(index=rows.index)
        history["clv_frequency"] = rows["frequency"].astype(float)
        history["clv_recency"] = (pd.to_datetime(rows["last"]) - first).dt.days.astype(
            float
        )
        history["clv_age"] = (pd.Timestamp(today) - first).dt.days.astype(float)
        repeat_value = pd.to_numeric(rows["total"]).astype(float) - pd.to_numeric(
            rows["first_amount"]
        ).astype(float)
        history["clv_monetary"] = (repeat_value / history["clv_frequency"]).where(
            history["clv_frequency"] > 0
        )
        return history

    @api.model
    def _build_frame(self, company, figures, accounts, today):
        frame = super()._build_frame(company, figures, accounts, today)
        for column in ("clv_frequency", "clv_recency", "clv_age", "clv_monetary"):
            if column not in frame:
                frame[column] = float("nan")
        # Customers who last bought before both windows and have no account:
        # in the fit, but not classified (no account is created for them).
        frame["clv_history_only"] = (
            figures["revenue"].reindex(frame.index).isna()
            & accounts["account_id"].reindex(frame.index).isna()
        )
        return frame

    @api.model
    def _classify(self, frame, config):
        result = super()._classify(frame, config)
        if "clv_history_only" in result:
            attrs = result.attrs
            result = result.loc[~result["clv_history_only"].astype(bool)].copy()
            result.attrs = attrs
            # They had no revenue in the window, so no other score moved, but
            # they took revenue ranks among the customers without revenue:
            # close the gaps (the order is kept).
            if "pareto_rank" in result and len(result):
                result["pareto_rank"] = (
                    result["pareto_rank"].rank(method="first").astype(int)
                )
        return result

    @api.model
    def _scorer_stats(self, result):
        stats = super()._scorer_stats(result)
        info = result.attrs.get("scorer_info", {}).get("clv")
        if not info:
            return stats
        fits = info["fits"]
        bgnbd, spend = fits["bgnbd"], fits["gamma_gamma"]
        status = bgnbd.status if not bgnbd.ok else spend.status
        stats.update(
            {
                "clv_status": status,
                "clv_customer_count": bgnbd.n,
                "clv_repeat_buyers": bgnbd.repeat_buyers,
                "clv_predicted_count": int(result["clv_value"].notna().sum()),
            }
        )
        for model, (prefix, names) in FIT_FIELDS.items():
            fit = fits[model]
            stats[f"{prefix}_n"] = fit.n
            stats[f"{prefix}_converged"] = fit.converged
            stats[f"{prefix}_ll"] = (
                fit.log_likelihood if math.isfinite(fit.log_likelihood) else False
            )
            for name in names:
                stats[f"{prefix}_{name}"] = fit.params.get(name, False)
        return stats

    @api.model
    def _run(self, company, run, config):
        stats = super()._run(company, run, config)
        # The projected margins were written in SQL: the expected return of
        # the accounts with a planned investment follows them here.
        Account = self.env["kam.account"]
        invested = Account.with_context(active_test=False).search(
            [("company_id", "=", company.id), ("investment_amount", ">", 0)]
        )
        invested.modified(["projected_margin_y1"])
        invested.flush_recordset()
        return stats
