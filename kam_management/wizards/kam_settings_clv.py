"""The lifetime value settings on the directors' settings screen."""

from odoo import api, fields, models


class KamSettings(models.TransientModel):
    # One file per feature, as for the other extensions of the settings.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.settings"

    kam_clv_horizon_months = fields.Integer(string="Lifetime Value Horizon (months)")
    kam_clv_discount_rate = fields.Float(string="Annual Discount Rate (%)")

    @api.model
    def _kam_settings_fields(self):
        return (
            *super()._kam_settings_fields(),
            "kam_clv_horizon_months",
            "kam_clv_discount_rate",
        )
