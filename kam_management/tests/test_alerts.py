from datetime import timedelta

from dateutil.relativedelta import relativedelta
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestAlerts(KamCommon):
    """Alert rules raise once, do not duplicate, resolve and come back.

    ========== ====== ========================================================
    account    KAM    what the tests give it
    ========== ====== ========================================================
    account    kam_1  invoices, contacts, plans, assessments of each test
    other      kam_2  an invoice 60 days overdue (raised by every full check)
    ========== ====== ========================================================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("Alert Customer")
        cls.account = cls._create_account(
            cls.customer, is_key_account=True, kam_user_id=cls.kam_1.id
        )
        cls.other_customer = cls._create_customer("Other Alert Customer")
        cls.other_account = cls._create_account(
            cls.other_customer, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls.Alert = cls.env["kam.alert"]
        cls.rule_overdue = cls.env.ref("kam_management.alert_rule_overdue_invoice")
        cls.rule_revenue = cls.env.ref("kam_management.alert_rule_revenue_drop")
        cls.rule_rhythm = cls.env.ref("kam_management.alert_rule_order_rhythm")
        cls.rule_contact = cls.env.ref("kam_management.alert_rule_contact_stale")
        cls.rule_objective = cls.env.ref(
            "kam_management.alert_rule_objective_off_track"
        )
        cls.rule_stale = cls.env.ref("kam_management.alert_rule_stale_assessment")
        cls.other_invoice = cls._post_overdue(cls.other_customer, 5000.0, 60)

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    @classmethod
    def _post_overdue(cls, partner, amount, days_overdue):
        vals = cls._invoice_vals(partner, amount, days_ago=days_overdue + 30)
        vals["invoice_date_due"] = cls.today - timedelta(days=days_overdue)
        return cls._post_invoices([vals])

    def _evaluate(self, accounts=None):
        return self.Alert._kam_evaluate(accounts or self.account)

    def _alerts(self, rule, account=None, **filters):
        domain = [
            ("account_id", "=", (account or self.account).id),
            ("rule_id", "=", rule.id),
        ]
        domain += [(key, "=", value) for key, value in filters.items()]
        return self.Alert.search(domain)

    def _pay(self, invoice):
        return (
            self.env["account.payment.register"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({})
            ._create_payments()
        )

    # ------------------------------------------------------------------
    # Raise once, no duplicate, resolve, come back
    # ------------------------------------------------------------------
    def test_overdue_invoice_lifecycle(self):
        invoice = self._post_overdue(self.customer, 1200.0, 40)
        self._post_overdue(self.customer, 800.0, 10)  # not overdue enough yet
        new = self._evaluate()
        alert = self._alerts(self.rule_overdue)
        self.assertEqual(len(alert), 1)
        self.assertEqual(new, alert)
        self.assertEqual(alert.severity, "high")
        self.assertEqual(alert.owner_id, self.kam_1)
        self.assertEqual((alert.res_model, alert.res_id), ("account.move", invoice.id))
        self.assertIn(invoice.name, alert.name)
        self.assertIn("40", alert.name)
        self.assertEqual(alert.action_open_object()["res_id"], invoice.id)
        # The owner gets an activity of the alert type.
        activity = alert.activity_ids
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.kam_1)
        self.assertEqual(
            activity.activity_type_id,
            self.env.ref("kam_management.mail_activity_type_kam_alert"),
        )
        self.assertEqual(activity.date_deadline, self.today)

        # A second check changes nothing.
        self.assertFalse(self._evaluate())
        self.assertEqual(self._alerts(self.rule_overdue), alert)
        self.assertEqual(len(alert.activity_ids), 1)

        # Paid: resolved at the next check, the activity done.
        self._pay(invoice)
        self._evaluate()
        self.assertEqual(alert.state, "resolved")
        self.assertFalse(alert.condition_active)
        self.assertFalse(alert.activity_ids)
        self.assertTrue(alert.date_closed)

        # The payment undone: the condition comes back as a new alert.
        invoice.line_ids.remove_move_reconcile()
        self.assertEqual(invoice.payment_state, "not_paid")
        new = self._evaluate()
        self.assertEqual(len(new), 1)
        self.assertNotEqual(new, alert)
        self.assertEqual(new.state, "open")
        self.assertEqual(len(self._alerts(self.rule_overdue)), 2)

    def test_minimum_amount_and_days(self):
        self._post_overdue(self.customer, 300.0, 40)
        self.rule_overdue.min_amount = 500.0
        self._evaluate()
        self.assertFalse(self._alerts(self.rule_overdue))
        self.rule_overdue.write({"min_amount": 0.0, "days": 60})
        self._evaluate()
        self.assertFalse(self._alerts(self.rule_overdue))
        self.rule_overdue.days = 30
        self._evaluate()
        self.assertEqual(len(self._alerts(self.rule_overdue)), 1)

    def test_dismissed_not_raised_again_while_condition_lasts(self):
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        alert_kam = alert.with_user(self.kam_1)
        with self.assertRaisesText(UserError, "reason is required"):
            alert_kam._kam_dismiss("  ")
        action = alert_kam.action_dismiss()
        wizard = (
            self.env["kam.alert.dismiss"]
            .with_user(self.kam_1)
            .with_context(**action["context"])
            .create({"reason": "Customer pays at the end of the quarter"})
        )
        wizard.action_dismiss()
        self.assertEqual(alert.state, "dismissed")
        self.assertEqual(
            alert.resolution_note, "Customer pays at the end of the quarter"
        )
        self.assertEqual(alert.closed_by_id, self.kam_1)
        self.assertFalse(alert.activity_ids)
        # Still overdue: no second alert.
        self.assertFalse(self._evaluate())
        self.assertEqual(self._alerts(self.rule_overdue), alert)
        self.assertTrue(alert.condition_active)
        # Gone, then back: a new alert.
        self.rule_overdue.days = 90
        self._evaluate()
        self.assertFalse(alert.condition_active)
        self.assertEqual(alert.state, "dismissed")
        self.rule_overdue.days = 30
        new = self._evaluate()
        self.assertEqual(len(new), 1)
        self.assertEqual(new.state, "open")

    def test_rule_switched_off_resolves(self):
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        self.rule_overdue.active = False
        self.assertFalse(self._evaluate())
        self.assertEqual(alert.state, "resolved")

    def test_company_rule_replaces_shared_rule(self):
        self._post_overdue(self.customer, 1200.0, 40)
        own = self.rule_overdue.copy({"days": 50, "severity": "low"})
        self.assertEqual(own.company_id, self.company)
        self._evaluate()
        self.assertFalse(self._alerts(self.rule_overdue))
        self.assertFalse(self._alerts(own))
        own.days = 20
        self._evaluate()
        self.assertEqual(self._alerts(own).severity, "low")
        with (
            self.assertRaises(IntegrityError),
            mute_logger("odoo.sql_db"),
            self.cr.savepoint(),
        ):
            self.rule_overdue.copy({"company_id": self.company.id})

    def test_cron_checks_every_key_account(self):
        self._post_overdue(self.customer, 1200.0, 40)
        self.Alert._cron_evaluate_alerts()
        self.assertEqual(len(self._alerts(self.rule_overdue)), 1)
        self.assertEqual(
            len(self._alerts(self.rule_overdue, account=self.other_account)), 1
        )
        self.assertEqual(
            self._alerts(self.rule_overdue, account=self.other_account).owner_id,
            self.kam_2,
        )

    def test_check_alerts_button_checks_one_account(self):
        self._post_overdue(self.customer, 1200.0, 40)
        action = self.account.with_user(self.kam_1).action_check_alerts()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(len(self._alerts(self.rule_overdue)), 1)
        self.assertFalse(self._alerts(self.rule_overdue, account=self.other_account))
        self.assertEqual(self.account.open_alert_count, 1)
        self.assertEqual(self.account.open_alert_ids, self._alerts(self.rule_overdue))
        # A KAM cannot check the account of another KAM.
        with self.assertRaises(AccessError):
            self.other_account.with_user(self.kam_1).action_check_alerts()

    def test_open_alerts_follow_the_new_kam(self):
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        self.account.kam_user_id = self.kam_2
        self.assertFalse(self._evaluate())
        self.assertEqual(alert.owner_id, self.kam_2)
        self.assertEqual(alert.activity_ids.user_id, self.kam_2)

    def test_queries_do_not_grow_with_the_accounts(self):
        """Each rule reads all the accounts at once."""
        customers = [self._create_customer(f"Quiet {n}") for n in range(6)]
        accounts = self.env["kam.account"].concat(
            *(
                self._create_account(c, is_key_account=True, kam_user_id=self.kam_1.id)
                for c in customers
            )
        )
        self._post_invoices(
            [self._invoice_vals(c, 1000.0, days_ago=5) for c in customers]
        )
        self.Alert._kam_evaluate(accounts[:1])  # warm the caches
        counts = []
        for subset in (accounts[:2], accounts):
            self.env.invalidate_all()
            before = self.cr.sql_log_count
            self.assertFalse(self.Alert._kam_evaluate(subset))
            counts.append(self.cr.sql_log_count - before)
        self.assertEqual(counts[0], counts[1])

    def test_owner_given_by_the_rule(self):
        self.rule_overdue.owner_user_id = self.director
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        self.assertEqual(alert.owner_id, self.director)
        self.assertEqual(alert.activity_ids.user_id, self.director)
        outsider = self._create_user("no_kam", "Nora Outsider", "base.group_user")
        with self.assertRaisesText(ValidationError, "cannot own the alerts"):
            self.rule_overdue.owner_user_id = outsider

    # ------------------------------------------------------------------
    # The other rules
    # ------------------------------------------------------------------
    def test_revenue_drop_threshold(self):
        self._post_invoice(self.customer, 10000.0, days_ago=150)
        self._post_invoice(self.customer, 9000.0, days_ago=30)
        self._evaluate()
        self.assertFalse(self._alerts(self.rule_revenue), "10% is within 20%")
        self.rule_revenue.threshold_pct = 5.0
        self._evaluate()
        self.assertEqual(len(self._alerts(self.rule_revenue)), 1)

    def test_revenue_drop_raised(self):
        self._post_invoice(self.customer, 10000.0, days_ago=150)
        self._post_invoice(self.customer, 2000.0, days_ago=30)
        self._evaluate()
        alert = self._alerts(self.rule_revenue)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.severity, "medium")
        self.assertIn("80", alert.name)
        # Revenue back: resolved.
        self._post_invoice(self.customer, 9000.0, days_ago=5)
        self._evaluate()
        self.assertEqual(alert.state, "resolved")

    def test_order_rhythm(self):
        self._post_invoices(
            [
                self._invoice_vals(self.customer, 1000.0, days_ago=days)
                for days in (130, 120, 110, 100)
            ]
        )
        self._evaluate()
        alert = self._alerts(self.rule_rhythm)
        self.assertEqual(len(alert), 1)
        self.assertIn("100", alert.name)
        # Buying again: back to its rhythm.
        self._post_invoice(self.customer, 1000.0, days_ago=2)
        self._evaluate()
        self.assertEqual(alert.state, "resolved")

    def test_order_rhythm_needs_history(self):
        self._post_invoices(
            [
                self._invoice_vals(self.customer, 1000.0, days_ago=days)
                for days in (120, 100)
            ]
        )
        self._evaluate()
        self.assertFalse(self._alerts(self.rule_rhythm))

    def test_key_contact_not_reached(self):
        contact = self.env["res.partner"].create(
            {"name": "Dora Decider", "parent_id": self.customer.id}
        )
        user_contact = self.env["res.partner"].create(
            {"name": "Uma User", "parent_id": self.customer.id}
        )
        role = self.env["kam.buying.role"].create(
            {
                "account_id": self.account.id,
                "partner_id": contact.id,
                "role_ids": [
                    Command.set(
                        self.env.ref("kam_management.decision_role_decision_maker").ids
                    )
                ],
                "owner_id": self.kam_1.id,
            }
        )
        self.env["kam.buying.role"].create(
            {
                "account_id": self.account.id,
                "partner_id": user_contact.id,
                "influence": "low",
                "owner_id": self.kam_1.id,
            }
        )
        self._evaluate()
        alert = self._alerts(self.rule_contact)
        self.assertEqual(len(alert), 1, "only the key contact")
        self.assertEqual((alert.res_model, alert.res_id), ("kam.buying.role", role.id))
        self.assertIn("Dora Decider", alert.name)
        role.with_user(self.kam_1).message_post(
            body="Call about the tender", message_type="comment"
        )
        self._evaluate()
        self.assertEqual(alert.state, "resolved")

    def test_objective_off_track(self):
        plan = self.env["kam.account.plan"].create(
            {
                "account_id": self.account.id,
                "date_start": self.today - timedelta(days=182),
                "date_end": self.today + timedelta(days=182),
            }
        )
        plan.state = "active"
        self._post_invoice(self.customer, 3000.0, days_ago=30)
        behind = self.env["kam.plan.objective"].create(
            {"plan_id": plan.id, "name": "Grow", "kpi": "revenue", "target": 10000.0}
        )
        on_track = self.env["kam.plan.objective"].create(
            {"plan_id": plan.id, "name": "Keep", "kpi": "revenue", "target": 6000.0}
        )
        self._evaluate()
        alert = self._alerts(self.rule_objective)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.condition_key.split(":")[-1], str(behind.id))
        self.assertIn("Grow", alert.name)
        self.assertNotIn(on_track.name, alert.name)
        # Within the tolerance: 30% achieved, 50% expected, 25 points allowed.
        self.rule_objective.tolerance_pct = 25.0
        self._evaluate()
        self.assertEqual(alert.state, "resolved")

    def test_agreement_expiring(self):
        agreement = self.env["kam.agreement"].create(
            {
                "account_id": self.account.id,
                "name": "Supply contract",
                "date_start": self.today - timedelta(days=300),
                "date_end": self.today + timedelta(days=10),
            }
        )
        self.assertEqual(agreement.state, "expiring")
        self._evaluate()
        alert = self.Alert.search(
            [
                ("account_id", "=", self.account.id),
                ("rule_type", "=", "agreement_expiring"),
            ]
        )
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.severity, "low")
        agreement.date_end = self.today + timedelta(days=200)
        self._evaluate()
        self.assertEqual(alert.state, "resolved")

    def test_opportunity_lost(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Big tender",
                "type": "opportunity",
                "partner_id": self.customer.id,
                "company_id": self.company.id,
            }
        )
        self._evaluate()
        rule = self.env.ref("kam_management.alert_rule_opportunity_lost")
        self.assertFalse(self._alerts(rule))
        lead.action_set_lost()
        self._evaluate()
        alert = self._alerts(rule)
        self.assertEqual(len(alert), 1)
        self.assertEqual((alert.res_model, alert.res_id), ("crm.lead", lead.id))
        self.assertIn("Big tender", alert.name)

    def test_stale_assessment(self):
        old = self._assess(self.account, 4, days_ago=400)
        self._assess(self.account, 3, criterion=self.criterion_minor, days_ago=10)
        self.assertTrue(old.is_stale)
        stale = self.env["kam.position.assessment"].search(
            [("account_id", "=", self.account.id), ("is_stale", "=", True)]
        )
        self.assertEqual(stale, old)
        self.assertEqual(self.account.position_inputs_date, old.date)
        self.assertEqual(self.account.position_inputs_age_months, 13)
        self.assertTrue(self.account.position_inputs_stale)
        self._evaluate()
        alert = self._alerts(self.rule_stale)
        self.assertEqual(len(alert), 1)
        self.assertEqual(alert.severity, "low")
        self.assertIn(self.criterion_main.name, alert.name)
        # A fresh assessment of the criterion: no longer stale.
        self._assess(self.account, 4, days_ago=0)
        self.account.invalidate_recordset()
        self.assertFalse(self.account.position_inputs_stale)
        self._evaluate()
        self.assertEqual(alert.state, "resolved")
        # The threshold of the rule marks the assessments.
        self.rule_stale.months = 24
        old.invalidate_recordset()
        self.assertFalse(old.is_stale)

    def test_spanish_text_for_spanish_owner(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])
        self.kam_1.lang = "es_ES"
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        self.assertIn("vencida", alert.name)

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access_follows_the_account(self):
        self._post_overdue(self.customer, 1200.0, 40)
        self.Alert._cron_evaluate_alerts()
        mine = self._alerts(self.rule_overdue)
        theirs = self._alerts(self.rule_overdue, account=self.other_account)
        self.env.invalidate_all()
        seen_1 = self.Alert.with_user(self.kam_1).search([])
        self.assertIn(mine, seen_1)
        self.assertNotIn(theirs, seen_1)
        seen_director = self.Alert.with_user(self.director).search([])
        self.assertIn(mine, seen_director)
        self.assertIn(theirs, seen_director)
        with self.assertRaises(AccessError):
            theirs.with_user(self.kam_1).read(["name"])
        # A director of another company sees none of them.
        other_company = self.env["res.company"].create({"name": "Other Alert Co"})
        foreign = self._create_user(
            "kam_foreign",
            "Fiona Foreign",
            "kam_management.group_kam_manager",
            companies=other_company,
        )
        self.assertFalse(
            self.Alert.with_user(foreign)
            .with_context(allowed_company_ids=other_company.ids)
            .search([("id", "in", (mine | theirs).ids)])
        )

    def test_nobody_raises_or_edits_alerts_by_hand(self):
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        for user in (self.kam_1, self.director):
            with self.assertRaisesText(AccessError, "raised by the alert rules only"):
                self.Alert.with_user(user).create(
                    {
                        "name": "Free text",
                        "account_id": self.account.id,
                        "rule_id": self.rule_overdue.id,
                        "severity": "low",
                        "condition_key": "x",
                    }
                )
            with self.assertRaises(AccessError):
                alert.with_user(user).write({"state": "resolved"})
            with self.assertRaises(AccessError):
                alert.with_user(user).write({"severity": "low"})
            with self.assertRaises(AccessError):
                alert.with_user(user).unlink()
        self.assertEqual(alert.state, "open")
        # The KAM of another account cannot close it; the owner can.
        with self.assertRaises(AccessError):
            alert.with_user(self.kam_2).action_resolve()
        alert.with_user(self.kam_1).action_resolve()
        self.assertEqual(alert.state, "resolved")
        with self.assertRaisesText(UserError, "already closed"):
            alert.with_user(self.kam_1).action_resolve()
        # The chatter stays open to those who see the alert.
        alert.with_user(self.kam_1).message_post(body="Paid on Monday")

    def test_team_member_sees_but_only_owner_closes(self):
        kam_3 = self._create_user(
            "kam_three", "Kai Third", "kam_management.group_kam_user"
        )
        self.env["kam.team.member"].create(
            {"account_id": self.account.id, "user_id": kam_3.id, "function": "sales"}
        )
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        self.assertEqual(alert.with_user(kam_3).name, alert.name)
        self.assertFalse(alert.with_user(kam_3).can_close)
        with self.assertRaises(AccessError):
            alert.with_user(kam_3).action_resolve()
        alert.with_user(self.director).action_resolve()
        self.assertEqual(alert.closed_by_id, self.director)

    def test_rules_for_directors_only(self):
        with self.assertRaises(AccessError):
            self.rule_overdue.with_user(self.kam_1).write({"days": 10})
        self.rule_overdue.with_user(self.director).write({"days": 10})
        self.assertEqual(self.rule_overdue.days, 10)

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_thresholds_out_of_range(self):
        rule = self.rule_overdue.with_user(self.director)
        for values, text in (
            ({"days": 0}, "Days of the alert rule"),
            ({"days": 5000}, "between 1 and 3,650"),
            ({"min_amount": -1.0}, "Minimum Amount"),
            ({"threshold_pct": 0.0}, "Revenue Drop (%)"),
            ({"threshold_pct": 150.0}, "between 1 and 100"),
            ({"tolerance_pct": -5.0}, "Tolerance"),
            ({"rhythm_factor": 0.5}, "Rhythm Factor"),
            ({"min_invoices": 2}, "Minimum Invoices"),
            ({"months": 0}, "Months"),
            ({"period_days": 1}, "Period (days)"),
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesText(ValidationError, text),
            ):
                rule.write(values)
        with self.assertRaisesText(ValidationError, "is out of range"):
            rule.write({"rhythm_factor": float("inf")})
        with self.assertRaisesText(ValidationError, "whole number"):
            rule.write({"days": 2.5})

    def test_alert_texts_name_the_dates_in_the_user_format(self):
        self._post_overdue(self.customer, 1200.0, 40)
        self._evaluate()
        alert = self._alerts(self.rule_overdue)
        due = self.today - relativedelta(days=40)
        self.assertIn(
            fields.Date.to_date(due).strftime("%m/%d/%Y"),
            alert.name,
        )
