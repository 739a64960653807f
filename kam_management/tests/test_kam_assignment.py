from odoo import Command
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestKamAssignment(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company.kam_max_accounts_per_kam = 2
        Competency = cls.env["kam.competency"]
        cls.strategy = Competency.create(
            {"name": "Test strategy", "company_id": cls.company.id}
        )
        cls.numbers = Competency.create(
            {"name": "Test numbers", "company_id": cls.company.id}
        )
        Need = cls.env["kam.quadrant.competency"]
        # The company's own needs replace the shared ones for these quadrants.
        Need.create(
            [
                {
                    "company_id": cls.company.id,
                    "quadrant": "invest",
                    "competency_id": cls.strategy.id,
                    "weight": 3.0,
                },
                {
                    "company_id": cls.company.id,
                    "quadrant": "invest",
                    "competency_id": cls.numbers.id,
                    "weight": 1.0,
                },
                {
                    "company_id": cls.company.id,
                    "quadrant": "milk",
                    "competency_id": cls.numbers.id,
                    "weight": 1.0,
                },
            ]
        )
        cls.Rating = cls.env["kam.competency.rating"]
        cls.rating_1 = cls.Rating.create(
            [
                cls._rating_vals(cls.kam_1, cls.strategy, 5),
                cls._rating_vals(cls.kam_1, cls.numbers, 1),
                cls._rating_vals(cls.kam_2, cls.strategy, 2),
                cls._rating_vals(cls.kam_2, cls.numbers, 5),
            ]
        )
        # Today kam_2 manages the invest account, kam_1 the milk one.
        cls.invest = cls._key_account("Invest Co", "invest", cls.kam_2)
        cls.milk = cls._key_account("Milk Co", "milk", cls.kam_1)

    @classmethod
    def _rating_vals(cls, user, competency, rating):
        return {
            "user_id": user.id,
            "competency_id": competency.id,
            "rating": rating,
            "company_id": cls.company.id,
        }

    @classmethod
    def _key_account(cls, name, quadrant, kam):
        account = cls._create_account(
            cls._create_customer(name), is_key_account=True, kam_user_id=kam.id
        )
        # The classification sets the quadrant.
        account.sudo().write({"quadrant": quadrant})
        return account

    def _wizard(self, user=None, **values):
        env = self.env(user=user or self.director)
        return (
            env["kam.assignment.wizard"]
            .with_company(self.company)
            .create(
                dict(
                    {
                        "company_id": self.company.id,
                        "kam_ids": [Command.set((self.kam_1 | self.kam_2).ids)],
                    },
                    **values,
                )
            )
        )

    def _line(self, wizard, account):
        return wizard.line_ids.filtered(lambda line: line.account_id == account)

    def test_proposal_swaps_kams(self):
        wizard = self._wizard()
        self.assertEqual(wizard.account_ids, self.invest | self.milk)
        wizard.action_propose()
        invest = self._line(wizard, self.invest)
        milk = self._line(wizard, self.milk)
        # Invest needs strategy 3, numbers 1: kam_1 (5*3 + 1) / 4 = 4;
        # kam_2 (2*3 + 5) / 4 = 2.75. Milk needs numbers: kam_1 1, kam_2 5.
        self.assertEqual(invest.proposed_kam_id, self.kam_1)
        self.assertAlmostEqual(invest.proposed_fit, 4.0)
        self.assertEqual(invest.current_kam_id, self.kam_2)
        self.assertAlmostEqual(invest.current_fit, 2.75)
        self.assertEqual(milk.proposed_kam_id, self.kam_2)
        self.assertAlmostEqual(milk.proposed_fit, 5.0)
        self.assertAlmostEqual(milk.current_fit, 1.0)
        self.assertEqual(invest.needs_source, "quadrant")
        self.assertTrue(invest.is_change and invest.selected)
        self.assertAlmostEqual(wizard.total_current_fit, 3.75)
        self.assertAlmostEqual(wizard.total_proposed_fit, 9.0)
        self.assertAlmostEqual(wizard.fit_gain, 5.25)
        self.assertEqual(wizard.change_count, 2)
        self.assertEqual(wizard.unassigned_count, 0)
        self.assertEqual(wizard.capacity_total, 4)
        self.assertFalse(wizard.message)

    def test_apply_only_ticked_lines(self):
        # As if the accounts had been created in an earlier transaction: mail
        # does not track the changes of the transaction creating a record.
        self.env.flush_all()
        self.env.cr.precommit.run()
        wizard = self._wizard()
        wizard.action_propose()
        self._line(wizard, self.milk).selected = False
        result = wizard.action_apply()
        self.assertEqual(result["params"]["type"], "success")
        self.assertEqual(self.invest.kam_user_id, self.kam_1)
        self.assertEqual(self.milk.kam_user_id, self.kam_1)
        self.env.flush_all()
        self.env.cr.precommit.run()
        (self.invest | self.milk).invalidate_recordset(["message_ids"])
        tracking = self.invest.message_ids.tracking_value_ids.filtered(
            lambda t: t.field_id.name == "kam_user_id"
        )
        self.assertEqual(len(tracking), 1)
        self.assertEqual(tracking.old_value_char, self.kam_2.name)
        self.assertEqual(tracking.new_value_char, self.kam_1.name)
        self.assertFalse(
            self.milk.message_ids.tracking_value_ids.filtered(
                lambda t: t.field_id.name == "kam_user_id"
            )
        )

    def test_apply_part_above_the_maximum_warns(self):
        self.company.kam_max_accounts_per_kam = 1
        wizard = self._wizard()
        wizard.action_propose()
        self.assertEqual(wizard.change_count, 2)
        # Only the invest account goes to kam_1, who keeps the milk one.
        self._line(wizard, self.milk).selected = False
        result = wizard.action_apply()
        self.assertEqual(result["params"]["type"], "warning")
        self.assertIn("Karl First", result["params"]["message"])
        self.assertEqual(self.invest.kam_user_id, self.kam_1)

    def test_kams_of_another_company_refused(self):
        other = self.env["res.company"].create({"name": "Other KAM Company"})
        outsider = self._create_user(
            "kam_outsider",
            "Olga Outsider",
            "kam_management.group_kam_user",
            companies=other,
        )
        wizard = self._wizard(kam_ids=[Command.set((self.kam_1 | outsider).ids)])
        with self.assertRaisesText(UserError, "Olga Outsider cannot manage"):
            wizard.action_propose()
        with self.assertRaises(AccessError):
            self.env(user=self.director)["kam.time.allocation"].create(
                {
                    "company_id": self.company.id,
                    "user_ids": [Command.set(outsider.ids)],
                }
            ).action_compute()

    def test_apply_refuses_stale_proposal(self):
        wizard = self._wizard()
        wizard.action_propose()
        self.milk.kam_user_id = self.director
        with self.assertRaisesText(UserError, "changed since the proposal"):
            wizard.action_apply()
        self.assertEqual(self.invest.kam_user_id, self.kam_2)
        wizard.line_ids.selected = False
        with self.assertRaisesText(UserError, "Tick the changes"):
            wizard.action_apply()

    def test_account_needs_override_quadrant(self):
        self.env["kam.account.competency"].create(
            {"account_id": self.invest.id, "competency_id": self.numbers.id}
        )
        wizard = self._wizard()
        wizard.action_propose()
        invest = self._line(wizard, self.invest)
        self.assertEqual(invest.needs_source, "account")
        # Only numbers now: both accounts want kam_2 (5), who has 2 places.
        self.assertEqual(invest.proposed_kam_id, self.kam_2)
        self.assertEqual(self._line(wizard, self.milk).proposed_kam_id, self.kam_2)
        self.assertAlmostEqual(wizard.total_proposed_fit, 10.0)

    def test_capacity_and_partial_assignment(self):
        self.company.kam_max_accounts_per_kam = 1
        extra = self._key_account("Extra Co", "milk", self.kam_2)
        # A key account kam_2 keeps outside the assignment uses its place.
        wizard = self._wizard(account_ids=[Command.set((self.invest | self.milk).ids)])
        self.assertNotIn(extra, wizard.account_ids)
        wizard.action_propose()
        self.assertEqual(wizard.capacity_total, 1)
        self.assertEqual(wizard.unassigned_count, 1)
        self.assertEqual(self._line(wizard, self.invest).proposed_kam_id, self.kam_1)
        self.assertFalse(self._line(wizard, self.milk).proposed_kam_id)
        self.assertFalse(self._line(wizard, self.milk).selected)
        self.assertIn("2 accounts for 1 places", wizard.message)
        self.assertIn("Milk Co", wizard.message)
        # Every key account: 3 accounts, 2 places.
        wizard = self._wizard()
        wizard.action_propose()
        self.assertEqual(wizard.unassigned_count, 1)
        proposed = wizard.line_ids.proposed_kam_id
        self.assertEqual(proposed, self.kam_1 | self.kam_2)
        # The best partial: invest to kam_1 (4), a milk account to kam_2 (5).
        self.assertAlmostEqual(wizard.total_proposed_fit, 9.0)

    def test_team_member_is_not_proposed(self):
        self.env["kam.team.member"].create(
            {"account_id": self.invest.id, "user_id": self.kam_1.id}
        )
        wizard = self._wizard()
        wizard.action_propose()
        self.assertEqual(self._line(wizard, self.invest).proposed_kam_id, self.kam_2)

    def test_bad_input_messages(self):
        kam_3 = self._create_user(
            "kam_three", "Kim Third", "kam_management.group_kam_user"
        )
        wizard = self._wizard(kam_ids=[Command.set((self.kam_1 | kam_3).ids)])
        with self.assertRaisesText(UserError, "Kim Third: no competency ratings"):
            wizard.action_propose()
        self.assertEqual(wizard.state, "draft")
        self.assertFalse(wizard.line_ids)
        # Nobody rated at all.
        self.rating_1.unlink()
        wizard = self._wizard()
        with self.assertRaisesText(UserError, "Karl First, Kira Second: no competency"):
            wizard.action_propose()
        self.Rating.create(
            [
                self._rating_vals(self.kam_1, self.strategy, 5),
                self._rating_vals(self.kam_2, self.numbers, 5),
            ]
        )
        # Weights all zero: the account is left out, and said so.
        self.env["kam.quadrant.competency"].search(
            [("company_id", "=", self.company.id), ("quadrant", "=", "milk")]
        ).weight = 0.0
        wizard = self._wizard()
        wizard.action_propose()
        self.assertNotIn(self.milk, wizard.line_ids.account_id)
        self.assertIn(
            "weights of the competencies they need are all zero", wizard.message
        )
        # No account states needs at all.
        self.env["kam.quadrant.competency"].search(
            [("company_id", "=", self.company.id)]
        ).weight = 0.0
        with self.assertRaisesText(UserError, "No account states the competencies"):
            self._wizard().action_propose()
        # Without a quadrant: left out.
        self.env["kam.quadrant.competency"].search(
            [("company_id", "=", self.company.id)]
        ).weight = 1.0
        self.milk.sudo().quadrant = False
        wizard = self._wizard()
        wizard.action_propose()
        self.assertIn("no quadrant yet", wizard.message)
        with self.assertRaisesText(UserError, "Choose the Key Account Managers"):
            self._wizard(kam_ids=[Command.clear()]).action_propose()
        with self.assertRaisesText(ValidationError, "between 0 and 100"):
            self.env["kam.quadrant.competency"].search([], limit=1).weight = -1.0

    def test_only_directors_assign(self):
        with self.assertRaises(AccessError):
            self._wizard(user=self.kam_1)
        wizard = self._wizard()
        wizard.action_propose()
        with self.assertRaises(AccessError):
            wizard.with_user(self.kam_1).action_apply()
        with self.assertRaises(AccessError):
            wizard.with_user(self.kam_1).action_propose()
        self.assertEqual(self.invest.kam_user_id, self.kam_2)

    def test_ratings_visible_to_directors_and_that_kam(self):
        env_1 = self.env(user=self.kam_1)
        self.assertEqual(env_1["kam.competency.rating"].search([]).user_id, self.kam_1)
        rating_2 = self.rating_1.filtered(lambda r: r.user_id == self.kam_2)[0]
        with self.assertRaises(AccessError):
            rating_2.with_user(self.kam_1).read(["rating"])
        # A KAM does not rate anyone, not even themselves.
        with self.assertRaises(AccessError):
            env_1["kam.competency.rating"].create(
                self._rating_vals(self.kam_1, self.strategy, 5)
            )
        mine = self.rating_1.filtered(lambda r: r.user_id == self.kam_1)[0]
        with self.assertRaises(AccessError):
            mine.with_user(self.kam_1).write({"rating": 5})
        env_d = self.env(user=self.director)
        self.assertEqual(
            env_d["kam.competency.rating"]
            .search([("company_id", "=", self.company.id)])
            .user_id,
            self.kam_1 | self.kam_2,
        )
        with self.assertRaisesText(ValidationError, "between 1 and 5"):
            env_d["kam.competency.rating"].browse(mine.id).rating = 6
        with self.assertRaisesText(ValidationError, "between 1 and 5"):
            env_d["kam.competency.rating"].browse(mine.id).rating = 0
