"""Issue 8, first use by KAMs and directors: views, flow and succession."""

from datetime import timedelta

from dateutil.relativedelta import relativedelta
from lxml import etree
from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged
from odoo.tools.safe_eval import safe_eval

from ..compat import web_read_group
from .common import KamCommon


def _arch(record, view_type, view_ref=None):
    view_id = record.env.ref(view_ref).id if view_ref else False
    return etree.fromstring(
        record.get_views([(view_id, view_type)])["views"][view_type]["arch"]
    )


def _is_invisible(node, values):
    """Evaluate the ``invisible`` expression of ``node`` on ``values``."""
    expression = node.get("invisible")
    return bool(expression) and bool(safe_eval(expression, values))


def _default_search_domain(model, action, context=None):
    """The domain the web client builds from the action's default filters.

    Filters next to each other form a group and are combined with OR; a
    separator (or any other element) starts a new group; groups are combined
    with AND.
    """
    if context is None:
        context = safe_eval(action.context or "{}")
    search_view = action.search_view_id.id
    arch = etree.fromstring(
        model.get_views([(search_view, "search")])["views"]["search"]["arch"]
    )
    groups, current = [], []
    for node in arch:
        if node.tag == "filter":
            current.append(node)
            continue
        if current:
            groups.append(current)
        current = []
    if current:
        groups.append(current)
    domain = []
    for group in groups:
        chosen = [
            safe_eval(node.get("domain"), {"uid": model.env.uid})
            for node in group
            if context.get(f"search_default_{node.get('name')}") and node.get("domain")
        ]
        if not chosen:
            continue
        domain += ["|"] * (len(chosen) - 1)
        for part in chosen:
            domain += part
    return domain


