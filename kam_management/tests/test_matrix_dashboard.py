from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import KamCommon


@tagged("post_install", "-at_install")
class TestMatrixDashboard(KamCommon):
    """The matrix dashboard's data: figures read from the database, with the
    user's own rights, filtered server side."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # Four key accounts of two KAMs, one not assessed, and a customer
        # that is not a key account.
        specs = [
            ("Dash Alpha", 50000.0, 5, cls.kam_1, "strategic"),
            ("Dash Beta", 20000.0, 1, cls.kam_1, "key"),
            ("Dash Gamma", 8000.0, 4, cls.kam_2, "strategic"),
            ("Dash Delta", 3000.0, None, cls.kam_2, "development"),
        ]
        cls.accounts = cls.env["kam.account"]
        vals_list = []
        for name, amount, _score, _kam, _tier in specs:
            customer = cls._create_customer(name)
            vals_list.append(cls._invoice_vals(customer, amount, days_ago=40))
            vals_list.append(cls._invoice_vals(customer, amount / 2, days_ago=400))
            cls.accounts |= cls._create_account(
                customer, is_key_account=True, kam_user_id=_kam.id, tier=_tier
            )
        cls.outsider = cls._create_customer("Dash Not Key")
        vals_list.append(cls._invoice_vals(cls.outsider, 90000.0, days_ago=20))
        cls._post_invoices(vals_list)
        cls.env["kam.position.assessment"].create(
            [
                {
                    "account_id": account.id,
                    "criterion_id": cls.criterion_main.id,
                    "score": spec[2],
                    "date": cls.today,
                }
                for account, spec in zip(cls.accounts, specs, strict=True)
                if spec[2]
            ]
        )
        cls.env["kam.classification.run"]._classify_company(
            cls.company, trigger="manual"
        )
        cls.env["kam.scorecard.engine"]._compute_scorecards(cls.accounts)
        cls.accounts.invalidate_recordset()
        cls.alpha, cls.beta, cls.gamma, cls.delta = cls.accounts

        cls.other_company = cls.env["res.company"].create(
            {"name": "Dash Other Company"}
        )

    def _data(self, user, filters=None):
        return (
            self.env["kam.account"]
            .with_user(user)
            .kam_matrix_dashboard_data(filters or {})
        )

    def _ids(self, rows):
        return {row["id"] for row in rows}

    def test_director_figures_match_the_database(self):
        data = self._data(self.director)
        Account = self.env["kam.account"]
        base = [("company_id", "=", self.company.id), ("is_key_account", "=", True)]
        self.assertEqual(data["total"], Account.search_count(base))
        self.assertEqual(data["total"], 4)
        self.assertEqual(data["company"]["id"], self.company.id)
        self.assertEqual(
            data["thresholds"],
            {
                "potential": self.company.kam_potential_threshold,
                "position": self.company.kam_position_threshold,
            },
        )
        for quadrant in data["quadrants"]:
            domain = [*base, ("quadrant", "=", quadrant["key"])]
            self.assertEqual(
                quadrant["count"], Account.search_count(domain), quadrant["key"]
            )
            self.assertAlmostEqual(
                quadrant["revenue"], sum(Account.search(domain).mapped("revenue"))
            )
        self.assertEqual(
            data["not_assessed"],
            Account.search_count([*base, ("quadrant", "=", False)]),
        )
        self.assertEqual(data["not_assessed"], 1)
        for pareto_class in data["classes"]:
            domain = [*base, ("pareto_class", "=", pareto_class["key"])]
            self.assertEqual(pareto_class["count"], Account.search_count(domain))
            self.assertAlmostEqual(
                pareto_class["revenue"], sum(Account.search(domain).mapped("revenue"))
            )
        self.assertEqual(
            sum(c["count"] for c in data["classes"]) + data["unclassified"], 4
        )
        # Points: the assessed key accounts, at their stored scores; the
        # customer that is not a key account is not on the matrix.
        points = {point["id"]: point for point in data["points"]}
        self.assertEqual(set(points), set((self.alpha | self.beta | self.gamma).ids))
        for account in self.alpha | self.beta | self.gamma:
            point = points[account.id]
            self.assertEqual(point["quadrant"], account.quadrant)
            self.assertAlmostEqual(point["potential"], account.potential_score)
            self.assertAlmostEqual(point["position"], account.position_score)
            self.assertAlmostEqual(point["revenue"], account.revenue)
            self.assertEqual(point["name"], account.partner_id.display_name)
        self.assertEqual(points[self.beta.id]["kam"], self.kam_1.name)
        # Lowest health: the stored health scores, lowest first.
        expected = Account.search(
            [*base, ("health_light", "!=", False)], order="health_score, id", limit=5
        )
        self.assertTrue(expected)
        self.assertEqual([row["id"] for row in data["lowest_health"]], expected.ids)
        for row, account in zip(data["lowest_health"], expected, strict=True):
            self.assertAlmostEqual(row["health"], account.health_score)
            self.assertEqual(row["light"], account.health_light)
        self.assertEqual(
            {kam["id"] for kam in data["options"]["kams"]},
            {self.kam_1.id, self.kam_2.id},
        )
        self.assertEqual(
            [company["id"] for company in data["options"]["companies"]],
            self.director.company_ids.ids,
        )

    def test_kam_sees_only_own_accounts(self):
        data = self._data(self.kam_1)
        own = self.alpha | self.beta
        self.assertEqual(data["total"], 2)
        self.assertEqual(self._ids(data["points"]), set(own.ids))
        self.assertLessEqual(self._ids(data["lowest_health"]), set(own.ids))
        self.assertEqual(sum(q["count"] for q in data["quadrants"]), 2)
        self.assertEqual(
            [kam["id"] for kam in data["options"]["kams"]], [self.kam_1.id]
        )
        # Asking for a colleague's accounts shows nothing of theirs.
        data = self._data(self.kam_1, {"kam_user_id": self.kam_2.id})
        self.assertEqual(data["total"], 0)
        self.assertFalse(data["points"] or data["lowest_health"])

    def test_team_member_sees_the_accounts_they_serve(self):
        self.env["kam.team.member"].create(
            {"account_id": self.gamma.id, "user_id": self.kam_1.id, "function": "sales"}
        )
        data = self._data(self.kam_1)
        self.assertEqual(data["total"], 3)
        self.assertIn(self.gamma.id, self._ids(data["points"]))

    def test_salesperson_without_key_account_rights_refused(self):
        salesperson = self._create_user(
            "dash_sales", "Sam Sales", "sales_team.group_sale_salesman"
        )
        with self.assertRaises(AccessError):
            self._data(salesperson)

    def test_filters_by_kam_and_tier(self):
        data = self._data(self.director, {"kam_user_id": self.kam_2.id})
        self.assertEqual(data["total"], 2)
        self.assertEqual(self._ids(data["points"]), {self.gamma.id})
        self.assertEqual(data["not_assessed"], 1)
        self.assertEqual(data["filters"]["kam_user_id"], self.kam_2.id)
        data = self._data(self.director, {"tier": "strategic"})
        self.assertEqual(self._ids(data["points"]), {self.alpha.id, self.gamma.id})
        data = self._data(
            self.director,
            {
                "company_id": self.company.id,
                "kam_user_id": self.kam_1.id,
                "tier": "key",
            },
        )
        self.assertEqual(self._ids(data["points"]), {self.beta.id})
        self.assertEqual(data["total"], 1)

    def test_director_of_two_companies_picks_one(self):
        """The company filter: each company with its own accounts and
        thresholds, among the user's companies only."""
        self.director.company_ids = [Command.link(self.other_company.id)]
        self.other_company.kam_potential_threshold = 70.0
        customer = self._create_customer("Dash Other Customer")
        self._create_account(
            customer, company=self.other_company, is_key_account=True, tier="key"
        )
        data = self._data(self.director, {"company_id": self.other_company.id})
        self.assertEqual(data["total"], 1)
        self.assertEqual(data["not_assessed"], 1)
        self.assertEqual(data["thresholds"]["potential"], 70.0)
        self.assertEqual(data["company"]["id"], self.other_company.id)
        self.assertEqual(len(data["options"]["companies"]), 2)
        self.assertEqual(self._data(self.director)["total"], 4)

    def test_empty_portfolio(self):
        self.director.company_ids = [Command.link(self.other_company.id)]
        data = self._data(self.director, {"company_id": self.other_company.id})
        self.assertEqual(data["total"], 0)
        self.assertEqual(data["points"], [])
        self.assertEqual(data["lowest_health"], [])
        self.assertEqual([q["count"] for q in data["quadrants"]], [0, 0, 0, 0])

    def test_bad_filters_refused(self):
        with self.assertRaisesText(UserError, "not one of your companies"):
            self._data(self.director, {"company_id": self.other_company.id})
        with self.assertRaisesText(UserError, "not one of your companies"):
            self._data(self.kam_1, {"company_id": self.main_company.id})
        with self.assertRaisesText(UserError, "must be given by its id"):
            self._data(self.director, {"company_id": str(self.company.id)})
        with self.assertRaisesText(UserError, "must be given by its id"):
            self._data(self.director, {"company_id": True})
        with self.assertRaisesText(UserError, "must be given by its id"):
            self._data(self.director, {"kam_user_id": "Karl"})
        with self.assertRaisesText(UserError, "Unknown tier"):
            self._data(self.director, {"tier": "gold"})
        with self.assertRaisesText(UserError, "Unknown tier"):
            self._data(self.director, {"tier": ["key"]})
        with self.assertRaisesText(UserError, "Unknown dashboard filter: stage"):
            self._data(self.director, {"stage": "won"})
        with self.assertRaisesText(UserError, "must be a mapping"):
            self._data(self.director, [self.company.id])

    def test_bad_filter_message_in_spanish(self):
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])
        self.director.lang = "es_ES"
        with self.assertRaisesText(UserError, "no es una de sus empresas"):
            self.env["kam.account"].with_user(self.director).with_context(
                lang="es_ES"
            ).kam_matrix_dashboard_data({"company_id": self.other_company.id})

    def test_query_count_does_not_grow_with_accounts(self):
        Account = self.env["kam.account"].with_user(self.director)
        Account.kam_matrix_dashboard_data({})

        def queries():
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            Account.kam_matrix_dashboard_data({})
            return self.env.cr.sql_log_count - before

        few = queries()
        vals_list = []
        for index in range(6):
            customer = self._create_customer(f"Dash More {index}")
            vals_list.append(self._invoice_vals(customer, 1000.0 * (index + 1)))
            account = self._create_account(
                customer,
                is_key_account=True,
                kam_user_id=(self.kam_1 if index % 2 else self.kam_2).id,
            )
            self._assess(account, 1 + index % 5)
        self._post_invoices(vals_list)
        self._classify()
        self.assertEqual(Account.kam_matrix_dashboard_data({})["total"], 10)
        self.assertEqual(queries(), few)
