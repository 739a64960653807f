import json

from lxml import etree
from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from ..compat import hierarchy_read
from .common import KamCommon

CYCLE_MESSAGE = "The reporting lines would go round in a circle"


@tagged("post_install", "-at_install")
class TestRelationshipGraph(KamCommon):
    """The org chart and the relationship map of a buying centre.

    ``account`` (KAM ``kam_1``, with ``teammate`` in its logistics team):
    Dora decides but our relationship with her is weak; Ivan reports to her
    and Ursula to him; Boris decides too, with a strong relationship.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.teammate = cls._create_user(
            "kam_teammate", "Tina Teammate", "kam_management.group_kam_user"
        )
        cls.customer = cls._create_customer("Graph Customer")
        cls.account = cls._create_account(
            cls.customer, is_key_account=True, kam_user_id=cls.kam_1.id
        )
        cls.env["kam.team.member"].create(
            {
                "account_id": cls.account.id,
                "user_id": cls.teammate.id,
                "function": "logistics",
            }
        )
        contacts = cls.env["res.partner"].create(
            [
                {"name": name, "parent_id": cls.customer.id, "function": function}
                for name, function in (
                    ("Dora Decider", "General Manager"),
                    ("Ivan Influencer", "Engineering Manager"),
                    ("Ursula User", "Plant Supervisor"),
                    ("Boris Buyer", "Purchasing Director"),
                    ("Lena Left", "Former Buyer"),
                )
            ]
        )
        ref = cls.env.ref
        dm = ref("kam_management.decision_role_decision_maker")
        influencer = ref("kam_management.decision_role_influencer")
        user_role = ref("kam_management.decision_role_user")
        buyer = ref("kam_management.decision_role_buyer")
        Role = cls.env["kam.buying.role"]

        def role(contact, roles, **values):
            return Role.create(
                dict(
                    {
                        "account_id": cls.account.id,
                        "partner_id": contact.id,
                        "role_ids": [Command.set(roles.ids)],
                    },
                    **values,
                )
            )

        cls.dora = role(
            contacts[0],
            dm,
            influence="high",
            attitude="neutral",
            relationship_strength=2,
            owner_id=cls.kam_1.id,
        )
        cls.ivan = role(
            contacts[1],
            influencer,
            influence="high",
            attitude="champion",
            relationship_strength=5,
            owner_id=cls.teammate.id,
            reports_to_id=cls.dora.id,
        )
        cls.ursula = role(
            contacts[2],
            user_role,
            influence="low",
            attitude="opponent",
            relationship_strength=1,
            owner_id=cls.kam_1.id,
            reports_to_id=cls.ivan.id,
        )
        cls.boris = role(
            contacts[3],
            dm | buyer,
            influence="medium",
            attitude="supporter",
            relationship_strength=4,
            owner_id=cls.teammate.id,
        )
        # Left the customer: archived, off the map, and whoever reported to
        # her has no manager on the map.
        cls.lena = role(
            contacts[4],
            buyer,
            owner_id=cls.kam_1.id,
        )
        cls.boris.reports_to_id = cls.lena
        cls.lena.active = False
        cls.roles = cls.dora | cls.ivan | cls.ursula | cls.boris

        cls.other_customer = cls._create_customer("Other Graph Customer")
        cls.other_account = cls._create_account(
            cls.other_customer, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls.outsider = role(
            cls.env["res.partner"].create(
                {"name": "Oscar Outsider", "parent_id": cls.other_customer.id}
            ),
            buyer,
            account_id=cls.other_account.id,
        )

    def setUp(self):
        super().setUp()
        self.env.invalidate_all()

    def _graph(self, user, account=None):
        return (account or self.account).with_user(user).get_relationship_graph()

    # ------------------------------------------------------------------
    # The graph data
    # ------------------------------------------------------------------
    def test_nodes_match_the_buying_centre(self):
        graph = self._graph(self.kam_1)
        contacts = {n["res_id"]: n for n in graph["nodes"] if n["kind"] == "contact"}
        self.assertEqual(set(contacts), set(self.roles.ids))
        for role in self.roles:
            node = contacts[role.id]
            self.assertEqual(node["id"], f"role-{role.id}")
            self.assertEqual(node["name"], role.partner_id.name)
            self.assertEqual(node["function"], role.partner_id.function)
            self.assertEqual(node["attitude"], role.attitude)
            self.assertEqual(node["influence"], role.influence)
            self.assertEqual(node["strength"], role.relationship_strength)
            self.assertEqual(
                [r["name"] for r in node["roles"]], role.role_ids.mapped("name")
            )
            self.assertEqual(node["is_decision_maker"], role.is_decision_maker)
            self.assertEqual(node["owner"], role.owner_id.name)
        # Decision makers without a strong relationship: Dora, not Boris.
        weak = {rid for rid, n in contacts.items() if n["weak_decision_maker"]}
        self.assertEqual(weak, {self.dora.id})
        self.assertEqual(contacts[self.ivan.id]["attitude_label"], "Champion")
        self.assertEqual(contacts[self.ivan.id]["influence_label"], "High")

    def test_edges_match_the_database(self):
        graph = self._graph(self.kam_1)
        reports = {
            (e["source"], e["target"])
            for e in graph["edges"]
            if e["type"] == "reports_to"
        }
        expected = {
            (f"role-{r.id}", f"role-{r.reports_to_id.id}")
            for r in self.roles
            if r.reports_to_id.active
        }
        self.assertEqual(reports, expected)
        self.assertEqual(len(reports), 2)
        # Boris reported to Lena, who left: no line, no manager on the map.
        boris = next(n for n in graph["nodes"] if n["res_id"] == self.boris.id)
        self.assertFalse(boris["manager_id"])
        owners = {
            (e["source"], e["target"], e["strength"])
            for e in graph["edges"]
            if e["type"] == "owner"
        }
        self.assertEqual(
            owners,
            {
                (f"user-{r.owner_id.id}", f"role-{r.id}", r.relationship_strength)
                for r in self.roles
            },
        )
        # No other kind of link: the model records no "influences whom".
        self.assertEqual({e["type"] for e in graph["edges"]}, {"reports_to", "owner"})

    def test_our_people(self):
        graph = self._graph(self.kam_1)
        people = {n["res_id"]: n for n in graph["nodes"] if n["kind"] == "user"}
        self.assertEqual(set(people), {self.kam_1.id, self.teammate.id})
        self.assertEqual(people[self.kam_1.id]["function"], "Key Account Manager")
        self.assertEqual(people[self.teammate.id]["function"], "Logistics")
        self.assertEqual(people[self.kam_1.id]["owned"], 2)
        self.assertEqual(people[self.teammate.id]["owned"], 2)
        # An owner outside the team is on the map as a relationship owner.
        self.ursula.owner_id = self.director
        graph = self._graph(self.kam_1)
        director = next(
            n for n in graph["nodes"] if n["id"] == f"user-{self.director.id}"
        )
        self.assertEqual(director["function"], "Relationship owner")
        self.assertEqual(director["owned"], 1)

    def test_summary(self):
        summary = self._graph(self.kam_1)["summary"]
        self.assertEqual(
            summary,
            {
                "contacts": 4,
                "decision_makers": 2,
                "weak_decision_makers": 1,
                "strong": 2,
                "average_strength": 3.0,
            },
        )
        # The coverage gaps of the account form come along.
        self.assertEqual(
            self._graph(self.kam_1)["warnings"],
            self.account.coverage_warning.splitlines(),
        )
        self.assertTrue(self._graph(self.kam_1)["warnings"])
        self.dora.relationship_strength = 3
        summary = self._graph(self.kam_1)["summary"]
        self.assertEqual(summary["weak_decision_makers"], 0)
        self.assertEqual(summary["strong"], 3)

    def test_empty_buying_centre(self):
        empty = self._create_account(
            self._create_customer("Empty Customer"),
            is_key_account=True,
            kam_user_id=self.kam_1.id,
        )
        graph = self._graph(self.kam_1, empty)
        self.assertEqual(graph["summary"]["contacts"], 0)
        self.assertEqual(graph["edges"], [])
        self.assertEqual([n["kind"] for n in graph["nodes"]], ["user"])

    def test_set_based(self):
        """The number of queries does not grow with the buying centre."""
        small = self._graph_queries()
        partners = self.env["res.partner"].create(
            [{"name": f"Extra {i}", "parent_id": self.customer.id} for i in range(12)]
        )
        self.env["kam.buying.role"].create(
            [
                {
                    "account_id": self.account.id,
                    "partner_id": p.id,
                    "reports_to_id": self.ivan.id,
                    "owner_id": self.teammate.id,
                }
                for p in partners
            ]
        )
        large = self._graph_queries()
        self.assertEqual(len(large[0]["nodes"]), len(small[0]["nodes"]) + 12)
        self.assertLessEqual(large[1], small[1])

    def _graph_queries(self):
        self.env.flush_all()
        self.env.invalidate_all()
        account = self.account.with_user(self.kam_1)
        before = self.env.cr.sql_log_count
        graph = account.get_relationship_graph()
        return graph, self.env.cr.sql_log_count - before

    # ------------------------------------------------------------------
    # Access
    # ------------------------------------------------------------------
    def test_access_per_group(self):
        # The account's team member and a director see the same map.
        for user in (self.teammate, self.director):
            graph = self._graph(user)
            self.assertEqual(
                {n["res_id"] for n in graph["nodes"] if n["kind"] == "contact"},
                set(self.roles.ids),
            )
        # The KAM of another account, a salesman: no map of this account.
        salesman = self._create_user(
            "graph_salesman", "Sally Sales", "sales_team.group_sale_salesman"
        )
        for user in (self.kam_2, salesman):
            with self.assertRaises(AccessError):
                self._graph(user)
            with self.assertRaises(AccessError):
                self.account.with_user(user).action_open_relationship_map()
        # Their own account shows only its own people.
        graph = self._graph(self.kam_2, self.other_account)
        self.assertEqual(
            [n["res_id"] for n in graph["nodes"] if n["kind"] == "contact"],
            self.outsider.ids,
        )

    # ------------------------------------------------------------------
    # Actions and views
    # ------------------------------------------------------------------
    def test_actions(self):
        account = self.account.with_user(self.kam_1)
        action = account.action_open_relationship_map()
        self.assertEqual(action["type"], "ir.actions.client")
        self.assertEqual(action["tag"], "kam_relationship_map")
        self.assertEqual(action["params"]["account_id"], self.account.id)
        self.assertEqual(action["context"]["active_id"], self.account.id)
        chart = account.action_view_org_chart()
        self.assertEqual(chart["views"][0][1], "hierarchy")
        self.assertEqual(
            chart["views"][0][0],
            self.env.ref("kam_management.view_kam_buying_role_hierarchy").id,
        )
        self.assertEqual(chart["domain"], [("account_id", "=", self.account.id)])
        start = self.today
        plan = self.env["kam.account.plan"].create(
            {
                "account_id": self.account.id,
                "date_start": start,
                "date_end": start.replace(year=start.year + 1),
            }
        )
        plan = plan.with_user(self.kam_1)
        self.assertEqual(
            plan.action_open_relationship_map()["params"], action["params"]
        )
        self.assertEqual(plan.action_view_org_chart()["domain"], chart["domain"])
        for model in ("kam.account", "kam.account.plan"):
            arch = self.env[model].with_user(self.kam_1).get_views([(False, "form")])
            form = etree.fromstring(arch["views"]["form"]["arch"])
            for name in ("action_open_relationship_map", "action_view_org_chart"):
                self.assertTrue(form.xpath(f"//button[@name='{name}']"), (model, name))
        for xmlid in ("action_kam_buying_role", "action_kam_buying_role_map"):
            modes = self.env.ref(f"kam_management.{xmlid}").view_mode.split(",")
            self.assertIn("hierarchy", modes)

    def test_hierarchy_view(self):
        Role = self.env["kam.buying.role"].with_user(self.kam_1)
        arch = Role.get_views([(False, "hierarchy")])["views"]["hierarchy"]["arch"]
        hierarchy = etree.fromstring(arch)
        self.assertEqual(hierarchy.get("parent_field"), "reports_to_id")
        self.assertEqual(hierarchy.get("child_field"), "subordinate_ids")
        self.assertEqual(hierarchy.get("draggable"), "1")
        # What the view reads first (its model's default domain): the
        # account's people at the top of the organisation (nobody above them,
        # or a manager who left), with their reports.
        rows = hierarchy_read(
            Role,
            [
                ("account_id", "=", self.account.id),
                "|",
                ("reports_to_id", "=", False),
                ("reports_to_id.active", "=", False),
            ],
            ["contact_name", "subordinate_ids"],
            "reports_to_id",
            "subordinate_ids",
        )
        by_name = {r["contact_name"]: r for r in rows}
        self.assertEqual(set(by_name), {"Dora Decider", "Boris Buyer"})
        self.assertEqual(by_name["Dora Decider"]["subordinate_ids"], self.ivan.ids)

    # ------------------------------------------------------------------
    # Dragging a card: the hierarchy view writes the new manager
    # ------------------------------------------------------------------
    def test_reparent_as_the_hierarchy_view_does(self):
        Role = self.env["kam.buying.role"].with_user(self.kam_1)
        # A valid move: Ursula now reports to Boris.
        Role.browse(self.ursula.id).write({"reports_to_id": self.boris.id})
        self.assertEqual(self.ursula.reports_to_id, self.boris)
        # Dora under Ivan, who reports to her: a cycle, the form's message.
        with self.assertRaisesText(ValidationError, CYCLE_MESSAGE):
            Role.browse(self.dora.id).write({"reports_to_id": self.ivan.id})
        self.env.invalidate_all()
        self.assertFalse(self.dora.reports_to_id)
        self.assertEqual(self.ivan.reports_to_id, self.dora)
        # A manager of another account: refused, nothing written.
        with self.assertRaisesText(ValidationError, "different key accounts"):
            self.env["kam.buying.role"].browse(self.ursula.id).write(
                {"reports_to_id": self.outsider.id}
            )
        self.env.invalidate_all()
        self.assertEqual(self.ursula.reports_to_id, self.boris)
        # The KAM of another account cannot move this account's people.
        with self.assertRaises(AccessError):
            self.env["kam.buying.role"].with_user(self.kam_2).browse(
                self.ursula.id
            ).write({"reports_to_id": self.dora.id})


@tagged("post_install", "-at_install")
class TestRelationshipGraphBrowser(HttpCase):
    """The org chart and the map in a browser, and the drag over JSON-RPC."""

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
            self.skipTest("the browser checks read the demo buying centres")

    def test_relationship_graph_tour(self):
        self.start_tour(
            f"/odoo/action-kam_management.action_kam_account_all/{self.iberia.id}",
            "kam_management_relationship_graph_tour",
            login="admin",
        )
        ref = self.env.ref
        # The card dropped on a report was refused; the other one moved.
        self.assertEqual(
            ref("kam_management.demo_role_iberia_carmen").reports_to_id,
            ref("kam_management.demo_role_iberia_alvaro"),
        )
        self.assertEqual(
            ref("kam_management.demo_role_iberia_lucia").reports_to_id,
            ref("kam_management.demo_role_iberia_diego"),
        )

    def test_drag_over_rpc(self):
        """The call the hierarchy view makes when a card is dropped."""
        ref = self.env.ref
        carmen = ref("kam_management.demo_role_iberia_carmen")
        javier = ref("kam_management.demo_role_iberia_javier")
        diego = ref("kam_management.demo_role_iberia_diego")
        pablo = ref("kam_management.demo_role_iberia_pablo")
        self.authenticate("demo", "demo")

        def write(role, parent):
            payload = {
                "jsonrpc": "2.0",
                "method": "call",
                "id": 1,
                "params": {
                    "model": "kam.buying.role",
                    "method": "write",
                    "args": [[role.id], {"reports_to_id": parent.id}],
                    "kwargs": {},
                },
            }
            response = self.url_open(
                "/web/dataset/call_kw/kam.buying.role/write",
                data=json.dumps(payload),
                headers={"Content-Type": "application/json"},
            )
            return response.json()

        self.assertTrue(write(pablo, diego)["result"])
        self.env.invalidate_all()
        self.assertEqual(pablo.reports_to_id, diego)
        with mute_logger("odoo.http"):
            error = write(carmen, javier)["error"]["data"]
        self.assertEqual(error["name"], "odoo.exceptions.ValidationError")
        self.assertIn(CYCLE_MESSAGE, error["message"])
        self.env.invalidate_all()
        self.assertEqual(javier.reports_to_id, carmen)
        self.assertNotEqual(carmen.reports_to_id, javier)
