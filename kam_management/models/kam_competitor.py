from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..compat import sql_constraints


@sql_constraints(
    (
        "name_company_unique",
        "unique(name, company_id)",
        "This competitor already exists.",
    ),
)
class KamCompetitor(models.Model):
    """A supplier competing with us for the business of key accounts."""

    _name = "kam.competitor"
    _inherit = ["kam.guard.mixin"]
    _description = "Key Account Competitor"
    _order = "name, id"

    name = fields.Char(required=True, index="trigram")
    website = fields.Char()
    note = fields.Text(
        help="Their offer, strengths and weaknesses as the customers see them."
    )
    company_id = fields.Many2one(
        "res.company",
        default=lambda self: self.env.company,
        help="Leave empty to share the competitor between companies (directors only).",
    )
    active = fields.Boolean(default=True)

    # Checked on create and write, not as a constraint: 19.0 runs the
    # constraints as superuser, so they cannot tell who writes.
    @api.model_create_multi
    def create(self, vals_list):
        competitors = super().create(vals_list)
        competitors._check_shared()
        return competitors

    def write(self, vals):
        res = super().write(vals)
        if "company_id" in vals:
            self._check_shared()
        return res

    def _check_shared(self):
        if self.env.su or self.env.user.has_group("kam_management.group_kam_manager"):
            return
        if self.filtered(lambda c: not c.company_id):
            raise ValidationError(
                self.env._(
                    "Only a Key Account Director can share a competitor between "
                    "companies: give it a company."
                )
            )
