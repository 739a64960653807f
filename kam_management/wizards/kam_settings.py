"""The key-account parameters of a company, for directors.

Odoo's Settings screen needs Settings rights; directors of key accounts, who
decide these parameters, get this screen instead. The values are written to
the company (with superuser rights, after checking that the user is a
director of that company), where the same constraints refuse bad values.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..models.res_company import PROFILE_FIELDS

# The company's key-account parameters shown on this screen.
SETTINGS_FIELDS = (
    "kam_window_months",
    "kam_pareto_a",
    "kam_pareto_b",
    "kam_auto_nominate",
    "kam_max_accounts_per_kam",
    "kam_kam_edit_wallet",
    "kam_weight_volume",
    "kam_weight_growth",
    "kam_weight_share_of_wallet",
    "kam_weight_profitability",
    "kam_weight_objectives_fit",
    "kam_potential_threshold",
    "kam_position_threshold",
    "kam_agreement_notice_days",
    "kam_stale_contact_days",
    "kam_health_weight_sales",
    "kam_health_weight_opportunities",
    "kam_health_weight_relationships",
    "kam_health_weight_satisfaction",
    "kam_health_weight_alerts",
    "kam_health_green_from",
    "kam_health_amber_from",
    "kam_clv_horizon_months",
    "kam_clv_discount_rate",
)


class KamSettings(models.TransientModel):
    _name = "kam.settings"
    _inherit = ["kam.guard.mixin"]
    _description = "Key Account Settings"

    company_id = fields.Many2one(
        "res.company",
        required=True,
        default=lambda self: self.env.company,
        domain=lambda self: [("id", "in", self.env.user.company_ids.ids)],
    )
    kam_window_months = fields.Integer(string="Classification Window (months)")
    kam_pareto_a = fields.Float(string="Class A up to (%)")
    kam_pareto_b = fields.Float(string="Class B up to (%)")
    kam_auto_nominate = fields.Boolean(string="Nominate Class A Customers")
    kam_max_accounts_per_kam = fields.Integer(string="Key Accounts per KAM")
    kam_kam_edit_wallet = fields.Boolean(string="KAMs Edit the Customer's Yearly Spend")
    kam_weight_volume = fields.Float(string="Weight: Business Volume")
    kam_weight_growth = fields.Float(string="Weight: Growth")
    kam_weight_share_of_wallet = fields.Float(string="Weight: Share of Wallet")
    kam_weight_profitability = fields.Float(string="Weight: Profitability")
    kam_weight_objectives_fit = fields.Float(string="Weight: Objectives Fit")
    kam_potential_threshold = fields.Float(string="High Potential from")
    kam_position_threshold = fields.Float(string="Strong Position from")
    kam_agreement_notice_days = fields.Integer(string="Agreement Notice (days)")
    kam_stale_contact_days = fields.Integer(string="Stale Contact Delay (days)")
    kam_health_weight_sales = fields.Float(string="Weight: Sales")
    kam_health_weight_opportunities = fields.Float(string="Weight: Opportunities")
    kam_health_weight_relationships = fields.Float(string="Weight: Relationships")
    kam_health_weight_satisfaction = fields.Float(string="Weight: Satisfaction")
    kam_health_weight_alerts = fields.Float(string="Weight: Alerts")
    kam_health_green_from = fields.Float(string="Healthy from")
    kam_health_amber_from = fields.Float(string="Watch from")

    @api.model
    def _kam_settings_fields(self):
        """Extensions add their parameters here (and the fields above)."""
        return (*SETTINGS_FIELDS, *PROFILE_FIELDS.values())

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        company = self.env["res.company"].browse(
            values.get("company_id") or self.env.company.id
        )
        values.update(self._kam_company_values(company))
        return values

    def _kam_company_values(self, company):
        # sudo: directors read their company's parameters without Settings
        # rights; the company is one of the user's.
        self._kam_check_company(company)
        company = company.sudo()
        return {fname: company[fname] for fname in self._kam_settings_fields()}

    def _kam_check_company(self, company):
        if not self.env.su and (
            not self.env.user.has_group("kam_management.group_kam_manager")
            or company not in self.env.user.company_ids
        ):
            raise AccessError(
                self.env._(
                    "Only a Key Account Director of %(company)s can change its "
                    "key-account settings.",
                    company=company.name,
                )
            )

    @api.onchange("company_id")
    def _onchange_company_id(self):
        if self.company_id:
            self.update(self._kam_company_values(self.company_id))

    def action_save(self):
        self.ensure_one()
        self._kam_check_company(self.company_id)
        values = {fname: self[fname] for fname in self._kam_settings_fields()}
        # sudo: see _kam_company_values; the company's constraints check the
        # values and refuse bad ones before anything is saved.
        self.company_id.sudo().write(values)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success",
                "message": self.env._(
                    "Key-account settings of %(company)s saved.",
                    company=self.company_id.name,
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    # ---- Lifetime value ----
    # The lifetime value settings on the directors' settings screen.

    kam_clv_horizon_months = fields.Integer(string="Lifetime Value Horizon (months)")
    kam_clv_discount_rate = fields.Float(string="Annual Discount Rate (%)")

    # ---- Reference time profile ----
    # The reference time profile of a KAM on the directors' settings screen.

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

    @api.depends(*PROFILE_FIELDS.values())
    def _compute_kam_time_ref_total(self):
        for settings in self:
            settings.kam_time_ref_total = sum(
                settings[fname] for fname in PROFILE_FIELDS.values()
            )
