from odoo import Command, fields
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestSecurity(KamCommon):
    """What directors and KAMs may see and do.

    ============ ====== ============= =========================
    account      KAM    team          key account
    ============ ====== ============= =========================
    own          kam_1                yes
    team         kam_2  kam_1         yes
    kam2         kam_2                yes
    free                              no
    main (other  kam_1                yes, in the main company
    company)
    ============ ====== ============= =========================
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.p_own = cls._create_customer("Own Customer")
        cls.p_team = cls._create_customer("Team Customer")
        cls.p_kam2 = cls._create_customer("Second KAM Customer")
        cls.p_free = cls._create_customer("Free Customer")
        cls.acc_own = cls._create_account(
            cls.p_own, is_key_account=True, kam_user_id=cls.kam_1.id, tier="key"
        )
        cls.acc_team = cls._create_account(
            cls.p_team, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls.env["kam.team.member"].create(
            {
                "account_id": cls.acc_team.id,
                "user_id": cls.kam_1.id,
                "function": "logistics",
            }
        )
        cls.acc_kam2 = cls._create_account(
            cls.p_kam2, is_key_account=True, kam_user_id=cls.kam_2.id
        )
        cls.acc_free = cls._create_account(cls.p_free)
        # kam_1 also works for the main company (only internal users of an
        # account's company manage it); the tests work in the test company.
        cls.kam_1.company_ids = [Command.link(cls.main_company.id)]
        cls.acc_main = cls._create_account(
            cls.p_free,
            company=cls.main_company,
            is_key_account=True,
            kam_user_id=cls.kam_1.id,
        )
        cls.our_accounts = cls.acc_own | cls.acc_team | cls.acc_kam2 | cls.acc_free
        cls.our_run = cls.env["kam.classification.run"]._classify_company(
            cls.company, trigger="manual"
        )
        cls.run_main = cls.env["kam.classification.run"].create(
            {"company_id": cls.main_company.id, "trigger": "manual", "state": "done"}
        )
        cls.history_main = cls.env["kam.classification.history"].create(
            {
                "account_id": cls.acc_main.id,
                "company_id": cls.main_company.id,
                "run_id": cls.run_main.id,
                "date": fields.Datetime.now(),
                "pareto_class_to": "a",
            }
        )
        cls.Account = cls.env["kam.account"]

    def setUp(self):
        super().setUp()
        # Access checks must not be answered from the superuser's cache.
        self.env.invalidate_all()

    # ------------------------------------------------------------------
    # Visibility
    # ------------------------------------------------------------------
    def test_kam_sees_own_and_team_accounts(self):
        self.assertEqual(
            self.Account.with_user(self.kam_1).search([]), self.acc_own | self.acc_team
        )
        self.assertEqual(
            self.Account.with_user(self.kam_2).search([]),
            self.acc_team | self.acc_kam2,
        )
        # Reading works on them, whatever the field.
        values = (
            (self.acc_own | self.acc_team)
            .with_user(self.kam_1)
            .read(["partner_id", "pareto_class", "revenue", "score_explanation"])
        )
        self.assertEqual(len(values), 2)
        self.assertFalse(self.acc_own.with_user(self.kam_1).can_manage)

    def test_kam_cannot_read_other_accounts(self):
        for account in (self.acc_kam2, self.acc_free):
            with (
                self.subTest(customer=account.partner_id.name),
                self.assertRaises(AccessError),
            ):
                account.with_user(self.kam_1).read(["revenue"])
        self.assertFalse(
            self.Account.with_user(self.kam_1).search(
                [("partner_id", "=", self.p_kam2.id)]
            )
        )

    def test_other_company_invisible(self):
        # kam_1 is the KAM of the main company's account, but may not enter it.
        self.assertNotIn(self.acc_main, self.Account.with_user(self.kam_1).search([]))
        director_accounts = self.Account.with_user(self.director).search([])
        self.assertEqual(director_accounts, self.our_accounts)
        self.assertFalse(
            self.Account.with_user(self.director).search_count(
                [("company_id", "=", self.main_company.id)]
            )
        )
        for user in (self.director, self.kam_1):
            with self.subTest(user=user.name), self.assertRaises(AccessError):
                self.acc_main.with_user(user).read(["revenue"])
        with self.assertRaises(AccessError):
            self.acc_main.with_user(self.director).write({"tier": "key"})

    def test_director_sees_all_accounts(self):
        accounts = self.Account.with_user(self.director).search([])
        self.assertEqual(accounts, self.our_accounts)
        self.assertTrue(accounts[0].can_manage)

    def test_history_visibility(self):
        History = self.env["kam.classification.history"]
        ours = History.search([("company_id", "=", self.company.id)])
        self.assertEqual(ours.account_id, self.our_accounts)
        self.assertEqual(
            History.with_user(self.kam_1).search([]).account_id,
            self.acc_own | self.acc_team,
        )
        self.assertEqual(History.with_user(self.director).search([]), ours)
        with self.assertRaises(AccessError):
            self.history_main.with_user(self.director).read(["pareto_class_to"])
        with self.assertRaises(AccessError):
            ours[0].with_user(self.director).write({"revenue": 1.0})

    def test_run_visibility(self):
        Run = self.env["kam.classification.run"]
        for user in (self.kam_1, self.director):
            with self.subTest(user=user.name):
                self.assertEqual(Run.with_user(user).search([]), self.our_run)
                with self.assertRaises(AccessError):
                    self.run_main.with_user(user).read(["state"])
        self.assertEqual(self.our_run.with_user(self.kam_1).account_count, 4)

    # ------------------------------------------------------------------
    # What a KAM may change
    # ------------------------------------------------------------------
    def test_kam_cannot_change_director_fields(self):
        account = self.acc_own.with_user(self.kam_1)
        for values in (
            {"is_key_account": False},
            {"kam_user_id": self.kam_2.id},
            {"tier": "strategic"},
            {"objectives_fit": 4},
            {"key_account_since": "2020-01-01"},
            {"quadrant_locked": True, "lock_reason": "Mine"},
            {"lock_reason": "Mine"},
        ):
            with self.subTest(values=values), self.assertRaises(AccessError):
                account.write(values)
        self.acc_own.invalidate_recordset()
        self.assertEqual(self.acc_own.kam_user_id, self.kam_1)
        self.assertEqual(self.acc_own.tier, "key")
        self.assertFalse(self.acc_own.objectives_fit)

    def test_kam_cannot_create_or_delete_accounts(self):
        with self.assertRaises(AccessError):
            self.Account.with_user(self.kam_1).create(
                {"partner_id": self._create_customer("Mine Now").id}
            )
        with self.assertRaises(AccessError):
            self.acc_own.with_user(self.kam_1).unlink()

    def test_kam_edits_wallet_estimate_of_own_accounts(self):
        # A director's decision (issue 8): KAMs may when the company lets them.
        self.company.kam_kam_edit_wallet = True
        for account in (self.acc_own, self.acc_team):
            account.with_user(self.kam_1).wallet_estimate = 250000.0
            self.assertEqual(account.wallet_estimate, 250000.0)
        for account in (self.acc_kam2, self.acc_free):
            with (
                self.subTest(customer=account.partner_id.name),
                self.assertRaises(AccessError),
            ):
                account.with_user(self.kam_1).write({"wallet_estimate": 1.0})

    def test_kam_assesses_own_accounts_only(self):
        for account in (self.acc_own, self.acc_team):
            assessment = self._assess(account, 4, user=self.kam_1)
            self.assertEqual(assessment.user_id, self.kam_1)
            self.assertEqual(assessment.company_id, self.company)
        for account in (self.acc_kam2, self.acc_free):
            with (
                self.subTest(customer=account.partner_id.name),
                self.assertRaises(AccessError),
            ):
                self._assess(account, 4, user=self.kam_1)
        other = self._assess(self.acc_kam2, 2)
        with self.assertRaises(AccessError):
            other.with_user(self.kam_1).write({"score": 5})
        with self.assertRaises(AccessError):
            assessment.with_user(self.kam_1).unlink()

    def test_kam_cannot_manage_criteria_or_runs(self):
        with self.assertRaises(AccessError):
            self.env["kam.position.criterion"].with_user(self.kam_1).create(
                {"name": "Mine", "weight": 1.0}
            )
        with self.assertRaises(AccessError):
            self.criterion_main.with_user(self.kam_1).write({"weight": 10.0})
        with self.assertRaises(AccessError):
            self.env["kam.classification.run"].with_user(self.kam_1).create(
                {"company_id": self.company.id, "trigger": "manual"}
            )
        self.assertTrue(
            self.env["kam.position.criterion"].with_user(self.kam_1).search([])
        )

    def test_kam_cannot_classify(self):
        Run = self.env["kam.classification.run"]
        count = Run.search_count([])
        with self.assertRaisesText(UserError, "Key Account Director"):
            Run.with_user(self.kam_1).action_classify_now()
        self.assertEqual(Run.search_count([]), count)

    # ------------------------------------------------------------------
    # What a director may do
    # ------------------------------------------------------------------
    def test_director_manages_accounts(self):
        account = self.acc_free.with_user(self.director)
        account.write(
            {
                "is_key_account": True,
                "kam_user_id": self.kam_2.id,
                "tier": "development",
                "objectives_fit": 3,
                "wallet_estimate": 1000.0,
            }
        )
        self.assertEqual(self.acc_free.kam_user_id, self.kam_2)
        self.assertEqual(self.acc_free.key_account_since, self.today)
        self.assertIn(self.acc_free, self.Account.with_user(self.kam_2).search([]))
        self._assess(self.acc_free, 5, user=self.director)
        new = self.Account.with_user(self.director).create(
            {"partner_id": self._create_customer("Director's Pick").id}
        )
        self.assertEqual(new.company_id, self.company)

    def test_director_locks_quadrant(self):
        self.acc_own.quadrant = "invest"
        account = self.acc_own.with_user(self.director)
        account.write({"quadrant_locked": True, "lock_reason": "Board decision"})
        self.assertTrue(self.acc_own.quadrant_locked)
        account.action_unlock_quadrant()
        self.assertFalse(self.acc_own.quadrant_locked)

    def test_director_manages_criteria(self):
        criterion = (
            self.env["kam.position.criterion"]
            .with_user(self.director)
            .create({"name": "Innovation", "weight": 2.0})
        )
        criterion.weight = 4.0
        self.assertEqual(criterion.weight, 4.0)

    def test_director_classifies(self):
        action = (
            self.env["kam.classification.run"]
            .with_user(self.director)
            .action_classify_now()
        )
        run = self.env["kam.classification.run"].browse(action["res_id"])
        self.assertEqual(action["res_model"], "kam.classification.run")
        self.assertEqual(run.state, "done")
        self.assertEqual(run.company_id, self.company)
        self.assertEqual(run.user_id, self.director)
        self.assertEqual(run.account_count, 4)
        self.assertEqual(self.acc_own.last_run_id, run)
        # The other company is not classified.
        self.assertFalse(self.acc_main.last_run_id)

    # ------------------------------------------------------------------
    # Customers
    # ------------------------------------------------------------------
    def test_partner_search_filters(self):
        Partner = self.env["res.partner"].with_user(self.director)
        ours = self.p_own | self.p_team | self.p_kam2 | self.p_free
        in_test = [("id", "in", ours.ids)]
        key = Partner.search([("is_key_account", "=", True), *in_test])
        # Free Customer is a key account of the main company only.
        self.assertEqual(key, self.p_own | self.p_team | self.p_kam2)
        self.assertEqual(
            Partner.search([("is_key_account", "!=", True), *in_test]), self.p_free
        )
        self.assertEqual(
            Partner.search([("kam_user_id", "=", self.kam_1.id), *in_test]),
            self.p_own,
        )
        self.assertEqual(
            Partner.search([("kam_user_id", "=", self.kam_2.id), *in_test]),
            self.p_team | self.p_kam2,
        )
        own = self.p_own.with_user(self.director)
        self.assertTrue(own.is_key_account)
        self.assertEqual(own.kam_user_id, self.kam_1)
        self.assertEqual(own.kam_account_id, self.acc_own)
        self.assertEqual(own.kam_pareto_class, "c")
        free = self.p_free.with_user(self.director)
        self.assertFalse(free.is_key_account)
        self.assertFalse(free.kam_user_id)

    def test_partner_contact_shows_company_account(self):
        contact = self.env["res.partner"].create(
            {"name": "Buyer at Own", "parent_id": self.p_own.id}
        )
        self.assertEqual(contact.with_user(self.director).kam_account_id, self.acc_own)
        self.assertIn(
            contact,
            self.env["res.partner"]
            .with_user(self.director)
            .search([("is_key_account", "=", True), ("parent_id", "=", self.p_own.id)]),
        )

    def test_open_kam_account_as_director(self):
        partner = self._create_customer("Not Yet Followed")
        action = partner.with_user(self.director).action_open_kam_account()
        account = self.Account.browse(action["res_id"])
        self.assertEqual(action["res_model"], "kam.account")
        self.assertEqual(account.partner_id, partner)
        self.assertEqual(account.company_id, self.company)
        self.assertFalse(account.is_key_account)
        # Opening it again does not create a second record.
        again = partner.with_user(self.director).action_open_kam_account()
        self.assertEqual(again["res_id"], account.id)

    def test_open_kam_account_as_kam(self):
        action = self.p_own.with_user(self.kam_1).action_open_kam_account()
        self.assertEqual(action["res_id"], self.acc_own.id)
        unknown = self._create_customer("Unknown")
        for partner in (self.p_free, unknown):
            with (
                self.subTest(customer=partner.name),
                self.assertRaisesText(UserError, "not a key account"),
            ):
                partner.with_user(self.kam_1).action_open_kam_account()
        self.assertFalse(self._account(unknown))

    # --- holes closed after review -------------------------------------
    def test_kam_cannot_join_another_team(self):
        """kam_1 cannot add themselves to kam_2's account to read it."""
        with self.assertRaises(AccessError):
            self.env["kam.team.member"].with_user(self.kam_1).create(
                {"account_id": self.acc_kam2.id, "user_id": self.kam_1.id}
            )
        self.assertNotIn(self.kam_1, self.acc_kam2.team_member_ids.user_id)

    def test_team_member_reads_but_does_not_change_team(self):
        member = self.acc_team.team_member_ids.with_user(self.kam_1)
        self.assertEqual(member.function, "logistics")
        with self.assertRaises(AccessError):
            self.env["kam.team.member"].with_user(self.kam_1).create(
                {"account_id": self.acc_team.id, "user_id": self.director.id}
            )
        with self.assertRaises(AccessError):
            member.write({"function": "finance"})
        # The account's own KAM manages their team.
        self.env["kam.team.member"].with_user(self.kam_1).create(
            {"account_id": self.acc_own.id, "user_id": self.kam_2.id}
        )
        self.assertIn(self.kam_2, self.acc_own.team_member_ids.user_id)

    def test_results_written_by_the_run_only(self):
        account = self.acc_own.with_user(self.kam_1)
        before = self.acc_own.pareto_class
        for values in ({"pareto_class": "a"}, {"quadrant": "invest"}):
            with self.assertRaises(AccessError):
                account.write(values)
        with self.assertRaises(AccessError):
            self.acc_own.with_user(self.director).write({"potential_score": 99})
        self.assertEqual(self.acc_own.pareto_class, before)

    def test_kam_assesses_in_own_name(self):
        assessment = (
            self.env["kam.position.assessment"]
            .with_user(self.kam_1)
            .create(
                {
                    "account_id": self.acc_own.id,
                    "criterion_id": self.criterion_main.id,
                    "score": 4,
                    "user_id": self.director.id,
                }
            )
        )
        self.assertEqual(assessment.user_id, self.kam_1)
        with self.assertRaises(AccessError):
            assessment.write({"user_id": self.kam_2.id})
