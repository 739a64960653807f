from odoo import api, fields, models
from odoo.exceptions import ValidationError

MAX_DAYS = 3650


class ResCompany(models.Model):
    # Kept apart from the other extensions on purpose (one file per feature).
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.company"

    kam_stale_contact_days = fields.Integer(
        string="Stale Contact Delay (days)",
        default=90,
        help="A key contact of a key account (decision maker, influencer or "
        "person of high influence) with no interaction for this many days is "
        "reported as stale.",
    )

    @api.constrains("kam_stale_contact_days")
    def _check_kam_stale_contact_days(self):
        for company in self:
            if not 1 <= company.kam_stale_contact_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The stale contact delay must be between 1 and %(max)s "
                        "days (got %(days)s).",
                        days=company.kam_stale_contact_days,
                        max=MAX_DAYS,
                    )
                )


class ResConfigSettings(models.TransientModel):
    # Kept apart from the other extensions on purpose (one file per feature).
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "res.config.settings"

    kam_stale_contact_days = fields.Integer(
        related="company_id.kam_stale_contact_days", readonly=False
    )
