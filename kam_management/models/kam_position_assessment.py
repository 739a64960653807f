from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


class KamPositionAssessment(models.Model):
    """A dated 1-5 rating of one supplier-position criterion for an account."""

    _name = "kam.position.assessment"
    _inherit = ["kam.guard.mixin"]
    _description = "Supplier Position Assessment"
    _order = "date desc, id desc"
    _check_company_auto = True
    _kam_recheck_fields = ("account_id", "company_id")

    account_id = fields.Many2one(
        "kam.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    criterion_id = fields.Many2one(
        "kam.position.criterion",
        required=True,
        ondelete="restrict",
        check_company=True,
    )
    score = fields.Integer(required=True, help="1 (very weak) to 5 (very strong).")
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users",
        string="Assessed by",
        required=True,
        default=lambda self: self.env.user,
    )
    note = fields.Char()

    def _is_director(self):
        return self.env.su or self.env.user.has_group(
            "kam_management.group_kam_manager"
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_director():
            # A KAM records their own assessments only.
            for vals in vals_list:
                vals["user_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        if "user_id" in vals and not self._is_director():
            raise AccessError(
                self.env._("Only a Key Account Director can change who assessed.")
            )
        return super().write(vals)

    @api.constrains("score")
    def _check_score(self):
        for assessment in self:
            if not 1 <= assessment.score <= 5:
                raise ValidationError(
                    self.env._(
                        "An assessment score must be between 1 and 5 (got %(score)s).",
                        score=assessment.score,
                    )
                )

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for assessment in self:
            if assessment.date > today:
                raise ValidationError(
                    self.env._("An assessment cannot be dated in the future.")
                )
