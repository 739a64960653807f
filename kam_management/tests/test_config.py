from datetime import timedelta

from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import KamCommon

KAM_SETTINGS = [
    "kam_window_months",
    "kam_pareto_a",
    "kam_pareto_b",
    "kam_weight_volume",
    "kam_weight_growth",
    "kam_weight_share_of_wallet",
    "kam_weight_profitability",
    "kam_weight_objectives_fit",
    "kam_potential_threshold",
    "kam_position_threshold",
    "kam_auto_nominate",
    "kam_max_accounts_per_kam",
]
ALL_WEIGHTS_ZERO = {
    "kam_weight_volume": 0.0,
    "kam_weight_growth": 0.0,
    "kam_weight_share_of_wallet": 0.0,
    "kam_weight_profitability": 0.0,
    "kam_weight_objectives_fit": 0.0,
}
# (case, values, part of the message)
BAD_SETTINGS = [
    ("window zero", {"kam_window_months": 0}, "at least one month"),
    ("window negative", {"kam_window_months": -6}, "at least one month"),
    ("pareto A = B", {"kam_pareto_a": 90.0, "kam_pareto_b": 90.0}, "lower than"),
    ("pareto A > B", {"kam_pareto_a": 96.0}, "lower than"),
    ("pareto B above 100", {"kam_pareto_b": 120.0}, "below 100"),
    ("pareto A zero", {"kam_pareto_a": 0.0}, "above 0"),
    ("pareto B = 100", {"kam_pareto_b": 100.0}, "below 100"),
    ("window 100,000 months", {"kam_window_months": 100_000}, "at most 120"),
    ("window 2^31 months", {"kam_window_months": 2**31}, "out of range"),
    ("window fractional", {"kam_window_months": 2.5}, "whole number"),
    ("huge weights", {"kam_weight_volume": 1e308}, "out of range"),
    ("weight over 100", {"kam_weight_volume": 500.0}, "at most 100"),
    ("infinite weight", {"kam_weight_growth": float("inf")}, "out of range"),
    ("potential above 100", {"kam_potential_threshold": 101.0}, "High Potential"),
    ("position negative", {"kam_position_threshold": -1.0}, "Strong Position"),
    ("all weights zero", ALL_WEIGHTS_ZERO, "greater than zero"),
    ("negative weight", {"kam_weight_growth": -5.0}, "Growth cannot be negative"),
    ("max accounts zero", {"kam_max_accounts_per_kam": 0}, "between 1 and"),
    ("max accounts negative", {"kam_max_accounts_per_kam": -2}, "between 1 and"),
]


