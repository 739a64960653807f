"""The reference time profile of a KAM on the directors' settings screen."""

from odoo import api, fields, models

from ..models.kam_time_category import PROFILE_FIELDS


class KamSettings(models.TransientModel):
    # One file per feature, as for the other extensions of the settings.
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.settings"

    kam_time_ref_relationships = fields.Float(string="Developing Relationships (%)")
    kam_time_ref_negotiation = fields.Float(
        string="Negotiation and Internal Coordination (%)"
    )
    kam_time_ref_planning = fields.Float(
        string="Industry Knowledge and Strategic Planning (%)"
    )
    kam_time_ref_selling = fields.Float(string="Selling (%)")
    kam_time_ref_problems = fields.Float(
        string="Solving Day-to-Day Internal Problems (%)"
    )
    kam_time_ref_reporting = fields.Float(string="Reporting (%)")
    kam_time_ref_training = fields.Float(string="Training (%)")
    kam_time_ref_team = fields.Float(string="Team Management (%)")
    kam_time_ref_other = fields.Float(string="Other (%)")
    kam_time_ref_total = fields.Float(
        string="Total (%)", compute="_compute_kam_time_ref_total"
    )

    def _kam_settings_fields(self):
        return (*super()._kam_settings_fields(), *PROFILE_FIELDS.values())

    @api.depends(*PROFILE_FIELDS.values())
    def _compute_kam_time_ref_total(self):
        for settings in self:
            settings.kam_time_ref_total = sum(
                settings[fname] for fname in PROFILE_FIELDS.values()
            )
