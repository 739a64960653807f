import html
import re
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from odoo import Command
from odoo.addons.kam_management.tests.common import KamCommon
from odoo.addons.kam_reports.report.kam_report_pdf import wkhtmltopdf_has_patched_qt
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

PLAN_REPORT = "kam_reports.action_report_kam_account_plan"
ONEPAGER_REPORT = "kam_reports.action_report_kam_account_onepager"
SUMMARY_REPORT = "kam_reports.action_report_kam_portfolio_summary"

# Plan fields the customer never sees, each holding a distinctive marker.
CONFIDENTIAL_PLAN_TEXT = {
    "strengths": "SECRET-STRENGTHS-7731",
    "weaknesses": "SECRET-WEAKNESSES-7732",
    "power_centres": "SECRET-POWER-7733",
    "why_us": "SECRET-WHYUS-7734",
    "competitive_approach": "SECRET-COMPETES-7735",
    "history_achievements": "SECRET-ACHIEVED-7736",
    "history_lost_opportunities": "SECRET-LOST-7737",
    "history_problems": "SECRET-PROBLEMS-7738",
    "history_solutions": "SECRET-SOLUTIONS-7739",
}
CONFIDENTIAL_ROLE_TEXT = {
    "business_interests": "SECRET-BUSINESS-INTEREST-7741",
    "personal_interests": "SECRET-PERSONAL-INTEREST-7742",
    "recognition": "SECRET-RECOGNITION-7743",
    "performance_measures": "SECRET-MEASURES-7744",
}


def _text(html_bytes):
    """The visible text of a rendered report, whitespace collapsed."""
    text = html_bytes.decode()
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", html.unescape(text))


