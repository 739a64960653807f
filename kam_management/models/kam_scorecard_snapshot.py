from odoo import fields, models

from ..compat import sql_constraints


@sql_constraints(
    (
        "account_month_unique",
        "unique(account_id, month)",
        "An account has one scorecard snapshot per month.",
    ),
)
class KamScorecardSnapshot(models.Model):
    """The scorecard of an account as it was in one month."""

    _name = "kam.scorecard.snapshot"
    _description = "Key Account Scorecard Snapshot"
    _order = "month desc, id desc"
    _rec_name = "month"

    account_id = fields.Many2one(
        "kam.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    kam_user_id = fields.Many2one(
        related="account_id.kam_user_id", store=True, string="Key Account Manager"
    )
    month = fields.Date(required=True, help="First day of the month.")
    sales_score = fields.Float(string="Sales", digits=(5, 1), aggregator="avg")
    opportunities_score = fields.Float(
        string="Opportunities", digits=(5, 1), aggregator="avg"
    )
    relationships_score = fields.Float(
        string="Relationships", digits=(5, 1), aggregator="avg"
    )
    satisfaction_score = fields.Float(
        string="Satisfaction", digits=(5, 1), aggregator="avg"
    )
    alerts_score = fields.Float(string="Alerts", digits=(5, 1), aggregator="avg")
    health_score = fields.Float(string="Health", digits=(5, 1), aggregator="avg")
