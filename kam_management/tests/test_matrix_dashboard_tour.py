from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class TestMatrixDashboardTour(HttpCase):
    """The matrix dashboard in a real browser, from the menu, on demo data."""

    def setUp(self):
        super().setUp()
        if not self.env.ref("kam_management.demo_account_costa", False):
            self.skipTest("the dashboard tours read the demo key accounts")

    def test_dashboard_as_kam(self):
        """The demo KAM sees their three accounts, filters by tier and opens
        the account with the lowest health."""
        self.start_tour(
            "/odoo/crm", "kam_management_matrix_dashboard_kam_tour", login="demo"
        )

    def test_dashboard_as_director(self):
        """A director sees the company's four key accounts and filters by KAM."""
        self.start_tour(
            "/odoo/crm", "kam_management_matrix_dashboard_director_tour", login="admin"
        )
