import base64
import io

import openpyxl
from odoo import Command
from odoo.tests import tagged

from .common import KamReportsCommon


@tagged("post_install", "-at_install")
class TestPortfolioMailing(KamReportsCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Mailing = cls.env["kam.portfolio.mailing"]
        # Invoices of the last complete months, for the mailing's period.
        cls.kam_1.email = "karl@example.com"
        cls.director.email = "diana@example.com"

    def _mails(self):
        return self.env["mail.mail"].search(
            [
                ("model", "=", "kam.portfolio.delivery"),
                ("subject", "ilike", self.company.name),
            ]
        )

    def _book(self, mail):
        (attachment,) = mail.attachment_ids
        return openpyxl.load_workbook(io.BytesIO(base64.b64decode(attachment.datas)))

    def test_off_by_default(self):
        self.assertFalse(self.company.kam_report_mailing)
        self.Mailing._cron_send_portfolio_workbook()
        self.assertFalse(self._mails())
        cron = self.env.ref("kam_reports.ir_cron_kam_portfolio_workbook")
        self.assertEqual(cron.interval_type, "months")
        self.assertFalse(cron.active)
        # The setting turns the scheduled action on, and off again.
        self.company.kam_report_mailing = True
        self.assertTrue(cron.active)
        self.company.kam_report_mailing = False
        self.assertFalse(cron.active)

    def test_each_recipient_gets_a_workbook_with_their_own_rights(self):
        self.company.write(
            {
                "kam_report_mailing": True,
                "kam_report_recipient_ids": [
                    Command.set((self.kam_1 | self.director).ids)
                ],
            }
        )
        self.Mailing._cron_send_portfolio_workbook()
        mails = self._mails()
        self.assertEqual(
            mails.mapped("recipient_ids"),
            (self.kam_1 | self.director).partner_id,
        )
        # Queued in Odoo's outgoing mail, not sent at once.
        self.assertEqual(set(mails.mapped("state")), {"outgoing"})
        by_user = {mail.recipient_ids.id: mail for mail in mails}
        kam_book = self._book(by_user[self.kam_1.partner_id.id])
        director_book = self._book(by_user[self.director.partner_id.id])
        self.assertEqual(
            [r["Key account"] for r in self._rows(kam_book["Accounts"])],
            ["Big Buyer"],
        )
        self.assertEqual(
            sorted(r["Key account"] for r in self._rows(director_book["Accounts"])),
            ["Big Buyer", "Mid Market"],
        )
        date_from, date_to = self.Mailing._period()
        self.assertEqual(date_from.day, 1)
        self.assertLess(date_to, self.today.replace(day=1))
        self.assertEqual(
            (date_to.year - date_from.year) * 12 + date_to.month - date_from.month, 11
        )

    def test_directors_by_default_in_their_language(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"].search(
            [("name", "=", "kam_reports")]
        )._update_translations(["es_ES"])
        self.director.lang = "es_ES"
        self.company.kam_report_mailing = True
        mails = self.Mailing._send_company_workbooks(self.company)
        # Only the directors of the company (kam_1 is a KAM, not a director).
        self.assertIn(self.director.partner_id, mails.mapped("recipient_ids"))
        self.assertNotIn(self.kam_1.partner_id, mails.mapped("recipient_ids"))
        mail = mails.filtered(lambda m: m.recipient_ids == self.director.partner_id)
        self.assertIn("Cartera de cuentas clave", mail.subject)
        self.assertIn("Adjunto", mail.body_html)
        self.assertEqual(self._book(mail).sheetnames[0], "Resumen")
        self.assertTrue(mail.attachment_ids.name.endswith(".xlsx"))

    def test_settings_screen_turns_it_on(self):
        settings = self.env(user=self.director)["kam.settings"].create(
            {"company_id": self.company.id}
        )
        self.assertFalse(settings.kam_report_mailing)
        settings.write(
            {
                "kam_report_mailing": True,
                "kam_report_recipient_ids": [Command.set(self.kam_1.ids)],
            }
        )
        settings.action_save()
        self.assertTrue(self.company.kam_report_mailing)
        self.assertEqual(self.company.kam_report_recipient_ids, self.kam_1)
        self.assertEqual(self.company._kam_report_recipients(), self.kam_1)
