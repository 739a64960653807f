"""One key account, one period: every screen and report shows one revenue.

The period is the classification window (the last 12 months up to today,
which the account form shows). The customer's lines hold what the reader of
invoiced revenue must count or leave out: a taxed invoice, a credit note, a
cash-rounding line, an invoice in a foreign currency and an invoice addressed
to a contact of the customer archived since.
"""

import io
from datetime import timedelta

import openpyxl
from odoo import Command
from odoo.addons.kam_management.tests.common import KamCommon
from odoo.tests import tagged

ONEPAGER_REPORT = "kam_reports.action_report_kam_account_onepager"
SUMMARY_REPORT = "kam_reports.action_report_kam_portfolio_summary"
SUMMARY_MODEL = "report.kam_reports.report_kam_portfolio_summary"
HEADER_ROW = 4  # 1-based row of each sheet's table header

# What the customer is invoiced, untaxed, in the invoices' currencies.
TAXED_LINES = (1000.00, 234.56)
CREDIT_NOTE = 200.10
ROUNDED_LINE = 99.45  # rounded to 99.00 by a rounding line of -0.45
FOREIGN_LINE = 777.77  # in a currency of 1.3 units for 1 of the company's
FOREIGN_RATE = 1.3
ARCHIVED_CONTACT_LINE = 300.00
OTHER_CUSTOMER = 5000.00


def _money(value):
    return f"{value:,.2f}"


