"""Competencies of KAMs, and the competencies each kind of account needs.

Directors keep a list of competencies, rate each KAM 1-5 on them (a KAM
sees only their own ratings), and say how much each quadrant of the account
analysis matrix needs each competency; an account may state its own needs,
which then replace its quadrant's. The assignment wizard fits KAMs to
accounts from these.
"""

from odoo import fields, models
from odoo.exceptions import ValidationError

from .kam_format import format_number

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
