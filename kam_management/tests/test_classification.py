import json
from datetime import timedelta
from unittest.mock import patch

from dateutil.relativedelta import relativedelta
from odoo.exceptions import UserError
from odoo.sql_db import db_connect
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from ..models.kam_classification_engine import WRITTEN_FIELDS
from .common import KamCommon

RUN_LOGGER = "odoo.addons.kam_management.models.kam_classification_run"


@tagged("post_install", "-at_install")
class TestClassification(KamCommon):
    """Classification of the invoices posted in the test company.

    Net revenue in the 12-month window (total 10 000):

    ========== ======= ===== ========== =====
    customer   revenue share cumulative class
    ========== ======= ===== ========== =====
    big           5000    50         50 A
    mid           2000    20         70 A
    crossing      1500    15         85 A (crosses the 80 % line)
    small         1000    10         95 B (reaches 95 % exactly)
    tiny           500     5        100 C
    refund_only   -200     0        100 C
    lapsed           0     0        100 C (previous window only)
    dormant          0     0        100 C (account, no invoice)
    ========== ======= ===== ========== =====
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        customer = cls._create_customer
        cls.big = customer("Big Buyer")
        cls.mid = customer("Mid Buyer")
        cls.crossing = customer("Crossing Buyer")
        cls.small = customer("Small Buyer")
        cls.tiny = customer("Tiny Buyer")
        cls.refund_only = customer("Refund Only")
        cls.lapsed = customer("Lapsed Buyer")
        cls.dormant = customer("Dormant Buyer")
        cls.archived = customer("Archived Buyer")
        cls.ancient = customer("Ancient Buyer")
        vals = cls._invoice_vals
        cls._post_invoices(
            [
                vals(cls.big, 3000, days_ago=30),
                vals(cls.big, 2000, days_ago=90),
                vals(cls.big, 4000, days_ago=400),  # previous window
                vals(cls.mid, 2500, days_ago=60),
                vals(cls.mid, 500, days_ago=20, refund=True),
                vals(cls.crossing, 1500, days_ago=120),
                vals(cls.small, 1000, days_ago=200),
                vals(cls.tiny, 500, days_ago=45, product=cls.product_low_margin),
                vals(cls.tiny, 9900, days_ago=800),  # before both windows
                vals(cls.refund_only, 200, days_ago=50, refund=True),
                vals(cls.lapsed, 300, days_ago=400),
                vals(cls.archived, 100000, days_ago=30),
                vals(cls.ancient, 7000, days_ago=900),
            ]
        )
        # Another company's sale to the same customer never counts here.
        cls._post_invoice(cls.big, 50000, days_ago=30, company=cls.main_company)
        cls.archived.active = False
        cls.dormant_account = cls._create_account(cls.dormant)

    # ------------------------------------------------------------------
    # Pareto, revenue, RFM, potential components
    # ------------------------------------------------------------------
    def test_pareto_classes_and_shares(self):
        run = self._classify()
        expected = {
            self.big: ("a", 1, 50.0, 50.0),
            self.mid: ("a", 2, 20.0, 70.0),
            self.crossing: ("a", 3, 15.0, 85.0),
            self.small: ("b", 4, 10.0, 95.0),
            self.tiny: ("c", 5, 5.0, 100.0),
        }
        for partner, (klass, rank, share, cumulative) in expected.items():
            with self.subTest(customer=partner.name):
                account = self._account(partner)
                self.assertEqual(account.pareto_class, klass)
                self.assertEqual(account.pareto_rank, rank)
                self.assertAlmostEqual(account.revenue_share, share, places=2)
                self.assertAlmostEqual(account.cumulative_share, cumulative, places=2)
                self.assertEqual(account.last_run_id, run)
                self.assertTrue(account.classified_on)

    def test_revenue_credit_notes_and_window(self):
        self._classify()
        expected = {
            self.big: (5000.0, 4000.0, 2),
            self.mid: (2000.0, 0.0, 1),  # 2500 invoiced, 500 credited
            self.crossing: (1500.0, 0.0, 1),
            self.tiny: (500.0, 0.0, 1),  # the invoice 800 days ago is ignored
            self.lapsed: (0.0, 300.0, 0),
        }
        for partner, (revenue, previous, count) in expected.items():
            with self.subTest(customer=partner.name):
                account = self._account(partner)
                self.assertEqual(account.revenue, revenue)
                self.assertEqual(account.revenue_prev, previous)
                self.assertEqual(account.invoice_count, count)
        big = self._account(self.big)
        self.assertEqual(big.last_invoice_date, self.today - timedelta(days=30))
        self.assertEqual(big.recency_days, 30)
        # Invoices before both windows create no account at all.
        self.assertFalse(self._account(self.ancient))

    def test_credit_note_only_customer_is_class_c(self):
        run = self._classify()
        self.assertEqual(run.state, "done")
        account = self._account(self.refund_only)
        self.assertEqual(account.revenue, -200.0)
        self.assertEqual(account.pareto_class, "c")
        self.assertEqual(account.revenue_share, 0.0)
        # Ranked last: after the customers without revenue.
        self.assertEqual(account.pareto_rank, 8)
        self.assertEqual(account.cumulative_share, 100.0)
        self.assertEqual(account.rfm_segment, "no_purchase")
        # No revenue in the previous window either: growth is unknown.
        self.assertIn("growth", account.missing_components.split(","))
        self.assertFalse(account.is_new_customer)
        self.assertFalse(account.margin_pct)

    def test_customer_without_invoice_in_window(self):
        self._classify()
        for account in (self.dormant_account, self._account(self.lapsed)):
            with self.subTest(customer=account.partner_id.name):
                self.assertEqual(account.pareto_class, "c")
                self.assertEqual(account.rfm_segment, "no_purchase")
                self.assertEqual(account.revenue, 0.0)
                self.assertEqual(
                    (
                        account.rfm_recency,
                        account.rfm_frequency,
                        account.rfm_monetary,
                    ),
                    (0, 0, 0),
                )
                self.assertFalse(account.last_invoice_date)
                self.assertEqual(account.volume_score, 0.0)

    def test_growth_and_margin(self):
        self._classify()
        big = self._account(self.big)
        self.assertAlmostEqual(big.growth_pct, 25.0)
        self.assertAlmostEqual(big.growth_score, 62.5)
        # 50 units at a cost of 60 for 5000 of revenue.
        self.assertAlmostEqual(big.margin_pct, 40.0)
        # 25 units sold, 5 credited: cost 1200 for 2000.
        self.assertAlmostEqual(self._account(self.mid).margin_pct, 40.0)
        tiny = self._account(self.tiny)
        self.assertAlmostEqual(tiny.margin_pct, 20.0)
        # New customer (no revenue in the previous window): growth is unknown,
        # left out of the potential, and the form says why.
        self.assertIn("growth", tiny.missing_components.split(","))
        self.assertTrue(tiny.is_new_customer)
        self.assertTrue(tiny.growth_missing)
        self.assertIn("new customer", tiny.score_explanation)
        self.assertFalse(big.growth_missing)
        self.assertFalse(big.is_new_customer)
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT growth_pct, growth_score FROM kam_account WHERE id = %s",
            [tiny.id],
        )
        self.assertEqual(self.env.cr.fetchone(), (None, None))
        lapsed = self._account(self.lapsed)
        self.assertAlmostEqual(lapsed.growth_pct, -100.0)
        self.assertEqual(lapsed.growth_score, 0.0)
        # The lower margin ranks below the others.
        self.assertLess(tiny.profitability_score, big.profitability_score)

    def test_other_company_and_archived_customers_left_out(self):
        other = self._create_account(self.big, company=self.main_company)
        run = self._classify()
        self.assertEqual(self._account(self.big).revenue, 5000.0)
        self.assertFalse(self._account(self.archived))
        self.assertFalse(
            self.env["kam.account"]
            .with_context(active_test=False)
            .search([("partner_id", "=", self.archived.id)])
        )
        # The other company's account of the same customer is not touched.
        self.assertFalse(other.last_run_id)
        self.assertFalse(other.pareto_class)
        accounts = self.env["kam.account"].search([("last_run_id", "=", run.id)])
        self.assertEqual(accounts.company_id, self.company)

    def test_archived_customer_account_left_alone(self):
        self._classify()
        account = self._account(self.tiny)
        self.assertEqual(account.revenue, 500.0)
        self.tiny.active = False
        self.assertFalse(account.active)
        run = self._classify()
        self.assertEqual(run.account_count, 7)
        self.assertNotEqual(account.last_run_id, run)
        self.assertEqual(account.pareto_class, "c")
        # The other customers share the revenue without it.
        self.assertEqual(self._account(self.small).cumulative_share, 100.0)
        self.assertEqual(self._account(self.small).pareto_class, "b")

    def test_rfm_scores(self):
        self._classify()
        big = self._account(self.big)
        self.assertEqual(
            (big.rfm_recency, big.rfm_frequency, big.rfm_monetary), (5, 5, 5)
        )
        self.assertEqual(big.rfm_segment, "champions")
        self.assertEqual(big.rfm_code, "R5 F5 M5")
        self.assertFalse(self.dormant_account.rfm_code)
        small = self._account(self.small)  # oldest invoice of the buyers
        self.assertEqual(small.rfm_recency, 1)
        # Four of the five buyers bought once: all of them score F=1.
        self.assertEqual(small.rfm_frequency, 1)
        self.assertEqual(small.rfm_segment, "hibernating")
        for partner in (self.mid, self.crossing, self.tiny):
            with self.subTest(customer=partner.name):
                self.assertEqual(self._account(partner).rfm_frequency, 1)
        # The most recent one-time buyer (45 days ago, after big's 30) is
        # promising: a segment that needs F=1.
        tiny = self._account(self.tiny)
        self.assertEqual((tiny.rfm_recency, tiny.rfm_frequency), (4, 1))
        self.assertEqual(tiny.rfm_segment, "promising")
        for partner in (self.mid, self.crossing, self.tiny):
            account = self._account(partner)
            with self.subTest(customer=partner.name):
                for score in (
                    account.rfm_recency,
                    account.rfm_frequency,
                    account.rfm_monetary,
                ):
                    self.assertIn(score, range(1, 6))
                self.assertNotIn(account.rfm_segment, (False, "no_purchase"))

    def test_run_record(self):
        run = self._classify()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.trigger, "manual")
        self.assertEqual(run.company_id, self.company)
        self.assertEqual(run.account_count, 8)
        self.assertEqual((run.count_a, run.count_b, run.count_c), (3, 1, 4))
        self.assertEqual(run.count_unplaced, 8)
        self.assertEqual(
            (
                run.count_invest,
                run.count_selective,
                run.count_maintain,
                run.count_milk,
            ),
            (0, 0, 0, 0),
        )
        self.assertEqual(run.change_count, 8)
        self.assertEqual(run.window_end, self.today)
        self.assertEqual(
            run.window_start,
            self.today - relativedelta(months=12) + timedelta(days=1),
        )
        self.assertTrue(run.date_end)
        self.assertFalse(run.error)
        parameters = json.loads(run.parameters)
        self.assertEqual(parameters["window_months"], 12)
        self.assertEqual(parameters["pareto_a"], 80.0)
        self.assertEqual(parameters["pareto_b"], 95.0)
        self.assertEqual(parameters["weights"]["volume"], 30.0)
        self.assertFalse(parameters["auto_nominate"])
        self.assertEqual(len(run.history_ids), 8)

    def test_settings_change_classes(self):
        self.company.write({"kam_pareto_a": 50.0, "kam_pareto_b": 70.0})
        run = self._classify()
        self.assertEqual((run.count_a, run.count_b, run.count_c), (1, 1, 6))
        self.assertEqual(self._account(self.mid).pareto_class, "b")
        self.assertEqual(json.loads(run.parameters)["pareto_a"], 50.0)

    # ------------------------------------------------------------------
    # Position and quadrants
    # ------------------------------------------------------------------
    def _setup_quadrants(self):
        """Potential from the objectives fit only; position from assessments."""
        self.company.write(
            {
                "kam_weight_volume": 0.0,
                "kam_weight_growth": 0.0,
                "kam_weight_share_of_wallet": 0.0,
                "kam_weight_profitability": 0.0,
                "kam_weight_objectives_fit": 100.0,
            }
        )
        accounts = {}
        for partner, fit in (
            (self.big, 5),
            (self.mid, 5),
            (self.crossing, 1),
            (self.small, 1),
        ):
            accounts[partner] = self._create_account(partner, objectives_fit=fit)
        big, mid, crossing, small = accounts.values()
        # Only the latest assessment of a criterion counts.
        self._assess(big, 1, days_ago=100)
        self._assess(big, 5, days_ago=10)
        self._assess(big, 1, criterion=self.criterion_minor, days_ago=10)
        self._assess(mid, 5, days_ago=100)
        self._assess(mid, 1, days_ago=5)
        self._assess(crossing, 5, days_ago=5)
        self._assess(small, 2, days_ago=5)
        return accounts

    def test_quadrants(self):
        accounts = self._setup_quadrants()
        run = self._classify()
        expected = {
            self.big: ("invest", 100.0, 75.0),
            self.mid: ("selective", 100.0, 0.0),
            self.crossing: ("maintain", 0.0, 100.0),
            self.small: ("milk", 0.0, 25.0),
        }
        for partner, (quadrant, potential, position) in expected.items():
            account = accounts[partner]
            with self.subTest(customer=partner.name):
                self.assertEqual(account.quadrant, quadrant)
                self.assertAlmostEqual(account.potential_score, potential)
                self.assertAlmostEqual(account.position_score, position)
                self.assertTrue(account.has_position)
                self.assertTrue(account.strategy)
                self.assertIn("Quadrant", account.score_explanation)
        self.assertEqual(
            (
                run.count_invest,
                run.count_selective,
                run.count_maintain,
                run.count_milk,
                run.count_unplaced,
            ),
            (1, 1, 1, 1, 4),
        )
        tiny = self._account(self.tiny)
        self.assertFalse(tiny.quadrant)
        self.assertFalse(tiny.has_position)
        self.assertIn("No supplier position assessment", tiny.score_explanation)

    def test_archived_criterion_ignored(self):
        accounts = self._setup_quadrants()
        archived = self.env["kam.position.criterion"].create(
            {"name": "Old criterion", "weight": 100.0, "company_id": self.company.id}
        )
        self._assess(accounts[self.big], 1, criterion=archived, days_ago=1)
        archived.active = False
        self._classify()
        self.assertAlmostEqual(accounts[self.big].position_score, 75.0)

    def test_explanation_lists_components(self):
        self._classify()
        big = self._account(self.big)
        explanation = big.score_explanation
        self.assertIn("business volume", explanation)
        # No wallet estimate nor objectives fit: left out, and said so.
        self.assertIn("share of wallet", explanation.split("Not available")[1])
        self.assertEqual(
            set(big.missing_components.split(",")),
            {"share_of_wallet", "objectives_fit"},
        )
        unclassified = self._create_account(self._create_customer("Fresh"))
        self.assertIn("Not classified yet", unclassified.score_explanation)

    def test_share_of_wallet(self):
        account = self._create_account(self.big, wallet_estimate=20000.0)
        self._classify()
        self.assertAlmostEqual(account.share_of_wallet_pct, 25.0)
        self.assertAlmostEqual(account.share_of_wallet_score, 25.0)
        self.assertNotIn("share_of_wallet", account.missing_components or "")

    # ------------------------------------------------------------------
    # History, notifications, nominations, locks
    # ------------------------------------------------------------------
    def test_idempotent(self):
        accounts = self._setup_quadrants()
        first = self._classify()
        History = self.env["kam.classification.history"]
        history_count = History.search_count([("company_id", "=", self.company.id)])
        snapshot = {
            account: (
                account.pareto_class,
                account.quadrant,
                account.revenue,
                account.potential_score,
                account.position_score,
                account.rfm_segment,
            )
            for account in self.env["kam.account"].search(
                [("company_id", "=", self.company.id)]
            )
        }
        messages = accounts[self.big].message_ids
        second = self._classify()
        self.assertNotEqual(first, second)
        self.assertEqual(second.change_count, 0)
        self.assertEqual(second.account_count, first.account_count)
        self.assertFalse(second.history_ids)
        self.assertEqual(
            History.search_count([("company_id", "=", self.company.id)]),
            history_count,
        )
        for account, values in snapshot.items():
            with self.subTest(customer=account.partner_id.name):
                self.assertEqual(
                    (
                        account.pareto_class,
                        account.quadrant,
                        account.revenue,
                        account.potential_score,
                        account.position_score,
                        account.rfm_segment,
                    ),
                    values,
                )
                self.assertEqual(account.last_run_id, second)
        self.assertEqual(accounts[self.big].message_ids, messages)

    # ------------------------------------------------------------------
    # Nightly writes proportional to change
    # ------------------------------------------------------------------
    def _row_versions(self):
        """{account id: (ctid, xmin)}: any write of a row gives it a new version."""
        self.env.flush_all()
        self.env.cr.execute(
            "SELECT id, ctid::text, xmin::text FROM kam_account WHERE company_id = %s",
            [self.company.id],
        )
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def _stored_results(self):
        """{account id: every stored result of the account, as text}."""
        Engine = self.env["kam.classification.engine"]
        columns = sorted(
            set(Engine._result_fields()).union(WRITTEN_FIELDS) - {"changed_run_id"}
        )
        self.env.flush_all()
        self.env.cr.execute(
            SQL(
                "SELECT id, ROW(%s)::text FROM kam_account WHERE company_id = %s",
                SQL(", ").join(SQL.identifier(c) for c in columns),
                self.company.id,
            )
        )
        return dict(self.env.cr.fetchall())

    def _rewritten(self, before):
        after = self._row_versions()
        return {
            account_id
            for account_id in before
            if after[account_id] != before[account_id]
        }

    def test_unchanged_run_writes_no_account(self):
        self._setup_quadrants()
        first = self._classify()
        self.assertEqual(first.updated_count, first.account_count)
        versions = self._row_versions()
        second = self._classify()
        self.assertEqual(second.state, "done")
        self.assertEqual(second.updated_count, 0)
        self.assertEqual(self._row_versions(), versions)
        # Still read as classified by the latest run, with its date and window.
        accounts = self.env["kam.account"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertEqual(len(accounts), second.account_count)
        for account in accounts:
            with self.subTest(customer=account.partner_id.name):
                self.assertEqual(account.changed_run_id, first)
                self.assertEqual(account.last_run_id, second)
                self.assertEqual(account.classified_on, second.date_start)
        self.assertEqual(
            self.env["kam.account"].search([("last_run_id", "=", second.id)]),
            accounts,
        )
        self.assertFalse(
            self.env["kam.account"].search([("last_run_id", "=", first.id)])
        )
        big = self._account(self.big)
        self.assertEqual(big.recency_days, 30)
        self.assertIn(
            ("invoice_date", ">=", second.window_start),
            big.action_view_partner_invoices()["domain"],
        )

    def test_new_invoice_rewrites_only_changed_accounts(self):
        first = self._classify()
        versions = self._row_versions()
        # An invoice of the previous window changes one customer's figures only.
        self._post_invoice(self.lapsed, 100, days_ago=400)
        second = self._classify()
        lapsed = self._account(self.lapsed)
        self.assertEqual(lapsed.revenue_prev, 400.0)
        self.assertEqual(self._rewritten(versions), {lapsed.id})
        self.assertEqual(second.updated_count, 1)
        self.assertEqual(lapsed.changed_run_id, second)
        self.assertEqual(self._account(self.big).changed_run_id, first)
        self.assertEqual(self._account(self.big).last_run_id, second)

        # An invoice of the window changes shares and ranks: the accounts
        # rewritten are exactly those whose stored results differ.
        results = self._stored_results()
        versions = self._row_versions()
        self._post_invoice(self.tiny, 2500, days_ago=10)
        third = self._classify()
        changed = {
            account_id
            for account_id, values in self._stored_results().items()
            if results.get(account_id) != values
        }
        rewritten = self._rewritten(versions)
        tiny = self._account(self.tiny)
        self.assertIn(tiny.id, rewritten)
        self.assertEqual(rewritten, changed)
        self.assertEqual(third.updated_count, len(rewritten))
        self.assertLess(len(rewritten), len(versions))
        self.assertEqual(tiny.changed_run_id, third)
        self.assertEqual(tiny.recency_days, 10)
        self.assertEqual(lapsed.changed_run_id, second)

    def test_history_only_on_change(self):
        first = self._classify()
        big_rows = first.history_ids.filtered(
            lambda h: h.account_id.partner_id == self.big
        )
        self.assertEqual(len(big_rows), 1)
        self.assertFalse(big_rows.pareto_class_from)
        self.assertEqual(big_rows.pareto_class_to, "a")
        self.assertEqual(big_rows.revenue, 5000.0)
        self.assertEqual(big_rows.company_id, self.company)
        # A large order makes the tiny customer the first one; the crossing
        # customer falls to B; every other class stays.
        self._post_invoice(self.tiny, 6000, days_ago=10)
        second = self._classify()
        moves = {
            row.account_id.partner_id: (row.pareto_class_from, row.pareto_class_to)
            for row in second.history_ids
        }
        self.assertEqual(moves, {self.tiny: ("c", "a"), self.crossing: ("a", "b")})
        self.assertEqual(second.change_count, 2)
        tiny = self._account(self.tiny)
        self.assertEqual(len(tiny.history_ids), 2)
        self.assertEqual(tiny.history_ids[0].run_id, second)

    def test_quadrant_history(self):
        accounts = self._setup_quadrants()
        self._classify()
        small = accounts[self.small]
        self.assertEqual(small.quadrant, "milk")
        self._assess(small, 5, days_ago=0)
        run = self._classify()
        self.assertEqual(small.quadrant, "maintain")
        row = run.history_ids
        self.assertEqual(row.account_id, small)
        self.assertEqual((row.quadrant_from, row.quadrant_to), ("milk", "maintain"))
        self.assertEqual((row.pareto_class_from, row.pareto_class_to), ("b", "b"))
        self.assertAlmostEqual(row.position_score, 100.0)

    def _kam_messages(self, account, kam):
        return self.env["mail.message"].search(
            [
                ("model", "=", "kam.account"),
                ("res_id", "=", account.id),
                ("partner_ids", "in", kam.partner_id.ids),
            ]
        )

    def test_kam_notified_into_class_a(self):
        account = self._create_account(self.big, kam_user_id=self.kam_1.id)
        other = self._create_account(self.small, kam_user_id=self.kam_2.id)
        run = self._classify()
        messages = self._kam_messages(account, self.kam_1)
        self.assertEqual(len(messages), 1)
        # A first class is said as such, without a "none" before it, and the
        # quadrant, which did not change, is not named.
        self.assertIn(
            "Classification moved this account: first classified as A.",
            messages.body,
        )
        self.assertNotIn("none", messages.body)
        self.assertNotIn("quadrant", messages.body)
        # Small moved into B only: not worth a message.
        self.assertFalse(self._kam_messages(other, self.kam_2))
        self.assertEqual(run.notified_count, 1)

    def test_kam_notified_between_quadrants(self):
        accounts = self._setup_quadrants()
        small = accounts[self.small]
        small.kam_user_id = self.kam_2
        self._classify()
        # Into a first quadrant, class B: no message yet.
        self.assertFalse(self._kam_messages(small, self.kam_2))
        self._assess(small, 5, days_ago=0)
        run = self._classify()
        messages = self._kam_messages(small, self.kam_2)
        self.assertEqual(len(messages), 1)
        # Only the quadrant moved: the class (B → B) is not named.
        self.assertIn(
            "Classification moved this account: quadrant Milk → Maintain.",
            messages.body,
        )
        self.assertNotIn("class", messages.body)
        self.assertEqual(run.notified_count, 1)

    def test_kam_notified_in_their_language(self):
        """A Spanish KAM reads Spanish, though an English director ran it."""
        self.env["res.lang"]._activate_lang("es_ES")
        self.env["ir.module.module"]._load_module_terms(["kam_management"], ["es_ES"])
        self.kam_2.lang = "es_ES"
        self.director.lang = "en_US"
        accounts = self._setup_quadrants()
        big, small = accounts[self.big], accounts[self.small]
        big.kam_user_id = self.kam_1  # English
        small.kam_user_id = self.kam_2
        Run = self.env["kam.classification.run"].with_user(self.director)
        Run.with_context(lang="en_US").action_classify_now()
        self.assertIn("first classified as A", self._kam_messages(big, self.kam_1).body)
        self._assess(small, 5, days_ago=0)
        Run.with_context(lang="en_US").action_classify_now()
        self.assertIn(
            "La clasificación ha movido esta cuenta: cuadrante Ordeñar → Mantener.",
            self._kam_messages(small, self.kam_2).body,
        )

    def test_auto_nominate(self):
        already = self._create_account(
            self.mid, is_key_account=True, kam_user_id=self.kam_1.id
        )
        self.company.kam_auto_nominate = True
        run = self._classify()
        nominated = self.env["kam.account"].search(
            [("company_id", "=", self.company.id), ("is_key_account", "=", True)]
        )
        self.assertEqual(nominated.partner_id, self.big | self.mid | self.crossing)
        self.assertEqual(run.nominated_count, 2)
        big = self._account(self.big)
        self.assertEqual(big.key_account_since, self.today)
        self.assertTrue(big.history_ids.nominated)
        self.assertFalse(already.history_ids.nominated)
        self.assertTrue(json.loads(run.parameters)["auto_nominate"])
        self.assertFalse(self._account(self.small).is_key_account)

    def test_no_nomination_without_setting(self):
        run = self._classify()
        self.assertEqual(run.nominated_count, 0)
        self.assertFalse(self._account(self.big).is_key_account)

    def test_locked_quadrant_survives(self):
        accounts = self._setup_quadrants()
        self._classify()
        small = accounts[self.small]
        self.assertEqual(small.quadrant, "milk")
        small.write({"quadrant_locked": True, "lock_reason": "Exit agreed"})
        self._assess(small, 5, days_ago=0)
        run = self._classify()
        self.assertEqual(small.quadrant, "milk")
        self.assertAlmostEqual(small.position_score, 100.0)
        self.assertEqual(run.locked_count, 1)
        self.assertFalse(run.history_ids)
        self.assertIn("locked", small.score_explanation)
        self.assertIn("Exit agreed", small.score_explanation)
        # Unlocked, the next run places it where the scores say.
        small.action_unlock_quadrant()
        self.assertFalse(small.lock_reason)
        self._classify()
        self.assertEqual(small.quadrant, "maintain")

    # ------------------------------------------------------------------
    # Failures, concurrency, cron, performance
    # ------------------------------------------------------------------
    def test_failed_run_recorded(self):
        Engine = type(self.env["kam.classification.engine"])
        with (
            patch.object(Engine, "_run", side_effect=RuntimeError("engine broke")),
            mute_logger(RUN_LOGGER),
        ):
            run = self._classify()
        self.assertEqual(run.state, "failed")
        self.assertIn("engine broke", run.error)
        self.assertTrue(run.date_end)
        self.assertFalse(self._account(self.big))
        self.assertFalse(self.dormant_account.pareto_class)

    def test_failure_after_writes_rolls_back(self):
        previous = self._classify()
        self._post_invoice(self.tiny, 6000, days_ago=10)
        newcomer = self._create_customer("Newcomer")
        self._post_invoice(newcomer, 100, days_ago=10)
        Engine = type(self.env["kam.classification.engine"])
        with (
            patch.object(
                Engine, "_write_history", side_effect=ValueError("history broke")
            ),
            mute_logger(RUN_LOGGER),
        ):
            run = self._classify()
        self.assertEqual(run.state, "failed")
        self.assertIn("history broke", run.error)
        tiny = self._account(self.tiny)
        self.assertEqual(tiny.pareto_class, "c")
        self.assertEqual(tiny.revenue, 500.0)
        self.assertEqual(tiny.last_run_id, previous)
        self.assertFalse(self._account(newcomer))

    def test_concurrent_run_refused(self):
        runs_before = self.env["kam.classification.run"].search_count([])
        cr = db_connect(self.env.cr.dbname).cursor()
        try:
            cr.execute(
                "SELECT pg_try_advisory_xact_lock(471130, %s)", [self.company.id]
            )
            self.assertTrue(cr.fetchone()[0])
            with self.assertRaises(UserError):
                self._classify()
        finally:
            cr.rollback()
            cr.close()
        self.assertEqual(
            self.env["kam.classification.run"].search_count([]), runs_before
        )
        # Once the other run is over, the company can be classified again.
        self.assertEqual(self._classify().state, "done")

    def test_cron(self):
        cron = self.env.ref("kam_management.ir_cron_kam_classify")
        self.assertTrue(cron.active)
        self.assertEqual(cron.model_id.model, "kam.classification.run")
        Run = self.env["kam.classification.run"]
        before = Run.search([])
        Run._cron_classify()
        runs = Run.search([]) - before
        self.assertEqual(set(runs.mapped("trigger")), {"cron"})
        self.assertEqual(runs.company_id, self.env["res.company"].sudo().search([]))
        ours = runs.filtered(lambda r: r.company_id == self.company)
        self.assertEqual(ours.state, "done")
        self.assertEqual(ours.count_a, 3)
        self.assertEqual(self._account(self.big).last_run_id, ours)

    def test_cron_skips_company_being_classified(self):
        Run = self.env["kam.classification.run"]
        before = Run.search([])
        cr = db_connect(self.env.cr.dbname).cursor()
        try:
            cr.execute(
                "SELECT pg_try_advisory_xact_lock(471130, %s)", [self.company.id]
            )
            with self.assertLogs(RUN_LOGGER, "WARNING") as logs:
                Run._cron_classify()
        finally:
            cr.rollback()
            cr.close()
        self.assertIn("KAM Test Company", logs.output[0])
        runs = Run.search([]) - before
        self.assertNotIn(self.company, runs.company_id)
        self.assertIn(self.main_company, runs.company_id)
        self.assertEqual(set(runs.mapped("state")), {"done"})
        self.assertFalse(self._account(self.big))

    def test_query_count_independent_of_customers(self):
        self._classify()

        def run_queries():
            self.env.flush_all()
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            run = self._classify()
            self.assertEqual(run.state, "done")
            return self.env.cr.sql_log_count - before

        def add_customers(count, prefix):
            customers = [
                self._create_customer(f"{prefix} {index}") for index in range(count)
            ]
            self._post_invoices(
                [
                    self._invoice_vals(customer, 100 * (index + 1), days_ago=index + 1)
                    for index, customer in enumerate(customers)
                ]
            )

        add_customers(3, "Few")
        few = run_queries()
        add_customers(30, "Many")
        many = run_queries()
        self.assertEqual(
            self.env["kam.account"].search_count(
                [("company_id", "=", self.company.id)]
            ),
            41,
        )
        self.assertLessEqual(many, few + 5, f"{few} queries for 3, {many} for 30")
