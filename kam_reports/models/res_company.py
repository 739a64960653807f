"""The company's settings of the monthly portfolio workbook mailing."""

from odoo import api, fields, models
from odoo.addons.kam_management.compat import group_users


class ResCompany(models.Model):
    _inherit = "res.company"

    kam_report_mailing = fields.Boolean(
        string="Monthly Portfolio Workbook",
        help="Send the portfolio workbook of the last 12 months on the first "
        "day of each month.",
    )
    kam_report_recipient_ids = fields.Many2many(
        "res.users",
        "kam_report_recipient_rel",
        "company_id",
        "user_id",
        string="Workbook Recipients",
        help="Key Account Managers or Directors of the company; empty: the "
        "company's Key Account Directors.",
    )

    def write(self, vals):
        result = super().write(vals)
        if "kam_report_mailing" in vals:
            self._kam_sync_report_cron()
        return result

    @api.model
    def _kam_sync_report_cron(self):
        """The scheduled action is active while a company has the mailing on."""
        cron = self.env.ref(
            "kam_reports.ir_cron_kam_portfolio_workbook", raise_if_not_found=False
        )
        if not cron:
            return
        # sudo: the setting's own write rights decide; the cron follows it.
        wanted = bool(
            self.sudo().search_count([("kam_report_mailing", "=", True)], limit=1)
        )
        if cron.sudo().active != wanted:
            cron.sudo().active = wanted

    def _kam_report_recipients(self):
        """The users who get the company's workbook: the configured ones, or
        the Key Account Directors; only internal users of the company who may
        open the report."""
        self.ensure_one()
        users = self.kam_report_recipient_ids
        if not users:
            users = group_users(self.env.ref("kam_management.group_kam_manager"))
        return users.filtered(
            lambda u: (
                not u.share
                and self in u.company_ids
                and u.has_group("kam_management.group_kam_user")
                and u.email
            )
        )
