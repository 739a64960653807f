"""The mailing's settings on the directors' Key Account Settings screen."""

from odoo import Command, fields, models


class KamSettings(models.TransientModel):
    _inherit = "kam.settings"

    kam_report_mailing = fields.Boolean(string="Monthly Portfolio Workbook")
    kam_report_recipient_ids = fields.Many2many(
        "res.users",
        "kam_settings_report_recipient_rel",
        "settings_id",
        "user_id",
        string="Workbook Recipients",
        domain=[("share", "=", False)],
        help="Empty: the company's Key Account Directors.",
    )

    def _kam_settings_fields(self):
        return (*super()._kam_settings_fields(), "kam_report_mailing")

    def _kam_company_values(self, company):
        values = super()._kam_company_values(company)
        # sudo: as the values above (checked: a director of the company).
        recipients = company.sudo().kam_report_recipient_ids
        values["kam_report_recipient_ids"] = [Command.set(recipients.ids)]
        return values

    def action_save(self):
        result = super().action_save()
        # sudo: super() checked that the user is a director of the company.
        self.company_id.sudo().write(
            {
                "kam_report_recipient_ids": [
                    Command.set(self.kam_report_recipient_ids.ids)
                ]
            }
        )
        return result