@tagged("post_install", "-at_install")
class TestRevenueConsistency(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        company = cls.company
        cls.customer = cls._create_customer("Consistent Customer")
        cls.other = cls._create_customer("Other Customer")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ana Buyer", "parent_id": cls.customer.id, "type": "contact"}
        )
        cls.tax = cls.env["account.tax"].search(
            [
                *cls.env["account.tax"]._check_company_domain(company),
                ("type_tax_use", "=", "sale"),
                ("amount_type", "=", "percent"),
                ("amount", ">", 0),
            ],
            limit=1,
        )
        accounts = cls.env["account.account"].with_company(company)
        domain = cls.env["account.account"]._check_company_domain(company)
        cls.rounding = cls.env["account.cash.rounding"].create(
            {
                "name": "Round to units",
                "rounding": 1.0,
                "strategy": "add_invoice_line",
                "rounding_method": "HALF-UP",
                "profit_account_id": accounts.search(
                    [*domain, ("account_type", "=", "income")], limit=1
                ).id,
                "loss_account_id": accounts.search(
                    [*domain, ("account_type", "=", "expense")], limit=1
                ).id,
            }
        )
        cls.currency = cls.env.ref("base.CHF")
        if cls.currency == company.currency_id:
            cls.currency = cls.env.ref("base.GBP")
        cls.currency.active = True
        cls.env["res.currency.rate"].create(
            {
                "name": cls.today - timedelta(days=400),
                "rate": FOREIGN_RATE,
                "currency_id": cls.currency.id,
                "company_id": company.id,
            }
        )

        def line(amount, taxes=()):
            return Command.create(
                {
                    "product_id": cls.product.id,
                    "quantity": 1.0,
                    "price_unit": amount,
                    "tax_ids": [Command.set(list(taxes))],
                }
            )

        def invoice(partner, lines, days_ago, **values):
            return dict(
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "company_id": company.id,
                    "invoice_date": cls.today - timedelta(days=days_ago),
                    "invoice_line_ids": lines,
                },
                **values,
            )

        cls.moves = cls._post_invoices(
            [
                invoice(
                    cls.customer,
                    [line(amount, cls.tax.ids) for amount in TAXED_LINES],
                    30,
                ),
                invoice(cls.customer, [line(CREDIT_NOTE)], 20, move_type="out_refund"),
                invoice(
                    cls.customer,
                    [line(ROUNDED_LINE)],
                    15,
                    invoice_cash_rounding_id=cls.rounding.id,
                ),
                invoice(
                    cls.customer,
                    [line(FOREIGN_LINE)],
                    10,
                    currency_id=cls.currency.id,
                ),
                invoice(cls.contact, [line(ARCHIVED_CONTACT_LINE)], 5),
                invoice(cls.other, [line(OTHER_CUSTOMER)], 25),
                # Outside the window: not counted.
                invoice(cls.customer, [line(4321.00)], 500),
            ]
        )
        cls.contact.active = False

        Run = cls.env["kam.classification.run"]
        cls.classification = Run._classify_company(company, trigger="manual")
        cls.account = cls.env["kam.account"].search(
            [("partner_id", "=", cls.customer.id), ("company_id", "=", company.id)]
        )
        cls.account.write({"is_key_account": True, "kam_user_id": cls.kam_1.id})
        cls.env["kam.position.assessment"].create(
            {
                "account_id": cls.account.id,
                "criterion_id": cls.criterion_main.id,
                "score": 4,
                "date": cls.today,
            }
        )
        cls.classification = Run._classify_company(company, trigger="manual")
        cls.date_from, cls.date_to = (
            cls.classification.window_start,
            cls.classification.window_end,
        )
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.account.id,
                "date_start": cls.date_from,
                "date_end": cls.date_to,
                "objective_ids": [
                    Command.create(
                        {"name": "Revenue", "kpi": "revenue", "target": 10000.0}
                    )
                ],
            }
        )
        cls.plan.state = "active"
        cls.objective = cls.plan.objective_ids
        # By hand, from the lines: product lines only (no tax, no rounding
        # line), the foreign currency at its posted rate, the credit note
        # negative, the archived contact's invoice for its company.
        cls.expected = round(
            sum(TAXED_LINES)
            - CREDIT_NOTE
            + ROUNDED_LINE
            + round(FOREIGN_LINE / FOREIGN_RATE, 2)
            + ARCHIVED_CONTACT_LINE,
            2,
        )
        cls.expected_company = round(cls.expected + OTHER_CUSTOMER, 2)

    def assertCents(self, value, expected=None, msg=None):
        expected = self.expected if expected is None else expected
        self.assertEqual(round(value, 2), expected, msg)

    # ------------------------------------------------------------------
    def test_the_lines_hold_every_case(self):
        taxed, refund, rounded, foreign, archived = self.moves[:5]
        self.assertTrue(self.tax, "the chart of accounts has a sales tax")
        self.assertTrue(
            taxed.line_ids.filtered(lambda line: line.display_type == "tax")
        )
        self.assertEqual(refund.move_type, "out_refund")
        rounding = rounded.line_ids.filtered(
            lambda line: line.display_type == "rounding"
        )
        self.assertTrue(rounding, "the invoice has a cash-rounding line")
        self.assertAlmostEqual(rounded.amount_total, 99.0)
        self.assertEqual(foreign.currency_id, self.currency)
        self.assertNotEqual(foreign.currency_id, self.company.currency_id)
        self.assertAlmostEqual(
            -sum(foreign.invoice_line_ids.mapped("balance")),
            round(FOREIGN_LINE / FOREIGN_RATE, 2),
        )
        self.assertEqual(archived.partner_id, self.contact)
        self.assertFalse(self.contact.active)
        self.assertEqual(archived.commercial_partner_id, self.customer)
        # The window is the last 12 months up to today, the reports' default.
        self.assertEqual(self.date_to, self.today)
        self.assertEqual(
            (self.date_from, self.date_to),
            self.env["kam.portfolio.data"]._default_period(),
        )

    def test_the_reader(self):
        figures = self.env["account.move.line"]._kam_revenue_by_partner(
            self.company, self.date_from, self.date_to
        )
        self.assertCents(figures[self.customer.id]["revenue"])
        self.assertNotIn(self.contact.id, figures)

    def test_screens(self):
        self.account.invalidate_recordset()
        # The account form.
        self.assertCents(self.account.revenue)
        # The partner's Key Account tab (its list of the customer's records).
        tab = self.customer.kam_account_ids.filtered(
            lambda a: a.company_id == self.company
        )
        self.assertCents(tab.revenue)
        self.assertCents(self.customer.kam_account_id.revenue)
        # The matrix dashboard.
        data = self.env["kam.account"].kam_matrix_dashboard_data(
            {"company_id": self.company.id}
        )
        (point,) = [p for p in data["points"] if p["id"] == self.account.id]
        self.assertCents(point["revenue"])
        # The objectives' actual, and the scorecard's sales area (its revenue
        # KPI's actual: the active plans' revenue objectives).
        self.assertCents(self.objective.actual)
        objectives = self.env["kam.scorecard.engine"]._plan_objectives(
            self.account, self.today
        )
        self.assertCents(objectives[(self.account.id, "revenue")][0])

    def test_workbook_sheets(self):
        wizard = self.env["kam.portfolio.report.wizard"].create(
            {
                "company_id": self.company.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
            }
        )
        book = openpyxl.load_workbook(io.BytesIO(wizard._render_xlsx()), data_only=True)
        pareto = self._rows(book["Pareto"])
        (row,) = [r for r in pareto if r["Customer"] == self.customer.name]
        self.assertCents(row["Revenue"])
        self.assertCents(sum(r["Revenue"] for r in pareto), self.expected_company)
        (row,) = self._rows(book["Accounts"])
        self.assertEqual(row["Key account"], self.customer.name)
        self.assertCents(row["Revenue"])
        summary = self._figures(book["Summary"])
        self.assertCents(summary["Revenue of the key accounts"])
        self.assertCents(
            summary["Company revenue (all its customers)"], self.expected_company
        )
        self.assertCents(
            summary["Portfolio revenue (the selected customers)"],
            self.expected_company,
        )

    def test_onepager(self):
        values = self.env[
            "report.kam_reports.report_kam_account_onepager"
        ]._get_report_values(self.account.ids)
        self.assertCents(values["docs"].revenue)
        self.assertEqual(values["plans"][self.account.id], self.plan)
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            ONEPAGER_REPORT, self.account.ids
        )
        self.assertIn(_money(self.expected), html.decode())

    def test_pdf_summary_and_its_totals_equal_the_workbooks(self):
        values = self.env[SUMMARY_MODEL]._get_report_values(
            self.account.ids,
            {"date_from": self.date_from, "date_to": self.date_to},
        )
        (section,) = values["sections"]
        self.assertCents(section["key_revenue"])
        self.assertCents(section["company_revenue"], self.expected_company)
        (kam,) = section["by_kam"]
        self.assertCents(kam["revenue"])
        quadrants = {row["key"]: row for row in section["by_quadrant"]}
        self.assertCents(quadrants[self.account.quadrant]["revenue"])
        html, _kind = self.env["ir.actions.report"]._render_qweb_html(
            SUMMARY_REPORT,
            self.account.ids,
            data={"date_from": str(self.date_from), "date_to": str(self.date_to)},
        )
        self.assertIn(_money(self.expected), html.decode())
        self.assertIn(_money(self.expected_company), html.decode())
        # The workbook of the same accounts: the same portfolio totals.
        wizard = self.env["kam.portfolio.report.wizard"].create(
            {
                "company_id": self.company.id,
                "date_from": self.date_from,
                "date_to": self.date_to,
                "account_ids": [Command.set(self.account.ids)],
            }
        )
        book = openpyxl.load_workbook(io.BytesIO(wizard._render_xlsx()), data_only=True)
        summary = self._figures(book["Summary"])
        self.assertCents(
            summary["Revenue of the key accounts"], round(section["key_revenue"], 2)
        )
        self.assertCents(
            summary["Company revenue (all its customers)"],
            round(section["company_revenue"], 2),
        )
        self.assertCents(
            summary["Portfolio revenue (the selected customers)"],
            round(section["portfolio_revenue"], 2),
        )
        self.assertAlmostEqual(
            summary["Key accounts' share of company revenue"],
            section["key_share_pct"] / 100.0,
        )

    # ------------------------------------------------------------------
    @staticmethod
    def _rows(sheet):
        headers = [c.value for c in sheet[HEADER_ROW]]
        rows = []
        for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
            if all(v is None for v in values[:3]) or "Total" in values[:2]:
                break
            rows.append(dict(zip(headers, values, strict=False)))
        return rows

    @staticmethod
    def _figures(sheet):
        return {
            sheet.cell(r, 1).value: sheet.cell(r, 2).value
            for r in range(HEADER_ROW + 1, HEADER_ROW + 7)
        }
