from odoo import api, fields, models

from ..compat import sql_constraints
from .kam_competency import _check_weight


@sql_constraints(
    (
        "account_competency_unique",
        "unique(account_id, competency_id)",
        "An account states each competency once.",
    ),
)
class KamAccountCompetency(models.Model):
    """What one account needs, instead of its quadrant's needs."""

    _name = "kam.account.competency"
    _inherit = ["kam.guard.mixin"]
    _description = "Competency Needed by an Account"
    _order = "account_id, competency_id"
    _check_company_auto = True
    _kam_recheck_fields = ("account_id", "company_id")

    account_id = fields.Many2one(
        "kam.account", required=True, index=True, ondelete="cascade"
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    competency_id = fields.Many2one(
        "kam.competency", required=True, ondelete="cascade", check_company=True
    )
    weight = fields.Float(default=1.0, required=True)

    @api.constrains("weight")
    def _check_weight(self):
        _check_weight(self)
