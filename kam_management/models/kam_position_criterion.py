from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_WEIGHT = 100.0


class KamPositionCriterion(models.Model):
    """A variable that drives the customer's satisfaction with a supplier.

    They vary by sector and channel, so directors define them and their weight;
    the supplier position of an account is the weighted mean of the latest
    assessment of each criterion.
    """

    _name = "kam.position.criterion"
    _inherit = ["kam.guard.mixin"]
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
            if not 0 <= criterion.weight <= MAX_WEIGHT:
                raise ValidationError(
                    self.env._(
                        "The weight of criterion %(criterion)s must be between 0 "
                        "and %(max)s.",
                        criterion=criterion.name,
                        max=MAX_WEIGHT,
                    )
                )

    @api.constrains("weight", "active", "company_id")
    def _check_some_weight(self):
        self._kam_check_positive_weights(self._kam_all_companies())

    def unlink(self):
        companies = self._kam_all_companies()
        res = super().unlink()
        self._kam_check_positive_weights(companies)
        return res

    def _kam_all_companies(self):
        # A shared criterion counts in every company (companies are few).
        return self.env["res.company"].sudo().search([])  # pylint: disable=no-search-all

    def _kam_check_positive_weights(self, companies):
        """Each company keeps a criterion that counts, if it has any."""
        # sudo: criteria of every company are counted, only sums leave.
        groups = self.sudo()._read_group(
            [("active", "=", True)],
            ["company_id"],
            ["weight:sum", "__count"],
        )
        shared = next(((w, c) for company, w, c in groups if not company), (0.0, 0))
        own = {company: (w, c) for company, w, c in groups if company}
        for company in companies:
            weight, count = own.get(company, (0.0, 0))
            if count + shared[1] and not weight + shared[0] > 0:
                raise ValidationError(
                    self.env._(
                        "At least one supplier position criterion of %(company)s "
                        "must have a weight greater than zero, or no quadrant can "
                        "be given.",
                        company=company.name,
                    )
                )
