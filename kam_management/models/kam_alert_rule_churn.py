"""Alert rule "high churn risk": the churn risk of the last classification.

A rule type added the way ``kam_alert_rule.py`` describes: a
``selection_add`` on ``rule_type``, its threshold, and the two methods that
find the conditions (one read for all the accounts) and word them.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_format import format_number


class KamAlertRule(models.Model):
    _inherit = "kam.alert.rule"

    rule_type = fields.Selection(
        selection_add=[("churn_risk", "High Churn Risk")],
        ondelete={"churn_risk": "cascade"},
    )
    churn_threshold_pct = fields.Float(
        string="Churn Risk from (%)",
        default=50.0,
        digits=(16, 1),
        help="High churn risk: alert when the churn risk of the last "
        "classification (100 - P(alive) of the BG/NBD model) is at least this "
        "percentage.",
    )

    @api.constrains("churn_threshold_pct")
    def _check_churn_threshold(self):
        for rule in self:
            if not 1.0 <= rule.churn_threshold_pct <= 100.0:
                raise ValidationError(
                    self.env._(
                        "The churn risk threshold of the alert rule %(rule)s must "
                        "be between 1 and 100%% (got %(value)s).",
                        rule=rule.name,
                        value=format_number(self.env, rule.churn_threshold_pct),
                    )
                )

    def _kam_conditions_churn_risk(self, accounts, today):
        risky = accounts.search_fetch(
            [
                ("id", "in", accounts.ids),
                ("churn_probability", ">=", self.churn_threshold_pct),
            ],
            ["churn_probability", "expected_revenue_12m"],
        )
        return [
            {
                "account_id": account.id,
                "key": "",
                "args": {
                    "risk": ("number", account.churn_probability),
                    "threshold": ("number", self.churn_threshold_pct),
                    "revenue": ("amount", account.expected_revenue_12m),
                },
            }
            for account in risky
        ]

    def _kam_text_churn_risk(self, condition, args):
        return self.env._(
            "Churn risk %(risk)s%% (alert from %(threshold)s%%): the customer "
            "buys much less often than its own history says it should. "
            "Expected revenue of the next 12 months: %(revenue)s.",
            **args,
        )
