from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKamTours(HttpCase):
    """Real browser checks of the list filters, the forms and the run record."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iberia = cls.env.ref(
            "kam_management.demo_partner_iberia", raise_if_not_found=False
        )

    def setUp(self):
        super().setUp()
        if not self.iberia:
            self.skipTest("the browser checks read the demo key accounts")

    def test_classification_tour(self):
        self.start_tour(
            "/odoo/action-kam_management.action_kam_account_all",
            "kam_management_classification_tour",
            login="admin",
        )
        # The count the tour read is the run's: its class A customers.
        account = self.env.ref("kam_management.demo_account_iberia")
        run = account.last_run_id
        self.assertEqual(
            run.count_a,
            self.env["kam.account"].search_count(
                [("company_id", "=", run.company_id.id), ("pareto_class", "=", "a")]
            ),
        )

    def test_partner_tour(self):
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{self.iberia.id}",
            "kam_management_partner_tour",
            login="admin",
        )

    def test_account_plan_tour(self):
        """A KAM adds a buying-centre contact, then a plan with an action."""
        self.start_tour(
            "/odoo/action-kam_management.action_kam_account_my",
            "kam_management_account_plan_tour",
            login="demo",
        )
        account = self.env.ref("kam_management.demo_account_iberia")
        role = account.buying_role_ids.filtered(
            lambda r: r.partner_id.name == "Elena Ruiz"
        )
        self.assertEqual(role.relationship_strength, 4)
        self.assertEqual(role.partner_id.parent_id, account.partner_id)
        plan = self.env["kam.account.plan"].search(
            [("account_id", "=", account.id), ("state", "=", "draft")]
        )
        action = plan.action_ids.filtered(lambda a: a.name == "Joint business review")
        self.assertEqual(action.owner_id, self.env.ref("base.user_demo"))
        self.assertTrue(action.activity_id)
        self.assertEqual(action.activity_id.user_id, action.owner_id)
