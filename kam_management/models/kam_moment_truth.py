from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KamMomentOfTruth(models.Model):
    """A moment when the customer judged us: what happened, good or bad."""

    _name = "kam.moment.truth"
    _inherit = ["kam.guard.mixin"]
    _description = "Moment of Truth"
    _order = "date desc, id desc"
    _kam_recheck_fields = ("account_id", "company_id")

    account_id = fields.Many2one(
        "kam.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    date = fields.Date(required=True, default=fields.Date.context_today)
    outcome = fields.Selection(
        [("positive", "Positive"), ("negative", "Negative")],
        required=True,
        default="positive",
    )
    name = fields.Char(string="What Happened", required=True)
    user_id = fields.Many2one(
        "res.users",
        string="Recorded by",
        required=True,
        default=lambda self: self.env.user,
    )

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        if any(moment.date > today for moment in self):
            raise ValidationError(
                self.env._("A moment of truth cannot be dated in the future.")
            )
