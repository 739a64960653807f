from datetime import datetime, time, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestKamWorkload(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.kam_max_accounts_per_kam = 4
        cls.accounts_1 = cls.env["kam.account"]
        for index in range(5):
            partner = cls._create_customer(f"Workload Customer {index}")
            cls.accounts_1 |= cls._create_account(
                partner, is_key_account=True, kam_user_id=cls.kam_1.id
            )
        # Figures the classification and the scorecard store.
        for index, account in enumerate(cls.accounts_1):
            account.sudo().write(
                {"revenue": 1000.0 * (index + 1), "health_score": 20.0 * (index + 1)}
            )
        # The scorecard has not run for the last one: no health.
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE kam_account SET health_score = NULL WHERE id = %s",
            [cls.accounts_1[-1].id],
        )
        cls.env["kam.account"].invalidate_model(["health_score"])
        cls.account_2 = cls._create_account(
            cls._create_customer("Second KAM Customer"),
            is_key_account=True,
            kam_user_id=cls.kam_2.id,
        )
        cls.account_2.sudo().revenue = 500.0
        # Not a key account: not in the portfolio.
        cls._create_account(
            cls._create_customer("Plain Customer"), kam_user_id=cls.kam_2.id
        ).sudo().revenue = 99999.0

        Plan = cls.env["kam.account.plan"]
        start = cls.today - timedelta(days=200)
        plan_values = {"date_start": start, "date_end": start + timedelta(days=364)}
        # Review overdue; review done; review in the future.
        cls.plan_overdue = Plan.create(
            dict(
                plan_values,
                account_id=cls.accounts_1[0].id,
                review_date=cls.today - timedelta(days=3),
            )
        )
        Plan.create(
            dict(
                plan_values,
                account_id=cls.accounts_1[1].id,
                review_date=cls.today + timedelta(days=30),
            )
        )
        # An active plan past its end.
        past = Plan.create(
            {
                "account_id": cls.accounts_1[2].id,
                "date_start": cls.today - timedelta(days=500),
                "date_end": cls.today - timedelta(days=10),
                "review_date": cls.today + timedelta(days=30),
            }
        )
        past.sudo().write({"state": "active"})
        Action = cls.env["kam.plan.action"]
        Action.create(
            [
                {
                    "plan_id": cls.plan_overdue.id,
                    "name": "Late call",
                    "owner_id": cls.kam_1.id,
                    "date_deadline": cls.today - timedelta(days=2),
                },
                {
                    "plan_id": cls.plan_overdue.id,
                    "name": "Next call",
                    "owner_id": cls.kam_1.id,
                    "date_deadline": cls.today + timedelta(days=2),
                },
            ]
        )
        done = Action.create(
            {
                "plan_id": cls.plan_overdue.id,
                "name": "Done call",
                "owner_id": cls.kam_1.id,
                "date_deadline": cls.today - timedelta(days=5),
            }
        )
        done.action_done()

    def _line(self, user, env=None):
        env = env or self.env
        return env["kam.workload.report"].search(
            [("kam_user_id", "=", user.id), ("company_id", "=", self.company.id)]
        )

    def test_workload_figures(self):
        line = self._line(self.kam_1)
        self.assertEqual(len(line), 1)
        self.assertEqual(line.account_count, 5)
        self.assertEqual(line.max_accounts, 4)
        self.assertEqual(line.free_capacity, -1)
        self.assertTrue(line.over_capacity)
        self.assertEqual(line.revenue, 15000.0)
        # 20, 40, 60, 80 (the fifth has no scorecard).
        self.assertAlmostEqual(line.health_avg, 50.0)
        self.assertAlmostEqual(line.health_min, 20.0)
        self.assertEqual(line.health_count, 4)
        # The overdue review and the active plan past its end.
        self.assertEqual(line.overdue_plan_count, 2)
        self.assertEqual(line.overdue_action_count, 1)

        line_2 = self._line(self.kam_2)
        self.assertEqual(line_2.account_count, 1)
        self.assertFalse(line_2.over_capacity)
        self.assertEqual(line_2.revenue, 500.0)
        self.assertEqual(line_2.free_capacity, 3)
        self.assertEqual(line_2.overdue_plan_count, 0)

    def test_kam_without_accounts_listed_directors_not(self):
        kam_3 = self._create_user(
            "kam_three", "Kim Third", "kam_management.group_kam_user"
        )
        line = self._line(kam_3)
        self.assertEqual(line.account_count, 0)
        self.assertEqual(line.free_capacity, 4)
        # A director without accounts is not a KAM of the report.
        self.assertFalse(self._line(self.director))

    def test_setting_changes_the_maximum(self):
        self.company.kam_max_accounts_per_kam = 6
        line = self._line(self.kam_1)
        self.assertEqual(line.max_accounts, 6)
        self.assertFalse(line.over_capacity)

    def test_workload_access(self):
        env_1 = self.env(user=self.kam_1)
        lines = env_1["kam.workload.report"].search([])
        self.assertEqual(lines.kam_user_id, self.kam_1)
        self.assertFalse(self._line(self.kam_2, env_1))
        env_d = self.env(user=self.director)
        self.assertEqual(
            set(self._line(self.kam_2, env_d).mapped("account_count")), {1}
        )
        self.assertTrue(self._line(self.kam_1, env_d))


