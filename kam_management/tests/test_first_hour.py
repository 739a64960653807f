"""What a new director or KAM met in their first hour, each fixed."""

from lxml import etree
from odoo import Command
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestFirstHour(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls._create_customer("First Hour Customer")
        cls.account = cls._create_account(
            cls.customer, is_key_account=True, kam_user_id=cls.kam_1.id
        )

    def _arch(self, model, view_type, user, **context):
        views = (
            self.env[model]
            .with_user(user)
            .with_context(**context)
            .get_views([(False, view_type)])
        )
        return etree.fromstring(views["views"][view_type]["arch"])

    def test_survey_invitation_creates_no_contact(self):
        """From an account, recipients are chosen among its contacts, never
        created on the fly."""
        arch = self._arch("survey.invite", "form", self.kam_1)
        fields = arch.xpath("//field[@name='partner_ids']")
        kam_field = [f for f in fields if "kam_partner_id" in f.get("domain", "")]
        self.assertEqual(len(kam_field), 1)
        self.assertIn("'no_create': True", kam_field[0].get("options"))
        self.assertIn("not kam_account_id", kam_field[0].get("invisible"))
        # The generic invitation keeps Odoo's field, hidden from the account's.
        others = [f for f in fields if f is not kam_field[0]]
        self.assertTrue(all("kam_account_id" in f.get("invisible") for f in others))
        contact = self.env["res.partner"].create(
            {
                "name": "Una Contact",
                "parent_id": self.customer.id,
                "email": "u@x.example",
            }
        )
        survey = self.env.ref("kam_management.survey_kam_satisfaction")
        invite = (
            self.env["survey.invite"]
            .with_user(self.kam_1)
            .create(
                {
                    "survey_id": survey.id,
                    "kam_account_id": self.account.id,
                    "partner_ids": [Command.set(contact.ids)],
                }
            )
        )
        self.assertEqual(invite.partner_ids, contact)

    def test_health_history_has_the_pivot(self):
        action = self.account.with_user(self.kam_1).action_view_scorecard_history()
        menu = self.env.ref("kam_management.action_kam_scorecard_snapshot")
        self.assertEqual(action["view_mode"].split(","), menu.view_mode.split(","))

    def test_workload_colours_follow_the_health_bands(self):
        arch = self._arch("kam.workload.report", "list", self.director)
        (lowest,) = arch.xpath("//field[@name='health_min']")
        self.assertEqual(
            lowest.get("decoration-danger"), "health_min < health_amber_from"
        )
        self.assertIn("health_green_from", lowest.get("decoration-warning"))
        self.assertNotIn("40", lowest.get("decoration-warning"))
