"""The one reader of invoiced revenue: which lines count, and for whom."""

from datetime import timedelta

from odoo import Command
from odoo.tests import tagged
from odoo.tools import SQL

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestRevenueReader(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Line = cls.env["account.move.line"]
        cls.customer = cls._create_customer("Reader Customer")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Reader Buyer", "parent_id": cls.customer.id}
        )
        cls.other = cls._create_customer("Reader Other")
        income = cls.env["account.account"].search(
            [
                ("company_ids", "in", cls.company.id),
                ("account_type", "=", "income"),
            ],
            limit=1,
        )
        cls.rounding = cls.env["account.cash.rounding"].create(
            {
                "name": "Reader rounding 0.05",
                "rounding": 0.05,
                "strategy": "add_invoice_line",
                "rounding_method": "HALF-UP",
                "profit_account_id": income.id,
                "loss_account_id": income.id,
            }
        )
        cls.foreign = (
            cls.env["res.currency"]
            .with_context(active_test=False)
            .search(
                [
                    ("id", "!=", cls.company.currency_id.id),
                    ("name", "in", ["EUR", "USD"]),
                ],
                limit=1,
            )
        )
        cls.foreign.active = True
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.foreign.id,
                "company_id": cls.company.id,
                "name": cls.today - timedelta(days=400),
                "rate": 2.0,
            }
        )
        rounded = cls._invoice_vals(cls.customer, 1000.0, days_ago=10)
        rounded["invoice_cash_rounding_id"] = cls.rounding.id
        rounded["invoice_line_ids"][0][2].update({"quantity": 1, "price_unit": 1000.03})
        foreign = cls._invoice_vals(cls.customer, 400.0, days_ago=20)
        foreign["currency_id"] = cls.foreign.id
        to_contact = cls._invoice_vals(cls.contact, 500.0, days_ago=30)
        cls.moves = cls._post_invoices(
            [
                rounded,
                foreign,
                to_contact,
                cls._invoice_vals(cls.customer, 300.0, days_ago=40, refund=True),
                cls._invoice_vals(cls.other, 700.0, days_ago=50),
                # Outside the period read below.
                cls._invoice_vals(cls.customer, 9000.0, days_ago=500),
            ]
        )
        cls.contact.active = False
        # Neither a draft, a cancelled invoice, a vendor bill nor another
        # company's invoice is revenue.
        cls.env["account.move"].create(
            [cls._invoice_vals(cls.customer, 11.0, days_ago=5)]
        )
        cls._post_invoices(
            [cls._invoice_vals(cls.customer, 13.0, days_ago=5)]
        ).button_cancel()
        bill = cls._invoice_vals(cls.customer, 17.0, days_ago=5)
        bill["move_type"] = "in_invoice"
        cls._post_invoices([bill])
        cls.company_b = cls.env["res.company"].create(
            {"name": "Reader Other Company", "currency_id": cls.company.currency_id.id}
        )
        cls.env.user.company_ids = [Command.link(cls.company_b.id)]
        cls.env["account.chart.template"].try_loading(
            "generic_coa", company=cls.company_b, install_demo=False
        )
        cls._post_invoice(cls.customer, 19.0, days_ago=5, company=cls.company_b)
        cls.date_from = cls.today - timedelta(days=365)

    def _by_partner(self, **kwargs):
        return self.Line._kam_revenue_by_partner(
            self.company, self.date_from, self.today, **kwargs
        )

    def test_lines_that_count(self):
        rounded = self.moves[0]
        self.assertTrue(
            rounded.line_ids.filtered(lambda line: line.display_type == "rounding"),
            "the test invoice has a rounding line",
        )
        self.assertAlmostEqual(rounded.amount_untaxed_signed, 1000.05, places=2)
        foreign = self.moves[1]
        self.assertAlmostEqual(foreign.amount_untaxed_signed, 200.0, places=2)
        figures = self._by_partner()
        # 1000.03 (rounding line left out) + 400 / 2 + 500 (archived contact)
        # - 300 (credit note).
        self.assertAlmostEqual(figures[self.customer.id]["revenue"], 1400.03, places=2)
        self.assertEqual(figures[self.customer.id]["invoice_count"], 3)
        self.assertAlmostEqual(figures[self.other.id]["revenue"], 700.0, places=2)
        self.assertEqual(set(figures), {self.customer.id, self.other.id})
        self.assertNotIn(self.contact.id, figures)

    def test_cost_and_margin(self):
        figures = self._by_partner()[self.other.id]
        # 7 units at a cost of 60.
        self.assertAlmostEqual(figures["cost"], 420.0, places=2)
        self.assertAlmostEqual(figures["margin"], 280.0, places=2)

    def test_period_bounds_are_included(self):
        day = self.today - timedelta(days=40)
        only_refund = self.Line._kam_revenue_by_partner(self.company, day, day)
        self.assertAlmostEqual(only_refund[self.customer.id]["revenue"], -300.0)
        self.assertEqual(only_refund[self.customer.id]["invoice_count"], 0)
        everything = self.Line._kam_revenue_by_partner(self.company, None, None)
        self.assertAlmostEqual(everything[self.customer.id]["revenue"], 10400.03, 2)

    def test_partners_as_records_ids_or_sql(self):
        subselect = SQL("SELECT id FROM res_partner WHERE id = %s", self.other.id)
        for partners in (self.other, [self.other.id], subselect):
            with self.subTest(partners=partners):
                figures = self._by_partner(partners=partners)
                self.assertEqual(list(figures), [self.other.id])
        self.assertEqual(self._by_partner(partners=[]), {})

    def test_other_company(self):
        figures = self.Line._kam_revenue_by_partner(
            self.company_b, self.date_from, self.today
        )
        self.assertEqual(figures[self.customer.id]["revenue"], 19.0)

    def test_unsaved_changes_are_read(self):
        """The reader flushes what it reads: a line changed in this
        transaction counts as it is now."""
        line = self.moves[4].invoice_line_ids
        self.moves[4].button_draft()
        line.price_unit = 200.0
        self.moves[4].action_post()
        self.assertAlmostEqual(self._by_partner()[self.other.id]["revenue"], 1400.0)

    def test_classification_stores_what_the_reader_reads(self):
        run = self._classify()
        account = self._account(self.customer)
        figures = self.Line._kam_revenue_by_partner(
            self.company, run.window_start, run.window_end
        )
        self.assertAlmostEqual(
            account.revenue, figures[self.customer.id]["revenue"], places=2
        )