@tagged("post_install", "-at_install")
class TestKamTimeAllocation(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.account = cls._create_account(
            cls._create_customer("Time Customer"),
            is_key_account=True,
            kam_user_id=cls.kam_1.id,
        )
        ActivityType = cls.env["mail.activity.type"]
        cls.type_selling = ActivityType.create(
            {
                "name": "Test sales call",
                "kam_time_category": "selling",
                "kam_duration_hours": 1.5,
            }
        )
        cls.type_reporting = ActivityType.create(
            {
                "name": "Test report",
                "kam_time_category": "reporting",
                "kam_duration_hours": 1.0,
            }
        )
        cls.type_none = ActivityType.create({"name": "Test uncategorised"})
        cls.type_meeting = ActivityType.create(
            {
                "name": "Test meeting type",
                "category": "meeting",
                "kam_time_category": "relationships",
                "kam_duration_hours": 5.0,
            }
        )

    def _done(self, activity_type, user, count=1):
        self.account.message_subscribe(partner_ids=user.partner_id.ids)
        activities = self.env["mail.activity"].create(
            [
                {
                    "activity_type_id": activity_type.id,
                    "res_model_id": self.env["ir.model"]._get_id("kam.account"),
                    "res_id": self.account.id,
                    "user_id": user.id,
                    "date_deadline": self.today,
                }
                for _index in range(count)
            ]
        )
        activities.with_user(user).action_feedback(feedback="done")

    def _meeting(self, users, category, hours, days_ago=1, **values):
        """A meeting ``users`` accepted (only accepted meetings count)."""
        start = datetime.combine(self.today - timedelta(days=days_ago), time(9))
        event = (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                dict(
                    {
                        "name": f"Meeting {category}",
                        "start": start,
                        "stop": start + timedelta(hours=hours),
                        "partner_ids": [Command.set(users.partner_id.ids)],
                        "kam_time_category": category,
                    },
                    **values,
                )
            )
        )
        event.attendee_ids.state = "accepted"
        return event

    def _report(self, user=None, **values):
        env = self.env(user=user) if user else self.env
        wizard = env["kam.time.allocation"].create(
            dict(
                {
                    "date_from": self.today - timedelta(days=30),
                    "date_to": self.today,
                    "user_ids": [Command.set(self.kam_1.ids)],
                },
                **values,
            )
        )
        wizard.action_compute()
        return wizard

    def _lines(self, wizard, user=None):
        return {
            line.category: line
            for line in wizard.line_ids
            if line.user_id == (user or self.kam_1)
        }

    def test_time_figures_against_reference(self):
        # 3 sales calls of 1.5 h = 4.5 h; 1 report = 1 h.
        self._done(self.type_selling, self.kam_1, 3)
        self._done(self.type_reporting, self.kam_1)
        # Not counted: no KAM activity; meeting kind (its meeting counts);
        # done by someone else.
        self._done(self.type_none, self.kam_1)
        self._done(self.type_meeting, self.kam_1)
        self._done(self.type_selling, self.kam_2, 2)
        # Meetings: 2.5 h of relationships attended, 2 h of training.
        self._meeting(self.kam_1 | self.kam_2, "relationships", 2.5)
        self._meeting(self.kam_1, "training", 2.0, days_ago=10)
        # Not counted: declined, outside the period, without a category.
        declined = self._meeting(self.kam_1, "selling", 3.0)
        declined.attendee_ids.filtered(
            lambda a: a.partner_id == self.kam_1.partner_id
        ).state = "declined"
        self._meeting(self.kam_1, "selling", 4.0, days_ago=45)
        self._meeting(self.kam_1, False, 4.0)

        wizard = self._report(tolerance=5.0)
        lines = self._lines(wizard)
        self.assertEqual(len(lines), 9)
        # Total 4.5 + 1 + 2.5 + 2 = 10 h.
        self.assertAlmostEqual(lines["selling"].hours, 4.5)
        self.assertEqual(lines["selling"].activity_count, 3)
        self.assertAlmostEqual(lines["selling"].actual_pct, 45.0)
        self.assertAlmostEqual(lines["selling"].reference_pct, 10.0)
        self.assertAlmostEqual(lines["selling"].difference, 35.0)
        self.assertEqual(lines["selling"].deviation, "over")
        self.assertAlmostEqual(lines["relationships"].hours, 2.5)
        self.assertAlmostEqual(lines["relationships"].meeting_hours, 2.5)
        self.assertAlmostEqual(lines["relationships"].actual_pct, 25.0)
        self.assertEqual(lines["relationships"].deviation, "ok")
        self.assertAlmostEqual(lines["reporting"].actual_pct, 10.0)
        self.assertAlmostEqual(lines["training"].actual_pct, 20.0)
        self.assertEqual(lines["training"].deviation, "over")
        self.assertAlmostEqual(lines["negotiation"].actual_pct, 0.0)
        self.assertEqual(lines["negotiation"].deviation, "under")
        self.assertAlmostEqual(sum(line.actual_pct for line in lines.values()), 100.0)

    def test_pivot_totals_are_shares_of_the_totals(self):
        """The pivot's total row and columns: hours over the KAMs' counted
        hours, not the mean of the lines' percentages."""
        self._done(self.type_selling, self.kam_1, 3)  # kam_1: 4.5 h selling
        self._done(self.type_reporting, self.kam_1)  # 1 h reporting
        self._done(self.type_selling, self.kam_2, 2)  # kam_2: 3 h selling
        wizard = self._report(user_ids=[Command.set((self.kam_1 | self.kam_2).ids)])
        Line = self.env["kam.time.allocation.line"]
        domain = [("wizard_id", "=", wizard.id)]
        measures = ["actual_pct:avg", "reference_pct:avg", "difference:avg"]
        (total,) = Line.read_group(domain, measures, [])
        self.assertAlmostEqual(total["actual_pct"], 100.0)
        self.assertAlmostEqual(total["reference_pct"], 100.0)
        by_category = {
            g["category"]: g for g in Line.read_group(domain, measures, ["category"])
        }
        # Selling: 7.5 h of the 8.5 h the two KAMs counted.
        self.assertAlmostEqual(by_category["selling"]["actual_pct"], 7.5 / 8.5 * 100)
        self.assertAlmostEqual(by_category["selling"]["reference_pct"], 10.0)
        self.assertAlmostEqual(
            by_category["selling"]["difference"], 7.5 / 8.5 * 100 - 10.0
        )
        by_kam = {
            g["user_id"][0]: g for g in Line.read_group(domain, measures, ["user_id"])
        }
        self.assertAlmostEqual(by_kam[self.kam_2.id]["actual_pct"], 100.0)

    def test_all_day_meeting_and_other_reference(self):
        start = self.today - timedelta(days=3)
        self.env["calendar.event"].with_context(no_mail_to_attendees=True).create(
            {
                "name": "Two-day training",
                "allday": True,
                "start_date": start,
                "stop_date": start + timedelta(days=1),
                "start": start,
                "stop": start + timedelta(days=1),
                "partner_ids": [Command.set(self.kam_1.partner_id.ids)],
                "kam_time_category": "training",
                # Organised by the KAM: counts without an answer.
                "user_id": self.kam_1.id,
            }
        )
        self.company.write(
            {
                "kam_time_ref_training": 25.0,
                "kam_time_ref_other": 0.0,
                "kam_time_ref_selling": 5.0,
                "kam_time_ref_reporting": 5.0,
            }
        )
        lines = self._lines(self._report())
        self.assertAlmostEqual(lines["training"].hours, 16.0)
        self.assertAlmostEqual(lines["training"].actual_pct, 100.0)
        self.assertAlmostEqual(lines["training"].reference_pct, 25.0)

    def test_no_time_recorded(self):
        lines = self._lines(self._report())
        self.assertEqual({line.deviation for line in lines.values()}, {"none"})

    def test_profile_must_total_100(self):
        with self.assertRaisesText(ValidationError, "must total 100%"):
            self.company.write({"kam_time_ref_other": 20.0})
        settings = (
            self.env(user=self.director)["kam.settings"]
            .with_company(self.company)
            .create({"company_id": self.company.id})
        )
        self.assertAlmostEqual(settings.kam_time_ref_total, 100.0)
        settings.write({"kam_time_ref_selling": 30.0, "kam_time_ref_other": 0.0})
        with self.assertRaisesText(ValidationError, "totals 110%"):
            settings.action_save()
        self.assertEqual(self.company.kam_time_ref_selling, 10.0)
        settings.write({"kam_time_ref_relationships": 10.0})
        settings.action_save()
        self.assertEqual(self.company.kam_time_ref_selling, 30.0)
        with self.assertRaisesText(ValidationError, "between 0 and 100%"):
            self.company.write(
                {"kam_time_ref_selling": 110.0, "kam_time_ref_negotiation": -30.0}
            )

    def test_bad_input(self):
        with self.assertRaisesText(UserError, "must start before it ends"):
            self._report(date_from=self.today, date_to=self.today - timedelta(days=1))
        with self.assertRaisesText(UserError, "at most"):
            self._report(date_from=self.today - timedelta(days=2000))
        with self.assertRaisesText(UserError, "tolerance"):
            self._report(tolerance=-1.0)
        with self.assertRaisesText(UserError, "at least one"):
            self._report(user_ids=[Command.clear()])
        with self.assertRaisesText(ValidationError, "between 0 and 24"):
            self.type_selling.kam_duration_hours = 30.0

    def test_kam_sees_own_time_only(self):
        self._done(self.type_selling, self.kam_1)
        wizard = self._report(user=self.kam_1)
        self.assertEqual(wizard.line_ids.user_id, self.kam_1)
        default = self.env(user=self.kam_1)["kam.time.allocation"].create({})
        self.assertEqual(default.user_ids, self.kam_1)
        with self.assertRaises(AccessError):
            self._report(user=self.kam_1, user_ids=[Command.set(self.kam_2.ids)])
        # Another user's report and lines stay out of reach.
        self.assertFalse(
            self.env(user=self.kam_2)["kam.time.allocation.line"].search(
                [("wizard_id", "=", wizard.id)]
            )
        )
        # A director compares several KAMs.
        self._done(self.type_reporting, self.kam_2)
        wizard = self._report(
            user=self.director, user_ids=[Command.set((self.kam_1 | self.kam_2).ids)]
        )
        self.assertEqual(wizard.line_ids.user_id, self.kam_1 | self.kam_2)
        self.assertAlmostEqual(
            self._lines(wizard, self.kam_2)["reporting"].actual_pct, 100.0
        )
