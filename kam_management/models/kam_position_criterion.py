from odoo import api, fields, models
from odoo.exceptions import ValidationError


class KamPositionCriterion(models.Model):
    """A variable that drives the customer's satisfaction with a supplier.

    They vary by sector and channel, so directors define them and their weight;
    the supplier position of an account is the weighted mean of the latest
    assessment of each criterion.
    """

    _name = "kam.position.criterion"
    _description = "Supplier Position Criterion"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    weight = fields.Float(default=1.0, required=True)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty to use the criterion in every company.",
    )

    @api.constrains("weight")
    def _check_weight(self):
        for criterion in self:
            if criterion.weight < 0:
                raise ValidationError(
                    self.env._(
                        "The weight of criterion %(criterion)s cannot be negative.",
                        criterion=criterion.name,
                    )
                )
