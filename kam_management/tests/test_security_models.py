"""Every model of the addon, on the demo data: a KAM's records are the KAM's.

The demo KAM (Marc Demo) works on his accounts of the main company. Another
KAM of the same company, and a director and a KAM of a second company, must
read none of his records, and change none through write, unlink or any of
the model's buttons. Reference data a company shares with all its KAMs (its
criteria, rules, competencies) is the exception, named below with why; the
second company's users see none of it either, unless it belongs to no
company at all.
"""

import inspect

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import TransactionCase, new_test_user, tagged

ADDONS = ("kam_management", "kam_reports")
# Models every KAM of the company reads: reference data, no customer's.
SHARED_IN_COMPANY = {
    "kam.alert.rule": "the company's alert rules, which KAMs read to act on",
    "kam.classification.run": "the company's classification runs (parameters)",
    "kam.competency": "the company's catalogue of KAM competencies",
    "kam.quadrant.competency": "the competencies each quadrant needs",
    "kam.position.criterion": "the criteria KAMs assess their accounts on",
    "kam.competitor": "the company's list of competitors",
    "kam.decision.role": "the decision roles of a buying centre (no company)",
}

# Models no user of the app reads, with why: tested on their own.
INTERNAL = {
    "kam.classification.stage": "a scheduled run's staged figures, read in SQL "
    "by the run alone (test_classification_steps)",
}


@tagged("post_install", "-at_install")
class TestEveryModelOnDemo(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = cls.env.ref("base.user_demo")
        cls.main = cls.env.ref("base.main_company")
        cls.company2 = cls.env["res.company"].create({"name": "Demo Second Company"})
        cls.colleague = new_test_user(
            cls.env,
            login="kam_colleague",
            name="Cleo Colleague",
            groups="base.group_user,kam_management.group_kam_user",
            company_id=cls.main.id,
            company_ids=[Command.set(cls.main.ids)],
        )
        if "kam.portfolio.mailing" in cls.env:
            # kam_reports: the monthly mailing's deliveries, one the demo KAM's.
            cls.main.kam_report_recipient_ids = cls.demo | cls.env.ref(
                "base.user_admin"
            )
            cls.env["kam.portfolio.mailing"]._send_company_workbooks(cls.main)
        cls.outsiders = cls.colleague
        for login, group in (
            ("kam_dir_two", "kam_management.group_kam_manager"),
            ("kam_kam_two", "kam_management.group_kam_user"),
        ):
            cls.outsiders |= new_test_user(
                cls.env,
                login=login,
                name=login,
                groups=f"base.group_user,{group}",
                company_id=cls.company2.id,
                company_ids=[Command.set(cls.company2.ids)],
            )

    def _as(self, user, model):
        return (
            self.env[model]
            .with_user(user)
            .with_context(allowed_company_ids=user.company_ids.ids)
        )

    def _models(self):
        names = {
            m.model
            for m in self.env["ir.model"].search([("transient", "=", False)])
            if set(m.modules.split(", ")) & set(ADDONS) and m.model.startswith("kam.")
        }
        self.assertIn("kam.account", names)
        # Abstract models (mixins, engines, the reports' queries) have no rows.
        return sorted(
            name
            for name in names
            if not self.env[name]._abstract and name not in INTERNAL
        )

    def _demo_records(self, model):
        return self._as(self.demo, model).search([])

    def _buttons(self, Model):
        """The model's own ``action_*`` methods, defined by our addons."""
        for name, member in inspect.getmembers(type(Model), inspect.isfunction):
            module = getattr(member, "__module__", "")
            if name.startswith("action_") and module.startswith(
                tuple(f"odoo.addons.{a}." for a in ADDONS)
            ):
                yield name

    def test_every_model_is_classified(self):
        models = self._models()
        for model in models:
            with self.subTest(model=model):
                self.assertTrue(
                    self._demo_records(model),
                    f"{model}: no demo record of the demo KAM to try",
                )

    def test_outsiders_read_none_of_a_kams_records(self):
        for model in self._models():
            mine = self._demo_records(model)
            for user in self.outsiders:
                with self.subTest(model=model, user=user.login):
                    Model = self._as(user, model)
                    try:
                        seen = Model.search([("id", "in", mine.ids)])
                    except UserError:
                        seen = Model.browse()
                    if model in SHARED_IN_COMPANY:
                        if "company_id" in seen._fields:
                            # Shared within its company, or by all companies.
                            foreign = seen.sudo().company_id - user.company_ids
                            self.assertFalse(foreign, SHARED_IN_COMPANY[model])
                        continue
                    self.assertFalse(seen, f"{user.login} reads {model} {seen.ids}")
                    with self.assertRaises(UserError):
                        Model.browse(mine.ids[:1]).read(["display_name"])

    def test_outsiders_change_none_of_a_kams_records(self):
        for model in self._models():
            mine = self._demo_records(model)[:1]
            if model in SHARED_IN_COMPANY or not mine:
                continue
            for user in self.outsiders:
                Model = self._as(user, model)
                record = Model.browse(mine.id)
                who = {"model": model, "user": user.login}
                with self.subTest(**who, op="write"), self.assertRaises(UserError):
                    record.check_access("write")
                with self.subTest(**who, op="unlink"), self.assertRaises(UserError):
                    record.unlink()
                for button in self._buttons(Model):
                    with (
                        self.subTest(**who, button=button),
                        self.assertRaises(UserError),
                    ):
                        getattr(record, button)()
                self.assertTrue(mine.sudo().exists())
