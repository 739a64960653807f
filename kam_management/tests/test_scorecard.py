from datetime import timedelta

from odoo import Command, fields
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestScorecard(KamCommon):
    """Scorecards computed from invoices, leads, the buying centre, messages
    and moments of truth created here."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Scorecard Customer")
        cls.account = cls._create_account(
            cls.customer, is_key_account=True, kam_user_id=cls.kam_1.id
        )
        cls.other = cls._create_account(
            cls._create_customer("Scorecard Other"),
            is_key_account=True,
            kam_user_id=cls.kam_2.id,
        )
        cls.bare = cls._create_account(
            cls._create_customer("Scorecard Bare"), is_key_account=True
        )
        # Revenue this year 6,000 (previous year 5,000: growth 20%).
        cls._post_invoice(cls.customer, 3000.0, days_ago=100)
        cls._post_invoice(cls.customer, 3000.0, days_ago=10)
        cls._post_invoice(cls.customer, 5000.0, days_ago=500)
        cls.env["kam.classification.run"]._classify_company(
            cls.company, trigger="manual"
        )
        # An active plan of one year that started half a year ago, with a
        # revenue objective of 24,000: 12,000 expected to date.
        cls.plan = cls.env["kam.account.plan"].create(
            {
                "account_id": cls.account.id,
                "date_start": cls.today - timedelta(days=182),
                "date_end": cls.today + timedelta(days=183),
                "objective_ids": [
                    Command.create(
                        {"name": "Revenue", "kpi": "revenue", "target": 24000.0}
                    )
                ],
            }
        )
        cls.plan.sudo().write({"state": "active"})
        # Buying centre: a decision maker with a strong relationship, a weak
        # contact.
        decision_maker = cls.env.ref("kam_management.decision_role_decision_maker")
        cls.boss = cls.env["res.partner"].create(
            {"name": "Sara Boss", "parent_id": cls.customer.id}
        )
        cls.clerk = cls.env["res.partner"].create(
            {"name": "Tom Clerk", "parent_id": cls.customer.id}
        )
        cls.env["kam.buying.role"].create(
            [
                {
                    "account_id": cls.account.id,
                    "partner_id": cls.boss.id,
                    "role_ids": [Command.set(decision_maker.ids)],
                    "relationship_strength": 4,
                },
                {
                    "account_id": cls.account.id,
                    "partner_id": cls.clerk.id,
                    "relationship_strength": 1,
                },
            ]
        )
        # Two interactions with the boss: a message on her and one by her.
        cls.boss.message_post(body="Called about the tender", message_type="comment")
        cls.env["mail.message"].create(
            {
                "model": "kam.account",
                "res_id": cls.account.id,
                "author_id": cls.boss.id,
                "message_type": "email",
                "body": "Thanks for the visit",
            }
        )
        # Opportunities: one won (1,000), one lost, one open (3,000).
        stages = cls.env["crm.stage"].search([], order="sequence")
        won_stage = stages.filtered("is_won")[:1]
        Lead = cls.env["crm.lead"]
        won = Lead.create(
            {
                "name": "Won deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "expected_revenue": 1000.0,
            }
        )
        won.write({"stage_id": won_stage.id})
        lost = Lead.create(
            {"name": "Lost deal", "type": "opportunity", "partner_id": cls.boss.id}
        )
        lost.action_set_lost()
        Lead.create(
            {
                "name": "Open deal",
                "type": "opportunity",
                "partner_id": cls.customer.id,
                "expected_revenue": 3000.0,
                "stage_id": stages.filtered(lambda s: not s.is_won)[:1].id,
            }
        )
        # Moments of truth: three positive, one negative.
        cls.env["kam.moment.truth"].create(
            [
                {
                    "account_id": cls.account.id,
                    "outcome": outcome,
                    "name": f"Moment {index}",
                    "date": cls.today - timedelta(days=index),
                }
                for index, outcome in enumerate(
                    ("positive", "positive", "positive", "negative")
                )
            ]
        )
        cls.Engine = cls.env["kam.scorecard.engine"]

    def _compute(self, accounts=None):
        self.Engine._compute_scorecards(accounts or (self.account | self.bare))
        (self.account | self.bare).invalidate_recordset()

    def test_kpis_from_odoo_data(self):
        self._compute()
        account = self.account
        # 6,000 invoiced against 12,000 expected to date (one day of rounding).
        self.assertAlmostEqual(account.sc_revenue_achieved_pct, 50.0, delta=0.5)
        self.assertAlmostEqual(account.sc_growth_pct, 20.0, places=1)
        self.assertEqual(account.sc_new_categories, 0.0)
        self.assertEqual(account.sc_won_count, 1)
        self.assertEqual(account.sc_won_value, 1000.0)
        self.assertEqual(account.sc_win_rate_pct, 50.0)
        self.assertEqual(account.sc_pipeline_value, 3000.0)
        # Pipeline 3,000 against 24,000 - 6,000 still to achieve.
        self.assertAlmostEqual(account.sc_pipeline_coverage, 3000.0 / 18000.0)
        self.assertEqual(account.sc_strong_contacts, 1.0)
        self.assertEqual(account.sc_decision_makers_covered_pct, 100.0)
        self.assertEqual(account.sc_new_contacts, 2.0)
        self.assertEqual(account.sc_interactions, 2.0)
        self.assertEqual(account.sc_moments_balance_pct, 50.0)

    def test_scores_health_light_and_explanation(self):
        self._compute()
        account = self.account
        # Sales: 50% achieved (50), margin n/a, growth 20% (100), no new
        # category (50) -> 66.7.
        self.assertAlmostEqual(account.sales_score, 200.0 / 3, places=1)
        # Satisfaction: balance 50% -> 75 points.
        self.assertAlmostEqual(account.satisfaction_score, 75.0)
        self.assertTrue(account.health_light)
        # No open alert: nothing lost.
        self.assertEqual(account.alerts_score, 100.0)
        self.assertNotIn("alerts", account.scorecard_missing or "")
        text = account.scorecard_explanation
        self.assertIn("66.7/100", text)
        self.assertIn("n/a", text)

    def test_account_without_data_says_not_enough_data(self):
        self._compute()
        self.assertIn("relationships", self.bare.scorecard_missing)
        self.assertIn("not enough data", self.bare.scorecard_explanation)

    def test_monthly_snapshot_kept_and_updated(self):
        self._compute()
        Snapshot = self.env["kam.scorecard.snapshot"]
        month = self.today.replace(day=1)
        first = Snapshot.search([("account_id", "=", self.account.id)])
        self.assertEqual(first.month, month)
        self.assertAlmostEqual(first.health_score, self.account.health_score)
        # A past month: the trend compares with it.
        Snapshot.create(
            {
                "account_id": self.account.id,
                "month": month - timedelta(days=20),
                "health_score": 0.0,
            }
        )
        self.env["kam.moment.truth"].create(
            {"account_id": self.account.id, "outcome": "positive", "name": "More"}
        )
        self._compute()
        snapshots = Snapshot.search([("account_id", "=", self.account.id)])
        self.assertEqual(len(snapshots), 2, "one snapshot per month, updated")
        self.assertEqual(self.account.health_trend, "up")

    def test_refresh_button_and_access(self):
        self.account.with_user(self.kam_1).action_refresh_scorecard()
        self.assertTrue(self.account.scorecard_date)
        with self.assertRaises(AccessError):
            self.other.with_user(self.kam_1).action_refresh_scorecard()
        with self.assertRaises(AccessError):
            self.account.with_user(self.kam_1).write({"health_score": 100.0})
        self._compute(self.account | self.other)
        Snapshot = self.env["kam.scorecard.snapshot"]
        self.assertEqual(
            Snapshot.with_user(self.kam_1).search([]).account_id, self.account
        )
        self.assertEqual(
            Snapshot.with_user(self.director).search([]).account_id,
            self.account | self.other,
        )
        moment = self.account.moment_ids[:1]
        with self.assertRaises(AccessError):
            moment.with_user(self.kam_2).read(["name"])

    def test_nightly_pass_and_moment_dates(self):
        self.env["kam.scorecard.engine"]._cron_compute_scorecards()
        self.assertTrue(self.account.scorecard_date)
        with self.assertRaises(ValidationError):
            self.env["kam.moment.truth"].create(
                {
                    "account_id": self.account.id,
                    "name": "Tomorrow",
                    "date": fields.Date.add(self.today, days=1),
                }
            )

    def test_bad_area_weights_refused(self):
        weights = {
            "kam_health_weight_sales": 0.0,
            "kam_health_weight_opportunities": 0.0,
            "kam_health_weight_relationships": 0.0,
            "kam_health_weight_satisfaction": 0.0,
            "kam_health_weight_alerts": 0.0,
        }
        with self.assertRaisesText(ValidationError, "greater than zero"):
            self.company.write(weights)
        with self.assertRaisesText(ValidationError, "between 0 and 100"):
            self.company.write({"kam_health_weight_sales": -5.0})
        with self.assertRaisesText(ValidationError, "lower than"):
            self.company.write(
                {"kam_health_green_from": 30.0, "kam_health_amber_from": 60.0}
            )
        self.assertEqual(self.company.kam_health_weight_sales, 30.0)
