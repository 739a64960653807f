import re

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..compat import sql_constraints

# Codes the coverage warnings rely on: they cannot be deleted.
DECISION_MAKER = "decision_maker"
INFLUENCER = "influencer"
CORE_CODES = (DECISION_MAKER, INFLUENCER)


@sql_constraints(
    ("code_unique", "unique(code)", "The code of a decision role must be unique."),
)
class KamDecisionRole(models.Model):
    """A part a person plays in the customer's purchase decision.

    The usual buying-centre model: decision maker, influencer, user, buyer,
    gatekeeper, initiator. Directors may add more; a person can play several.
    """

    _name = "kam.decision.role"
    _inherit = ["kam.guard.mixin"]
    _description = "Buying Centre Decision Role"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        compute="_compute_code",
        store=True,
        readonly=False,
        precompute=True,
        help="Technical name, made from the name when left empty; the coverage "
        "warnings look for the codes decision_maker and influencer.",
    )
    description = fields.Text(translate=True)
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)

    @api.depends("name")
    def _compute_code(self):
        """A role added in the list gets a code made from its name."""
        todo = self.filtered(lambda role: not role.code and role.name)
        if not todo:
            return
        taken = set(
            self.with_context(active_test=False)
            .search([("code", "!=", False)])
            .mapped("code")
        )
        for role in todo:
            base = re.sub(r"[^a-z0-9]+", "_", role.name.lower()).strip("_") or "role"
            code, index = base, 1
            while code in taken:
                index += 1
                code = f"{base}_{index}"
            taken.add(code)
            role.code = code

    @api.ondelete(at_uninstall=False)
    def _unlink_except_core_roles(self):
        core = self.filtered(lambda role: role.code in CORE_CODES)
        if core:
            raise UserError(
                self.env._(
                    "The decision roles %(roles)s drive the coverage warnings and "
                    "cannot be deleted; archive them instead.",
                    roles=", ".join(core.mapped("name")),
                )
            )