@tagged("post_install", "-at_install")
class TestPdfReports(KamCommon):
    """The three PDF reports: content, confidentiality, language and access.

    ========== ====== ==========================================================
    account    KAM    content
    ========== ====== ==========================================================
    account    kam_1  classified A / invest, health 75; ``plan`` with objectives
                      (two internal ones), actions, an agreement, a competitor
                      and a buying-centre contact full of confidential markers
    other      kam_2  ``plan_other`` without objectives
    ========== ====== ==========================================================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Printable Customer")
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Paula Purchaser",
                "function": "Head of Procurement",
                "parent_id": cls.customer.id,
            }
        )
        cls.account = cls._create_account(
            cls.customer,
            is_key_account=True,
            kam_user_id=cls.kam_1.id,
            tier="strategic",
            wallet_estimate=500000.0,
        )
        cls.other_customer = cls._create_customer("Foreign Customer")
        cls.other_account = cls._create_account(
            cls.other_customer, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls._post_invoice(cls.customer, 12000.0, days_ago=40)
        cls._post_invoice(cls.customer, 3000.0, days_ago=400)
        cls._post_invoice(cls.other_customer, 5000.0, days_ago=20)
        cls._assess(cls, cls.account, 5)
        cls._classify(cls)
        # sudo: the scorecard's results, as the nightly computation writes them.
        cls.account.sudo().write(
            {
                "health_score": 75.0,
                "health_light": "green",
                "sales_score": 81.5,
                "opportunities_score": 62.0,
                "relationships_score": 70.0,
                "satisfaction_score": 90.0,
                "alerts_score": 100.0,
                "scorecard_date": "2026-01-01 00:00:00",
            }
        )
        cls.competitor = cls.env["kam.competitor"].create(
            {"name": "SECRET-RIVAL-7751", "note": "SECRET-RIVAL-NOTE-7752"}
        )
        start = cls.today - timedelta(days=60)
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.account.id,
                "date_start": start,
                "date_end": start + relativedelta(months=12, days=-1),
                "goals_three_years": "<p>SHARED-GOALS-1001</p>",
                "value_added": "SHARED-VALUE-1002",
                "competitor_ids": [Command.link(cls.competitor.id)],
                **CONFIDENTIAL_PLAN_TEXT,
                "objective_ids": [
                    Command.create(
                        {
                            "name": "SHARED-REVENUE-OBJECTIVE-1003",
                            "kpi": "revenue",
                            "target": 24000.0,
                        }
                    ),
                    Command.create(
                        {
                            "name": "SECRET-MARGIN-OBJECTIVE-7761",
                            "kpi": "gross_margin",
                            "target": 9000.0,
                        }
                    ),
                    Command.create(
                        {
                            "name": "SECRET-WALLET-OBJECTIVE-7762",
                            "kpi": "share_of_wallet",
                            "target": 30.0,
                        }
                    ),
                ],
                "action_ids": [
                    Command.create(
                        {
                            "name": "SHARED-ACTION-1004",
                            "owner_id": cls.kam_1.id,
                            "date_deadline": cls.today + timedelta(days=10),
                            "note": "SECRET-ACTION-NOTE-7771",
                        }
                    )
                ],
            }
        )
        cls.env["kam.agreement"].create(
            {
                "account_id": cls.account.id,
                "name": "SHARED-AGREEMENT-1005",
                "agreement_type": "long_term",
                "date_start": cls.today - timedelta(days=30),
                "amount": 150000.0,
            }
        )
        cls.role = cls.env["kam.buying.role"].create(
            {
                "account_id": cls.account.id,
                "partner_id": cls.contact.id,
                "owner_id": cls.kam_1.id,
                "role_ids": [
                    Command.link(
                        cls.env.ref("kam_management.decision_role_decision_maker").id
                    )
                ],
                "influence": "high",
                "attitude": "opponent",
                "relationship_strength": 4,
                **CONFIDENTIAL_ROLE_TEXT,
            }
        )
        cls.plan_other = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.other_account.id,
                "date_start": start,
                "date_end": start + relativedelta(months=12, days=-1),
            }
        )
        cls.salesman = cls._create_user("kam_sales", "Sam Sales", "base.group_user")

    def setUp(self):
        super().setUp()
        # Access checks must not be answered from the superuser's cache.
        self.env.invalidate_all()

    def _render(self, report, records, user=None, lang="en_US", data=None):
        env = self.env(user=user or self.env.user, context=dict(self.env.context))
        env = env(context=dict(env.context, lang=lang))
        content, kind = env["ir.actions.report"]._render_qweb_html(
            report, records.ids if records is not None else [], data=data
        )
        self.assertEqual(kind, "html")
        return _text(content)

    # ------------------------------------------------------------------
    # Account plan
    # ------------------------------------------------------------------
    def test_plan_contains_what_the_customer_may_read(self):
        text = self._render(PLAN_REPORT, self.plan, user=self.kam_1)
        for shared in (
            "Account Plan: Printable Customer",
            "SHARED-GOALS-1001",
            "SHARED-VALUE-1002",
            "SHARED-REVENUE-OBJECTIVE-1003",
            "SHARED-ACTION-1004",
            "SHARED-AGREEMENT-1005",
            "Paula Purchaser",
            "Head of Procurement",
            "Karl First",
            "KAM Test Company",
        ):
            self.assertIn(shared, text)
        # The revenue objective with its target and the 12,000 invoiced.
        self.assertIn("24,000.00", text)
        self.assertIn("12,000.00", text)
        self.assertIn("50%", text.replace(" %", "%"))

    def test_plan_never_contains_confidential_content(self):
        text = self._render(PLAN_REPORT, self.plan, user=self.kam_1)
        secrets = [
            *CONFIDENTIAL_PLAN_TEXT.values(),
            *CONFIDENTIAL_ROLE_TEXT.values(),
            "SECRET-RIVAL-7751",
            "SECRET-RIVAL-NOTE-7752",
            "SECRET-MARGIN-OBJECTIVE-7761",
            "SECRET-WALLET-OBJECTIVE-7762",
            "SECRET-ACTION-NOTE-7771",
        ]
        for secret in secrets:
            self.assertNotIn(secret, text)
        # The buying-centre analysis and the classification stay internal.
        account = self.account
        self.assertEqual((account.pareto_class, account.quadrant), ("a", "invest"))
        for internal in (
            "Opponent",
            "Attitude",
            "Influence",
            "Relationship Strength",
            "Decision Maker",
            "Pareto",
            "Quadrant",
            "Invest",
            "Health",
            "Potential",
            "Position",
            "Score",
            "Competitor",
            "Margin",
            "Share of Wallet",
            account.strategy.split(":")[0],
        ):
            self.assertNotIn(internal.lower(), text.lower())

    def test_plan_without_objectives(self):
        text = self._render(PLAN_REPORT, self.plan_other, user=self.kam_2)
        self.assertIn("No objectives yet.", text)
        self.assertIn("No actions yet.", text)
        self.assertIn("No contacts recorded yet.", text)

    # ------------------------------------------------------------------
    # One-pager
    # ------------------------------------------------------------------
    def test_onepager_content(self):
        text = self._render(ONEPAGER_REPORT, self.account, user=self.director)
        account = self.account
        for expected in (
            "Printable Customer",
            "Key Account Manager: Karl First",
            "Pareto Class A",
            "Invest",
            account.strategy,
            "Account Potential",
            "Business volume",
            "Objectives fit",
            "Sales 81.5",
            "Opportunities 62.0",
            "Healthy",
            "RFM " + account.rfm_code,
            "1 contact(s) in the buying centre",
            "SHARED-REVENUE-OBJECTIVE-1003",
            # Directors see the internal objectives too.
            "SECRET-MARGIN-OBJECTIVE-7761",
            "SHARED-ACTION-1004",
            "Recent Movements",
        ):
            self.assertIn(expected, text)
        self.assertIn(f"{account.potential_score:.1f}", text)
        self.assertNotIn("No classification recorded yet.", text)

    def test_onepager_coverage_warning_and_no_plan(self):
        text = self._render(ONEPAGER_REPORT, self.other_account, user=self.kam_2)
        self.assertIn("No decision maker identified in the buying centre.", text)
        self.assertIn("No objectives yet.", text)
        self.assertIn("No open actions.", text)
        self.plan_other.sudo().write({"state": "closed"})
        text = self._render(ONEPAGER_REPORT, self.other_account, user=self.kam_2)
        self.assertIn("No account plan in progress.", text)

    # ------------------------------------------------------------------
    # Portfolio summary
    # ------------------------------------------------------------------
    def test_summary_data(self):
        accounts = self.account | self.other_account
        portfolio = self.env["kam.portfolio.data"]
        date_from, date_to = portfolio._default_period()
        data = portfolio._portfolio(self.company, date_from, date_to, accounts=accounts)
        self.assertEqual(data["key_account_count"], 2)
        self.assertEqual(data["company_revenue"], 17000.0)
        self.assertEqual(data["key_revenue"], 17000.0)
        self.assertEqual(data["key_revenue_prev"], 3000.0)
        self.assertAlmostEqual(data["key_share_pct"], 100.0)
        # Cost 60 of each 100 sold.
        self.assertAlmostEqual(data["key_margin"], 17000.0 * 0.4)
        by_kam = {row["label"]: row for row in data["by_kam"]}
        self.assertEqual(by_kam["Karl First"]["revenue"], 12000.0)
        self.assertEqual(by_kam["Kira Second"]["count"], 1)
        by_quadrant = {row["key"]: row for row in data["by_quadrant"]}
        self.assertEqual(by_quadrant["invest"]["revenue"], 12000.0)
        self.assertEqual(by_quadrant[False]["label"], "Not Assessed")
        with self.assertRaisesText(UserError, "before it starts"):
            portfolio._portfolio(self.company, date_to, date_from, accounts=accounts)

    def test_summary_movements(self):
        portfolio = self.env["kam.portfolio.data"]
        date_from, date_to = portfolio._default_period()
        self.env["kam.classification.history"].create(
            {
                "account_id": self.account.id,
                "company_id": self.company.id,
                "date": date_to - timedelta(days=3),
                "pareto_class_from": "b",
                "pareto_class_to": "a",
                "quadrant_from": "maintain",
                "quadrant_to": "invest",
            }
        )
        data = portfolio._portfolio(
            self.company, date_from, date_to, accounts=self.account
        )
        self.assertEqual(data["movement_counts"]["class_up"], 1)
        self.assertEqual(data["movement_counts"]["quadrant"], 1)
        text = self._render(SUMMARY_REPORT, self.account, user=self.kam_1)
        self.assertIn("1 class upgrade(s)", text)
        self.assertIn("B → A", text)
        self.assertIn("Maintain → Invest", text)

    def test_summary_report(self):
        text = self._render(
            SUMMARY_REPORT, self.account | self.other_account, user=self.director
        )
        for expected in (
            "Portfolio Summary",
            "Key Accounts 2",
            "By Quadrant",
            "By Key Account Manager",
            "Karl First",
            "Kira Second",
            "17,000.00",
            "Not Assessed",
        ):
            self.assertIn(expected, text)

    def test_summary_bad_input(self):
        text = self._render(SUMMARY_REPORT, None, user=self.director)
        self.assertIn("No key accounts selected", text)
        customer = self._create_customer("Ordinary Customer")
        account = self._create_account(customer)
        text = self._render(SUMMARY_REPORT, account, user=self.director)
        self.assertIn("No key accounts among the selected customers.", text)
        self.assertIn("1 other selected customer(s) left out", text)
        with self.assertRaisesText(UserError, "before it starts"):
            self._render(
                SUMMARY_REPORT,
                self.account,
                user=self.director,
                data={"date_from": "2026-05-01", "date_to": "2026-01-31"},
            )

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access_per_group(self):
        # A KAM prints their own account and plan...
        self._render(PLAN_REPORT, self.plan, user=self.kam_1)
        self._render(ONEPAGER_REPORT, self.account, user=self.kam_1)
        self._render(SUMMARY_REPORT, self.account, user=self.kam_1)
        # ... never another KAM's ...
        for report, records in (
            (PLAN_REPORT, self.plan_other),
            (ONEPAGER_REPORT, self.other_account),
            (SUMMARY_REPORT, self.account | self.other_account),
        ):
            with self.assertRaises(AccessError):
                self._render(report, records, user=self.kam_1)
            # ... nor does anyone outside the key-account groups.
            with self.assertRaises(AccessError):
                self._render(report, records, user=self.salesman)
        # A director prints every account of their companies.
        text = self._render(PLAN_REPORT, self.plan_other, user=self.director)
        self.assertIn("Foreign Customer", text)
        text = self._render(
            ONEPAGER_REPORT, self.account | self.other_account, user=self.director
        )
        self.assertIn("Foreign Customer", text)

    # ------------------------------------------------------------------
    # Language and real PDF
    # ------------------------------------------------------------------
    def test_spanish_user_gets_spanish_reports(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["kam_management", "kam_reports"], ["es_ES"]
        )
        self.kam_1.lang = "es_ES"
        text = self._render(PLAN_REPORT, self.plan, user=self.kam_1, lang="es_ES")
        self.assertIn("Plan de cuenta: Printable Customer", text)
        self.assertIn("Objetivos", text)
        self.assertIn("Ingresos", text)
        # Amounts in the Spanish format.
        self.assertIn("24.000,00", text)
        text = self._render(
            ONEPAGER_REPORT, self.account, user=self.kam_1, lang="es_ES"
        )
        self.assertIn("Potencial de la cuenta", text)
        self.assertIn("Invertir", text)
        text = self._render(SUMMARY_REPORT, self.account, user=self.kam_1, lang="es_ES")
        self.assertIn("Resumen de la cartera", text)
        self.assertIn("Por cuadrante", text)

    def test_real_pdf(self):
        report = self.env["ir.actions.report"].with_context(
            force_report_rendering=True, lang="en_US"
        )
        for ref, records in (
            (PLAN_REPORT, self.plan),
            (ONEPAGER_REPORT, self.account | self.other_account),
            (SUMMARY_REPORT, self.account),
        ):
            content, kind = report._render_qweb_pdf(ref, records.ids)
            self.assertEqual(kind, "pdf")
            self.assertTrue(content.startswith(b"%PDF"))
            pages = len(re.findall(rb"/Type\s*/Page\b", content))
            self.assertGreaterEqual(pages, len(records))

    def test_pdf_layout_with_or_without_patched_qt(self):
        """Several records: one body with the header in each page, or Odoo's."""
        accounts = self.account | self.other_account
        html, __ = (
            self.env["ir.actions.report"]
            .with_user(self.director)
            ._render_qweb_html(
                ONEPAGER_REPORT, accounts.ids, data={"report_type": "pdf"}
            )
        )
        text = _text(html)
        if wkhtmltopdf_has_patched_qt():
            self.assertEqual(html.count(b'class="header'), len(accounts))
        else:
            self.assertEqual(html.count(b"kam-inline-article"), 1)
            self.assertEqual(html.count(b'class="kam-inline-header"'), len(accounts))
            self.assertEqual(html.count(b'class="kam-page-break"'), len(accounts) - 1)
        self.assertEqual(text.count("KAM Test Company"), len(accounts))
