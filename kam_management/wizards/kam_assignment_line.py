from odoo import api, fields, models
from odoo.exceptions import AccessError


class KamAssignmentLine(models.TransientModel):
    _name = "kam.assignment.line"
    _inherit = ["kam.guard.mixin"]
    _description = "Proposed Assignment of a Key Account"
    _order = "is_change desc, proposed_fit desc, id"

    wizard_id = fields.Many2one(
        "kam.assignment.wizard", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one("kam.account", string="Key Account", readonly=True)
    quadrant = fields.Selection(related="account_id.quadrant")
    needs_source = fields.Selection(
        [("account", "The Account's Own"), ("quadrant", "Its Quadrant's")],
        string="Competencies Needed",
        readonly=True,
    )
    current_kam_id = fields.Many2one("res.users", string="KAM Today", readonly=True)
    current_fit = fields.Float(string="Fit Today", digits=(16, 2), readonly=True)
    current_rated = fields.Boolean(readonly=True)
    proposed_kam_id = fields.Many2one("res.users", string="Proposed KAM", readonly=True)
    proposed_fit = fields.Float(digits=(16, 2), readonly=True)
    fit_difference = fields.Float(
        string="Difference", digits=(16, 2), compute="_compute_fit_difference"
    )
    is_change = fields.Boolean(string="Change", readonly=True)
    selected = fields.Boolean(string="Apply")

    @api.depends("current_fit", "proposed_fit", "proposed_kam_id")
    def _compute_fit_difference(self):
        for line in self:
            line.fit_difference = (
                line.proposed_fit - line.current_fit if line.proposed_kam_id else 0.0
            )

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            raise AccessError(
                self.env._(
                    "The lines of an assignment proposal are made by the "
                    "proposal (Propose), not by hand."
                )
            )
        return super().create(vals_list)

    def write(self, vals):
        # Only the tick is the director's; the rest is the proposal.
        if set(vals) - {"selected"} and not self.env.su:
            vals = {k: v for k, v in vals.items() if k == "selected"}
        return super().write(vals)
