"""What the churn and lifetime value models found in a run."""

import json

from odoo import api, fields, models

from ..kam_scoring import MIN_REPEAT_BUYERS

CLV_STATUSES = [
    ("ok", "Fitted"),
    ("not_enough_data", "Not Enough Data"),
    ("not_converged", "Did Not Converge"),
    ("infinite_mean", "Spend Not Estimable"),
]


class KamClassificationRun(models.Model):
    _inherit = "kam.classification.run"

    clv_status = fields.Selection(
        CLV_STATUSES,
        string="Churn and Lifetime Value",
        readonly=True,
        help="Whether the purchase (BG/NBD) and spend (Gamma-Gamma) models "
        "could be fitted; without a fit no account gets a prediction.",
    )
    clv_message = fields.Text(
        string="Churn and Lifetime Value Status", compute="_compute_clv_message"
    )
    clv_customer_count = fields.Integer(
        string="Customers with Purchases",
        readonly=True,
        help="Customers of the company with at least one invoice, whole history.",
    )
    clv_repeat_buyers = fields.Integer(
        string="Repeat Buyers",
        readonly=True,
        help="Customers who bought on at least two different days.",
    )
    clv_predicted_count = fields.Integer(string="Customers Predicted", readonly=True)
    clv_bgnbd_n = fields.Integer(string="BG/NBD Sample Size", readonly=True)
    clv_bgnbd_r = fields.Float(string="BG/NBD r", readonly=True, digits=(16, 4))
    clv_bgnbd_alpha = fields.Float(
        string="BG/NBD alpha (days)", readonly=True, digits=(16, 4)
    )
    clv_bgnbd_a = fields.Float(string="BG/NBD a", readonly=True, digits=(16, 4))
    clv_bgnbd_b = fields.Float(string="BG/NBD b", readonly=True, digits=(16, 4))
    clv_bgnbd_ll = fields.Float(
        string="BG/NBD Log-Likelihood", readonly=True, digits=(16, 2)
    )
    clv_bgnbd_converged = fields.Boolean(string="BG/NBD Converged", readonly=True)
    clv_gg_n = fields.Integer(string="Gamma-Gamma Sample Size", readonly=True)
    clv_gg_p = fields.Float(string="Gamma-Gamma p", readonly=True, digits=(16, 4))
    clv_gg_q = fields.Float(string="Gamma-Gamma q", readonly=True, digits=(16, 4))
    clv_gg_gamma = fields.Float(
        string="Gamma-Gamma gamma", readonly=True, digits=(16, 4)
    )
    clv_gg_ll = fields.Float(
        string="Gamma-Gamma Log-Likelihood", readonly=True, digits=(16, 2)
    )
    clv_gg_converged = fields.Boolean(string="Gamma-Gamma Converged", readonly=True)
    param_clv_horizon_months = fields.Integer(
        string="Lifetime Value Horizon (months)", compute="_compute_param_clv"
    )
    param_clv_discount_rate = fields.Float(
        string="Annual Discount Rate (%)", compute="_compute_param_clv"
    )

    @api.depends("parameters")
    def _compute_param_clv(self):
        for run in self:
            try:
                params = json.loads(run.parameters or "{}")
            except ValueError:
                params = {}
            run.param_clv_horizon_months = params.get("clv_horizon_months", 0)
            run.param_clv_discount_rate = params.get("clv_discount_rate", 0.0)

    @api.depends("clv_status", "clv_repeat_buyers", "clv_gg_q")
    @api.depends_context("lang")
    def _compute_clv_message(self):
        for run in self:
            if run.clv_status == "not_enough_data":
                run.clv_message = self.env._(
                    "Not enough repeat buyers to predict churn and lifetime "
                    "value: %(count)s customers bought on two different days or "
                    "more, at least %(min)s are needed. No account got a "
                    "prediction from this run.",
                    count=run.clv_repeat_buyers,
                    min=MIN_REPEAT_BUYERS,
                )
            elif run.clv_status == "not_converged":
                run.clv_message = self.env._(
                    "The churn and lifetime value models did not converge on "
                    "this history: no account got a prediction from this run."
                )
            elif run.clv_status == "infinite_mean":
                run.clv_message = self.env._(
                    "The spend per purchase varies too much between customers "
                    "for an expected value (Gamma-Gamma q of 1 or less): no "
                    "account got a lifetime value from this run."
                )
            else:
                run.clv_message = False
