"""Settings of the lifetime value: horizon and discount rate, per company."""

import dataclasses

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..kam_scoring import config_problems
from .kam_format import format_number

CLV_PROBLEMS = ("clv_horizon_out_of_range", "clv_discount_out_of_range")


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    kam_clv_horizon_months = fields.Integer(
        string="Lifetime Value Horizon (months)",
        default=36,
        help="The lifetime value adds up the expected revenue of this many "
        "months (1 to 120).",
    )
    kam_clv_discount_rate = fields.Float(
        string="Annual Discount Rate (%)",
        default=10.0,
        help="Future revenue is worth less: the lifetime value and the "
        "expected return of an investment discount it at this yearly rate "
        "(0 to 100%), month by month.",
    )

    def _kam_classification_config(self):
        config = super()._kam_classification_config()
        return dataclasses.replace(
            config,
            clv_horizon_months=self.kam_clv_horizon_months,
            clv_discount_rate=self.kam_clv_discount_rate,
        )

    def _kam_problem_message(self, code, params):
        if code == "clv_horizon_out_of_range":
            return self.env._(
                "The lifetime value horizon must be a whole number of months "
                "from 1 to %(max)s (got %(months)s).",
                max=params["max"],
                months=format_number(self.env, params["months"]),
            )
        if code == "clv_discount_out_of_range":
            return self.env._(
                "The annual discount rate must be between 0 and 100%% (got "
                "%(rate)s%%).",
                rate=format_number(self.env, params["rate"]),
            )
        return super()._kam_problem_message(code, params)

    @api.constrains("kam_clv_horizon_months", "kam_clv_discount_rate")
    def _check_kam_clv_settings(self):
        for company in self:
            problems = [
                problem
                for problem in config_problems(company._kam_classification_config())
                if problem[0] in CLV_PROBLEMS
            ]
            if problems:
                raise ValidationError(
                    "\n".join(company._kam_problem_message(*p) for p in problems)
                )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    kam_clv_horizon_months = fields.Integer(
        related="company_id.kam_clv_horizon_months", readonly=False
    )
    kam_clv_discount_rate = fields.Float(
        related="company_id.kam_clv_discount_rate", readonly=False
    )
