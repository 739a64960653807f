from odoo import fields, models


class KamAlertDismiss(models.TransientModel):
    _name = "kam.alert.dismiss"
    _inherit = ["kam.guard.mixin"]
    _description = "Dismiss Key Account Alerts"

    alert_ids = fields.Many2many("kam.alert", string="Alerts", required=True)
    reason = fields.Text(required=True)

    def action_dismiss(self):
        self.ensure_one()
        self.alert_ids._kam_dismiss(self.reason)
        return {"type": "ir.actions.act_window_close"}
