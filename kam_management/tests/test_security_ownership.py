"""What follows access moves with it: followers, activities, alerts, time.

Replays, each as its user, of what a person kept after losing an account
(a team member removed, a KAM replaced) and of hours counted for a KAM who
never took part.
"""

from datetime import datetime, time, timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KamAttackCommon

TODO = "mail.mail_activity_data_todo"


@tagged("post_install", "-at_install")
class TestSecurityOwnership(KamAttackCommon):
    """acc_kam2 (KAM kam_2, member in its team), its plan, buying role and an
    agreement; kam_1 manages acc_own and is in no team of acc_kam2."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.kam_3 = cls._create_user(
            "kam_three", "Kurt Third", "kam_management.group_kam_user"
        )
        cls.agreement_kam2 = cls.env["kam.agreement"].create(
            {"account_id": cls.acc_kam2.id, "name": "Second frame contract"}
        )
        cls.member_row = cls.acc_kam2.team_member_ids.filtered(
            lambda m: m.user_id == cls.member
        )

    # ------------------------------------------------------------------
    # Helpers
    # ------------------------------------------------------------------
    def _records(self):
        """The records of acc_kam2 with a chatter."""
        return [self.acc_kam2, self.plan_kam2, self.agreement_kam2, self.role_kam2]

    def _follow_and_work(self, user):
        """``user`` follows every record of acc_kam2 and has work on them: a
        to-do on the account and an action of the plan."""
        for record in self._records():
            record.message_subscribe(partner_ids=user.partner_id.ids)
        todo = self.acc_kam2.activity_schedule(
            TODO, user_id=user.id, summary="Call the buyer back"
        )
        action = self.env["kam.plan.action"].create(
            {
                "plan_id": self.plan_kam2.id,
                "name": "Send the offer",
                "owner_id": user.id,
            }
        )
        return todo, action

    def _post(self, record, body):
        """A comment of the account's KAM on ``record``."""
        account = record if record._name == "kam.account" else record.account_id
        kam = account.kam_user_id
        return (
            self.as_(kam, record._name)
            .browse(record.id)
            .message_post(
                body=body, message_type="comment", subtype_xmlid="mail.mt_comment"
            )
        )

    def _readable_messages(self, user, record):
        rows = self.as_(user, "mail.message").search_read(
            [("model", "=", record._name), ("res_id", "=", record.id)], ["id"]
        )
        return {row["id"] for row in rows}

    def _assert_cut_off(self, user, new_owner, todo, action):
        """``user`` follows nothing of acc_kam2, reads none of its new posts,
        and their work is ``new_owner``'s."""
        for record in self._records():
            self.assertNotIn(
                user.partner_id,
                record.sudo().message_partner_ids,
                f"{user.name} still follows {record._name}",
            )
        for record in (self.acc_kam2, self.plan_kam2):
            message = self._post(record, f"New on {record._name}")
            self.assertNotIn(message.id, self._readable_messages(user, record))
        self.assertEqual(todo.user_id, new_owner)
        self.assertEqual(action.owner_id, new_owner)
        self.assertEqual(action.activity_id.user_id, new_owner)
        self.assertFalse(
            self.env["mail.activity"].search(
                [
                    ("user_id", "=", user.id),
                    ("res_model", "in", [r._name for r in self._records()]),
                    ("res_id", "in", [r.id for r in self._records()]),
                ]
            )
        )

    # ------------------------------------------------------------------
    # F. Leaving the team, losing the account
    # ------------------------------------------------------------------
    def test_removed_member_is_cut_off(self):
        todo, action = self._follow_and_work(self.member)
        self.as_(self.kam_2, "kam.team.member").browse(self.member_row.id).unlink()
        self._assert_cut_off(self.member, self.kam_2, todo, action)

    def test_replaced_member_is_cut_off(self):
        todo, action = self._follow_and_work(self.member)
        self.as_(self.kam_2, "kam.team.member").browse(self.member_row.id).write(
            {"user_id": self.kam_3.id}
        )
        self._assert_cut_off(self.member, self.kam_2, todo, action)
        # The newcomer has none of it.
        self.assertNotIn(self.kam_3.partner_id, self.acc_kam2.message_partner_ids)

    def test_member_removed_from_the_account_form(self):
        todo, action = self._follow_and_work(self.member)
        self.as_(self.kam_2, "kam.account").browse(self.acc_kam2.id).write(
            {"team_member_ids": [Command.delete(self.member_row.id)]}
        )
        self._assert_cut_off(self.member, self.kam_2, todo, action)

    def test_former_kam_is_cut_off(self):
        todo, action = self._follow_and_work(self.kam_2)
        self.acc_kam2.message_subscribe(partner_ids=self.member.partner_id.ids)
        self.as_(self.director, "kam.account").browse(self.acc_kam2.id).write(
            {"kam_user_id": self.kam_1.id}
        )
        self._assert_cut_off(self.kam_2, self.kam_1, todo, action)
        # Every open action of the former KAM is the new KAM's.
        self.assertEqual(self.action_kam2.owner_id, self.kam_1)
        # The team member keeps following.
        self.assertIn(self.member.partner_id, self.acc_kam2.message_partner_ids)

    def test_former_kam_in_the_team_keeps_following(self):
        todo, action = self._follow_and_work(self.kam_2)
        self.as_(self.director, "kam.account").browse(self.acc_kam2.id).write(
            {
                "kam_user_id": self.kam_1.id,
                "team_member_ids": [Command.create({"user_id": self.kam_2.id})],
            }
        )
        for record in self._records():
            self.assertIn(self.kam_2.partner_id, record.message_partner_ids)
        self.assertEqual(todo.user_id, self.kam_2)
        self.assertEqual(action.owner_id, self.kam_2)

    def test_director_removed_from_a_team_keeps_following(self):
        """Whoever still reads the records (a director) keeps following."""
        row = self.env["kam.team.member"].create(
            {"account_id": self.acc_kam2.id, "user_id": self.director.id}
        )
        self.acc_kam2.message_subscribe(partner_ids=self.director.partner_id.ids)
        row.unlink()
        self.assertIn(self.director.partner_id, self.acc_kam2.message_partner_ids)

    # ------------------------------------------------------------------
    # F. Closing a plan action through its activity
    # ------------------------------------------------------------------
    def test_activity_done_needs_the_right_to_change_the_action(self):
        activity = self.action_kam2.activity_id
        # An activity left to someone out of the account (as a removed member
        # kept theirs): Odoo lets its assignee mark it done.
        activity.with_context(mail_activity_quick_update=True).write(
            {"user_id": self.kam_1.id}
        )
        with self.assertRaises(AccessError):
            self.as_(self.kam_1, "mail.activity").browse(activity.id).action_feedback(
                feedback="Done, trust me"
            )
        self.assertEqual(self.action_kam2.state, "todo")
        self.assertTrue(activity.exists())
        # The plan's KAM closes it.
        self.as_(self.kam_2, "mail.activity").browse(activity.id).action_feedback(
            feedback="Visited"
        )
        self.assertEqual(self.action_kam2.state, "done")

    def test_team_member_closes_own_action(self):
        action = self.env["kam.plan.action"].create(
            {
                "plan_id": self.plan_kam2.id,
                "name": "Prepare samples",
                "owner_id": self.member.id,
            }
        )
        self.as_(self.member, "mail.activity").browse(
            action.activity_id.id
        ).action_feedback(feedback="Sent")
        self.assertEqual(action.state, "done")

    # ------------------------------------------------------------------
    # G. Alerts move with the account at once
    # ------------------------------------------------------------------
    def _raise_alerts(self):
        vals = self._invoice_vals(self.p_kam2, 5000.0, days_ago=90)
        vals["invoice_date_due"] = self.today - timedelta(days=60)
        self._post_invoices([vals])
        self.env["kam.agreement"].create(
            {
                "account_id": self.acc_kam2.id,
                "name": "Expiring supply contract",
                "date_start": self.today - timedelta(days=300),
                "date_end": self.today + timedelta(days=10),
            }
        )
        self.env["kam.alert"]._kam_evaluate(self.acc_kam2)
        alerts = self.env["kam.alert"].search([("account_id", "=", self.acc_kam2.id)])
        self.assertGreaterEqual(len(alerts), 2)
        self.assertEqual(alerts.owner_id, self.kam_2)
        # The KAM resolves one: a closed alert of theirs.
        closed = alerts[0]
        self.as_(self.kam_2, "kam.alert").browse(closed.id).action_resolve("Called")
        return alerts - closed, closed

    def _assert_alerts_moved(self, open_alerts, closed):
        self.assertEqual(open_alerts.owner_id, self.kam_1)
        self.assertEqual(open_alerts.activity_ids.user_id, self.kam_1)
        former = self.as_(self.kam_2, "kam.alert")
        self.assertFalse(
            former.search_read([("account_id", "=", self.acc_kam2.id)], ["name"])
        )
        for alert in open_alerts | closed:
            with self.assertRaises(AccessError):
                former.browse(alert.id).read(["name"])
        with self.assertRaises(AccessError):
            former.browse(open_alerts[0].id).action_resolve("Not mine any more")
        with self.assertRaises(AccessError):
            former.browse(open_alerts[0].id).action_dismiss()
        with self.assertRaises(AccessError):
            former.browse(open_alerts[0].id)._kam_dismiss("Not mine any more")
        self.assertEqual(set(open_alerts.mapped("state")), {"open"})
        self.assertNotIn(
            self.kam_2.partner_id, (open_alerts | closed).message_partner_ids
        )
        # The new KAM works on them.
        self.as_(self.kam_1, "kam.alert").browse(open_alerts[0].id).action_resolve(
            "On it"
        )
        self.assertEqual(open_alerts[0].state, "resolved")

    def test_alerts_follow_the_director_write(self):
        open_alerts, closed = self._raise_alerts()
        self.as_(self.director, "kam.account").browse(self.acc_kam2.id).write(
            {"kam_user_id": self.kam_1.id}
        )
        self._assert_alerts_moved(open_alerts, closed)

    def test_alerts_follow_the_assignment_wizard(self):
        open_alerts, closed = self._raise_alerts()
        wizard = self.as_(self.director, "kam.assignment.wizard").create(
            {"company_id": self.company.id}
        )
        # The proposal's line as the proposal writes it.
        self.env["kam.assignment.line"].create(
            {
                "wizard_id": wizard.id,
                "account_id": self.acc_kam2.id,
                "current_kam_id": self.kam_2.id,
                "proposed_kam_id": self.kam_1.id,
                "is_change": True,
                "selected": True,
            }
        )
        wizard.action_apply()
        self.assertEqual(self.acc_kam2.kam_user_id, self.kam_1)
        self._assert_alerts_moved(open_alerts, closed)

    def test_alerts_follow_their_rules_new_owner(self):
        open_alerts, _closed = self._raise_alerts()
        rule = open_alerts[0].rule_id
        moved = open_alerts.filtered(lambda a: a.rule_id == rule)
        self.as_(self.director, "kam.alert.rule").browse(rule.id).write(
            {"owner_user_id": self.kam_3.id}
        )
        self.assertEqual(moved.owner_id, self.kam_3)
        self.assertEqual(moved.activity_ids.user_id, self.kam_3)
        self.assertTrue(
            self.as_(self.kam_3, "kam.alert").search([("id", "in", moved.ids)])
        )

    # ------------------------------------------------------------------
    # I. A meeting counts for who organised or accepted it
    # ------------------------------------------------------------------
    def _meeting(self, organiser, attendees, hours, state=None):
        start = datetime.combine(self.today - timedelta(days=2), time(9))
        event = (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True)
            .create(
                {
                    "name": f"Selling {hours} h",
                    "user_id": organiser.id,
                    "start": start,
                    "stop": start + timedelta(hours=hours),
                    "partner_ids": [Command.set(attendees.partner_id.ids)],
                    "kam_time_category": "selling",
                }
            )
        )
        if state:
            event.attendee_ids.filtered(
                lambda a: a.partner_id == self.kam_1.partner_id
            ).state = state
        return event

    def test_meetings_count_for_organiser_and_accepted_only(self):
        # kam_1: organised (left unanswered) 1 h, accepted 2 h; not counted:
        # invited and unanswered 4 h, tentative 8 h, declined 16 h, and their
        # own meeting they declined 32 h.
        self._meeting(self.kam_1, self.kam_1, 1.0)
        self._meeting(self.kam_2, self.kam_1 | self.kam_2, 2.0, "accepted")
        self._meeting(self.kam_2, self.kam_1, 4.0, "needsAction")
        self._meeting(self.kam_2, self.kam_1, 8.0, "tentative")
        self._meeting(self.kam_2, self.kam_1, 16.0, "declined")
        self._meeting(self.kam_1, self.kam_1, 32.0, "declined")
        wizard = self.as_(self.director, "kam.time.allocation").create(
            {
                "date_from": self.today - timedelta(days=30),
                "date_to": self.today,
                "user_ids": [Command.set((self.kam_1 | self.kam_2).ids)],
            }
        )
        wizard.action_compute()
        selling = {
            line.user_id: line for line in wizard.line_ids if line.category == "selling"
        }
        self.assertAlmostEqual(selling[self.kam_1].meeting_hours, 3.0)
        self.assertAlmostEqual(selling[self.kam_1].hours, 3.0)
        # kam_2 organised the 2, 4, 8 and 16 h meetings: all theirs, attended
        # or not (the 2 h one only once).
        self.assertAlmostEqual(selling[self.kam_2].meeting_hours, 30.0)

    # ------------------------------------------------------------------
    # Locking the quadrant of several accounts
    # ------------------------------------------------------------------
    def test_lock_quadrant_of_several_accounts(self):
        accounts = self.as_(self.director, "kam.account").browse(
            (self.acc_own | self.acc_kam2).ids
        )
        with self.assertRaisesText(UserError, "each lock needs its own reason"):
            accounts.action_lock_quadrant()
