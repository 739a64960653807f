"""What a new director or KAM met in their first hour, each fixed."""

from datetime import date, timedelta
from pathlib import Path

from lxml import etree
from odoo import Command, fields
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL, mute_logger
from psycopg2.errors import UniqueViolation

from ..models.kam_account_plan import PERIOD_INDEX
from .common import KamCommon, load_migration


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

    # ------------------------------------------------------------------
    # One plan per account and period
    # ------------------------------------------------------------------
    def _plan(self, **values):
        return self.env["kam.account.plan"].create(
            dict(
                {
                    "account_id": self.account.id,
                    "date_start": date(2026, 1, 1),
                    "date_end": date(2026, 12, 31),
                },
                **values,
            )
        )

    def _plans(self):
        return self.env["kam.account.plan"].search(
            [("account_id", "=", self.account.id)]
        )

    def test_copy_to_next_period_twice_opens_the_same_plan(self):
        plan = self._plan()
        kam_plan = plan.with_user(self.kam_1)
        first = kam_plan.action_copy_next_period()
        new = self.env["kam.account.plan"].browse(first["res_id"])
        self.assertEqual(
            (new.date_start, new.date_end), (date(2027, 1, 1), date(2027, 12, 31))
        )
        second = kam_plan.action_copy_next_period()
        self.assertEqual(second["tag"], "display_notification")
        self.assertIn("already exists", second["params"]["message"])
        self.assertIn(new.name, second["params"]["message"])
        self.assertEqual(second["params"]["next"]["res_id"], new.id)
        self.assertEqual(len(self._plans()), 2)

    def test_one_open_plan_per_period_in_the_database(self):
        plan = self._plan()
        with self.assertRaises(ValidationError):
            self._plan()
        # Closed, the period is free for a new plan.
        plan.sudo().state = "closed"
        self._plan()
        self.env.cr.execute(
            "SELECT indexdef FROM pg_indexes WHERE indexname = %s", [PERIOD_INDEX]
        )
        (definition,) = self.env.cr.fetchone()
        self.assertIn("UNIQUE", definition)
        self.assertIn("(account_id, date_start, date_end)", definition)
        # The database itself refuses what the constraint would (a race).
        with mute_logger("odoo.sql_db"), self.assertRaises(UniqueViolation):
            self.env.cr.execute(
                SQL(
                    "INSERT INTO kam_account_plan (name, account_id, company_id, "
                    "date_start, date_end, state) SELECT name, account_id, "
                    "company_id, date_start, date_end, 'draft' FROM "
                    "kam_account_plan WHERE state = 'draft' AND account_id = %s",
                    self.account.id,
                )
            )

    def test_upgrade_closes_the_repeated_plans(self):
        kept = self._plan(date_start=date(2030, 1, 1), date_end=date(2030, 12, 31))
        repeated = self._plan()
        repeated.sudo().state = "submitted"
        draft = self._plan(date_start=date(2031, 1, 1), date_end=date(2031, 12, 31))
        self.env.flush_all()
        # As a database of the version before: the index absent, a repeat.
        self.env.cr.execute(SQL("DROP INDEX %s", SQL.identifier(PERIOD_INDEX)))
        self.env.cr.execute(
            "UPDATE kam_account_plan SET date_start = %s, date_end = %s WHERE id = %s",
            [date(2026, 1, 1), date(2026, 12, 31), draft.id],
        )
        self.env.cr.execute(
            "UPDATE kam_account_plan SET date_start = %s, date_end = %s WHERE id = %s",
            [date(2026, 1, 1), date(2026, 12, 31), kept.id],
        )
        module = load_migration(
            Path(__file__).resolve().parent.parent, "1.2.0", "pre-migrate.py"
        )
        with mute_logger(module.__name__):
            module.migrate(self.env.cr, "18.0.1.1.0")
        self.env.invalidate_all()
        # The submitted plan stays; the two drafts of its period are closed.
        self.assertEqual(repeated.state, "submitted")
        self.assertEqual((kept | draft).mapped("state"), ["closed", "closed"])
        self.env["kam.account.plan"].init()

    def test_survey_invitation_is_the_suppliers_own_in_spanish(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(
            ["kam_management"], ["es_ES"], overwrite=True
        )
        self.kam_1.lang = "es_ES"
        contact = self.env["res.partner"].create(
            {
                "name": "Eva Compras",
                "parent_id": self.customer.id,
                "email": "eva@x.example",
                "lang": "es_ES",
            }
        )
        self.env["kam.buying.role"].create(
            {"account_id": self.account.id, "partner_id": contact.id}
        )
        account = self.account.with_user(self.kam_1).with_context(lang="es_ES")
        action = account.action_send_satisfaction_survey()
        template = self.env.ref("kam_management.mail_template_kam_survey_invite")
        self.assertEqual(action["context"]["default_template_id"], template.id)
        invite = (
            self.env["survey.invite"]
            .with_user(self.kam_1)
            .with_context(action["context"], lang="es_ES")
            .create({})
        )
        self.assertIn("como proveedor", str(invite.body))
        # As the form fills it in (onchange), not only on create.
        form = Form(
            self.env["survey.invite"]
            .with_user(self.kam_1)
            .with_context(action["context"], lang="es_ES")
        )
        self.assertEqual(form.subject, template.subject)
        self.assertIn("como proveedor", str(form.body))
        self.assertNotIn("certification", str(invite.body).lower())
        invite.action_invite()
        mail = self.env["mail.mail"].search([("recipient_ids", "in", contact.ids)])
        self.assertIn("Responder a la encuesta", mail.body_html)
        answer = self.env["survey.user_input"].search(
            [("kam_account_id", "=", self.account.id), ("partner_id", "=", contact.id)]
        )
        self.assertIn(answer.access_token, mail.body_html)

    def test_demo_chatter_is_not_buried_under_done_activities(self):
        demo_kam = self.env.ref("base.user_demo")
        done = self.env["mail.message"].search(
            [
                ("model", "=", "kam.account"),
                ("author_id", "=", demo_kam.partner_id.id),
                ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
            ]
        )
        self.assertGreater(len(done), 10, "the demo's done activities")
        newest = max(done.mapped("date"))
        self.assertLess(newest, fields.Datetime.now() - timedelta(days=6))
        # Still within the time report's default three months.
        self.assertGreater(
            min(done.mapped("date")), fields.Datetime.now() - timedelta(days=90)
        )

    def test_director_menus_fit_a_screen(self):
        """At 1440x900 a navbar dropdown shows some 22 lines: the daily work
        and the configuration in one, the analysis in the other."""
        menus = self.env["ir.ui.menu"].with_user(self.director).load_menus(False)

        def lines(menu_id):
            children = menus[menu_id]["children"]
            return len(children) + sum(lines(child) for child in children)

        root = self.env.ref("kam_management.menu_kam_root")
        analysis = self.env.ref("kam_management.menu_kam_analysis_root")
        self.assertLessEqual(lines(root.id), 22)
        self.assertLessEqual(lines(analysis.id), 22)
        configuration = self.env.ref("kam_management.menu_kam_configuration")
        self.assertIn(configuration.id, menus[root.id]["children"])
