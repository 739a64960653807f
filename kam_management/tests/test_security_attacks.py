"""Replays of attacks on the addon, each as the user who tried it.

The calls are the ones a user can send over JSON-RPC (``call_kw``): the same
model methods with the same arguments, run with that user's rights.
"""

import base64
import threading
import time
from datetime import timedelta

import psycopg2.errors
from odoo import Command, api
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.sql_db import db_connect
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import KamAttackCommon, KamCommon

PLAN_SPEC = {
    "pareto_class": {},
    "quadrant": {},
    "potential_score": {},
    "position_score": {},
    "kam_user_id": {"fields": {"display_name": {}}},
}


@tagged("post_install", "-at_install")
class TestSecurityAttacks(KamAttackCommon):
    """Replays of the attacks, each as its user (see KamAttackCommon)."""

    # ------------------------------------------------------------------
    # 1. Moving a record into another account
    # ------------------------------------------------------------------
    def test_team_member_cannot_be_moved_to_another_account(self):
        Member = self.as_(self.kam_1, "kam.team.member")
        row = Member.create(
            [
                {
                    "account_id": self.acc_own.id,
                    "user_id": self.salesman.id,
                    "function": "other",
                }
            ]
        )
        with self.assertRaises(AccessError):
            row.write({"account_id": self.acc_kam2.id})
        with self.assertRaises(AccessError):
            row.write({"account_id": self.acc_kam2.id, "user_id": self.director.id})
        self.assertEqual(row.sudo().account_id, self.acc_own)
        with self.assertRaises(AccessError):
            self.role_kam2.with_user(self.kam_1).read(["personal_interests"])

    def test_team_member_cannot_change_the_team(self):
        """A team member reads the team (and the buying centre) but the
        account's KAM alone changes the team."""
        own_row = self.acc_kam2.team_member_ids.with_user(self.member)
        self.assertEqual(own_row.user_id, self.member)
        self.assertEqual(
            self.role_kam2.with_user(self.member).personal_interests,
            "Wants the CFO job",
        )
        with self.assertRaises(AccessError):
            own_row.write({"account_id": self.acc_own.id})
        with self.assertRaises(AccessError):
            own_row.write({"function": "finance"})
        with self.assertRaises(AccessError):
            self.as_(self.member, "kam.team.member").create(
                {"account_id": self.acc_kam2.id, "user_id": self.salesman.id}
            )
        with self.assertRaises(AccessError):
            self.acc_kam2.with_user(self.member).write({"kam_user_id": self.member.id})

    def test_assessment_cannot_be_moved_to_another_account(self):
        assessment = self._assess(self.acc_own, 4, user=self.kam_1)
        with self.assertRaises(AccessError):
            assessment.with_user(self.kam_1).write({"account_id": self.acc_kam2.id})
        self.assertFalse(self.acc_kam2.assessment_ids)

    def test_objective_and_action_cannot_move_to_another_plan(self):
        objective = self.as_(self.kam_1, "kam.plan.objective").create(
            {"plan_id": self.plan_own.id, "name": "Grow", "target": 10.0}
        )
        with self.assertRaises(AccessError):
            objective.write({"plan_id": self.plan_kam2.id})
        with self.assertRaises(AccessError):
            self.action_own.with_user(self.kam_1).write({"plan_id": self.plan_kam2.id})
        self.assertEqual(self.action_own.plan_id, self.plan_own)
        # An owner in both teams: only the record rule stands in the way.
        self.env["kam.team.member"].create(
            {"account_id": self.acc_own.id, "user_id": self.kam_2.id}
        )
        shared = self.as_(self.kam_1, "kam.plan.action").create(
            {
                "plan_id": self.plan_own.id,
                "name": "Joint visit",
                "owner_id": self.kam_2.id,
            }
        )
        with self.assertRaises(AccessError):
            shared.write({"plan_id": self.plan_kam2.id})
        self.assertEqual(shared.plan_id, self.plan_own)
        self.assertFalse(self.plan_kam2.objective_ids)

    def test_agreement_and_buying_role_cannot_move(self):
        with self.assertRaises(AccessError):
            self.agreement_own.with_user(self.kam_1).write(
                {"account_id": self.acc_kam2.id}
            )
        role = self.as_(self.kam_1, "kam.buying.role").create(
            {
                "account_id": self.acc_own.id,
                "partner_id": self.env["res.partner"]
                .create({"name": "Own Contact", "parent_id": self.p_own.id})
                .id,
            }
        )
        # The other account is not the KAM's (nor is the contact the other
        # customer's): refused before anything is written.
        with self.assertRaises(AccessError):
            role.write({"account_id": self.acc_kam2.id})
        self.assertEqual(self.agreement_own.account_id, self.acc_own)

    def test_plan_cannot_move_to_another_account(self):
        with self.assertRaises(AccessError):
            self.plan_own.with_user(self.kam_1).write({"account_id": self.acc_kam2.id})

    # ------------------------------------------------------------------
    # 2. Reading accounts through onchange
    # ------------------------------------------------------------------
    def test_onchange_does_not_read_foreign_accounts(self):
        for user in (self.portal, self.salesman, self.kam_1, self.kam_other):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.as_(user, "kam.account.plan").onchange(
                    {"account_id": self.acc_kam2.id}, ["account_id"], PLAN_SPEC
                )
        with self.assertRaises(AccessError):
            self.as_(self.kam_1, "kam.agreement").onchange(
                {"account_id": self.acc_kam2.id},
                ["account_id"],
                {"partner_id": {}, "kam_user_id": {}},
            )
        for user in (self.portal, self.salesman):
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                self.as_(user, "crm.lead").onchange(
                    {"kam_plan_id": self.plan_kam2.id},
                    ["kam_plan_id"],
                    {"kam_account_id": {"fields": {"display_name": {}}}},
                )

    def test_onchange_reads_own_account(self):
        self.acc_own.sudo().write({"pareto_class": "a"})
        result = self.as_(self.kam_1, "kam.account.plan").onchange(
            {"account_id": self.acc_own.id}, ["account_id"], PLAN_SPEC
        )
        self.assertEqual(result["value"]["pareto_class"], "a")
        self.assertEqual(result["value"]["kam_user_id"]["id"], self.kam_1.id)

    def test_related_fields_read_with_user_rights(self):
        for fname in ("pareto_class", "quadrant", "potential_score", "strategy"):
            field = self.env["kam.account.plan"]._fields[fname]
            self.assertFalse(field.compute_sudo, fname)

    # ------------------------------------------------------------------
    # 3. Fields only the addon sets
    # ------------------------------------------------------------------
    def test_system_fields_not_writable(self):
        foreign_activity = self.env["mail.activity"].create(
            {
                "res_model_id": self.env["ir.model"]._get_id("res.partner"),
                "res_id": self.p_free.id,
                "summary": "Secret summary",
                "user_id": self.env.user.id,
            }
        )
        cases = [
            (self.action_own, {"activity_id": foreign_activity.id}),
            (self.acc_own, {"coverage_gap_count": 0}),
            (self.acc_own, {"coverage_no_decision_maker": False}),
            (self.acc_own, {"active": False}),
            (self.plan_own, {"last_review_date": self.today}),
            (self.agreement_own, {"expiry_notified": True}),
        ]
        for record, vals in cases:
            with self.subTest(model=record._name, vals=vals):
                before = record.sudo().read(list(vals))[0]
                with self.assertRaises(AccessError):
                    record.with_user(self.kam_1).write(vals)
                self.assertEqual(record.sudo().read(list(vals))[0], before)
        self.assertNotEqual(self.action_own.activity_id, foreign_activity)

    def test_addon_still_sets_its_fields(self):
        self.assertTrue(self.action_own.activity_id)
        self.plan_own.with_user(self.kam_1).action_mark_reviewed()
        self.assertEqual(self.plan_own.last_review_date, self.today)
        agreement = self.agreement_own.with_user(self.kam_1)
        agreement.sudo().expiry_notified = True
        agreement.date_end = self.today + timedelta(days=90)
        self.assertFalse(agreement.expiry_notified)

    # ------------------------------------------------------------------
    # 4. One active plan per account, in the database
    # ------------------------------------------------------------------
    def test_one_active_plan_index_exists(self):
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s",
            ["kam_account_plan_one_active_idx"],
        )
        [(definition,)] = self.env.cr.fetchall()
        self.assertIn("UNIQUE", definition)
        self.assertIn("'active'", definition)

    # ------------------------------------------------------------------
    # 5. Multi-company
    # ------------------------------------------------------------------
    def test_director_cannot_move_account_to_foreign_company(self):
        account = self.as_(self.director2, "kam.account").browse(self.acc_c2.id)
        self.assertEqual(account.tier, False)
        account.write({"tier": "key"})  # their own company's account
        # Refused by the record rules (18.0 checks them first), or by its KAM,
        # who is not of that company (19.0 checks the constraints first).
        with self.assertRaises(Exception) as refused:
            account.write({"company_id": self.company.id})
        self.assertIsInstance(refused.exception, (AccessError, ValidationError))
        # Without a KAM, by the record rules on both.
        self.acc_c2.sudo().kam_user_id = False
        with self.assertRaises(AccessError):
            account.write({"company_id": self.company.id})
        self.env.invalidate_all()
        self.assertEqual(self.acc_c2.company_id, self.company2)

    def test_kam_cannot_share_competitor(self):
        Competitor = self.as_(self.kam_1, "kam.competitor")
        with self.assertRaises(ValidationError):
            Competitor.create({"name": "Shared Rival", "company_id": False})
        rival = Competitor.create({"name": "Own Rival"})
        self.assertEqual(rival.company_id, self.company)
        with self.assertRaises(AccessError):
            Competitor.create({"name": "Other Rival", "company_id": self.company2.id})
        self.assertTrue(
            self.as_(self.director, "kam.competitor").create(
                {"name": "Shared by director", "company_id": False}
            )
        )

    def test_assessment_criterion_of_another_company(self):
        criterion2 = self.env["kam.position.criterion"].create(
            {"name": "Company two criterion", "company_id": self.company2.id}
        )
        with self.assertRaises(UserError):
            self._assess(self.acc_own, 3, criterion=criterion2)

    # ------------------------------------------------------------------
    # 6. State changes only through the buttons
    # ------------------------------------------------------------------
    def test_state_only_through_buttons(self):
        plan = self.plan_own.with_user(self.kam_1)
        with self.assertRaises(AccessError):
            plan.write({"state": "active"})
        self.plan_own.sudo().write({"state": "closed"})
        with self.assertRaises(AccessError):
            plan.write({"state": "active"})
        plan.action_reset_draft()
        plan.action_submit()
        with self.assertRaises(UserError):
            plan.action_approve()
        with self.assertRaises(UserError):
            plan.action_activate()
        self.plan_own.with_user(self.director).action_approve()
        plan.action_activate()
        self.assertEqual(self.plan_own.state, "active")
        with self.assertRaises(AccessError):
            self.plan_kam2.with_user(self.kam_1).action_submit()
        with self.assertRaises(AccessError):
            self.as_(self.kam_1, "kam.account.plan").create(
                {"account_id": self.acc_own.id, "state": "active"}
            )

    # ------------------------------------------------------------------
    # 7. Links that should not exist
    # ------------------------------------------------------------------
    def test_kam_and_team_must_be_internal_users_of_the_company(self):
        Account = self.as_(self.director, "kam.account")
        with self.assertRaises(ValidationError):
            self.acc_free.with_user(self.director).write(
                {"kam_user_id": self.portal.id}
            )
        with self.assertRaises(ValidationError):
            Account.browse(self.acc_free.id).write({"kam_user_id": self.kam_other.id})
        Member = self.as_(self.kam_1, "kam.team.member")
        for user in (self.portal, self.kam_other, self.kam_1):
            with self.subTest(user=user.login), self.assertRaises(ValidationError):
                Member.create({"account_id": self.acc_own.id, "user_id": user.id})
        with self.assertRaises(ValidationError):
            self.acc_kam2.with_user(self.director).write(
                {"kam_user_id": self.member.id}
            )

    def test_agreement_needs_a_key_account(self):
        with self.assertRaises(ValidationError):
            self.env["kam.agreement"].with_user(self.director).create(
                {"account_id": self.acc_free.id, "name": "Not key"}
            )

    def test_agreement_takes_only_own_uploads(self):
        foreign = self.env["ir.attachment"].create(
            {
                "name": "payroll.pdf",
                "datas": base64.b64encode(b"secret"),
                "res_model": "res.partner",
                "res_id": self.p_free.id,
            }
        )
        agreement = self.agreement_own.with_user(self.kam_1)
        with self.assertRaises(AccessError):
            agreement.write({"attachment_ids": [Command.link(foreign.id)]})
        with self.assertRaises(AccessError):
            agreement.write({"attachment_ids": [Command.set([foreign.id])]})
        own = (
            self.env["ir.attachment"]
            .with_user(self.kam_1)
            .create(
                {
                    "name": "contract.pdf",
                    "datas": base64.b64encode(b"terms"),
                    "res_model": "kam.agreement",
                    "res_id": 0,
                }
            )
        )
        agreement.write({"attachment_ids": [Command.link(own.id)]})
        self.assertEqual(self.agreement_own.attachment_ids, own)
        self.assertEqual((own.res_model, own.res_id), ("kam.agreement", agreement.id))

    # ------------------------------------------------------------------
    # Salespeople without key-account rights keep their flows
    # ------------------------------------------------------------------
    def test_salesman_duplicates_and_unlinks_linked_opportunity(self):
        lead = self.env["crm.lead"].create(
            {
                "name": "Linked deal",
                "type": "opportunity",
                "partner_id": self.p_own.id,
                "user_id": self.salesman.id,
                "kam_plan_id": self.plan_own.id,
            }
        )
        lead_as_salesman = lead.with_user(self.salesman)
        copy = lead_as_salesman.copy()
        self.assertEqual(copy.sudo().kam_plan_id, self.plan_own)
        lead_as_salesman.write({"kam_plan_id": False})
        self.assertFalse(lead.kam_plan_id)
        with self.assertRaises(AccessError):
            self.plan_own.with_user(self.salesman).read(["name"])
        with self.assertRaises(AccessError):
            lead_as_salesman.write({"kam_plan_id": self.plan_own.id})

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_bad_input_refused_with_a_message(self):
        director_account = self.acc_own.with_user(self.director)
        with self.assertRaisesText(ValidationError, "whole number"):
            director_account.write({"objectives_fit": 2.7})
        plan = self.plan_own.with_user(self.kam_1)
        with self.assertRaisesText(ValidationError, "not a valid date"):
            plan.write({"date_start": "2026-13-45"})
        Competitor = self.as_(self.kam_1, "kam.competitor")
        with self.assertRaisesText(ValidationError, "NUL"):
            Competitor.create({"name": "Bad\x00name"})
        with self.assertRaisesText(ValidationError, "too long"):
            Competitor.create({"name": "x" * (5 * 1024 * 1024)})
        with self.assertRaisesText(ValidationError, "out of range"):
            director_account.write({"wallet_estimate": 1e308})

    def test_position_criteria_weights_all_zero_refused(self):
        criteria = self.env["kam.position.criterion"].search(
            ["|", ("company_id", "=", False), ("company_id", "=", self.company.id)]
        )
        with self.assertRaisesText(ValidationError, "greater than zero"):
            criteria.write({"weight": 0.0})
        with self.assertRaisesText(ValidationError, "between 0 and 100"):
            self.criterion_main.write({"weight": 500.0})
        with self.assertRaisesText(ValidationError, "out of range"):
            self.criterion_main.write({"weight": 1e308})

    # ------------------------------------------------------------------
    # Directors' own settings screen
    # ------------------------------------------------------------------
    def test_director_without_settings_rights_changes_settings(self):
        self.assertFalse(self.director.has_group("base.group_system"))
        Settings = self.as_(self.director, "kam.settings")
        screen = Settings.create({})
        self.assertEqual(screen.kam_window_months, self.company.kam_window_months)
        screen.kam_window_months = 9
        screen.action_save()
        self.assertEqual(self.company.kam_window_months, 9)
        with self.assertRaisesText(ValidationError, "at most 120"):
            Settings.create({"kam_window_months": 100_000}).action_save()
        self.assertEqual(self.company.kam_window_months, 9)
        with self.assertRaises(AccessError):
            self.as_(self.kam_1, "kam.settings").create({})
        with self.assertRaises(AccessError):
            self.as_(self.director2, "kam.settings").create(
                {"company_id": self.company.id}
            ).action_save()