@tagged("post_install", "-at_install")
class TestConfig(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Config Customer")
        cls.account = cls._create_account(cls.customer)

    def _settings(self):
        self.company.invalidate_recordset()
        return self.company.read(KAM_SETTINGS)[0]

    # ------------------------------------------------------------------
    # Company settings
    # ------------------------------------------------------------------
    def test_defaults_are_valid(self):
        settings = self._settings()
        self.assertEqual(settings["kam_window_months"], 12)
        self.assertEqual(settings["kam_pareto_a"], 80.0)
        self.assertEqual(settings["kam_pareto_b"], 95.0)
        self.assertEqual(settings["kam_max_accounts_per_kam"], 4)
        self.assertFalse(settings["kam_auto_nominate"])

    def test_bad_company_settings_rejected(self):
        before = self._settings()
        for case, values, message in BAD_SETTINGS:
            with self.subTest(case=case):
                # A valid value in the same write is not saved either.
                with self.assertRaisesText(ValidationError, message):
                    self.company.write(dict(values, kam_auto_nominate=True))
                self.assertEqual(self._settings(), before)

    def test_good_company_settings_saved(self):
        self.company.write(
            {
                "kam_window_months": 6,
                "kam_pareto_a": 70.0,
                "kam_pareto_b": 90.0,
                "kam_weight_growth": 0.0,
                "kam_potential_threshold": 0.0,
                "kam_position_threshold": 100.0,
                "kam_max_accounts_per_kam": 1,
            }
        )
        config = self.company._kam_classification_config()
        self.assertEqual(config.window_months, 6)
        self.assertEqual((config.pareto_a, config.pareto_b), (70.0, 90.0))
        self.assertEqual(config.weights["growth"], 0.0)
        self.assertEqual(config.position_threshold, 100.0)

    def test_bad_settings_through_config_settings(self):
        before = self._settings()
        Settings = self.env["res.config.settings"]
        for case, values, message in BAD_SETTINGS:
            with self.subTest(case=case):
                with self.assertRaisesText(ValidationError, message):
                    Settings.create(dict(values, kam_auto_nominate=True)).execute()
                self.assertEqual(self._settings(), before)

    def test_good_settings_through_config_settings(self):
        settings = self.env["res.config.settings"].create(
            {
                "kam_window_months": 24,
                "kam_pareto_a": 75.0,
                "kam_auto_nominate": True,
                "kam_weight_volume": 50.0,
            }
        )
        self.assertEqual(settings.company_id, self.company)
        settings.execute()
        values = self._settings()
        self.assertEqual(values["kam_window_months"], 24)
        self.assertEqual(values["kam_pareto_a"], 75.0)
        self.assertTrue(values["kam_auto_nominate"])
        self.assertEqual(values["kam_weight_volume"], 50.0)
        # Only the current company changed.
        self.assertEqual(self.main_company.kam_window_months, 12)

    def test_max_accounts_per_kam_warnings(self):
        self.company.kam_max_accounts_per_kam = 1
        self._create_account(
            self._create_customer("First Key"),
            is_key_account=True,
            kam_user_id=self.kam_1.id,
        )
        draft = self.env["kam.account"].new(
            {
                "partner_id": self._create_customer("Second Key").id,
                "company_id": self.company.id,
                "is_key_account": True,
                "kam_user_id": self.kam_1.id,
            }
        )
        warning = draft._onchange_kam_user_id()
        self.assertIn("recommended maximum is 1", warning["warning"]["message"])
        draft.kam_user_id = self.kam_2
        self.assertIsNone(draft._onchange_kam_user_id())
        # A run lists the KAMs above the limit.
        self.account.write({"is_key_account": True, "kam_user_id": self.kam_1.id})
        run = self._classify()
        self.assertIn(self.kam_1.name, run.warnings)
        self.assertIn("2 key accounts", run.warnings)

    # ------------------------------------------------------------------
    # Assessments, criteria, accounts
    # ------------------------------------------------------------------
    def test_assessment_score_range(self):
        for score in (0, 6, -1):
            with (
                self.subTest(score=score),
                self.assertRaisesText(ValidationError, "between 1 and 5"),
            ):
                self._assess(self.account, score)
        for score in (1, 5):
            self.assertEqual(self._assess(self.account, score).score, score)

    def test_assessment_not_in_future(self):
        with self.assertRaisesText(ValidationError, "future"):
            self._assess(self.account, 3, days_ago=-1)
        assessment = self._assess(self.account, 3, days_ago=0)
        self.assertEqual(assessment.date, self.today)
        with self.assertRaisesText(ValidationError, "future"):
            assessment.date = self.today + timedelta(days=30)

    def test_objectives_fit_range(self):
        for fit in (6, -1):
            with (
                self.subTest(fit=fit),
                self.assertRaisesText(ValidationError, "between 1 and 5"),
            ):
                self.account.objectives_fit = fit
        self.account.objectives_fit = 5
        self.assertEqual(self.account.objectives_fit, 5)
        self.account.objectives_fit = 0  # not rated
        self.assertEqual(self.account.objectives_fit, 0)

    def test_wallet_estimate_not_negative(self):
        with self.assertRaisesText(ValidationError, "negative"):
            self.account.wallet_estimate = -1.0

    def test_criterion_weight_not_negative(self):
        Criterion = self.env["kam.position.criterion"]
        with self.assertRaisesText(ValidationError, "between 0 and 100"):
            Criterion.create({"name": "Bad", "weight": -1.0})
        with self.assertRaisesText(ValidationError, "between 0 and 100"):
            self.criterion_main.weight = -0.5
        self.assertEqual(Criterion.create({"name": "Ignored", "weight": 0}).weight, 0)

    def test_lock_requires_reason_and_quadrant(self):
        with self.assertRaisesText(ValidationError, "Only an account with a quadrant"):
            self.account.write({"quadrant_locked": True, "lock_reason": "Strategic"})
        self.account.quadrant = "invest"
        for reason in (False, "", "   "):
            with (
                self.subTest(reason=reason),
                self.assertRaisesText(ValidationError, "Say why"),
            ):
                self.account.write({"quadrant_locked": True, "lock_reason": reason})
        self.account.write({"quadrant_locked": True, "lock_reason": "Strategic"})
        self.assertTrue(self.account.quadrant_locked)

    def test_lock_actions(self):
        account = self.account
        with self.assertRaisesText(UserError, "no quadrant to lock"):
            account.action_lock_quadrant()
        account.quadrant = "milk"
        action = account.action_lock_quadrant()
        self.assertEqual(action["res_id"], account.id)
        self.assertTrue(action["context"]["default_quadrant_locked"])
        account.lock_reason = "Agreed with the sales director"
        account.action_confirm_lock()
        self.assertTrue(account.quadrant_locked)
        account.action_unlock_quadrant()
        self.assertFalse(account.quadrant_locked)
        self.assertFalse(account.lock_reason)

    def test_account_on_contact_person_rejected(self):
        contact = self.env["res.partner"].create(
            {"name": "Contact Person", "parent_id": self.customer.id}
        )
        self.assertNotEqual(contact.commercial_partner_id, contact)
        with self.assertRaisesText(ValidationError, "level of the company"):
            self._create_account(contact)

    def test_one_account_per_customer_and_company(self):
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._create_account(self.customer)
        other = self._create_account(self.customer, company=self.main_company)
        self.assertEqual(other.company_id, self.main_company)

    def test_key_account_since_set_on_nomination(self):
        self.assertFalse(self.account.key_account_since)
        self.account.is_key_account = True
        self.assertEqual(self.account.key_account_since, self.today)
        created = self._create_account(
            self._create_customer("Born Key"), is_key_account=True
        )
        self.assertEqual(created.key_account_since, self.today)
