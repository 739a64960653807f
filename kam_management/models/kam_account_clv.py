"""Churn risk, lifetime value and the three-year projection of an account.

The classification run writes the predictions and their inputs (see
``kam_classification_engine_clv.py``); directors enter the investment they
plan for an account, and the expected return follows from the projected
gross margin.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..kam_scoring import discounted_yearly_amounts
from .kam_format import format_number

# Fields only a Key Account Director may change.
INVESTMENT_FIELDS = frozenset({"investment_amount", "investment_years"})
MAX_INVESTMENT = 1e12


class KamAccount(models.Model):
    _inherit = "kam.account"  # pylint: disable=consider-merging-classes-inherited

    # --- inputs of the models (whole purchase history) -------------------
    clv_frequency = fields.Integer(
        string="Repeat Purchases",
        readonly=True,
        help="Days with an invoice after the first one, over the whole history "
        "(frequency).",
    )
    clv_recency = fields.Integer(
        string="First to Last Purchase (days)",
        readonly=True,
        help="Days from the first to the last purchase (recency).",
    )
    clv_age = fields.Integer(
        string="Customer Age (days)",
        readonly=True,
        help="Days from the first purchase to the classification (T).",
    )
    clv_monetary = fields.Monetary(
        string="Average Repeat Purchase",
        readonly=True,
        help="Net invoiced value after the first purchase day, per repeat purchase.",
    )
    # --- predictions -------------------------------------------------------
    churn_probability = fields.Float(
        string="Churn Risk (%)",
        readonly=True,
        digits=(5, 1),
        aggregator="avg",
        help="Probability that the customer has stopped buying from us, "
        "100 - P(alive) of the BG/NBD model fitted on all the company's "
        "customers. A customer who never bought twice is not counted as lost.",
    )
    expected_purchases_12m = fields.Float(
        string="Expected Purchases (12 Months)", readonly=True, digits=(16, 2)
    )
    expected_avg_value = fields.Monetary(
        string="Expected Value per Purchase",
        readonly=True,
        help="Gamma-Gamma model: the customer's own average weighed against the "
        "average of all customers, by how many purchases it rests on.",
    )
    expected_revenue_12m = fields.Monetary(
        string="Expected Revenue (12 Months)", readonly=True
    )
    clv_value = fields.Monetary(
        string="Lifetime Value",
        readonly=True,
        help="Expected revenue over the horizon of the settings, month by "
        "month, discounted at the settings' rate.",
    )
    projected_revenue_y1 = fields.Monetary(string="Revenue Year 1", readonly=True)
    projected_revenue_y2 = fields.Monetary(string="Revenue Year 2", readonly=True)
    projected_revenue_y3 = fields.Monetary(string="Revenue Year 3", readonly=True)
    projected_margin_y1 = fields.Monetary(
        string="Gross Margin Year 1",
        readonly=True,
        help="Projected revenue times the account's gross margin (%).",
    )
    projected_margin_y2 = fields.Monetary(string="Gross Margin Year 2", readonly=True)
    projected_margin_y3 = fields.Monetary(string="Gross Margin Year 3", readonly=True)
    has_prediction = fields.Boolean(
        compute="_compute_has_prediction",
        help="The last classification could fit the models and predict this customer.",
    )
    # --- the director's investment and its expected return ------------------
    investment_amount = fields.Monetary(
        string="Planned Investment",
        tracking=True,
        help="What we plan to invest in this account (directors).",
    )
    investment_years = fields.Integer(
        string="Investment Horizon (years)",
        default=3,
        tracking=True,
        help="Years (1 to 3) of projected gross margin the investment is "
        "weighed against.",
    )
    expected_margin_return = fields.Monetary(
        string="Discounted Gross Margin",
        compute="_compute_expected_return",
        store=True,
        help="Projected gross margin of the investment's years, discounted "
        "month by month as the lifetime value is: each year's margin spread "
        "evenly over its 12 months, month m worth (1 + r) ^ (-m / 12) today, r "
        "the annual rate of the settings.",
    )
    expected_return_pct = fields.Float(
        string="Expected Return (%)",
        compute="_compute_expected_return",
        store=True,
        digits=(16, 1),
        aggregator="avg",
        help="(Discounted gross margin - planned investment) / planned "
        "investment. The margin is the account's projected margin as it "
        "buys today, not an estimate of what the investment adds.",
    )

    @api.depends("clv_value")
    def _compute_has_prediction(self):
        # NULL reads 0.0, and a predicted lifetime value is never 0: every
        # customer keeps some chance of buying again.
        for account in self:
            account.has_prediction = bool(account.clv_value)

    @api.depends(
        "investment_amount",
        "investment_years",
        "clv_value",
        "projected_margin_y1",
        "projected_margin_y2",
        "projected_margin_y3",
        "company_id.kam_clv_discount_rate",
    )
    def _compute_expected_return(self):
        for account in self:
            # Accounts created by the classification have no horizon yet: 3.
            years = min(account.investment_years or 3, 3)
            margins = (
                account.projected_margin_y1,
                account.projected_margin_y2,
                account.projected_margin_y3,
            )[:years]
            discounted = discounted_yearly_amounts(
                margins, account.company_id.kam_clv_discount_rate
            )
            account.expected_margin_return = discounted
            account.expected_return_pct = (
                (discounted - account.investment_amount)
                / account.investment_amount
                * 100.0
                if account.investment_amount > 0 and margins and account.clv_value
                else False
            )

    @api.constrains("investment_amount", "investment_years")
    def _check_investment(self):
        for account in self:
            if not 0 <= account.investment_amount <= MAX_INVESTMENT:
                raise ValidationError(
                    self.env._(
                        "The planned investment of %(account)s must be between 0 "
                        "and %(max)s (got %(amount)s).",
                        account=account.display_name,
                        max=format_number(self.env, MAX_INVESTMENT),
                        amount=format_number(self.env, account.investment_amount),
                    )
                )
            if account.investment_years and not 1 <= account.investment_years <= 3:
                raise ValidationError(
                    self.env._(
                        "The investment horizon of %(account)s must be 1, 2 or 3 "
                        "years (got %(years)s).",
                        account=account.display_name,
                        years=account.investment_years,
                    )
                )

    def _check_director_fields(self, fnames):
        result = super()._check_director_fields(fnames)
        protected = INVESTMENT_FIELDS.intersection(fnames)
        if (
            protected
            and not self.env.su
            and not self.env.user.has_group("kam_management.group_kam_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only a Key Account Director can change: %(fields)s.",
                    fields=self._field_names_text(protected),
                )
            )
        return result
