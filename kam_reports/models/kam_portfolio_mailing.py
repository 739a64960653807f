"""The monthly mailing of the portfolio workbook.

Each recipient gets a workbook built with their own rights (a KAM's holds only
their accounts) in their own language, queued in Odoo's outgoing mail; the
workbook and its mail are bound to a delivery (``kam.portfolio.delivery``),
readable by the recipient and the company's Key Account Directors only.
"""

import logging

from dateutil.relativedelta import relativedelta
from odoo import Command, api, fields, models

_logger = logging.getLogger(__name__)


class KamPortfolioMailing(models.AbstractModel):
    _name = "kam.portfolio.mailing"
    _description = "Monthly Portfolio Workbook Mailing"

    @api.model
    def _period(self, today=None):
        """The 12 complete months before ``today``'s month."""
        today = today or fields.Date.context_today(self)
        date_to = today.replace(day=1) - relativedelta(days=1)
        date_from = date_to.replace(day=1) - relativedelta(months=11)
        return date_from, date_to

    @api.model
    def _cron_send_portfolio_workbook(self):
        companies = self.env["res.company"].search([("kam_report_mailing", "=", True)])
        for company in companies:
            self._send_company_workbooks(company)

    @api.model
    def _send_company_workbooks(self, company, today=None):
        """Queue one mail per recipient; returns the mail.mail records.

        Each workbook and its mail are bound to a delivery
        (``kam.portfolio.delivery``): readable by the recipient and the
        company's Key Account Directors only.
        """
        date_from, date_to = self._period(today)
        template = self.env.ref("kam_reports.mail_template_kam_portfolio_workbook")
        Delivery = self.env["kam.portfolio.delivery"]
        mails = self.env["mail.mail"]
        for user in company._kam_report_recipients():
            content = self._workbook_for(user, company, date_from, date_to)
            lang = user.lang or "en_US"
            name = self.with_context(lang=lang).env._(
                "Key account portfolio %(company)s %(start)s %(end)s.xlsx",
                company=company.name,
                start=date_from,
                end=date_to,
            )
            delivery = Delivery._deliver(
                user, company, date_from, date_to, name, content
            )
            # sudo: the mailing's own mail, on the delivery it created.
            mail_id = (
                template.sudo()
                .with_context(
                    kam_company_name=company.name,
                    kam_date_from=date_from,
                    kam_date_to=date_to,
                )
                .send_mail(
                    delivery.id,
                    force_send=False,
                    email_values={
                        "attachment_ids": [Command.link(delivery.attachment_id.id)]
                    },
                )
            )
            mails |= self.env["mail.mail"].browse(mail_id)
        _logger.info(
            "Portfolio workbook of %s queued for %s recipient(s)",
            company.name,
            len(mails),
        )
        return mails

    @api.model
    def _workbook_for(self, user, company, date_from, date_to):
        """The workbook as ``user`` sees it, in ``user``'s language."""
        env = self.env(
            user=user,
            su=False,
            context=dict(
                self.env.context,
                lang=user.lang or "en_US",
                allowed_company_ids=[company.id],
            ),
        )
        wizard = env["kam.portfolio.report.wizard"].create(
            {"company_id": company.id, "date_from": date_from, "date_to": date_to}
        )
        return wizard._render_xlsx()
