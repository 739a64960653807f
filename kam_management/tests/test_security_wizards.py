"""Wizards (transient records) and what they point at, as each attacker.

A wizard holds what its author was doing: a leaver's note, a dismissal
reason, a company's settings, an assignment proposal. Nobody else reads,
changes, adds to or runs it, and a wizard only points at records its author
may read.
"""

from datetime import timedelta

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import KamAttackCommon

# A change each attacker tries on each wizard.
WRITES = {
    "kam.alert.dismiss": {"reason": "Changed by someone else"},
    "kam.buying.role.succession": {"note": "Changed by someone else"},
    "kam.settings": {"kam_max_accounts_per_kam": 1},
    "kam.assignment.wizard": {"state": "proposed"},
    "kam.time.allocation": {"tolerance": 50.0},
    "survey.invite": {"subject": "Changed by someone else"},
}
# Transient models the addon extends but that are not its wizards.
NOT_OURS = {
    # Odoo's Settings screen: its rights are Settings administrators' only.
    "res.config.settings",
}


@tagged("post_install", "-at_install")
class TestWizardRecords(KamAttackCommon):
    """Each wizard of the addon, made by its author and tried by the others."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alert_kam2 = (
            cls.env["kam.alert"]
            .sudo()
            .create(
                {
                    "name": "Wizard test alert",
                    "account_id": cls.acc_kam2.id,
                    "rule_id": cls.env.ref("kam_management.alert_rule_satisfaction").id,
                    "severity": "high",
                    "condition_key": "wizard-test",
                    "owner_id": cls.kam_2.id,
                }
            )
        )
        cls.contact_own = cls.env["res.partner"].create(
            {
                "name": "Olga Own",
                "parent_id": cls.p_own.id,
                "email": "olga@own.example.com",
            }
        )
        cls.role_own = cls.env["kam.buying.role"].create(
            {"account_id": cls.acc_own.id, "partner_id": cls.contact_own.id}
        )
        # The assignment proposal needs competency ratings of today's KAMs.
        competency = cls.env["kam.competency"].create(
            {"name": "Wizard test strategy", "company_id": cls.company.id}
        )
        cls.env["kam.competency.rating"].create(
            [
                {
                    "user_id": user.id,
                    "competency_id": competency.id,
                    "rating": rating,
                    "company_id": cls.company.id,
                }
                for user, rating in ((cls.kam_1, 4), (cls.kam_2, 3))
            ]
        )
        cls.env["kam.account.competency"].create(
            [
                {"account_id": account.id, "competency_id": competency.id}
                for account in (cls.acc_own, cls.acc_kam2)
            ]
        )

    # One wizard per model: (author, values, button). Every transient model
    # of the addon must be here (test_every_wizard_is_tried).
    def _wizards(self):
        survey = self.env.ref("kam_management.survey_kam_satisfaction")
        return {
            "kam.alert.dismiss": (
                self.kam_2,
                {"alert_ids": [Command.set(self.alert_kam2.ids)], "reason": "Paid"},
                "action_dismiss",
            ),
            "kam.buying.role.succession": (
                self.kam_2,
                {"role_id": self.role_kam2.id, "note": "Went to a competitor"},
                "action_confirm",
            ),
            "kam.settings": (
                self.director,
                {"company_id": self.company.id},
                "action_save",
            ),
            "kam.assignment.wizard": (
                self.director,
                {"company_id": self.company.id},
                "action_propose",
            ),
            "kam.time.allocation": (
                self.kam_1,
                {"date_from": self.today - timedelta(days=30), "date_to": self.today},
                "action_compute",
            ),
            "survey.invite": (
                self.kam_1,
                {
                    "survey_id": survey.id,
                    "kam_account_id": self.acc_own.id,
                    "partner_ids": [Command.set(self.contact_own.ids)],
                    "subject": "How are we doing?",
                },
                "action_invite",
            ),
        }

    def _attackers(self, author):
        """Everybody but the author: other KAMs, a team member, a salesman,
        the directors (of this company and of the second one)."""
        users = (
            self.kam_1
            | self.kam_2
            | self.member
            | self.director
            | self.director2
            | self.kam_other
            | self.salesman
        )
        return users - author

    def _make(self, model):
        author, values, _button = self._wizards()[model]
        return self.as_(author, model).create(values), author

    def test_every_wizard_is_tried(self):
        models = self.env["ir.model"].search([("transient", "=", True)])
        # Lines are tried with their wizard (test_lines_follow_their_wizard).
        lines = {"kam.assignment.line", "kam.time.allocation.line"}
        ours = {
            m.model
            for m in models
            if "kam_management" in m.modules.split(", ") and m.model not in NOT_OURS
        }
        self.assertEqual(ours - lines, set(self._wizards()))

    def test_nobody_else_reads_a_wizard(self):
        for model in self._wizards():
            wizard, author = self._make(model)
            for user in self._attackers(author):
                with self.subTest(model=model, user=user.login):
                    Model = self.as_(user, model)
                    self.assertFalse(self._finds(Model, [("id", "=", wizard.id)]))
                    with self.assertRaises(AccessError):
                        Model.browse(wizard.id).read(["create_uid"])

    def test_nobody_else_changes_or_runs_a_wizard(self):
        for model, (_author, _values, button) in self._wizards().items():
            wizard, author = self._make(model)
            for user in self._attackers(author):
                with self.subTest(model=model, user=user.login):
                    Model = self.as_(user, model)
                    with self.assertRaises(AccessError):
                        Model.browse(wizard.id).write(WRITES[model])
                    with self.assertRaises(AccessError):
                        Model.browse(wizard.id).unlink()
                    with (
                        self.assertRaises(UserError),
                        mute_logger("odoo.models"),
                    ):
                        getattr(Model.browse(wizard.id), button)()
            # Still the author's, untouched.
            self.assertEqual(wizard.sudo().create_uid, author)

    def test_lines_follow_their_wizard(self):
        wizard, _author = self._make("kam.assignment.wizard")
        wizard.action_propose()
        lines = wizard.line_ids
        self.assertTrue(lines)
        for user in self._attackers(self.director):
            with self.subTest(user=user.login):
                Line = self.as_(user, "kam.assignment.line")
                self.assertFalse(self._finds(Line, [("id", "in", lines.ids)]))
                with self.assertRaises(AccessError):
                    Line.create(
                        {
                            "wizard_id": wizard.id,
                            "account_id": self.acc_own.id,
                            "proposed_kam_id": user.id,
                            "is_change": True,
                            "selected": True,
                        }
                    )
        report, _author = self._make("kam.time.allocation")
        report.action_compute()
        self.assertTrue(report.line_ids)
        for user in self._attackers(self.kam_1):
            with self.subTest(user=user.login):
                Line = self.as_(user, "kam.time.allocation.line")
                self.assertFalse(self._finds(Line, [("id", "in", report.line_ids.ids)]))

    def test_director_adds_no_line_to_own_proposal(self):
        """Class C: the proposal is the optimiser's, not typed in by hand."""
        wizard, _author = self._make("kam.assignment.wizard")
        with self.assertRaises(AccessError):
            self.as_(self.director, "kam.assignment.line").create(
                {
                    "wizard_id": wizard.id,
                    "account_id": self.acc_own.id,
                    "proposed_kam_id": self.kam_2.id,
                    "is_change": True,
                    "selected": True,
                }
            )

    def test_second_company_director_cannot_change_settings(self):
        """Class C: another director's open settings are out of reach."""
        wizard, _author = self._make("kam.settings")
        with self.assertRaises(AccessError):
            self.as_(self.director2, "kam.settings").browse(wizard.id).write(
                {
                    "kam_max_accounts_per_kam": 1,
                    "kam_report_recipient_ids": [Command.set(self.director2.ids)],
                }
                if "kam_report_recipient_ids" in wizard._fields
                else {"kam_max_accounts_per_kam": 1}
            )
        wizard.action_save()
        self.assertNotEqual(self.company.kam_max_accounts_per_kam, 1)


