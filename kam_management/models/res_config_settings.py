from odoo import api, fields, models

from .kam_guard import check_input_values


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    kam_window_months = fields.Integer(
        related="company_id.kam_window_months", readonly=False
    )
    kam_pareto_a = fields.Float(related="company_id.kam_pareto_a", readonly=False)
    kam_pareto_b = fields.Float(related="company_id.kam_pareto_b", readonly=False)
    kam_weight_volume = fields.Float(
        related="company_id.kam_weight_volume", readonly=False
    )
    kam_weight_growth = fields.Float(
        related="company_id.kam_weight_growth", readonly=False
    )
    kam_weight_share_of_wallet = fields.Float(
        related="company_id.kam_weight_share_of_wallet", readonly=False
    )
    kam_weight_profitability = fields.Float(
        related="company_id.kam_weight_profitability", readonly=False
    )
    kam_weight_objectives_fit = fields.Float(
        related="company_id.kam_weight_objectives_fit", readonly=False
    )
    kam_potential_threshold = fields.Float(
        related="company_id.kam_potential_threshold", readonly=False
    )
    kam_position_threshold = fields.Float(
        related="company_id.kam_position_threshold", readonly=False
    )
    kam_auto_nominate = fields.Boolean(
        related="company_id.kam_auto_nominate", readonly=False
    )
    kam_max_accounts_per_kam = fields.Integer(
        related="company_id.kam_max_accounts_per_kam", readonly=False
    )
    kam_kam_edit_wallet = fields.Boolean(
        related="company_id.kam_kam_edit_wallet", readonly=False
    )

    @api.model_create_multi
    def create(self, vals_list):
        # A fractional or huge number would be cut silently on its way to
        # the company: refuse it here.
        for vals in vals_list:
            check_input_values(
                self, {k: v for k, v in vals.items() if k.startswith("kam_")}
            )
        return super().create(vals_list)

    # ---- Lifetime value ----

    kam_clv_horizon_months = fields.Integer(
        related="company_id.kam_clv_horizon_months", readonly=False
    )
    kam_clv_discount_rate = fields.Float(
        related="company_id.kam_clv_discount_rate", readonly=False
    )

    # ---- Buying centre coverage ----

    kam_stale_contact_days = fields.Integer(
        related="company_id.kam_stale_contact_days", readonly=False
    )

    # ---- Agreements ----

    kam_agreement_notice_days = fields.Integer(
        related="company_id.kam_agreement_notice_days", readonly=False
    )
