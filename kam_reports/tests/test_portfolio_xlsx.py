import io
import zipfile
from datetime import date, timedelta

from odoo.exceptions import AccessError, UserError
from odoo.tests import new_test_user, tagged

from .common import HEADER_ROW, SHEETS, KamReportsCommon


@tagged("post_install", "-at_install")
class TestPortfolioWorkbook(KamReportsCommon):
    def _invoiced_total(self, date_from, date_to, partners=None):
        """Posted customer invoices minus credit notes (untaxed, company
        currency) of the period: the database's own sum."""
        domain = [
            ("company_id", "=", self.company.id),
            ("state", "=", "posted"),
            ("move_type", "in", ("out_invoice", "out_refund")),
            ("invoice_date", ">=", date_from),
            ("invoice_date", "<=", date_to),
        ]
        if partners:
            domain.append(("commercial_partner_id", "in", partners.ids))
        [(total,)] = self.env["account.move"]._read_group(
            domain, [], ["amount_untaxed_signed:sum"]
        )
        return total

    # ------------------------------------------------------------------
    # Structure and formats
    # ------------------------------------------------------------------
    def test_sheets_headers_frozen_rows_filters_and_formats(self):
        book, _content = self._workbook(self.director)
        self.assertEqual(book.sheetnames, SHEETS)
        pareto = book["Pareto"]
        self.assertEqual(
            [c.value for c in pareto[HEADER_ROW]][:8],
            [
                "Rank",
                "Customer",
                "Class",
                "Revenue",
                "Share",
                "Cumulative share",
                "Margin",
                "Invoices",
            ],
        )
        for name in SHEETS[1:]:
            self.assertEqual(book[name].freeze_panes[1:], str(HEADER_ROW + 1), name)
        self.assertEqual(pareto.auto_filter.ref, f"A{HEADER_ROW}:H{HEADER_ROW + 4}")
        self.assertTrue(book["Accounts"].auto_filter.ref)
        first = HEADER_ROW + 1
        # Numbers as numbers with their formats, dates as dates.
        self.assertIsInstance(pareto.cell(first, 4).value, int | float)
        self.assertIn("#,##0.00", pareto.cell(first, 4).number_format)
        self.assertEqual(pareto.cell(first, 5).number_format, "0.0%")
        self.assertIsInstance(pareto.cell(first, 1).value, int)
        plans = book["Plans and Objectives"]
        self.assertTrue(plans.cell(first, 5).is_date)
        self.assertEqual(plans.cell(first, 5).value.date(), self.plan.date_start)
        self.assertTrue(book["Summary"].cell(2, 2).is_date)
        self.assertGreater(pareto.column_dimensions["B"].width, 30)

    def test_pareto_ranks_customers_and_totals_are_formulas_matching_the_database(
        self,
    ):
        wizard = self._wizard(self.director)
        book, _content = self._workbook(self.director)
        pareto = book["Pareto"]
        rows = self._rows(pareto)
        self.assertEqual(
            [r["Customer"] for r in rows],
            ["Big Buyer", "Mid Market", "Small Shop", "Tiny Trade"],
        )
        self.assertEqual([r["Rank"] for r in rows], [1, 2, 3, 4])
        # Same classes as the screens (the default period is the window).
        accounts = self.env["kam.account"].search(
            [("company_id", "=", self.company.id)]
        )
        stored = {a.partner_id.name: (a.pareto_class or "").upper() for a in accounts}
        self.assertEqual(
            {r["Customer"]: r["Class"] for r in rows},
            {name: stored[name] for name in (r["Customer"] for r in rows)},
        )
        self.assertAlmostEqual(rows[-1]["Cumulative share"], 1.0)
        total_row = HEADER_ROW + len(rows) + 1
        self.assertEqual(pareto.cell(total_row, 2).value, "Total")
        self.assertEqual(
            pareto.cell(total_row, 4).value,
            f"=SUM(D{HEADER_ROW + 1}:D{HEADER_ROW + len(rows)})",
        )
        expected = self._invoiced_total(wizard.date_from, wizard.date_to)
        self.assertAlmostEqual(sum(r["Revenue"] for r in rows), expected)
        self.assertAlmostEqual(expected, 50000 + 10000 + 30000 + 15000 - 1000 + 5000)
        # Accounts: key accounts only, revenue = their invoices, total formula.
        accounts_rows = self._rows(book["Accounts"])
        self.assertEqual(
            [r["Key account"] for r in accounts_rows], ["Big Buyer", "Mid Market"]
        )
        self.assertAlmostEqual(
            sum(r["Revenue"] for r in accounts_rows),
            self._invoiced_total(wizard.date_from, wizard.date_to, self.big | self.mid),
        )
        big = accounts_rows[0]
        self.assertEqual(big["KAM"], self.kam_1.name)
        self.assertEqual(big["Tier"], "Strategic")
        quadrants = dict(
            self.acc_big._fields["quadrant"]._description_selection(self.env)
        )
        self.assertTrue(self.acc_big.quadrant)
        self.assertEqual(big["Quadrant"], quadrants[self.acc_big.quadrant])
        self.assertEqual(big["Plan status"], "Draft")
        self.assertAlmostEqual(big["Potential"], self.acc_big.potential_score)
        # Churn risk and lifetime value: the stored predictions, blank without.
        for row, account in zip(
            accounts_rows, (self.acc_big, self.acc_mid), strict=True
        ):
            if account.has_prediction:
                self.assertAlmostEqual(
                    row["Churn risk"], account.churn_probability / 100.0
                )
                self.assertAlmostEqual(row["Lifetime value"], account.clv_value)
            else:
                self.assertIsNone(row["Churn risk"])
                self.assertIsNone(row["Lifetime value"])
        summary = book["Summary"]
        figures = {
            summary.cell(r, 1).value: summary.cell(r, 2).value
            for r in range(HEADER_ROW + 1, HEADER_ROW + 7)
        }
        self.assertEqual(figures["Key accounts"], 2)
        self.assertEqual(figures["Customers invoiced"], 4)
        self.assertTrue(
            figures["Portfolio revenue (the selected customers)"].startswith(
                "=SUM('Pareto'!"
            )
        )
        # Every customer of the company: here the four customers' invoices.
        self.assertAlmostEqual(
            figures["Company revenue (all its customers)"], expected, places=2
        )
        self.assertTrue(
            figures["Key accounts' share of company revenue"].startswith("=IF(B")
        )
        # Movements: the classification history's changes of the period (an
        # account's first class or first place in the matrix is none).
        column_a = [summary.cell(r, 1).value for r in range(1, summary.max_row + 1)]
        start = column_a.index("Key account movements in the period") + 3
        self.assertEqual(summary.cell(start, 1).value, "No movement in the period.")
        self.assertEqual(
            summary.cell(
                column_a.index("Class changes of all the customers") + 3, 1
            ).value,
            "No movement in the period.",
        )
        self.env["kam.classification.history"].create(
            {
                "account_id": self.acc_big.id,
                "company_id": self.company.id,
                "date": wizard.date_to - timedelta(days=2),
                "pareto_class_from": "b",
                "pareto_class_to": "a",
                "quadrant_from": "maintain",
                "quadrant_to": self.acc_big.quadrant,
            }
        )
        book, _content = self._workbook(self.director)
        summary = book["Summary"]
        column_a = [summary.cell(r, 1).value for r in range(1, summary.max_row + 1)]
        start = column_a.index("Key account movements in the period") + 3
        self.assertEqual(
            [summary.cell(start, c).value for c in (1, 3, 4, 5, 6)],
            ["Big Buyer", "B", "A", "Maintain", big["Quadrant"]],
        )
        self.assertTrue(summary.cell(start, 2).is_date)
        self.assertIsNone(summary.cell(start + 1, 1).value)
        changes = column_a.index("Class changes of all the customers") + 3
        self.assertEqual(
            [summary.cell(changes, c).value for c in (1, 2, 3)], ["B", "A", 1]
        )
        self.assertEqual(summary.cell(changes + 1, 1).value, "Total")
        self.assertTrue(summary.cell(changes + 1, 3).value.startswith("=SUM(C"))
        kams = self._rows(book["KAM Portfolio"])
        self.assertEqual(
            {r["KAM"]: r["Key accounts"] for r in kams},
            {self.kam_1.name: 1, self.kam_2.name: 1},
        )
        self.assertEqual(kams[0]["Recommended maximum"], 4)

    def test_written_in_constant_memory_mode(self):
        """report_xlsx passes the report's workbook options to xlsxwriter:
        in constant-memory mode strings are written inline, so the file has
        no shared-strings table."""
        report = self.env["report.kam_reports.portfolio_xlsx"]
        self.assertTrue(report.get_workbook_options()["constant_memory"])
        _book, content = self._workbook(self.director)
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = archive.namelist()
            sheet = archive.read("xl/worksheets/sheet2.xml").decode()
        self.assertNotIn("xl/sharedStrings.xml", names)
        self.assertIn('t="inlineStr"', sheet)

    def test_native_charts(self):
        _book, content = self._workbook(self.director)
        charts = self._charts(content)
        self.assertEqual(len(charts), 2)
        pareto = next(xml for xml in charts.values() if "<c:barChart>" in xml)
        self.assertIn("<c:lineChart>", pareto)
        # Columns and the cumulative line on two value axes (secondary axis),
        # the Class A line as a series of its own.
        self.assertEqual(pareto.count("<c:valAx>"), 2)
        self.assertEqual(pareto.count("<c:ser>"), 3)
        self.assertIn("Class A line (80%)", pareto)
        matrix = next(xml for xml in charts.values() if "<c:scatterChart>" in xml)
        # One series per quadrant present, and the two threshold lines.
        self.assertEqual(matrix.count("<c:ser>"), 2 + 2)
        self.assertIn("High potential from", matrix)
        self.assertIn("Strong position from", matrix)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_kam_gets_only_their_accounts(self):
        book, _content = self._workbook(self.kam_1)
        self.assertEqual(
            [r["Key account"] for r in self._rows(book["Accounts"])], ["Big Buyer"]
        )
        self.assertEqual(
            [r["Customer"] for r in self._rows(book["Pareto"])], ["Big Buyer"]
        )
        self.assertEqual(
            [r["KAM"] for r in self._rows(book["KAM Portfolio"])], [self.kam_1.name]
        )
        book_2, _content = self._workbook(self.kam_2)
        self.assertEqual(
            [r["Key account"] for r in self._rows(book_2["Accounts"])], ["Mid Market"]
        )

    def test_users_without_key_account_rights_cannot_print(self):
        salesman = new_test_user(
            self.env,
            login="kam_reports_sales",
            groups="base.group_user,sales_team.group_sale_salesman",
            company_id=self.company.id,
            company_ids=[self.company.id],
        )
        with self.assertRaises(AccessError):
            self._wizard(salesman)

    def test_print_menu_of_selected_accounts(self):
        binding = self.env.ref(
            "kam_reports.action_kam_portfolio_report_wizard_accounts"
        )
        self.assertEqual(binding.binding_model_id.model, "kam.account")
        self.assertEqual(binding.binding_type, "report")
        Wizard = self.env(user=self.director)[
            "kam.portfolio.report.wizard"
        ].with_context(active_model="kam.account", active_ids=self.acc_mid.ids)
        wizard = Wizard.create({})
        self.assertEqual(wizard.account_ids, self.acc_mid)
        book, _content = self._workbook(
            self.director, account_ids=[(6, 0, self.acc_mid.ids)]
        )
        self.assertEqual(
            [r["Key account"] for r in self._rows(book["Accounts"])], ["Mid Market"]
        )
        # A KAM cannot print an account they may not see.
        with self.assertRaises(AccessError):
            self.env(user=self.kam_1)["kam.portfolio.report.wizard"].with_context(
                active_model="kam.account", active_ids=self.acc_mid.ids
            ).create({})

    def test_filters_by_kam_quadrant_and_tier(self):
        book, _content = self._workbook(
            self.director, kam_user_ids=[(6, 0, self.kam_2.ids)]
        )
        self.assertEqual(
            [r["Key account"] for r in self._rows(book["Accounts"])], ["Mid Market"]
        )
        book, _content = self._workbook(
            self.director, tier_key=False, tier_development=False
        )
        self.assertEqual(
            [r["Key account"] for r in self._rows(book["Accounts"])], ["Big Buyer"]
        )
        quadrant = self.acc_mid.quadrant
        values = {
            f"quadrant_{q}": q == quadrant
            for q in ("invest", "selective", "maintain", "milk")
        }
        book, _content = self._workbook(self.director, **values)
        self.assertEqual(
            [r["Key account"] for r in self._rows(book["Accounts"])], ["Mid Market"]
        )

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_inputs_are_refused_with_clear_messages(self):
        with self.assertRaisesText(UserError, "ends"):
            self._wizard(
                self.director,
                date_from=self.today,
                date_to=self.today - timedelta(days=1),
            )._render_xlsx()
        with self.assertRaisesText(UserError, "at least one quadrant"):
            self._wizard(
                self.director,
                quadrant_invest=False,
                quadrant_selective=False,
                quadrant_maintain=False,
                quadrant_milk=False,
            ).action_print_xlsx()
        with self.assertRaisesText(UserError, "at least one tier"):
            self._wizard(
                self.kam_1, tier_strategic=False, tier_key=False, tier_development=False
            ).action_print_xlsx()
        with self.assertRaisesText(UserError, "You do not belong to the company"):
            self._wizard(self.kam_1, company_id=self.main_company.id)._render_xlsx()
        with self.assertRaisesText(UserError, "Select the key accounts"):
            self.env(user=self.director)["kam.portfolio.report.wizard"].with_context(
                active_model="kam.account", active_ids=[]
            ).create({})

    def test_period_without_invoices_says_no_data_on_every_sheet(self):
        book, _content = self._workbook(
            self.director, date_from=date(2001, 1, 1), date_to=date(2001, 12, 31)
        )
        self.assertEqual(book.sheetnames, SHEETS)
        for sheet in book.worksheets:
            self.assertIn("No data", sheet.cell(HEADER_ROW, 1).value, sheet.title)

    def test_action_downloads_the_xlsx_report(self):
        action = self._wizard(self.director).action_print_xlsx()
        self.assertEqual(action["report_type"], "xlsx")
        self.assertEqual(action["report_name"], "kam_reports.portfolio_xlsx")
        # The dialog closes once the file is sent.
        self.assertTrue(action["close_on_report_download"])

    def test_print_never_asks_for_a_pdf_layout(self):
        """An administrator's first print, before any document layout was
        saved: the workbook downloads (no "Configure your document layout")."""
        self.company.external_report_layout_id = False
        admin = self.env.ref("base.user_admin")
        admin.company_ids |= self.company
        wizard = self._wizard(admin).with_context(allowed_company_ids=self.company.ids)
        self.assertTrue(wizard.env.is_admin())
        action = wizard.action_print_xlsx()
        self.assertEqual(action["type"], "ir.actions.report")
        self.assertEqual(action["report_type"], "xlsx")

    # ------------------------------------------------------------------
    # Language
    # ------------------------------------------------------------------
    def test_spanish_sheet_names_and_headers(self):
        self.env["res.lang"]._activate_lang("es_ES")
        book, _content = self._workbook(self.director, lang="es_ES")
        self.assertEqual(book.sheetnames[0], "Resumen")
        self.assertIn("Cuentas", book.sheetnames)
        self.assertEqual(book["Pareto"].cell(HEADER_ROW, 2).value, "Cliente")

    def test_accounts_sheet_shows_the_churn_and_lifetime_value_predictions(self):
        # As the classification's lifetime-value scorer stores them.
        self.acc_big.sudo().write(
            {
                "has_prediction": True,
                "churn_probability": 42.5,
                "expected_revenue_12m": 8000.0,
                "clv_value": 21000.0,
            }
        )
        self.acc_mid.sudo().write({"has_prediction": False})
        book, _content = self._workbook(self.director)
        rows = {r["Key account"]: r for r in self._rows(book["Accounts"])}
        self.assertAlmostEqual(rows["Big Buyer"]["Churn risk"], 0.425)
        self.assertAlmostEqual(rows["Big Buyer"]["Expected revenue, 12 months"], 8000.0)
        self.assertAlmostEqual(rows["Big Buyer"]["Lifetime value"], 21000.0)
        self.assertIsNone(rows["Mid Market"]["Churn risk"])
        self.assertIsNone(rows["Mid Market"]["Lifetime value"])
