"""On a fresh demo database the screens and the reports show one figure."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoFigures(TransactionCase):
    def test_stored_revenue_equals_the_reports(self):
        """Every demo key account's revenue as the screens show it (stored by
        the demo's classification) is the one the workbook and the PDF count
        from the invoices of the same window: the demo classified after all
        its invoices existed."""
        company = self.env.ref("base.main_company")
        run = self.env["kam.classification.run"].search(
            [("company_id", "=", company.id)], order="id desc", limit=1
        )
        self.assertTrue(run, "the demo data classifies the main company")
        accounts = self.env["kam.account"].search(
            [("company_id", "=", company.id), ("is_key_account", "=", True)]
        )
        self.assertGreater(len(accounts), 3)
        portfolio = self.env["kam.portfolio.data"]._portfolio(
            company, run.window_start, run.window_end
        )
        live = {row["id"]: row["revenue"] for row in portfolio["key_accounts"]}
        costa = self.env.ref("kam_management.demo_partner_costa")
        for account in accounts:
            with self.subTest(account=account.display_name):
                self.assertAlmostEqual(
                    account.revenue, live.get(account.id, 0.0), places=2
                )
        # The overdue invoice behind the demo's alert is counted on both.
        (costa_account,) = accounts.filtered(lambda a: a.partner_id == costa)
        self.assertAlmostEqual(costa_account.revenue, 72000.0, places=2)