@tagged("post_install", "-at_install")
class TestWizardLinks(KamAttackCommon):
    """A wizard points only at records its author may read (classes D, E)."""

    def test_contact_left_takes_only_readable_roles(self):
        """Class E: another KAM's or company's role is refused."""
        other_company_role = (
            self.env["kam.buying.role"]
            .sudo()
            .create(
                {
                    "account_id": self.acc_c2.id,
                    "partner_id": self.env["res.partner"]
                    .create({"name": "Carla Two", "parent_id": self.p_c2.id})
                    .id,
                }
            )
        )
        for role in (self.role_kam2, other_company_role):
            with self.subTest(role=role.id), self.assertRaises(AccessError):
                self.as_(self.kam_1, "kam.buying.role.succession").create(
                    {"role_id": role.id}
                )
        own = self.as_(self.kam_2, "kam.buying.role.succession").create(
            {"role_id": self.role_kam2.id}
        )
        with self.assertRaises(AccessError):
            own.write({"role_id": other_company_role.id})
        self.assertEqual(own.role_id, self.role_kam2)

    def test_dismissal_takes_only_readable_alerts(self):
        alert = (
            self.env["kam.alert"]
            .sudo()
            .create(
                {
                    "name": "Foreign alert",
                    "account_id": self.acc_kam2.id,
                    "rule_id": self.env.ref(
                        "kam_management.alert_rule_satisfaction"
                    ).id,
                    "severity": "low",
                    "condition_key": "links-test",
                }
            )
        )
        with self.assertRaises(AccessError):
            self.as_(self.kam_1, "kam.alert.dismiss").create(
                {"alert_ids": [Command.set(alert.ids)], "reason": "Not mine"}
            )
        self.assertEqual(alert.state, "open")

    def test_survey_invitation_keeps_its_account(self):
        """Class D: the account is set once, when the invitation opens."""
        contact = self.env["res.partner"].create(
            {"name": "Ina Own", "parent_id": self.p_own.id, "email": "ina@own.example"}
        )
        survey = self.env.ref("kam_management.survey_kam_satisfaction")
        invite = self.as_(self.kam_1, "survey.invite").create(
            {
                "survey_id": survey.id,
                "kam_account_id": self.acc_own.id,
                "partner_ids": [Command.set(contact.ids)],
            }
        )
        for account in (self.acc_kam2, self.acc_c2, self.acc_free):
            with self.subTest(account=account.id), self.assertRaises(UserError):
                invite.write({"kam_account_id": account.id, "partner_ids": [(5,)]})
        self.assertEqual(invite.kam_account_id, self.acc_own)
        # Other KAMs, the second company: no reading, no ordering by account.
        for user in (self.kam_2, self.director2, self.kam_other):
            with self.subTest(user=user.login):
                Invite = self.as_(user, "survey.invite")
                self.assertFalse(
                    self._finds(
                        Invite, [("id", "=", invite.id)], order="kam_account_id"
                    )
                )

    def test_kam_creates_no_survey_answer(self):
        """Class H: only the invitation makes answers of a key account."""
        contact = self.env["res.partner"].create(
            {"name": "Pia Own", "parent_id": self.p_own.id, "email": "pia@own.example"}
        )
        survey = self.env.ref("kam_management.survey_kam_satisfaction")
        with self.assertRaises(AccessError):
            self.as_(self.kam_1, "survey.user_input").create(
                {
                    "survey_id": survey.id,
                    "kam_account_id": self.acc_own.id,
                    "partner_id": contact.id,
                }
            )
        # Sent from the account, the answer exists; its token stays hidden.
        self.as_(self.kam_1, "survey.invite").create(
            {
                "survey_id": survey.id,
                "kam_account_id": self.acc_own.id,
                "partner_ids": [Command.set(contact.ids)],
            }
        ).action_invite()
        answer = self.as_(self.kam_1, "survey.user_input").search(
            [("kam_account_id", "=", self.acc_own.id), ("partner_id", "=", contact.id)]
        )
        self.assertEqual(len(answer), 1)
        with self.assertRaises(AccessError):
            answer.read(["access_token"])
        with self.assertRaises(AccessError):
            answer.write({"kam_account_id": self.acc_kam2.id})

    def test_wrong_ids_get_a_clear_error(self):
        Account = self.as_(self.kam_1, "kam.account")
        for ids in (["x"], [1.5], [True]):
            with self.subTest(ids=ids), self.assertRaises(UserError):
                Account.browse(ids).get_relationship_graph()
        for records in (Account.browse(), self.acc_own | self.acc_kam2.sudo()):
            with self.subTest(ids=records.ids), self.assertRaises(UserError):
                Account.browse(records.ids).get_relationship_graph()
        with self.assertRaises(UserError):
            Account.browse().action_open_relationship_map()
        with self.assertRaises(UserError):
            self.as_(self.director, "kam.assignment.wizard").create({"company_id": "x"})
