from odoo import api, fields, models

from ..compat import sql_constraints
from .kam_account import QUADRANTS
from .kam_competency import _check_weight


@sql_constraints(
    (
        "quadrant_competency_unique",
        "unique(company_id, quadrant, competency_id)",
        "A quadrant states each competency once per company.",
    ),
)
class KamQuadrantCompetency(models.Model):
    """How much the accounts of a quadrant need a competency.

    Lines without a company are shared; a company that states its own lines
    for a quadrant uses those instead of the shared ones for that quadrant.
    """

    _name = "kam.quadrant.competency"
    _inherit = ["kam.guard.mixin"]
    _description = "Competency Needed by a Quadrant"
    _order = "quadrant, competency_id"
    _check_company_auto = True

    company_id = fields.Many2one(
        "res.company",
        index=True,
        default=lambda self: self.env.company,
        help="Leave empty to share the line with every company that states "
        "nothing of its own for the quadrant.",
    )
    quadrant = fields.Selection(QUADRANTS, required=True)
    competency_id = fields.Many2one(
        "kam.competency", required=True, ondelete="cascade", check_company=True
    )
    weight = fields.Float(default=1.0, required=True)

    @api.constrains("weight")
    def _check_weight(self):
        _check_weight(self)
