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

    def test_partner_tour(self):
        self.start_tour(
            f"/odoo/action-account.res_partner_action_customer/{self.iberia.id}",
            "kam_management_partner_tour",
            login="admin",
        )