@tagged("post_install", "-at_install")
class TestActivePlanRace(KamCommon):
    """Two approved plans of one account activated at the same moment."""

    def test_concurrent_activation_keeps_one_active_plan(self):
        dbname = self.env.cr.dbname
        ids = {}

        def env_of(cr):
            return api.Environment(
                cr, api.SUPERUSER_ID, {"tracking_disable": True, "mail_notrack": True}
            )

        with db_connect(dbname).cursor() as cr:
            env = env_of(cr)
            partner = env["res.partner"].create(
                {"name": "Race Customer", "is_company": True}
            )
            account = env["kam.account"].create(
                {"partner_id": partner.id, "is_key_account": True}
            )
            today = self.today
            plans = env["kam.account.plan"].create(
                [
                    # Two periods: one open plan per account and period.
                    {
                        "account_id": account.id,
                        "date_start": today + timedelta(days=i),
                        "date_end": today + timedelta(days=400),
                    }
                    for i in range(2)
                ]
            )
            plans.sudo().write({"state": "approved"})
            ids.update(partner=partner.id, account=account.id, plans=plans.ids)
            cr.commit()  # pylint: disable=invalid-commit
        first_updated = threading.Event()
        outcome = {}

        def activate(plan_id, wait_for=None, done=None):
            """Activate one plan in a transaction of its own (one cursor)."""
            with db_connect(dbname).cursor() as cr:
                cr.execute("SET lock_timeout = '20s'")
                if wait_for:
                    wait_for.wait(20)
                try:
                    cr.execute(
                        "UPDATE kam_account_plan SET state = 'active' WHERE id = %s",
                        [plan_id],
                    )
                except psycopg2.errors.UniqueViolation:
                    outcome[plan_id] = "refused"
                    cr.rollback()
                    return
                if done:
                    done.set()
                    time.sleep(0.5)  # the other activation is under way
                cr.commit()  # pylint: disable=invalid-commit
                outcome[plan_id] = "active"

        first_id, second_id = ids["plans"]
        try:
            threads = [
                threading.Thread(
                    target=activate, args=(first_id,), kwargs={"done": first_updated}
                ),
                threading.Thread(
                    target=activate,
                    args=(second_id,),
                    kwargs={"wait_for": first_updated},
                ),
            ]
            with mute_logger("odoo.sql_db"):
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(30)
            self.assertEqual(outcome, {first_id: "active", second_id: "refused"})
            with db_connect(dbname).cursor() as cr:
                cr.execute(
                    "SELECT count(*) FROM kam_account_plan "
                    "WHERE account_id = %s AND state = 'active'",
                    [ids["account"]],
                )
                self.assertEqual(cr.fetchone()[0], 1)
            # The same refusal through the button, with a clear message.
            with db_connect(dbname).cursor() as cr:
                cr.execute("SET lock_timeout = '20s'")
                env = env_of(cr)
                with self.assertRaisesText(
                    ValidationError, "already has an active account plan"
                ):
                    env["kam.account.plan"].browse(second_id).action_activate()
                cr.rollback()
        finally:
            with db_connect(dbname).cursor() as cr:
                cr.execute(
                    "DELETE FROM kam_account_plan WHERE account_id = %s",
                    [ids["account"]],
                )
                cr.execute("DELETE FROM kam_account WHERE id = %s", [ids["account"]])
                cr.execute("DELETE FROM res_partner WHERE id = %s", [ids["partner"]])
                cr.commit()  # pylint: disable=invalid-commit


@tagged("post_install", "-at_install")
class TestSecurityOverRpc(HttpCase):
    """The onchange attack as it was made: JSON-RPC calls of a logged-in user."""

    def _call(self, model, method, args):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": args, "kwargs": {}},
        )

    def test_portal_user_reads_no_account_through_onchange(self):
        account = self.env.ref(
            "kam_management.demo_account_iberia", raise_if_not_found=False
        ) or self.env["kam.account"].search([], limit=1)
        self.assertTrue(account, "demo key accounts are needed")
        new_test_user(self.env, login="rpc_portal", groups="base.group_portal")
        self.authenticate("rpc_portal", "rpc_portal")
        with self.assertRaises(JsonRpcException) as raised, mute_logger("odoo.http"):
            self._call(
                "kam.account.plan",
                "onchange",
                [[], {"account_id": account.id}, ["account_id"], PLAN_SPEC],
            )
        self.assertIn("AccessError", str(raised.exception))
        with self.assertRaises(JsonRpcException), mute_logger("odoo.http"):
            self._call(
                "kam.agreement",
                "onchange",
                [[], {"account_id": account.id}, ["account_id"], {"partner_id": {}}],
            )
