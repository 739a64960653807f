import re
from datetime import datetime

from lxml import etree
from odoo import fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KamCommon

COMPONENT_FLAGS = {
    "growth_pct": "growth_missing",
    "growth_score": "growth_missing",
    "share_of_wallet_pct": "share_of_wallet_missing",
    "share_of_wallet_score": "share_of_wallet_missing",
    "margin_pct": "profitability_missing",
    "profitability_score": "profitability_missing",
    "objectives_fit_score": "objectives_fit_missing",
}


@tagged("post_install", "-at_install")
class TestClassificationDisplay(KamCommon):
    """What a director or a KAM reads about a classification: labels, "n/a",
    the "why" text, the run record, messages in their language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.big = cls._create_customer("Big Buyer")
        cls.newcomer = cls._create_customer("Newcomer")
        cls.other = cls._create_customer("Other Buyer")
        vals = cls._invoice_vals
        cls._post_invoices(
            [
                vals(cls.big, 3000, days_ago=30),
                vals(cls.big, 2000, days_ago=90),
                vals(cls.big, 3700, days_ago=400),
                vals(cls.newcomer, 1000, days_ago=10),
                vals(cls.other, 700, days_ago=60),
                vals(cls.other, 900, days_ago=500),
            ]
        )
        cls.big_account = cls._create_account(
            cls.big, kam_user_id=cls.kam_1.id, objectives_fit=4
        )

    def _spanish(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])

    # ------------------------------------------------------------------
    # Numbers that explain themselves (kam.account)
    # ------------------------------------------------------------------
    def test_score_and_figure_labels_cannot_be_mixed_up(self):
        strings = {
            name: desc["string"]
            for name, desc in self.env["kam.account"]
            .fields_get(list(COMPONENT_FLAGS) + ["volume_score"], ["string"])
            .items()
        }
        self.assertEqual(strings["growth_pct"], "Growth vs Previous Window (%)")
        self.assertEqual(strings["growth_score"], "Growth Score (0-100)")
        for name in (
            "volume_score",
            "growth_score",
            "share_of_wallet_score",
            "profitability_score",
            "objectives_fit_score",
        ):
            self.assertTrue(strings[name].endswith("Score (0-100)"), strings[name])
        self.assertEqual(len(set(strings.values())), len(strings))
        # The form shows the labels of the fields, not shorter ones.
        arch = self.env["kam.account"].get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        form = etree.fromstring(arch)
        for name, flag in COMPONENT_FLAGS.items():
            with self.subTest(field=name):
                (node,) = form.xpath(f"//field[@name='{name}']")
                self.assertIsNone(node.get("string"))
                # Hidden when missing, with "n/a" (or "new customer") instead.
                self.assertEqual(node.get("invisible"), flag)
                texts = node.getparent().xpath("./span/text()")
                self.assertIn("n/a", texts)
        # No position before the first assessment: said in words, not 0.0.
        (node,) = form.xpath("//div[@name='position_score_row']/field")
        self.assertEqual(node.get("invisible"), "not has_position")
        self.assertIn("not assessed", node.getparent().xpath("./span/text()"))

    def test_missing_components_flagged_and_new_customer(self):
        self._classify()
        newcomer = self._account(self.newcomer)
        self.assertTrue(newcomer.is_new_customer)
        self.assertTrue(newcomer.growth_missing)
        self.assertTrue(newcomer.share_of_wallet_missing)
        self.assertTrue(newcomer.objectives_fit_missing)
        self.assertFalse(newcomer.profitability_missing)
        self.assertIn(
            "growth (new customer: no revenue in the previous window)",
            newcomer.score_explanation,
        )
        big = self.big_account
        self.assertFalse(big.is_new_customer)
        self.assertFalse(big.growth_missing)
        self.assertFalse(big.objectives_fit_missing)
        self.assertTrue(big.share_of_wallet_missing)

    def test_explanation_uses_the_precision_of_the_fields(self):
        self._classify()
        for account in (self.big_account, self._account(self.newcomer)):
            with self.subTest(customer=account.partner_id.name):
                text = account.score_explanation
                self.assertIn(
                    f"Account potential {account.potential_score:.1f}/100", text
                )
                self.assertIn(
                    f"business volume {account.volume_score:.1f} (weight 30)", text
                )
        self.assertIn(
            f"growth {self.big_account.growth_score:.1f} (weight 20)",
            self.big_account.score_explanation,
        )

    def test_explanation_numbers_in_the_user_language(self):
        self._spanish()
        self._classify()
        account = self.big_account.with_context(lang="es_ES")
        account.invalidate_recordset(["score_explanation"])
        expected = f"{account.potential_score:.1f}".replace(".", ",")
        self.assertIn(f"{expected}/100", account.score_explanation)

    # ------------------------------------------------------------------
    # The run record
    # ------------------------------------------------------------------
    def test_run_parameters_as_labelled_fields(self):
        self.company.write({"kam_pareto_a": 70.0, "kam_weight_growth": 25.0})
        run = self._classify()
        self.assertEqual(run.param_window_months, 12)
        self.assertEqual(run.param_pareto_a, 70.0)
        self.assertEqual(run.param_pareto_b, 95.0)
        self.assertEqual(run.param_weight_volume, 30.0)
        self.assertEqual(run.param_weight_growth, 25.0)
        self.assertEqual(run.param_potential_threshold, 50.0)
        self.assertFalse(run.param_auto_nominate)
        arch = self.env["kam.classification.run"].get_views([(False, "form")])["views"][
            "form"
        ]["arch"]
        page = etree.fromstring(arch).xpath("//page[@name='parameters']")[0]
        shown = set(page.xpath(".//field/@name"))
        self.assertNotIn("parameters", shown)
        self.assertIn("param_weight_share_of_wallet", shown)
        self._spanish()
        labels = (
            self.env["kam.classification.run"]
            .with_context(lang="es_ES")
            .fields_get(["param_pareto_a"], ["string"])
        )
        self.assertNotEqual(labels["param_pareto_a"]["string"], "Class A up to (%)")

    def test_run_names_unique_in_the_user_date_format(self):
        self._spanish()
        first = self._classify()
        second = self._classify()
        # Same minute, still two names.
        self.assertNotEqual(first.name, second.name)
        run = second.with_context(lang="es_ES", tz="UTC")
        day = fields.Datetime.context_timestamp(run, second.date_start)
        self.assertIn(day.strftime("%d/%m/%Y"), run.name)
        self.assertNotIn(day.strftime("%Y-%m-%d"), run.name)
        self.assertIn(
            day.strftime("%m/%d/%Y"), second.with_context(lang="en_US", tz="UTC").name
        )

    def test_run_name_carries_no_time_of_another_zone(self):
        """ "Last Classification" and "Classified On" must not disagree.

        The web client shows Classified On in the browser's zone; the run name
        is made on the server in the user's preferred one (Europe/Brussels for
        the demo users). The name used to carry a time of day an hour off from
        the field beside it; it now carries the date only.
        """
        self.director.tz = "Europe/Brussels"
        run = self._classify()
        # Classified On is the run's own UTC time, which the client converts.
        self.assertEqual(self.big_account.classified_on, run.date_start)
        run.date_start = datetime(2026, 1, 15, 10, 30)
        as_director = run.with_user(self.director).with_context(
            tz="Europe/Brussels", lang="en_US"
        )
        self.assertFalse(
            re.search(r"\d{1,2}:\d{2}", as_director.name), as_director.name
        )
        self.assertIn("01/15/2026", as_director.name)

    def test_run_counts_a_kam_sees(self):
        run = self._classify()
        self.assertEqual(run.change_count, 3)
        as_kam = run.with_user(self.kam_1)
        # The KAM sees the move of their own account only, and is told that
        # the other figures are the company's.
        self.assertEqual(len(as_kam.history_ids), 1)
        self.assertEqual(as_kam.visible_change_count, 1)
        self.assertEqual(run.visible_change_count, 3)
        strings = self.env["kam.classification.run"].fields_get(
            ["account_count", "change_count"], ["string"]
        )
        self.assertEqual(
            strings["account_count"]["string"], "Customers (Company Total)"
        )
        self.assertEqual(strings["change_count"]["string"], "Moves (Company Total)")

    # ------------------------------------------------------------------
    # Messages in the user's language
    # ------------------------------------------------------------------
    def test_director_fields_named_in_the_user_language(self):
        self._spanish()
        account = self.big_account.with_user(self.kam_1).with_context(lang="es_ES")
        with self.assertRaises(AccessError) as raised:
            account.write({"lock_reason": "x", "tier": "key"})
        message = str(raised.exception)
        self.assertIn("Motivo del bloqueo, Nivel", message)
        self.assertNotIn("Lock Reason", message)

    def test_numbers_in_errors_in_the_user_language(self):
        self._spanish()
        with self.assertRaises(ValidationError) as raised:
            self.company.with_context(lang="es_ES").write({"kam_pareto_a": 96.5})
        self.assertIn("(96,5%)", str(raised.exception))
        with self.assertRaises(ValidationError) as raised:
            self.company.with_context(lang="en_US").write({"kam_pareto_a": 96.5})
        self.assertIn("(96.5%)", str(raised.exception))
