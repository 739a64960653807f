from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..compat import sql_constraints
from .kam_guard import is_internal_user_of


@sql_constraints(
    (
        "user_competency_company_unique",
        "unique(user_id, competency_id, company_id)",
        "A KAM has one rating per competency and company.",
    ),
)
class KamCompetencyRating(models.Model):
    """A director's 1-5 rating of one KAM on one competency."""

    _name = "kam.competency.rating"
    _inherit = ["kam.guard.mixin", "mail.thread"]
    _description = "KAM Competency Rating"
    _order = "user_id, competency_id"
    _check_company_auto = True
    _kam_recheck_fields = ("company_id", "user_id")

    user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        required=True,
        index=True,
        ondelete="cascade",
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    competency_id = fields.Many2one(
        "kam.competency",
        required=True,
        ondelete="cascade",
        check_company=True,
    )
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company
    )
    rating = fields.Integer(
        required=True,
        default=3,
        tracking=True,
        aggregator="avg",
        help="1 (poor) to 5 (excellent).",
    )
    note = fields.Text(help="What the rating is based on.")

    @api.depends("user_id", "competency_id")
    def _compute_display_name(self):
        for rating in self:
            rating.display_name = (
                f"{rating.user_id.name or ''} / {rating.competency_id.name or ''}"
            )

    @api.constrains("rating")
    def _check_rating(self):
        for rating in self:
            if not 1 <= rating.rating <= 5:
                raise ValidationError(
                    self.env._(
                        "A competency rating must be between 1 and 5 (got %(rating)s).",
                        rating=rating.rating,
                    )
                )

    @api.constrains("user_id", "company_id")
    def _check_user(self):
        for rating in self:
            if not is_internal_user_of(rating.user_id, rating.company_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot be rated for %(company)s: only its "
                        "internal users can.",
                        user=rating.user_id.name,
                        company=rating.company_id.name,
                    )
                )
