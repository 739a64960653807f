import ast
from datetime import timedelta

from lxml import etree
from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger
from psycopg2 import IntegrityError

from ..compat import trigger_cron
from .common import KamCommon

CONFIDENTIAL = [
    "business_interests",
    "personal_interests",
    "recognition",
    "performance_measures",
]


@tagged("post_install", "-at_install")
class TestBuyingCentre(KamCommon):
    """Buying centre: roles, reporting lines, interactions and coverage.

    ``account`` is a key account of ``kam_1`` in the test company; its
    customer has five contacts, none of them in the buying centre yet.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Role = cls.env["kam.buying.role"]
        cls.customer = cls._create_customer("Buying Centre Customer")
        cls.account = cls._create_account(
            cls.customer, is_key_account=True, kam_user_id=cls.kam_1.id
        )
        cls.contacts = cls.env["res.partner"].create(
            [
                {"name": name, "parent_id": cls.customer.id, "function": function}
                for name, function in (
                    ("Dora Decider", "General Manager"),
                    ("Ivan Influencer", "Engineering Manager"),
                    ("Ursula User", "Plant Supervisor"),
                    ("Boris Buyer", "Buyer"),
                    ("Greta Gatekeeper", "Assistant"),
                )
            ]
        )
        cls.dora, cls.ivan, cls.ursula, cls.boris, cls.greta = cls.contacts
        cls.other_customer = cls._create_customer("Other Customer")
        cls.outsider = cls.env["res.partner"].create(
            {"name": "Oscar Outsider", "parent_id": cls.other_customer.id}
        )
        cls.other_account = cls._create_account(
            cls.other_customer, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        ref = cls.env.ref
        cls.r_dm = ref("kam_management.decision_role_decision_maker")
        cls.r_influencer = ref("kam_management.decision_role_influencer")
        cls.r_user = ref("kam_management.decision_role_user")
        cls.r_buyer = ref("kam_management.decision_role_buyer")
        cls.r_gatekeeper = ref("kam_management.decision_role_gatekeeper")
        cls.salesman = cls._create_user(
            "kam_salesman", "Sam Salesman", "sales_team.group_sale_salesman"
        )
        cls.now = fields.Datetime.now()

    def setUp(self):
        super().setUp()
        # Access checks and interaction dates must not come from the cache.
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Builders
    # ------------------------------------------------------------------
    def _role(self, contact, roles=None, account=None, user=None, **values):
        env = self.env(user=user) if user else self.env
        return env["kam.buying.role"].create(
            dict(
                {
                    "account_id": (account or self.account).id,
                    "partner_id": contact.id,
                    "role_ids": [Command.set(roles.ids if roles else [])],
                },
                **values,
            )
        )

    def _message(self, days_ago=0, **values):
        return self.env["mail.message"].create(
            dict(
                {
                    "body": "Spoke about the next order.",
                    "message_type": "comment",
                    "date": self.now - timedelta(days=days_ago),
                },
                **values,
            )
        )

    def _message_on(self, contact, days_ago=0, **values):
        return self._message(days_ago, model="res.partner", res_id=contact.id, **values)

    def _event(self, contact, days_ago, **values):
        start = self.now - timedelta(days=days_ago)
        return (
            self.env["calendar.event"]
            .with_context(dont_notify=True)
            .create(
                dict(
                    {
                        "name": f"Meeting with {contact.name}",
                        "start": start,
                        "stop": start + timedelta(hours=1),
                        "partner_ids": [Command.link(contact.id)],
                    },
                    **values,
                )
            )
        )

    def _refresh(self, records):
        records.invalidate_recordset()
        return records

    def _coverage(self, account=None):
        account = self._refresh(account or self.account)
        return {
            "no_dm": account.coverage_no_decision_maker,
            "no_dm_rel": account.coverage_no_dm_relationship,
            "single": account.coverage_single_threaded,
            "stale": account.coverage_stale_count,
            "gaps": account.coverage_gap_count,
        }

    # ------------------------------------------------------------------
    # Decision roles
    # ------------------------------------------------------------------
    def test_decision_roles_data(self):
        roles = self.env["kam.decision.role"].search([])
        self.assertLessEqual(
            {
                "decision_maker",
                "influencer",
                "user",
                "buyer",
                "gatekeeper",
                "initiator",
            },
            set(roles.mapped("code")),
        )
        self.assertTrue(self.env["kam.decision.role"]._fields["name"].translate)
        with self.assertRaisesText(UserError, "cannot be deleted"):
            self.r_dm.unlink()
        # Directors add their own; a KAM only reads them.
        economic = (
            self.env["kam.decision.role"]
            .with_user(self.director)
            .create({"name": "Economic Buyer", "code": "economic_buyer"})
        )
        economic.with_user(self.director).unlink()
        with self.assertRaises(AccessError):
            self.env["kam.decision.role"].with_user(self.kam_1).create(
                {"name": "Mine", "code": "mine"}
            )

    # ------------------------------------------------------------------
    # Bad input
    # ------------------------------------------------------------------
    def test_contact_of_another_company(self):
        with self.assertRaisesText(ValidationError, "contact of another company"):
            self._role(self.outsider, self.r_dm)
        loner = self.env["res.partner"].create({"name": "Lone Person"})
        with self.assertRaisesText(ValidationError, "contact of another company"):
            self._role(loner)
        with self.assertRaisesText(ValidationError, "is a company"):
            self._role(self.customer)
        role = self._role(self.dora, self.r_dm)
        with self.assertRaisesText(ValidationError, "contact of another company"):
            role.partner_id = self.outsider
        self.assertFalse(
            self.Role.search([("partner_id", "in", (self.outsider | loner).ids)])
        )
        self.assertEqual(self.Role.search([("account_id", "=", self.account.id)]), role)
        self.assertEqual(self._refresh(role).partner_id, self.dora)

    def test_relationship_strength_bounds(self):
        for strength in (0, 6, -1):
            with (
                self.subTest(strength=strength),
                self.assertRaisesText(ValidationError, "between 1"),
            ):
                self._role(self.dora, relationship_strength=strength)
        self.assertFalse(self.Role.search([("account_id", "=", self.account.id)]))
        role = self._role(self.dora, relationship_strength=5)
        self.assertEqual(self._role(self.ivan).relationship_strength, 1)
        with self.assertRaisesText(ValidationError, "between 1"):
            role.relationship_strength = 7
        self.assertEqual(self._refresh(role).relationship_strength, 5)

    def test_one_role_per_contact_and_account(self):
        self._role(self.dora, self.r_dm)
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError):
            self._role(self.dora, self.r_influencer)

    def test_reporting_lines(self):
        dora = self._role(self.dora, self.r_dm)
        ivan = self._role(self.ivan, self.r_influencer, reports_to_id=dora.id)
        ursula = self._role(self.ursula, self.r_user, reports_to_id=ivan.id)
        self.assertEqual(dora.subordinate_ids, ivan)
        with self.assertRaisesText(ValidationError, "circle"):
            dora.reports_to_id = ursula
        with self.assertRaisesText(ValidationError, "circle"):
            dora.reports_to_id = dora
        self.assertFalse(self._refresh(dora).reports_to_id)
        oscar = self._role(self.outsider, account=self.other_account)
        with self.assertRaisesText(ValidationError, "different key accounts"):
            ursula.reports_to_id = oscar
        with self.assertRaisesText(ValidationError, "different key accounts"):
            self._role(self.boris, reports_to_id=oscar.id)
        self.assertEqual(self._refresh(ursula).reports_to_id, ivan)

    def test_decision_flags(self):
        dora = self._role(self.dora, self.r_dm | self.r_buyer)
        ivan = self._role(self.ivan, self.r_influencer)
        ursula = self._role(self.ursula, self.r_user, influence="high")
        greta = self._role(self.greta, self.r_gatekeeper, influence="low")
        self.assertEqual(
            [r.is_decision_maker for r in (dora, ivan, ursula, greta)],
            [True, False, False, False],
        )
        self.assertEqual(
            [r.is_key_contact for r in (dora, ivan, ursula, greta)],
            [True, True, True, False],
        )
        greta.role_ids = [Command.link(self.r_dm.id)]
        self.assertTrue(greta.is_decision_maker and greta.is_key_contact)
        self.assertEqual(
            self.Role.search(
                [("is_decision_maker", "=", True), ("account_id", "=", self.account.id)]
            ),
            dora | greta,
        )

    # ------------------------------------------------------------------
    # Coverage warnings
    # ------------------------------------------------------------------
    def test_coverage_of_empty_buying_centre(self):
        self.assertEqual(
            self._coverage(),
            {"no_dm": True, "no_dm_rel": True, "single": True, "stale": 0, "gaps": 3},
        )
        warning = self.account.coverage_warning
        self.assertIn("No decision maker", warning)
        self.assertIn("Single-threaded", warning)

    def test_coverage_flags_follow_the_buying_centre(self):
        self._message_on(self.dora, days_ago=1)
        dora = self._role(self.dora, self.r_dm, relationship_strength=2)
        self.assertEqual(
            self._coverage(),
            {"no_dm": False, "no_dm_rel": True, "single": True, "stale": 0, "gaps": 2},
        )
        self.assertIn("strength 3 or more", self.account.coverage_warning)
        self._role(self.greta, self.r_gatekeeper, influence="low")
        self.assertEqual(
            self._coverage(),
            {"no_dm": False, "no_dm_rel": True, "single": False, "stale": 0, "gaps": 1},
        )
        dora.relationship_strength = 3
        self.assertEqual(
            self._coverage(),
            {
                "no_dm": False,
                "no_dm_rel": False,
                "single": False,
                "stale": 0,
                "gaps": 0,
            },
        )
        self.assertFalse(self.account.coverage_warning)
        # An influencer nobody talks to is a stale key contact.
        self._role(self.ivan, self.r_influencer)
        self.assertEqual(self._coverage()["stale"], 1)
        self.assertEqual(self.account.coverage_gap_count, 1)
        self.assertIn(
            "1 key contact(s) without any interaction in the last 90 days",
            self.account.coverage_warning,
        )
        # Removing the decision maker's role brings the warnings back.
        dora.role_ids = [Command.unlink(self.r_dm.id)]
        self.assertEqual(
            self._coverage(),
            {"no_dm": True, "no_dm_rel": True, "single": False, "stale": 1, "gaps": 3},
        )

    def test_coverage_only_for_key_accounts(self):
        account = self._create_account(self._create_customer("Not Key"))
        self.assertEqual(
            self._coverage(account),
            {
                "no_dm": False,
                "no_dm_rel": False,
                "single": False,
                "stale": 0,
                "gaps": 0,
            },
        )
        self.assertFalse(account.coverage_warning)
        account.with_user(self.director).is_key_account = True
        self.assertEqual(self._coverage(account)["gaps"], 3)
        self.account.with_user(self.director).is_key_account = False
        self.assertEqual(self._coverage()["gaps"], 0)

    def test_stale_contacts_and_cron(self):
        dora_note = self._message_on(self.dora, days_ago=200)
        ivan_note = self._message_on(self.ivan, days_ago=10)
        self._role(self.dora, self.r_dm, relationship_strength=4)
        self._role(self.ivan, self.r_influencer)
        self._role(self.ursula, self.r_user, influence="low")
        # Dora's last interaction is 200 days old; Ivan's is recent.
        self.assertEqual(self._coverage()["stale"], 1)
        self.assertEqual(self.account.coverage_gap_count, 1)
        # A longer delay in the settings recomputes the accounts at once.
        self.company.kam_stale_contact_days = 365
        self.assertEqual(self._coverage()["stale"], 0)
        self.company.kam_stale_contact_days = 90
        self.assertEqual(self._coverage()["stale"], 1)
        # Interactions elsewhere only reach the stored count with the daily cron.
        dora_note.date = self.now - timedelta(days=1)
        self.env.flush_all()
        self.assertEqual(self._coverage()["stale"], 1)
        cron = self.env.ref("kam_management.ir_cron_kam_coverage")
        self.assertEqual(cron.code.strip(), "model._cron_update_coverage()")
        trigger_cron(self, cron)
        self.assertEqual(self._coverage()["stale"], 0)
        self.assertEqual(self.account.coverage_gap_count, 0)
        # Time passes: Ivan goes stale.
        ivan_note.date = self.now - timedelta(days=100)
        self.env.flush_all()
        self.assertEqual(self._coverage()["stale"], 0)
        self.env["kam.account"]._cron_update_coverage()
        self.assertEqual(
            self._coverage(),
            {
                "no_dm": False,
                "no_dm_rel": False,
                "single": False,
                "stale": 1,
                "gaps": 1,
            },
        )

    def test_message_on_the_role_refreshes_coverage(self):
        self._role(self.greta, self.r_gatekeeper)
        dora = self._role(self.dora, self.r_dm, relationship_strength=5)
        self.assertEqual(self._coverage()["stale"], 1)
        dora.message_post(body="Lunch with Dora.", message_type="comment")
        self.env.flush_all()
        self.assertEqual(self._coverage()["stale"], 0)

    # ------------------------------------------------------------------
    # Last interaction
    # ------------------------------------------------------------------
    def test_last_interaction_sources(self):
        roles = self.Role.browse([self._role(contact).id for contact in self.contacts])
        dora, ivan, ursula, boris, greta = roles
        self.assertFalse(any(roles.mapped("last_interaction")))
        # Notes on the contact, and a log of field changes that does not count.
        note = self._message_on(self.dora, days_ago=10)
        self._message_on(self.dora, days_ago=3, message_type="notification")
        # A message Ivan wrote, on another document.
        written = self._message(
            8,
            model="res.partner",
            res_id=self.customer.id,
            author_id=self.ivan.id,
            message_type="email",
        )
        # A meeting Ursula attended; a declined one and a future one do not count.
        met = self._event(self.ursula, days_ago=6)
        declined = self._event(self.ursula, days_ago=2)
        declined.attendee_ids.filtered(
            lambda a: a.partner_id == self.ursula
        ).state = "declined"
        self._event(self.ursula, days_ago=-5)
        # A message on the key account addressed to Boris, one to nobody.
        to_boris = self._message(
            4,
            model="kam.account",
            res_id=self.account.id,
            partner_ids=[Command.link(self.boris.id)],
        )
        self._message(1, model="kam.account", res_id=self.account.id)
        # A done activity on Greta's role.
        greta.activity_schedule("mail.mail_activity_data_call", user_id=self.kam_1.id)
        greta.activity_ids.action_feedback(feedback="Called Greta")
        self._refresh(roles)
        self.assertEqual(dora.last_interaction, note.date)
        self.assertEqual(dora.days_since_interaction, 10)
        self.assertEqual(ivan.last_interaction, written.date)
        self.assertEqual(ursula.last_interaction, met.start)
        self.assertEqual(boris.last_interaction, to_boris.date)
        self.assertGreaterEqual(greta.last_interaction, self.now)
        self.assertFalse(any(roles.mapped("interaction_overdue")))
        # The latest source wins.
        later = self._event(self.dora, days_ago=1)
        self._refresh(dora)
        self.assertEqual(dora.last_interaction, later.start)

    def test_search_by_interaction(self):
        dora = self._role(self.dora, self.r_dm)
        ivan = self._role(self.ivan, self.r_influencer)
        ursula = self._role(self.ursula, self.r_user)
        self._message_on(self.dora, days_ago=5)
        self._event(self.ivan, days_ago=45)
        ours = [("account_id", "=", self.account.id)]
        search = self.Role.search
        self.assertEqual(search([*ours, ("last_interaction", "=", False)]), ursula)
        self.assertEqual(
            search([*ours, ("last_interaction", "!=", False)]), dora | ivan
        )
        limit = fields.Datetime.to_string(self.now - timedelta(days=30))
        self.assertEqual(search([*ours, ("last_interaction", ">=", limit)]), dora)
        self.assertEqual(search([*ours, ("last_interaction", "<", limit)]), ivan)
        self.assertEqual(search([*ours, ("interaction_overdue", "=", True)]), ursula)
        self.company.kam_stale_contact_days = 30
        self.assertEqual(
            search([*ours, ("interaction_overdue", "=", True)]), ivan | ursula
        )
        self.assertEqual(search([*ours, ("interaction_overdue", "=", False)]), dora)

    # ------------------------------------------------------------------
    # Confidentiality
    # ------------------------------------------------------------------
    def test_salesman_cannot_read_the_buying_centre(self):
        role = self._role(self.dora, self.r_dm, personal_interests="Golf")
        Role = self.Role.with_user(self.salesman)
        self.assertFalse(Role.has_access("read"))
        with self.assertRaises(AccessError):
            role.with_user(self.salesman).read(["partner_id"])
        with self.assertRaises(AccessError):
            Role.search([])
        hidden = set(CONFIDENTIAL) & set(Role.fields_get())
        self.assertFalse(hidden)
        self.assertLessEqual(
            set(CONFIDENTIAL), set(self.Role.with_user(self.kam_1).fields_get())
        )

    def test_kam_reads_own_accounts_only(self):
        role = self._role(
            self.dora,
            self.r_dm,
            personal_interests="Sailing",
            recognition="By the board",
            performance_measures="EBITDA",
            business_interests="Lower stock",
        )
        oscar = self._role(
            self.outsider, account=self.other_account, personal_interests="Chess"
        )
        # The KAM of the account reads everything about its people.
        values = role.with_user(self.kam_1).read(CONFIDENTIAL)[0]
        self.assertEqual(values["personal_interests"], "Sailing")
        self.assertEqual(self.Role.with_user(self.kam_1).search([]), role)
        # Another KAM sees neither the record nor its confidential fields.
        self.assertEqual(self.Role.with_user(self.kam_2).search([]), oscar)
        with self.assertRaises(AccessError):
            role.with_user(self.kam_2).read(["personal_interests"])
        with self.assertRaises(AccessError):
            role.with_user(self.kam_2).write({"attitude": "opponent"})
        with self.assertRaises(AccessError):
            self._role(self.ivan, user=self.kam_2)
        # Unless they join the account team.
        self.env["kam.team.member"].create(
            {"account_id": self.account.id, "user_id": self.kam_2.id}
        )
        self.env.invalidate_all()
        values = role.with_user(self.kam_2).read(["personal_interests"])[0]
        self.assertEqual(values["personal_interests"], "Sailing")
        # The KAM maps the buying centre of their accounts.
        ivan = self._role(self.ivan, self.r_influencer, user=self.kam_1)
        ivan.with_user(self.kam_1).write({"attitude": "champion", "recognition": "X"})
        self.assertEqual(ivan.owner_id, self.kam_1)
        # A director reads all of them.
        self.assertEqual(
            self.Role.with_user(self.director).search([]), role | oscar | ivan
        )
        self.assertEqual(
            oscar.with_user(self.director).read(["personal_interests"])[0][
                "personal_interests"
            ],
            "Chess",
        )

    def test_other_company_out_of_reach(self):
        self.kam_1.company_ids = [Command.link(self.main_company.id)]
        account_main = self._create_account(
            self.customer,
            company=self.main_company,
            is_key_account=True,
            kam_user_id=self.kam_1.id,
        )
        role_main = self._role(self.dora, account=account_main)
        self.assertEqual(role_main.company_id, self.main_company)
        for user in (self.director, self.kam_1):
            with self.subTest(user=user.name):
                self.assertNotIn(role_main, self.Role.with_user(user).search([]))
                with self.assertRaises(AccessError):
                    role_main.with_user(user).read(["attitude"])

    # ------------------------------------------------------------------
    # Views, filters and settings
    # ------------------------------------------------------------------
    def _search_filters(self, model):
        arch = self.env[model].get_views([(False, "search")])["views"]["search"]["arch"]
        return {
            node.get("name"): node.get("domain")
            for node in etree.fromstring(arch).iter("filter")
        }

    def test_account_search_filters(self):
        filters = self._search_filters("kam.account")
        for name in ("coverage_gaps", "no_decision_maker", "single_threaded"):
            self.assertIn(name, filters)
        covered = self._create_account(
            self._create_customer("Well Covered"), is_key_account=True
        )
        for contact in self.env["res.partner"].create(
            [
                {"name": "Cora Chief", "parent_id": covered.partner_id.id},
                {"name": "Carl Colleague", "parent_id": covered.partner_id.id},
            ]
        ):
            self._message_on(contact, days_ago=1)
            self._role(contact, self.r_dm, account=covered, relationship_strength=4)
        self._role(self.ivan, self.r_influencer)
        self._role(self.dora, self.r_user)
        ours = [("company_id", "=", self.company.id)]
        Account = self.env["kam.account"]
        # (filter, accounts expected among self.account, other_account, covered)
        expected = {
            "coverage_gaps": self.account | self.other_account,
            "no_decision_maker": self.account | self.other_account,
            "single_threaded": self.other_account,
            "stale_contacts": self.account,
        }
        for name, accounts in expected.items():
            with self.subTest(filter=name):
                domain = ast.literal_eval(filters[name])
                self.assertEqual(Account.search(ours + domain), accounts)

    def test_role_views_load(self):
        views = self.env["kam.buying.role"].get_views(
            [(False, "kanban"), (False, "list"), (False, "form"), (False, "search")]
        )["views"]
        self.assertIn("relationship_strength", views["kanban"]["arch"])
        filters = self._search_filters("kam.buying.role")
        for name in (
            "my_accounts",
            "decision_makers",
            "champions",
            "opponents",
            "no_recent_interaction",
            "group_attitude",
            "group_role",
        ):
            self.assertIn(name, filters)
        form = self.env["kam.account"].get_views([(False, "form")])["views"]["form"]
        self.assertIn("buying_role_ids", form["arch"])
        self.assertIn("alert alert-warning", form["arch"])
        action = self.account.action_view_buying_centre()
        self.assertEqual(action["domain"], [("account_id", "=", self.account.id)])
        self._role(self.dora, self.r_dm)
        self.assertEqual(self._refresh(self.account).buying_role_count, 1)

    def test_stale_contact_setting(self):
        self.assertEqual(self.company.kam_stale_contact_days, 90)
        settings = self.env["res.config.settings"].create(
            {"kam_stale_contact_days": 60}
        )
        settings.execute()
        self.assertEqual(self.company.kam_stale_contact_days, 60)
        with self.assertRaisesText(ValidationError, "between 1 and 3650 days"):
            self.company.kam_stale_contact_days = 0
        self.assertEqual(self._refresh(self.company).kam_stale_contact_days, 60)

    def test_demo_buying_centres(self):
        iberia = self.env.ref(
            "kam_management.demo_account_iberia", raise_if_not_found=False
        )
        if not iberia:
            self.skipTest("no demo data")
        atlantica = self.env.ref("kam_management.demo_account_atlantica")
        self.assertEqual(self._coverage(iberia)["gaps"], 0)
        self.assertEqual(
            self._coverage(atlantica),
            {"no_dm": True, "no_dm_rel": True, "single": True, "stale": 1, "gaps": 4},
        )
        carmen = self.env.ref("kam_management.demo_role_iberia_carmen")
        self.assertTrue(carmen.is_decision_maker and carmen.last_interaction)


@tagged("post_install", "-at_install")
class TestBuyingCentreTour(HttpCase):
    """Browser checks of the relationship map and the coverage banner."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.atlantica = cls.env.ref(
            "kam_management.demo_account_atlantica", raise_if_not_found=False
        )

    def setUp(self):
        super().setUp()
        if not self.atlantica:
            self.skipTest("the browser checks read the demo buying centres")

    def test_relationship_map_tour(self):
        iberia = self.env.ref("kam_management.demo_account_iberia")
        self.start_tour(
            f"/odoo/action-kam_management.action_kam_account_all/{iberia.id}",
            "kam_management_buying_centre_tour",
            login="admin",
        )

    def test_coverage_tour(self):
        self.start_tour(
            f"/odoo/action-kam_management.action_kam_account_all/{self.atlantica.id}",
            "kam_management_coverage_tour",
            login="admin",
        )
