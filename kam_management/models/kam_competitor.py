from odoo import fields, models


class KamCompetitor(models.Model):
    """A supplier competing with us for the business of key accounts."""

    _name = "kam.competitor"
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
        help="Leave empty to share the competitor between companies.",
    )
    active = fields.Boolean(default=True)

    _sql_constraints = [
        (
            "name_company_unique",
            "unique(name, company_id)",
            "This competitor already exists.",
        )
    ]
