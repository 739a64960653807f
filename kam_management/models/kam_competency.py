"""Competencies of KAMs, and the competencies each kind of account needs.

Directors keep a list of competencies, rate each KAM 1-5 on them (a KAM
sees only their own ratings), and say how much each quadrant of the account
analysis matrix needs each competency; an account may state its own needs,
which then replace its quadrant's. The assignment wizard fits KAMs to
accounts from these.
"""

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from .kam_account import QUADRANTS
from .kam_format import format_number
from .kam_guard import is_internal_user_of

MAX_NEED_WEIGHT = 100.0


def _check_weight(records):
    for record in records:
        if not 0 <= record.weight <= MAX_NEED_WEIGHT:
            raise ValidationError(
                records.env._(
                    "The weight of competency %(competency)s must be between 0 "
                    "and %(max)s (got %(weight)s).",
                    competency=record.competency_id.name,
                    max=format_number(records.env, MAX_NEED_WEIGHT),
                    weight=format_number(records.env, record.weight),
                )
            )


class KamCompetency(models.Model):
    """A competency a KAM is rated on (strategic vision, negotiation...)."""

    _name = "kam.competency"
    _inherit = ["kam.guard.mixin"]
    _description = "KAM Competency"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    company_id = fields.Many2one(
        "res.company", help="Leave empty to use the competency in every company."
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

    _sql_constraints = [
        (
            "user_competency_company_unique",
            "unique(user_id, competency_id, company_id)",
            "A KAM has one rating per competency and company.",
        )
    ]

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

    _sql_constraints = [
        (
            "quadrant_competency_unique",
            "unique(company_id, quadrant, competency_id)",
            "A quadrant states each competency once per company.",
        )
    ]

    @api.constrains("weight")
    def _check_weight(self):
        _check_weight(self)


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

    _sql_constraints = [
        (
            "account_competency_unique",
            "unique(account_id, competency_id)",
            "An account states each competency once.",
        )
    ]

    @api.constrains("weight")
    def _check_weight(self):
        _check_weight(self)


class KamAccount(models.Model):
    _inherit = "kam.account"  # pylint: disable=consider-merging-classes-inherited

    competency_need_ids = fields.One2many(
        "kam.account.competency",
        "account_id",
        string="Competencies Needed",
        help="Leave empty to use the competencies of the account's quadrant "
        "(Configuration → Competencies by Quadrant).",
    )
