from datetime import date, timedelta

from dateutil.relativedelta import relativedelta
from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import Form, tagged

from ..compat import SALE_LINE_TAXES_FIELD
from .common import KamCommon


@tagged("post_install", "-at_install")
class TestAccountPlan(KamCommon):
    """Account plans: states, figures, actions, agreements, reminders, rights.

    ========== ====== ================ ========================================
    account    KAM    team             plan
    ========== ====== ================ ========================================
    account    kam_1  kam_3 (logist.)  ``plan``: started 364 days ago, 18 months
    other      kam_2                   ``plan_other``
    ========== ====== ================ ========================================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kam_3 = cls._create_user(
            "kam_three", "Kai Third", "kam_management.group_kam_user"
        )
        cls.customer = cls._create_customer("Plan Customer")
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Plan Customer Buyer", "parent_id": cls.customer.id}
        )
        cls.account = cls._create_account(
            cls.customer,
            is_key_account=True,
            kam_user_id=cls.kam_1.id,
            wallet_estimate=100000.0,
        )
        cls.env["kam.team.member"].create(
            {
                "account_id": cls.account.id,
                "user_id": cls.kam_3.id,
                "function": "logistics",
            }
        )
        cls.other_customer = cls._create_customer("Other Plan Customer")
        cls.other_account = cls._create_account(
            cls.other_customer, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls.plan_start = cls.today - timedelta(days=364)
        cls.plan = cls._create_plan(cls.account)
        cls.plan_other = cls._create_plan(cls.other_account)
        cls.Plan = cls.env["kam.account.plan"]
        cls.satisfaction = cls.env.ref("kam_management.criterion_satisfaction")

    @classmethod
    def _create_plan(cls, account, **values):
        start = values.pop("date_start", cls.today - timedelta(days=364))
        return cls.env["kam.account.plan"].create(
            dict(
                {
                    "account_id": account.id,
                    "date_start": start,
                    "date_end": start + relativedelta(months=18, days=-1),
                },
                **values,
            )
        )

    def setUp(self):
        super().setUp()
        # Access checks must not be answered from the superuser's cache.
        self.env.invalidate_all()

    def _objective(self, kpi, target, plan=None, **values):
        return self.env["kam.plan.objective"].create(
            dict(
                {
                    "plan_id": (plan or self.plan).id,
                    "name": f"Objective {kpi}",
                    "kpi": kpi,
                    "target": target,
                },
                **values,
            )
        )

    def _action(self, owner, plan=None, **values):
        return self.env["kam.plan.action"].create(
            dict(
                {
                    "plan_id": (plan or self.plan).id,
                    "name": "Call the buyer",
                    "owner_id": owner.id,
                    "date_deadline": self.today + timedelta(days=7),
                },
                **values,
            )
        )

    def _agreement(self, days_to_end, account=None, **values):
        return self.env["kam.agreement"].create(
            dict(
                {
                    "account_id": (account or self.account).id,
                    "name": f"Agreement ending in {days_to_end} days",
                    "date_start": self.today - timedelta(days=100),
                    "date_end": self.today + timedelta(days=days_to_end),
                },
                **values,
            )
        )

    def _open_activities(self, record, xmlid):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", record._name),
                ("res_id", "=", record.id),
                ("activity_type_id", "=", self.env.ref(xmlid).id),
            ]
        )

    # ------------------------------------------------------------------
    # The plan and its states
    # ------------------------------------------------------------------
    def test_defaults_and_name(self):
        plan = self.Plan.create({"account_id": self.account.id})
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.date_start, self.today.replace(day=1))
        self.assertEqual(
            plan.date_end, plan.date_start + relativedelta(months=18, days=-1)
        )
        self.assertEqual(plan.review_date, plan.date_start + relativedelta(months=3))
        self.assertEqual(
            plan.name,
            f"Plan Customer {plan.date_start.year}-{plan.date_end.year}",
        )
        self.assertEqual(plan.kam_user_id, self.kam_1)
        self.assertEqual(plan.company_id, self.company)
        self.assertEqual(plan.partner_id, self.customer)

    def test_state_machine_and_director_approval(self):
        # As if the plan had been created in an earlier transaction: mail
        # does not track the changes of the transaction creating a record.
        self.env.flush_all()
        self.env.cr.precommit.run()
        plan = self.plan.with_user(self.kam_1)
        plan.action_submit()
        self.assertEqual(plan.state, "submitted")
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.plan.invalidate_recordset(["message_ids"])
        self.assertEqual(
            self.plan.message_ids.tracking_value_ids.field_id.mapped("name"),
            ["state"],
        )
        with self.assertRaisesText(UserError, "Only a Key Account Director"):
            plan.action_approve()
        with self.assertRaisesText(AccessError, "set by the application"):
            plan.write({"state": "approved"})
        with self.assertRaises(UserError):
            plan.action_activate()
        self.assertEqual(self.plan.state, "submitted")
        self.plan.with_user(self.director).action_approve()
        self.assertEqual(plan.state, "approved")
        plan.action_activate()
        self.assertEqual(plan.state, "active")
        with self.assertRaises(UserError):
            plan.action_submit()
        plan.action_close()
        self.assertEqual(plan.state, "closed")
        plan.action_reset_draft()
        self.assertEqual(plan.state, "draft")

    def test_plan_form(self):
        """The KAM fills a plan in through its form, as in the browser."""
        with Form(self.Plan.with_user(self.kam_1)) as form:
            form.account_id = self.account
            self.assertEqual(form.kam_user_id, self.kam_1)
            self.assertEqual(form.team_user_ids[:], self.kam_1 | self.kam_3)
            form.strengths = "Strong brand"
            with form.objective_ids.new() as objective:
                objective.name = "Revenue"
                objective.kpi = "revenue"
                objective.target = 1000.0
            with form.objective_ids.new() as objective:
                objective.name = "New stores opened"
                objective.kpi = "custom"
                objective.target = 4.0
                objective.actual = 3.0
            with form.action_ids.new() as action:
                action.name = "Meet the logistics director"
                action.owner_id = self.kam_3
                self.assertEqual(action.function, "logistics")
            # Owned by the creator, whom mail subscribes to the new plan too.
            with form.action_ids.new() as action:
                action.name = "Prepare the business review"
                action.owner_id = self.kam_1
        plan = form.save()
        self.assertEqual(plan.state, "draft")
        self.assertEqual(plan.objective_ids.mapped("target"), [1000.0, 4.0])
        self.assertEqual(plan.objective_ids.mapped("actual_manual"), [0.0, 3.0])
        self.assertEqual(plan.objective_ids[1].achieved_pct, 75.0)
        self.assertEqual(
            plan.action_ids.activity_id.user_id.sorted("id"),
            (self.kam_1 | self.kam_3).sorted("id"),
        )
        self.assertIn(self.kam_1.partner_id, plan.message_partner_ids)
        self.assertEqual(plan.revenue_target, 1000.0)
        with Form(self.account.with_user(self.kam_1)) as account_form:
            self.assertEqual(account_form.plan_count, 2)

    def test_kam_cannot_create_an_approved_plan(self):
        for state in ("active", "approved", "submitted"):
            with self.assertRaisesText(AccessError, "set by the application"):
                self.Plan.with_user(self.kam_1).create(
                    {"account_id": self.account.id, "state": state}
                )
        plan = self.Plan.with_user(self.kam_1).create({"account_id": self.account.id})
        self.assertEqual(plan.state, "draft")

    def test_one_active_plan_per_account(self):
        self.plan.write({"state": "active"})
        second = self._create_plan(
            self.account, date_start=self.plan.date_end + timedelta(days=1)
        )
        second.write({"state": "approved"})
        with self.assertRaisesText(ValidationError, "already has an active"):
            second.action_activate()
        self.assertEqual(second.state, "approved")
        self.plan.action_close()
        second.action_activate()
        self.assertEqual(second.state, "active")

    def test_bad_dates(self):
        with self.assertRaisesText(ValidationError, "must end after it starts"):
            self._create_plan(self.account, date_end=self.today - timedelta(days=400))
        with self.assertRaisesText(ValidationError, "must end after it starts"):
            self.plan.write({"date_end": self.plan.date_start})
        self.assertEqual(
            self.plan.date_end,
            self.plan_start + relativedelta(months=18, days=-1),
        )

    def test_period_warning(self):
        plan = self.Plan.new(
            {
                "account_id": self.account.id,
                "date_start": self.today,
                "date_end": self.today + relativedelta(months=6),
            }
        )
        warning = plan._onchange_period()
        self.assertIn("12 to 18 months", warning["warning"]["message"])
        plan.date_end = self.today + relativedelta(months=12, days=-1)
        self.assertIsNone(plan._onchange_period())
        plan.date_end = self.today + relativedelta(months=18, days=-1)
        self.assertIsNone(plan._onchange_period())
        plan.date_end = self.today + relativedelta(months=24)
        self.assertTrue(plan._onchange_period())

    def test_plan_needs_a_key_account(self):
        account = self._create_account(self._create_customer("Small Customer"))
        with self.assertRaisesText(ValidationError, "is not a key account"):
            self._create_plan(account)
        self.assertFalse(self.Plan.search([("account_id", "=", account.id)]))

    def test_classification_beside_the_plan(self):
        self.env.cr.execute(
            "UPDATE kam_account SET quadrant = 'invest', pareto_class = 'a', "
            "potential_score = 80, position_score = 70 WHERE id = %s",
            [self.account.id],
        )
        self.env.invalidate_all()
        self.assertEqual(self.plan.quadrant, "invest")
        self.assertEqual(self.plan.pareto_class, "a")
        self.assertEqual(self.plan.potential_score, 80)
        self.assertIn("mine of future growth", self.plan.strategy)
        self.assertIn(self.plan, self.Plan.search([("quadrant", "=", "invest")]))

    # ------------------------------------------------------------------
    # Objectives
    # ------------------------------------------------------------------
    def test_objective_actuals_from_invoices(self):
        self._post_invoice(self.customer, 1000.0, days_ago=30)
        self._post_invoice(
            self.buyer, 500.0, days_ago=10, product=self.product_low_margin
        )
        self._post_refund(self.customer, 200.0, days_ago=5)
        # Before the plan, of another customer or in another company: left out.
        self._post_invoice(self.customer, 9000.0, days_ago=400)
        self._post_invoice(
            self.customer, 3000.0, days_ago=15, company=self.main_company
        )
        self._post_invoice(self.other_customer, 7000.0, days_ago=20)
        revenue = self._objective("revenue", 2600.0)
        margin = self._objective("gross_margin", 840.0)
        wallet = self._objective("share_of_wallet", 2.6)
        other = self._objective("revenue", 14000.0, plan=self.plan_other)
        objectives = revenue | margin | wallet | other
        objectives.invalidate_recordset()
        # revenue 1000 + 500 - 200; cost 10 x 60 + 5 x 80 - 2 x 60
        self.assertAlmostEqual(revenue.actual, 1300.0)
        self.assertAlmostEqual(revenue.achieved_pct, 50.0)
        self.assertAlmostEqual(margin.actual, 1300.0 - 880.0)
        self.assertAlmostEqual(margin.achieved_pct, 50.0)
        # 365 days elapsed: the annualised revenue is the revenue.
        self.assertAlmostEqual(wallet.actual, 1.3)
        self.assertAlmostEqual(wallet.achieved_pct, 50.0)
        self.assertAlmostEqual(other.actual, 7000.0)
        self.assertAlmostEqual(other.achieved_pct, 50.0)
        self.assertAlmostEqual(self.plan.revenue_target, 2600.0)

    def test_share_of_wallet_is_annualised(self):
        plan = self._create_plan(
            self.other_account, date_start=self.today - timedelta(days=72)
        )
        self._post_invoice(self.other_customer, 1000.0, days_ago=5)
        self.other_account.wallet_estimate = 50000.0
        wallet = self._objective("share_of_wallet", 10.0, plan=plan)
        # 1000 in 73 days is 5000 a year, 10% of 50000.
        self.assertAlmostEqual(wallet.actual, 10.0)
        self.other_account.wallet_estimate = 0.0
        wallet.invalidate_recordset()
        self.assertEqual(wallet.actual, 0.0)

    def test_ordered_from_confirmed_sale_orders(self):
        def order(amount):
            return (
                self.env["sale.order"]
                .with_company(self.company)
                .create(
                    {
                        "partner_id": self.buyer.id,
                        "company_id": self.company.id,
                        "order_line": [
                            Command.create(
                                {
                                    "product_id": self.product.id,
                                    "product_uom_qty": amount / 100.0,
                                    "price_unit": 100.0,
                                    SALE_LINE_TAXES_FIELD: [],
                                }
                            )
                        ],
                    }
                )
            )

        confirmed = order(300.0)
        confirmed.action_confirm()
        order(500.0)  # a quotation: not ordered
        revenue = self._objective("revenue", 1000.0)
        margin = self._objective("gross_margin", 1000.0)
        self.assertEqual(confirmed.state, "sale")
        self.assertAlmostEqual(revenue.ordered, 300.0)
        self.assertAlmostEqual(revenue.actual, 0.0)
        self.assertEqual(margin.ordered, 0.0)

    def test_satisfaction_from_assessments(self):
        self._assess(self.account, 4, self.satisfaction, days_ago=20, user=self.kam_1)
        self._assess(self.account, 2, self.satisfaction, days_ago=5, user=self.kam_1)
        self._assess(self.account, 5, self.satisfaction, days_ago=10, user=self.kam_3)
        self._assess(self.account, 1, self.criterion_main, days_ago=1)
        satisfaction = self._objective("satisfaction", 4.0)
        # Latest of each assessor: 2 (kam_1) and 5 (kam_3).
        self.assertAlmostEqual(satisfaction.actual, 3.5)
        self.assertAlmostEqual(satisfaction.achieved_pct, 87.5)

    def test_custom_kpi(self):
        custom = self._objective("custom", 10.0, actual_manual=7.0)
        self.assertEqual(custom.actual, 7.0)
        self.assertAlmostEqual(custom.achieved_pct, 70.0)
        self.assertEqual(self._objective("custom", 0.0).achieved_pct, 0.0)

    def test_bad_targets(self):
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self._objective("revenue", -1.0)
        with self.assertRaisesText(ValidationError, "cannot be negative"):
            self._objective("gross_margin", -5.0)
        with self.assertRaisesText(ValidationError, "from 1 to 5"):
            self._objective("satisfaction", 6.0)
        self.assertFalse(self.plan.objective_ids)
        # A custom KPI may go down.
        self.assertTrue(self._objective("custom", -3.0))

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def test_action_schedules_an_activity(self):
        action = self._action(self.kam_3)
        activity = action.activity_id
        self.assertTrue(activity)
        self.assertEqual(activity.user_id, self.kam_3)
        self.assertEqual(activity.res_model, "kam.account.plan")
        self.assertEqual(activity.res_id, self.plan.id)
        self.assertEqual(activity.summary, "Call the buyer")
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=7))
        self.assertEqual(
            activity.activity_type_id, self.env.ref("mail.mail_activity_data_todo")
        )
        self.assertEqual(action.function, "logistics")
        self.assertEqual(self._action(self.kam_1).function, "kam")
        action.write({"date_deadline": self.today + timedelta(days=9), "name": "Visit"})
        self.assertEqual(activity.date_deadline, self.today + timedelta(days=9))
        self.assertEqual(activity.summary, "Visit")

    def test_activity_done_marks_action_done(self):
        action = self._action(self.kam_3)
        action.activity_id.with_user(self.kam_3).action_feedback(feedback="Done")
        self.assertEqual(action.state, "done")
        self.assertFalse(self._still_open(action.activity_id))

    def test_action_done_marks_activity_done(self):
        action = self._action(self.kam_3)
        activity = action.activity_id
        action.with_user(self.kam_3).action_done()
        self.assertEqual(action.state, "done")
        self.assertFalse(self._still_open(activity))
        self.assertTrue(
            self.plan.message_ids.filtered(
                lambda m: (
                    m.mail_activity_type_id
                    == self.env.ref("mail.mail_activity_data_todo")
                )
            )
        )

    def test_action_cancel_and_back(self):
        action = self._action(self.kam_1)
        activity = action.activity_id
        action.action_cancel()
        self.assertEqual(action.state, "cancelled")
        self.assertFalse(activity.exists())
        action.action_reset_todo()
        self.assertEqual(action.state, "todo")
        self.assertTrue(action.activity_id)
        activity = action.activity_id
        action.unlink()
        self.assertFalse(activity.exists())

    def test_action_owner_outside_team(self):
        with self.assertRaisesText(ValidationError, "neither the KAM nor"):
            self._action(self.kam_2)
        action = self._action(self.kam_1)
        with self.assertRaisesText(ValidationError, "neither the KAM nor"):
            action.owner_id = self.director
        self.assertEqual(len(self.plan.action_ids), 1)

    # ------------------------------------------------------------------
    # Agreements
    # ------------------------------------------------------------------
    def test_agreement_states(self):
        future = self._agreement(
            300, date_start=self.today + timedelta(days=1), name="Future"
        )
        active = self._agreement(60)
        expiring = self._agreement(10)
        ends_today = self._agreement(0)
        expired = self._agreement(-1)
        open_ended = self._agreement(5, date_end=False)
        self.assertEqual(future.state, "future")
        self.assertEqual(active.state, "active")
        self.assertEqual(expiring.state, "expiring")
        self.assertEqual(ends_today.state, "expiring")
        self.assertEqual(expired.state, "expired")
        self.assertEqual(open_ended.state, "active")
        self.company.kam_agreement_notice_days = 5
        self.assertEqual(expiring.state, "active")
        self.company.kam_agreement_notice_days = 90
        self.assertEqual(active.state, "expiring")
        self.assertEqual(
            self.plan.agreement_ids,
            future | active | expiring | ends_today | expired | open_ended,
        )

    def test_agreement_bad_dates(self):
        with self.assertRaisesText(ValidationError, "cannot end"):
            self._agreement(-200)
        agreement = self._agreement(10)
        with self.assertRaisesText(ValidationError, "cannot end"):
            agreement.date_end = self.today - timedelta(days=101)
        with self.assertRaises(ValidationError):
            self.company.kam_agreement_notice_days = -1

    def test_agreement_cron_once(self):
        expiring = self._agreement(10)
        later = self._agreement(60)
        # The state is stored: a day later the cron finds it expiring.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE kam_agreement SET state = 'active' WHERE id = %s", [expiring.id]
        )
        self.env.invalidate_all()
        self.assertEqual(expiring.state, "active")
        self.Plan._cron_plan_reminders()
        self.assertEqual(expiring.state, "expiring")
        xmlid = "kam_management.mail_activity_type_agreement_expiring"
        activity = self._open_activities(expiring, xmlid)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.kam_1)
        self.assertEqual(activity.date_deadline, expiring.date_end)
        self.assertFalse(self._open_activities(later, xmlid))
        self.Plan._cron_plan_reminders()
        self.assertEqual(self._open_activities(expiring, xmlid), activity)
        # Done: no new reminder until the end date changes.
        activity.action_feedback()
        self.Plan._cron_plan_reminders()
        self.assertFalse(self._open_activities(expiring, xmlid))
        expiring.date_end = self.today + timedelta(days=20)
        self.Plan._cron_plan_reminders()
        self.assertEqual(len(self._open_activities(expiring, xmlid)), 1)

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    def test_review_cron_and_mark_reviewed(self):
        xmlid = "kam_management.mail_activity_type_plan_review"
        self.plan.write(
            {"state": "active", "review_date": self.today - timedelta(days=1)}
        )
        self.plan_other.write(
            {
                "state": "active",
                "review_date": self.today - timedelta(days=1),
                "last_review_date": self.today,
            }
        )
        self.assertTrue(self.plan.is_review_due)
        self.assertFalse(self.plan_other.is_review_due)
        due = self.Plan.search([("is_review_due", "=", True)])
        self.assertIn(self.plan, due)
        self.assertNotIn(self.plan_other, due)
        self.assertIn(
            self.plan_other, self.Plan.search([("is_review_due", "=", False)])
        )
        self.Plan._cron_plan_reminders()
        self.Plan._cron_plan_reminders()
        activity = self._open_activities(self.plan, xmlid)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.kam_1)
        self.assertFalse(self._open_activities(self.plan_other, xmlid))
        self.plan.with_user(self.kam_1).action_mark_reviewed()
        self.assertEqual(self.plan.last_review_date, self.today)
        self.assertEqual(self.plan.review_date, self.today + relativedelta(months=3))
        self.assertFalse(self.plan.is_review_due)
        self.assertFalse(self._still_open(activity))

    def test_review_activity_done_counts_as_review(self):
        xmlid = "kam_management.mail_activity_type_plan_review"
        self.plan.write(
            {"state": "active", "review_date": self.today - timedelta(days=1)}
        )
        self.Plan._cron_review_reminders()
        self._open_activities(self.plan, xmlid).with_user(self.kam_1).action_feedback()
        self.assertEqual(self.plan.last_review_date, self.today)
        self.assertFalse(self.plan.is_review_due)

    def test_reminders_in_the_kam_language(self):
        """The cron writes each reminder in its KAM's language, not its own."""
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])
        self.kam_1.lang = "es_ES"
        self.plan.write(
            {"state": "active", "review_date": self.today - timedelta(days=1)}
        )
        agreement = self._agreement(10)
        self.Plan.with_context(lang="en_US")._cron_plan_reminders()
        review = self._open_activities(
            self.plan, "kam_management.mail_activity_type_plan_review"
        )
        self.assertEqual(review.summary, f"Revisar el plan de cuenta {self.plan.name}")
        expiry = self._open_activities(
            agreement, "kam_management.mail_activity_type_agreement_expiring"
        )
        self.assertEqual(
            expiry.summary,
            f"El acuerdo {agreement.name} finaliza el "
            f"{agreement.date_end.strftime('%d/%m/%Y')}: renovarlo o renegociarlo",
        )

    def test_draft_plans_are_not_reviewed(self):
        self.plan.review_date = self.today - timedelta(days=1)
        self.Plan._cron_review_reminders()
        self.assertFalse(
            self._open_activities(
                self.plan, "kam_management.mail_activity_type_plan_review"
            )
        )

    # ------------------------------------------------------------------
    # Next period
    # ------------------------------------------------------------------
    def test_copy_to_next_period(self):
        competitors = self.env["kam.competitor"].create(
            [{"name": "Rival One"}, {"name": "Rival Two"}]
        )
        self.plan.write(
            {
                "state": "active",
                "date_start": date(2026, 1, 1),
                "date_end": date(2027, 6, 30),
                "strengths": "Brand",
                "why_us": "Service",
                "goals_three_years": "<p>Preferred supplier</p>",
                "history_achievements": "Contract renewed",
                "competitor_ids": [Command.set(competitors.ids)],
            }
        )
        self._objective("revenue", 5000.0)
        self._objective("custom", 8.0, actual_manual=6.0)
        self._action(self.kam_1)
        action = self.plan.action_copy_next_period()
        new = self.Plan.browse(action["res_id"])
        self.assertEqual(action["res_model"], "kam.account.plan")
        self.assertEqual(new.state, "draft")
        self.assertEqual(new.account_id, self.account)
        self.assertEqual(new.date_start, date(2027, 7, 1))
        self.assertEqual(new.date_end, date(2028, 12, 31))
        self.assertEqual(new.name, "Plan Customer 2027-2028")
        self.assertEqual(new.strengths, "Brand")
        self.assertEqual(new.why_us, "Service")
        self.assertEqual(new.history_achievements, "Contract renewed")
        self.assertIn("Preferred supplier", new.goals_three_years)
        self.assertEqual(new.competitor_ids, competitors)
        self.assertEqual(new.objective_ids.mapped("kpi"), ["revenue", "custom"])
        self.assertEqual(new.objective_ids.mapped("target"), [5000.0, 8.0])
        self.assertEqual(new.objective_ids.mapped("actual_manual"), [0.0, 0.0])
        self.assertFalse(new.action_ids)
        self.assertEqual(len(self.plan.action_ids), 1)

    # ------------------------------------------------------------------
    # Opportunities
    # ------------------------------------------------------------------
    def test_opportunity_values(self):
        def lead(amount, plan=None, partner=None):
            return self.env["crm.lead"].create(
                {
                    "name": f"Opportunity {amount}",
                    "type": "opportunity",
                    "partner_id": (partner or self.customer).id,
                    "company_id": self.company.id,
                    "expected_revenue": amount,
                    "kam_plan_id": (plan or self.plan).id,
                    "kam_opportunity_type": "line_extension",
                }
            )

        open_lead = lead(1000.0)
        lead(250.0, partner=self.buyer)
        won = lead(500.0)
        won.action_set_won()
        lost = lead(300.0)
        lost.action_set_lost()
        lead(4000.0, plan=self.plan_other, partner=self.other_customer)
        self._objective("revenue", 6000.0)
        self._objective("gross_margin", 2000.0)
        self.assertEqual(open_lead.kam_account_id, self.account)
        self.assertEqual(self.plan.pipeline_value, 1250.0)
        self.assertEqual(self.plan.won_value, 500.0)
        self.assertEqual(self.plan.opportunity_count, 3)
        self.assertEqual(self.plan.revenue_target, 6000.0)
        self.assertEqual(self.plan_other.pipeline_value, 4000.0)
        opportunities = self.env["crm.lead"].search(
            [("kam_account_id", "=", self.account.id)]
        )
        self.assertEqual(len(opportunities), 3)

    def test_opportunity_of_another_customer(self):
        with self.assertRaisesText(ValidationError, "is for"):
            self.env["crm.lead"].create(
                {
                    "name": "Wrong plan",
                    "type": "opportunity",
                    "partner_id": self.other_customer.id,
                    "kam_plan_id": self.plan.id,
                }
            )

    # ------------------------------------------------------------------
    # The key account
    # ------------------------------------------------------------------
    def test_account_with_plans_cannot_be_deleted(self):
        with self.assertRaisesText(UserError, "cannot be deleted"):
            self.account.with_user(self.director).unlink()
        self.assertTrue(self.account.exists())
        account = self._create_account(
            self._create_customer("No Plan"), is_key_account=True
        )
        self._agreement(30, account=account)
        with self.assertRaisesText(UserError, "have agreements"):
            account.unlink()
        free = self._create_account(self._create_customer("Free"))
        free.unlink()
        self.assertFalse(free.exists())

    def test_account_plans_button(self):
        account = self.account.with_user(self.kam_1)
        self.assertEqual(account.plan_count, 1)
        self.assertTrue(account.can_plan)
        action = account.action_new_plan()
        self.assertEqual(action["context"]["default_account_id"], self.account.id)
        self.assertEqual(
            account.action_view_plans()["domain"],
            [("account_id", "=", self.account.id)],
        )
        member_view = self.account.with_user(self.kam_3)
        self.assertFalse(member_view.can_plan)
        with self.assertRaisesText(UserError, "can start an account plan"):
            member_view.action_new_plan()
        self.assertTrue(self.other_account.with_user(self.director).can_plan)

    # ------------------------------------------------------------------
    # Access rights
    # ------------------------------------------------------------------
    def test_record_rules(self):
        objective = self._objective("revenue", 100.0)
        action = self._action(self.kam_3)
        agreement = self._agreement(60)
        plans = self.plan | self.plan_other
        self.assertEqual(
            self.Plan.with_user(self.kam_1).search([("id", "in", plans.ids)]),
            self.plan,
        )
        self.assertEqual(
            self.Plan.with_user(self.kam_3).search([("id", "in", plans.ids)]),
            self.plan,
        )
        self.assertEqual(
            self.Plan.with_user(self.kam_2).search([("id", "in", plans.ids)]),
            self.plan_other,
        )
        self.assertEqual(
            self.Plan.with_user(self.director).search([("id", "in", plans.ids)]),
            plans,
        )
        with self.assertRaises(AccessError):
            self.plan.with_user(self.kam_2).read(["name"])
        for record in (objective, action, agreement):
            with self.assertRaises(AccessError):
                record.with_user(self.kam_2).read(["name"])
            record.with_user(self.kam_3).read(["name"])
        # The team member works on the plan; nobody but a director deletes it.
        self.plan.with_user(self.kam_3).write({"strengths": "Written by the team"})
        with self.assertRaises(AccessError):
            self.plan.with_user(self.kam_1).unlink()
        with self.assertRaises(AccessError):
            self.Plan.with_user(self.kam_1).create(
                {"account_id": self.other_account.id}
            )
        own = self.Plan.with_user(self.kam_1).create({"account_id": self.account.id})
        own.with_user(self.director).unlink()

    def test_company_rules(self):
        self.kam_1.company_ids = [Command.link(self.main_company.id)]
        main_account = self._create_account(
            self._create_customer("Main Company Customer"),
            company=self.main_company,
            is_key_account=True,
            kam_user_id=self.kam_1.id,
        )
        plan = self._create_plan(main_account)
        self.assertEqual(plan.company_id, self.main_company)
        self.assertFalse(
            self.Plan.with_user(self.director).search([("id", "=", plan.id)])
        )

    def test_competitor_rights(self):
        competitor = (
            self.env["kam.competitor"]
            .with_user(self.kam_1)
            .create({"name": "New Rival", "website": "https://rival.example.com"})
        )
        self.assertEqual(competitor.company_id, self.company)
        with self.assertRaises(AccessError):
            competitor.write({"note": "Cheap"})
        competitor.with_user(self.director).write({"note": "Cheap"})
        self.assertEqual(competitor.note, "Cheap")

    def test_team_member_cannot_start_a_plan(self):
        """Only the account's KAM (or a director) starts a plan."""
        with self.assertRaises(UserError):
            self.Plan.with_user(self.kam_3).create({"account_id": self.account.id})
        plan = self.Plan.with_user(self.director).create(
            {"account_id": self.account.id}
        )
        self.assertEqual(plan.state, "draft")

    def test_opportunity_needs_access_to_the_plan(self):
        """Nobody links an opportunity to a plan they cannot read."""
        with self.assertRaises(AccessError):
            self.env["crm.lead"].with_user(self.kam_2).create(
                {
                    "name": "Foreign plan opportunity",
                    "type": "opportunity",
                    "partner_id": self.customer.id,
                    "kam_plan_id": self.plan.id,
                }
            )
