from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestKamOrganisationTours(HttpCase):
    """The assignment wizard and the time report in a real browser (demo)."""

    def setUp(self):
        super().setUp()
        self.atlantica = self.env.ref(
            "kam_management.demo_account_atlantica", raise_if_not_found=False
        )
        if not self.atlantica:
            self.skipTest("the browser checks read the demo key accounts")

    def test_assignment_tour(self):
        meseta = self.env.ref("kam_management.demo_account_meseta")
        meseta_kam = meseta.kam_user_id
        self.start_tour(
            "/odoo/action-kam_management.action_kam_assignment_wizard",
            "kam_management_assignment_tour",
            login="admin",
        )
        self.assertEqual(
            self.atlantica.kam_user_id,
            self.env.ref("kam_management.demo_user_kam_marta"),
        )
        self.assertEqual(meseta.kam_user_id, meseta_kam)

    def test_time_allocation_tour(self):
        self.start_tour(
            "/odoo/action-kam_management.action_kam_time_allocation",
            "kam_management_time_allocation_tour",
            login="demo",
        )
