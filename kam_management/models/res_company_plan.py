from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_DAYS = 3650


class ResCompany(models.Model):
    _inherit = "res.company"  # pylint: disable=consider-merging-classes-inherited

    kam_agreement_notice_days = fields.Integer(
        string="Agreement Notice (days)",
        default=30,
        help="An agreement ending within this many days is expiring: its KAM "
        "gets an activity to renegotiate or renew it.",
    )

    @api.constrains("kam_agreement_notice_days")
    def _check_kam_agreement_notice_days(self):
        for company in self:
            if not 0 <= company.kam_agreement_notice_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The agreement notice period must be between 0 and "
                        "%(max)s days (got %(days)s).",
                        max=MAX_DAYS,
                        days=company.kam_agreement_notice_days,
                    )
                )


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"  # pylint: disable=consider-merging-classes-inherited

    kam_agreement_notice_days = fields.Integer(
        related="company_id.kam_agreement_notice_days", readonly=False
    )