class TestFirstUse(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Account = cls.env["kam.account"]
        cls.customer = cls._create_customer("First Use Retail")
        cls.account = cls._create_account(
            cls.customer, is_key_account=True, kam_user_id=cls.kam_1.id
        )
        cls.own_not_key = cls._create_account(
            cls._create_customer("Own But Not Key"), kam_user_id=cls.kam_1.id
        )
        cls.other_key = cls._create_account(
            cls._create_customer("Someone Else's Key"),
            is_key_account=True,
            kam_user_id=cls.kam_2.id,
        )
        cls.contacts = cls.env["res.partner"].create(
            [
                {"name": name, "parent_id": cls.customer.id, "function": function}
                for name, function in (
                    ("Carla Chief", "Purchasing Director"),
                    ("Nico Newcomer", "Purchasing Director"),
                    ("Ana Analyst", "Category Analyst"),
                )
            ]
        )
        cls.carla, cls.nico, cls.ana = cls.contacts
        cls.r_dm = cls.env.ref("kam_management.decision_role_decision_maker")
        cls.r_buyer = cls.env.ref("kam_management.decision_role_buyer")

    def _plan(self, account=None, **values):
        start = self.today - timedelta(days=30)
        return self.env["kam.account.plan"].create(
            dict(
                {
                    "account_id": (account or self.account).id,
                    "date_start": start,
                    "date_end": start + relativedelta(months=12, days=-1),
                },
                **values,
            )
        )

    # ------------------------------------------------------------------
    # 1. No quick create of key accounts; a new record is not archived
    # ------------------------------------------------------------------
    def test_kanban_has_no_quick_create(self):
        kanban = _arch(self.Account.with_user(self.director), "kanban")
        self.assertEqual(kanban.get("quick_create"), "false")
        self.assertEqual(kanban.get("group_create"), "false")

    def test_new_account_form_not_archived_nor_lockable(self):
        form = _arch(self.Account.with_user(self.director), "form")
        new_record = {
            "id": False,
            "active": False,  # related to the (still empty) customer
            "quadrant": "invest",  # as a column default would preset it
            "quadrant_locked": False,
        }
        ribbon = form.xpath("//widget[@name='web_ribbon'][@title='Archived']")[0]
        self.assertTrue(_is_invisible(ribbon, new_record))
        self.assertFalse(_is_invisible(ribbon, dict(new_record, id=7)))
        lock = form.xpath("//button[@name='action_lock_quadrant']")[0]
        self.assertTrue(_is_invisible(lock, new_record))
        self.assertFalse(_is_invisible(lock, dict(new_record, id=7)))

    # ------------------------------------------------------------------
    # 2. My Key Accounts: my accounts AND key accounts
    # ------------------------------------------------------------------
    def test_my_key_accounts_default_filters(self):
        action = self.env.ref("kam_management.action_kam_account_my")
        Account = self.Account.with_user(self.kam_1)
        domain = _default_search_domain(Account, action)
        found = Account.search(domain + [("company_id", "=", self.company.id)])
        self.assertEqual(found, self.account)
        # The KAM's own non-key customer is one filter away: Key Accounts off.
        only_mine = _default_search_domain(
            Account, action, context={"search_default_my_accounts": 1}
        )
        self.assertIn(self.own_not_key, Account.search(only_mine))
        director = self.Account.with_user(self.director)
        self.assertFalse(
            director.search(
                _default_search_domain(director, action)
                + [("company_id", "=", self.company.id)]
            ),
            "a director who manages no account sees none of the KAMs' ones",
        )

    # ------------------------------------------------------------------
    # 3. Quadrant as a matrix, columns in matrix and workflow order
    # ------------------------------------------------------------------
    def test_quadrant_is_a_matrix_not_a_status_bar(self):
        form = _arch(self.Account.with_user(self.director), "form")
        self.assertFalse(form.xpath("//field[@name='quadrant'][@widget='statusbar']"))
        self.assertTrue(form.xpath("//field[@name='quadrant'][@widget='badge']"))
        cells = form.xpath("//table[contains(@class, 'o_kam_matrix')]//td/@name")
        self.assertEqual(
            cells, ["cell_selective", "cell_invest", "cell_milk", "cell_maintain"]
        )

    def test_kanban_columns_in_matrix_and_workflow_order(self):
        groups = web_read_group(
            self.Account, [("company_id", "=", self.company.id)], ["quadrant"]
        )
        self.assertEqual(
            [g["quadrant"] for g in groups][:4],
            ["invest", "selective", "maintain", "milk"],
        )
        plans = self.env["kam.account.plan"]
        self._plan()
        groups = web_read_group(
            plans, [("company_id", "=", self.company.id)], ["state"]
        )
        self.assertEqual(
            [g["state"] for g in groups],
            ["draft", "submitted", "approved", "active", "closed"],
        )

    # ------------------------------------------------------------------
    # 4. Objectives: units, overflow, pipeline and won
    # ------------------------------------------------------------------
    def test_objective_units(self):
        plan = self._plan(
            objective_ids=[
                Command.create({"name": "Sell", "kpi": "revenue", "target": 1000}),
                Command.create(
                    {"name": "Weight", "kpi": "share_of_wallet", "target": 30}
                ),
                Command.create({"name": "Happy", "kpi": "satisfaction", "target": 4}),
                Command.create(
                    {
                        "name": "Visits",
                        "kpi": "custom",
                        "target": 12,
                        "custom_unit": "visits",
                    }
                ),
            ]
        )
        units = dict(
            zip(
                plan.objective_ids.mapped("kpi"),
                plan.objective_ids.mapped("unit"),
                strict=True,
            )
        )
        self.assertEqual(units["revenue"], self.company.currency_id.symbol)
        self.assertEqual(units["share_of_wallet"], "%")
        self.assertEqual(units["satisfaction"], "rating 1-5")
        self.assertEqual(units["custom"], "visits")
        # The unit of a custom KPI goes with it to the next period.
        custom = plan.objective_ids.filtered(lambda o: o.kpi == "custom")
        self.assertEqual(custom._next_period_values()["custom_unit"], "visits")

    def test_objectives_page_shows_overflow_pipeline_and_won(self):
        form = _arch(self.env["kam.account.plan"].with_user(self.kam_1), "form")
        page = form.xpath("//page[@name='objectives']")[0]
        progress = page.xpath(".//field[@name='achieved_pct']")[0]
        options = safe_eval(progress.get("options") or "{}")
        # Odoo's default overflow style is a grey bar, read as empty.
        self.assertNotIn(
            options.get("overflow_class", "bg-secondary"), ("bg-secondary", "")
        )
        names = page.xpath(".//field/@name")
        for fname in ("revenue_target", "pipeline_value", "won_value", "unit"):
            self.assertIn(fname, names)

    # ------------------------------------------------------------------
    # 5. Partner tab: the revenue says which period it covers
    # ------------------------------------------------------------------
    def test_partner_tab_revenue_is_labelled(self):
        self._post_invoice(self.customer, 4000.0, days_ago=20)
        self._classify()
        self.assertTrue(self.account.revenue_window)
        run = self.account.last_run_id
        self.assertIn(str(run.window_end.year), self.account.revenue_window)
        form = _arch(self.env["res.partner"].with_user(self.director), "form")
        revenue = form.xpath(
            "//field[@name='kam_account_ids']//field[@name='revenue']"
        )[0]
        self.assertEqual(revenue.get("string"), "Revenue in Window")
        self.assertTrue(
            form.xpath(
                "//field[@name='kam_account_ids']//field[@name='revenue_window']"
            )
        )
        note = form.xpath("//div[@name='kam_revenue_note']")[0]
        self.assertIn("Invoiced", "".join(note.itertext()))

    # ------------------------------------------------------------------
    # 6. Coverage gaps in words
    # ------------------------------------------------------------------
    def test_coverage_gaps_in_words(self):
        form = _arch(self.Account.with_user(self.kam_1), "form")
        page = form.xpath("//page[@name='buying_centre']")[0]
        names = page.xpath(".//field/@name")
        self.assertNotIn("coverage_no_decision_maker", names)
        self.assertNotIn("coverage_single_threaded", names)
        self.assertIn("coverage_warning", names)
        self.assertIn("No decision maker identified", self.account.coverage_warning)

    # ------------------------------------------------------------------
    # 7. Decision roles by name
    # ------------------------------------------------------------------
    def test_decision_roles_listed_by_name(self):
        Roles = self.env["kam.decision.role"].with_user(self.director)
        listing = _arch(Roles, "list")
        # No code column for a director: 18.0 drops a field of a group they
        # lack (technical features) from the arch, 19.0 keeps it hidden.
        self.assertFalse(
            listing.xpath("//field[@name='code'][not(@column_invisible='1')]")
        )
        self.assertIn("name", listing.xpath("//field/@name"))
        # Added in the list without a code: it is made from the name.
        role = Roles.create({"name": "Technical Expert"})
        self.assertEqual(role.code, "technical_expert")
        self.assertEqual(
            Roles.create({"name": "Technical expert!"}).code, "technical_expert_2"
        )

    # ------------------------------------------------------------------
    # 8. Submitting a plan gives the directors an activity
    # ------------------------------------------------------------------
    def test_submit_asks_directors_to_approve(self):
        plan = self._plan()
        xmlid = "kam_management.mail_activity_type_plan_approval"

        def approvals():
            return self.env["mail.activity"].search(
                [
                    ("res_model", "=", plan._name),
                    ("res_id", "=", plan.id),
                    ("activity_type_id", "=", self.env.ref(xmlid).id),
                ]
            )

        plan.with_user(self.kam_1).action_submit()
        activities = approvals()
        self.assertIn(self.director, activities.user_id)
        self.assertNotIn(self.kam_1, activities.user_id)
        self.assertNotIn(self.kam_2, activities.user_id)
        self.assertEqual(
            activities.filtered(lambda a: a.user_id == self.director).summary,
            f"Approve plan {plan.name}",
        )
        # The director finds it in the Plans to Approve filter and menu.
        action = self.env.ref("kam_management.action_kam_account_plan_to_approve")
        Plans = self.env["kam.account.plan"].with_user(self.director)
        self.assertIn(plan, Plans.search(_default_search_domain(Plans, action)))
        plan.with_user(self.director).action_approve()
        self.assertFalse(approvals(), "approving closes the approval activities")
        # Back to draft before approval: the activities go.
        plan_2 = self._plan(
            date_start=self.today + relativedelta(months=13),
            date_end=self.today + relativedelta(months=25),
        )
        plan_2.with_user(self.kam_1).action_submit()
        plan = plan_2
        self.assertTrue(approvals())
        plan_2.with_user(self.kam_1).action_reset_draft()
        self.assertFalse(approvals())

    def test_reset_active_plan_asks_confirmation(self):
        form = _arch(self.env["kam.account.plan"].with_user(self.kam_1), "form")
        buttons = form.xpath("//button[@name='action_reset_draft']")
        for state in ("active", "closed"):
            shown = [b for b in buttons if not _is_invisible(b, {"state": state})]
            self.assertEqual(len(shown), 1)
            self.assertTrue(shown[0].get("confirm"))
        shown = [b for b in buttons if not _is_invisible(b, {"state": "draft"})]
        self.assertFalse(shown)

    # ------------------------------------------------------------------
    # 9. The relationship map per account
    # ------------------------------------------------------------------
    def test_relationship_map_per_account(self):
        self._role(self.carla)
        action = self.account.with_user(self.kam_1).action_view_buying_centre()
        self.assertEqual(action["view_mode"].split(",")[0], "kanban")
        self.assertEqual(action["domain"], [("account_id", "=", self.account.id)])
        self.assertNotIn("group_by", str(action.get("context")))
        plan = self._plan()
        from_plan = plan.with_user(self.kam_1).action_view_buying_centre()
        self.assertEqual(from_plan["domain"], action["domain"])
        form = _arch(plan.with_user(self.kam_1), "form")
        self.assertTrue(form.xpath("//button[@name='action_view_buying_centre']"))
        # The general menu: every account, grouped by account.
        general = self.env.ref("kam_management.action_kam_buying_role")
        self.assertTrue(safe_eval(general.context).get("search_default_group_account"))
        # The card's title is the person's own name.
        kanban = _arch(self.env["kam.buying.role"].with_user(self.kam_1), "kanban")
        title = kanban.xpath("//main//field[contains(@class, 'fw-bold')]")[0]
        self.assertEqual(title.get("name"), "contact_name")
        role = self.account.buying_role_ids
        self.assertEqual(role.contact_name, "Carla Chief")
        self.assertIn("o_kam_relationship_map", kanban.get("class"))

    # ------------------------------------------------------------------
    # 10. Contact succession
    # ------------------------------------------------------------------
    def _role(self, contact, **values):
        return self.env["kam.buying.role"].create(
            dict(
                {
                    "account_id": self.account.id,
                    "partner_id": contact.id,
                    "role_ids": [Command.set([self.r_dm.id])],
                    "influence": "high",
                    "attitude": "champion",
                    "relationship_strength": 5,
                    "owner_id": self.kam_1.id,
                    "business_interests": "Lower stock-outs",
                    "personal_interests": "Sailing",
                },
                **values,
            )
        )

    def _succession(self, role, successor, **values):
        Wizard = self.env["kam.buying.role.succession"].with_user(self.kam_1)
        return Wizard.create(
            dict(
                {
                    "role_id": role.id,
                    "successor_partner_id": successor.id if successor else False,
                    "note": "Moved to a competitor",
                },
                **values,
            )
        ).action_confirm()

    def test_contact_left_hands_over_to_successor(self):
        carla = self._role(self.carla)
        analyst = self._role(
            self.ana,
            role_ids=[Command.set([self.r_buyer.id])],
            influence="medium",
            reports_to_id=carla.id,
        )
        activity = carla.activity_schedule(
            "mail.mail_activity_data_call", user_id=self.kam_1.id, summary="Call Carla"
        )
        action = carla.with_user(self.kam_1).action_contact_left()
        self.assertEqual(action["res_model"], "kam.buying.role.succession")
        result = self._succession(carla, self.nico)

        nico = self.env["kam.buying.role"].search(
            [("account_id", "=", self.account.id), ("partner_id", "=", self.nico.id)]
        )
        self.assertEqual(result["res_id"], nico.id)
        # The role moves on; the personal side stays with Carla.
        self.assertEqual(nico.role_ids, self.r_dm)
        self.assertEqual(nico.influence, "high")
        self.assertEqual(nico.owner_id, self.kam_1)
        self.assertEqual(nico.business_interests, "Lower stock-outs")
        self.assertFalse(nico.personal_interests)
        self.assertEqual(nico.attitude, "neutral")
        self.assertEqual(nico.relationship_strength, 1)
        self.assertEqual(analyst.reports_to_id, nico)
        self.assertEqual(activity.res_id, nico.id)
        # Carla is archived, marked as left and linked to her successor.
        self.assertFalse(carla.active)
        self.assertTrue(carla.left_customer)
        self.assertEqual(carla.date_left, self.today)
        self.assertEqual(carla.successor_id, nico)
        self.assertEqual(nico.predecessor_ids, carla)
        self.assertNotIn(carla, self.account.buying_role_ids)
        # Both chatters tell the story.
        self.assertIn("replaced by", carla.message_ids[0].body)
        self.assertIn("Moved to a competitor", carla.message_ids[0].body)
        self.assertIn("Carla Chief", nico.message_ids[0].body)
        self.assertIn("1 open activities", nico.message_ids[0].body)
        # The coverage still sees a decision maker.
        self.assertFalse(self.account.coverage_no_decision_maker)
        left = self.env["kam.buying.role"].search(
            [("left_customer", "=", True), ("active", "=", False)]
        )
        self.assertEqual(left, carla)

    def test_successor_already_in_buying_centre_keeps_own_data(self):
        carla = self._role(self.carla)
        nico = self._role(
            self.nico,
            role_ids=[Command.set([self.r_buyer.id])],
            influence="low",
            attitude="sceptic",
            relationship_strength=2,
            business_interests="Cheaper prices",
        )
        self._succession(carla, self.nico)
        self.assertEqual(nico.role_ids, self.r_dm | self.r_buyer)
        self.assertEqual(nico.attitude, "sceptic")
        self.assertEqual(nico.influence, "low")
        self.assertEqual(nico.business_interests, "Cheaper prices")
        self.assertEqual(carla.successor_id, nico)

    def test_contact_left_without_successor(self):
        carla = self._role(self.carla)
        self._succession(carla, False)
        self.assertTrue(carla.left_customer)
        self.assertFalse(carla.successor_id)
        self.assertIn("nobody", carla.message_ids[0].body)
        self.assertTrue(self.account.coverage_no_decision_maker)

    # ------------------------------------------------------------------
    # 11. Key account opportunities: customer, account and type shown
    # ------------------------------------------------------------------
    def test_opportunity_list_shows_key_account_columns(self):
        action = self.env.ref("kam_management.action_kam_opportunities")
        list_view = action.view_ids.filtered(lambda v: v.view_mode == "list").view_id
        self.assertTrue(list_view)
        arch = etree.fromstring(
            self.env["crm.lead"]
            .with_user(self.kam_1)
            .get_views([(list_view.id, "list")])["views"]["list"]["arch"]
        )
        for fname in ("partner_id", "kam_account_id", "kam_opportunity_type"):
            node = arch.xpath(f"//field[@name='{fname}']")[0]
            self.assertNotEqual(node.get("optional"), "hide", fname)
            self.assertFalse(node.get("column_invisible"), fname)

    # ------------------------------------------------------------------
    # 12. Customer's yearly spend: a director's decision, tracked
    # ------------------------------------------------------------------
    def test_wallet_estimate_is_directors_by_default(self):
        self.assertFalse(self.company.kam_kam_edit_wallet)
        account = self.account.with_user(self.kam_1)
        self.assertFalse(account.can_edit_wallet)
        with self.assertRaisesText(AccessError, "yearly spend"):
            account.write({"wallet_estimate": 500000.0})
        self.account.with_user(self.director).wallet_estimate = 400000.0
        self.assertEqual(self.account.wallet_estimate, 400000.0)
        # The director lets KAMs change it.
        settings = self.env["res.config.settings"].create({"kam_kam_edit_wallet": True})
        settings.execute()
        self.assertTrue(self.company.kam_kam_edit_wallet)
        account.invalidate_recordset(["can_edit_wallet"])
        self.assertTrue(account.can_edit_wallet)
        account.wallet_estimate = 450000.0
        self.assertEqual(self.account.wallet_estimate, 450000.0)

    def test_wallet_estimate_changes_are_tracked(self):
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.account.with_user(self.director).wallet_estimate = 123000.0
        self.env.flush_all()
        self.env.cr.precommit.run()
        self.account.invalidate_recordset(["message_ids"])
        tracked = self.account.message_ids.filtered(
            lambda m: "wallet_estimate" in m.tracking_value_ids.field_id.mapped("name")
        )
        self.assertTrue(tracked)
        self.assertEqual(tracked[0].author_id, self.director.partner_id)


@tagged("post_install", "-at_install")
class TestFirstUseTour(HttpCase):
    """Browser checks: the key-account kanban and the relationship map."""

    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.iberia = cls.env.ref(
            "kam_management.demo_account_iberia", raise_if_not_found=False
        )

    def setUp(self):
        super().setUp()
        if not self.iberia:
            self.skipTest("the browser checks read the demo key accounts")

    def test_first_use_tour(self):
        self.start_tour(
            "/odoo/action-kam_management.action_kam_account_all",
            "kam_management_first_use_tour",
            login="admin",
        )
        lucia = self.env.ref("kam_management.demo_role_iberia_lucia")
        self.assertFalse(lucia.active)
        self.assertTrue(lucia.left_customer)
        successor = lucia.successor_id
        self.assertEqual(successor.partner_id.name, "Nuria Gómez")
        self.assertEqual(successor.partner_id.parent_id, self.iberia.partner_id)
        self.assertEqual(successor.role_ids, lucia.role_ids)
