"""The demo database as the demo users see it."""

from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestDemoAsTheKam(TransactionCase):
    def test_kam_sees_the_invoices_the_button_counts(self):
        """The Invoices button of a demo key account opens, for its KAM, the
        invoices it counts: their salesperson is the KAM, so a KAM who sees
        only their own sales documents (Odoo 19's demo user) sees them too."""
        accounts = self.env["kam.account"].search(
            [
                ("is_key_account", "=", True),
                ("kam_user_id", "!=", False),
                ("invoice_count", ">", 0),
            ]
        )
        self.assertTrue(accounts, "the demo data invoices its key accounts")
        for account in accounts:
            with self.subTest(account=account.display_name):
                domain = account.action_view_partner_invoices()["domain"]
                invoices = self.env["account.move"].search(domain)
                self.assertEqual(len(invoices), account.invoice_count)
                self.assertEqual(invoices.invoice_user_id, account.kam_user_id)
                moves = self.env["account.move"].with_user(account.kam_user_id)
                self.assertEqual(moves.search_count(domain), account.invoice_count)
