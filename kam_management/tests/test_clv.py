import math
from ast import literal_eval
from unittest.mock import patch

import numpy as np
import pandas as pd
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import tagged

from ..kam_scoring import (
    MIN_REPEAT_BUYERS,
    ClvScorer,
    Scorer,
    predict_clv,
)
from .common import KamCommon

# (days ago of each invoice) of the repeat buyers: loyal ones buy every
# 30-60 days up to now, lost ones stopped 250-400 days ago.
LOYAL = [[5 + 35 * k + (i % 7) for k in range(3 + i % 4)] for i in range(16)]
LOST = [[250 + 10 * i + 40 * k for k in range(2 + i % 3)] for i in range(10)]


@tagged("post_install", "-at_install")
class TestClv(KamCommon):
    """Churn and lifetime value from invoices posted here.

    ``loyal`` buys every month or so up to now, ``lost`` stopped a year ago,
    ``watched`` has a known history (3 days with invoices and a credit note),
    ``ancient`` last bought long before the classification window.
    """

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        vals = cls._invoice_vals
        invoices = []
        cls.loyal = []
        for index, days in enumerate(LOYAL):
            partner = cls._create_customer(f"Loyal {index}")
            cls.loyal.append(partner)
            invoices += [vals(partner, 1000 + 100 * index, days_ago=d) for d in days]
        cls.lost = []
        for index, days in enumerate(LOST):
            partner = cls._create_customer(f"Lost {index}")
            cls.lost.append(partner)
            invoices += [vals(partner, 800, days_ago=d) for d in days]
        cls.watched = cls._create_customer("Watched Buyer")
        invoices += [
            vals(cls.watched, 3000, days_ago=300),  # first day: 3000 + 1000
            vals(cls.watched, 1000, days_ago=300),
            vals(cls.watched, 2000, days_ago=200),
            vals(cls.watched, 4000, days_ago=100),
            vals(cls.watched, 500, days_ago=50, refund=True),
        ]
        cls.one_timer = cls._create_customer("One Timer")
        invoices.append(vals(cls.one_timer, 5000, days_ago=40))
        cls.ancient = cls._create_customer("Ancient Buyer")
        invoices += [vals(cls.ancient, 900, days_ago=d) for d in (900, 850, 800)]
        cls._post_invoices(invoices)
        cls.customer_count = len(LOYAL) + len(LOST) + 3

    def test_run_records_the_fits(self):
        run = self._classify()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.clv_status, "ok")
        self.assertFalse(run.clv_message)
        # Every invoiced customer counts in the fit, the ancient one too...
        self.assertEqual(run.clv_customer_count, self.customer_count)
        self.assertEqual(run.clv_bgnbd_n, self.customer_count)
        self.assertEqual(run.clv_repeat_buyers, self.customer_count - 1)
        # ... but only the classified customers get a prediction (and an account).
        self.assertFalse(self._account(self.ancient))
        self.assertEqual(run.clv_predicted_count, self.customer_count - 1)
        for fname in ("r", "alpha", "a", "b"):
            self.assertGreater(run[f"clv_bgnbd_{fname}"], 0.0)
        for fname in ("p", "q", "gamma"):
            self.assertGreater(run[f"clv_gg_{fname}"], 0.0)
        self.assertTrue(run.clv_bgnbd_converged and run.clv_gg_converged)
        self.assertLess(run.clv_bgnbd_ll, 0.0)
        # The Gamma-Gamma fit uses the repeat buyers with a positive value.
        self.assertEqual(run.clv_gg_n, self.customer_count - 1)
        self.assertEqual(run.param_clv_horizon_months, 36)
        self.assertEqual(run.param_clv_discount_rate, 10.0)

    def test_account_inputs_and_predictions(self):
        run = self._classify()
        watched = self._account(self.watched)
        # Three days with invoices: 2 repeat purchases, 200 days between the
        # first and the last, first one 300 days ago; after the first day
        # 2000 + 4000 - 500 (credit note) over 2 repeat purchases.
        self.assertEqual(
            (watched.clv_frequency, watched.clv_recency, watched.clv_age),
            (2, 200, 300),
        )
        self.assertEqual(watched.clv_monetary, 2750.0)
        self.assertTrue(watched.has_prediction)
        # The stored predictions are the engine's for the run's parameters.
        bg = {k: run[f"clv_bgnbd_{k}"] for k in ("r", "alpha", "a", "b")}
        self.assertTrue(all(bg.values()))
        accounts = self.env["kam.account"].search(
            [("company_id", "=", self.company.id)]
        )
        frame = pd.DataFrame(
            {
                "clv_frequency": accounts.mapped("clv_frequency"),
                "clv_recency": accounts.mapped("clv_recency"),
                "clv_age": accounts.mapped("clv_age"),
                "clv_monetary": [
                    a.clv_monetary if a.clv_frequency else np.nan for a in accounts
                ],
                "margin_pct": accounts.mapped("margin_pct"),
            }
        )
        frame.loc[len(frame)] = [2, 100, 900, 900.0, np.nan]  # the ancient buyer
        expected, _fits = predict_clv(frame, 36, 10.0)
        for row, account in enumerate(accounts):
            with self.subTest(customer=account.partner_id.name):
                self.assertAlmostEqual(
                    account.churn_probability,
                    expected["churn_probability"][row],
                    places=1,
                )
                self.assertAlmostEqual(
                    account.clv_value, expected["clv_value"][row], delta=0.01
                )
        # Lost customers are at risk, loyal ones are not.
        lost = self._account(self.lost[0])
        loyal = self._account(self.loyal[5])
        self.assertGreater(lost.churn_probability, 50.0)
        self.assertLess(loyal.churn_probability, 30.0)
        self.assertGreater(loyal.clv_value, lost.clv_value)
        # A one-time buyer is never counted as lost (BG/NBD).
        self.assertEqual(self._account(self.one_timer).churn_probability, 0.0)
        # Revenue = purchases x value; the projection's first year is the
        # next 12 months, its margin the account's margin (40%).
        self.assertAlmostEqual(
            loyal.expected_revenue_12m,
            loyal.expected_purchases_12m * loyal.expected_avg_value,
            # the purchases are stored with 2 decimals
            delta=loyal.expected_avg_value * 0.005,
        )
        self.assertAlmostEqual(
            loyal.projected_revenue_y1, loyal.expected_revenue_12m, delta=0.01
        )
        self.assertEqual(loyal.margin_pct, 40.0)
        self.assertAlmostEqual(
            loyal.projected_margin_y1, loyal.projected_revenue_y1 * 0.4, delta=0.01
        )
        self.assertGreater(loyal.projected_revenue_y1, loyal.projected_revenue_y3)

    def test_horizon_and_rate_change_the_lifetime_value(self):
        self._classify()
        account = self._account(self.loyal[3])
        three_years = account.clv_value
        self.company.kam_clv_horizon_months = 12
        run = self._classify()
        self.assertEqual(run.param_clv_horizon_months, 12)
        self.assertLess(account.clv_value, three_years)
        # One year discounted at 10% a year is a little less than the
        # undiscounted expected revenue of the year.
        self.assertLess(account.clv_value, account.expected_revenue_12m)
        self.assertGreater(account.clv_value, account.expected_revenue_12m * 0.9)
        self.company.kam_clv_discount_rate = 0.0
        self._classify()
        self.assertAlmostEqual(
            account.clv_value, account.expected_revenue_12m, delta=0.01
        )

    def test_same_day_run_writes_nothing_new(self):
        self._classify()
        run = self._classify()
        self.assertEqual(run.updated_count, 0)

    def test_investment_and_expected_return(self):
        self._classify()
        account = self._account(self.loyal[2])
        account.with_user(self.director).write(
            {"investment_amount": 1000.0, "investment_years": 2}
        )
        # Discounted month by month, as the lifetime value: each year's margin
        # spread over its 12 months, month m worth 1.1 ** (-m / 12) at 10%.
        year_1 = sum(1.1 ** (-m / 12) for m in range(1, 13)) / 12
        discounted = (
            account.projected_margin_y1 * year_1
            + account.projected_margin_y2 * year_1 / 1.1
        )
        self.assertAlmostEqual(account.expected_margin_return, discounted, delta=0.01)
        self.assertAlmostEqual(
            account.expected_return_pct, (discounted - 1000.0) / 10.0, places=1
        )
        # The next run's projection moves the return with it.
        before = account.expected_return_pct
        self._post_invoice(self.loyal[2], 20000, days_ago=1)
        self._classify()
        self.assertNotAlmostEqual(account.expected_return_pct, before, places=1)
        # Bad input is refused, nothing saved.
        for values, text in (
            ({"investment_years": 4}, "1, 2 or 3"),
            ({"investment_amount": -5.0}, "between 0"),
        ):
            with (
                self.subTest(values=values),
                self.assertRaisesText(ValidationError, text),
            ):
                account.with_user(self.director).write(values)
        self.assertEqual(account.investment_years, 2)

    def test_ranking_of_selective_investment_accounts(self):
        self._classify()
        accounts = [self._account(p) for p in self.loyal[:3]]
        # sudo: the quadrant is the classification's, placed here by hand.
        for account, amount in zip(accounts, (50000.0, 1000.0, 10000.0), strict=True):
            account.sudo().write({"is_key_account": True, "quadrant": "selective"})
            account.with_user(self.director).investment_amount = amount
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_account_investment_ranking"
        )
        view = self.env.ref("kam_management.view_kam_account_list_investment")
        self.assertIn('default_order="expected_return_pct desc"', view.arch_db)
        ranked = self.env["kam.account"].search(
            [*literal_eval(action["domain"]), ("company_id", "=", self.company.id)],
            order="expected_return_pct desc",
        )
        self.assertEqual(ranked.ids, [accounts[1].id, accounts[2].id, accounts[0].id])

    def test_access_follows_the_account(self):
        self._classify()
        mine = self._account(self.loyal[0])
        theirs = self._account(self.loyal[1])
        mine.write({"is_key_account": True, "kam_user_id": self.kam_1.id})
        theirs.write({"is_key_account": True, "kam_user_id": self.kam_2.id})
        as_kam = self.env["kam.account"].with_user(self.kam_1)
        self.assertTrue(as_kam.browse(mine.id).clv_value)
        visible = as_kam.search([("churn_probability", ">=", 0)])
        self.assertIn(mine, visible)
        self.assertNotIn(theirs, visible)
        with self.assertRaises(AccessError):
            as_kam.browse(theirs.id).churn_probability  # noqa: B018
        # Nobody writes a prediction, a director neither; a KAM no investment.
        with self.assertRaisesText(AccessError, "Only the classification run"):
            mine.with_user(self.director).write({"churn_probability": 1.0})
        with self.assertRaisesText(AccessError, "Only a Key Account Director"):
            as_kam.browse(mine.id).write({"investment_amount": 10.0})

    def test_settings_are_validated(self):
        for values, text in (
            ({"kam_clv_horizon_months": 0}, "from 1 to 120"),
            ({"kam_clv_horizon_months": 121}, "from 1 to 120"),
            ({"kam_clv_discount_rate": -1.0}, "between 0 and 100"),
            ({"kam_clv_discount_rate": 100.5}, "between 0 and 100"),
        ):
            with self.subTest(values=values):
                with self.assertRaisesText(ValidationError, text):
                    self.company.write(values)
                settings = (
                    self.env["kam.settings"]
                    .with_user(self.director)
                    .create({"company_id": self.company.id, **values})
                )
                with self.assertRaisesText(ValidationError, text):
                    settings.action_save()
        self.assertEqual(self.company.kam_clv_horizon_months, 36)
        self.assertEqual(self.company.kam_clv_discount_rate, 10.0)
        with self.assertRaisesText(ValidationError, "whole number"):
            self.env["res.config.settings"].create({"kam_clv_horizon_months": 12.5})
        settings = (
            self.env["kam.settings"]
            .with_user(self.director)
            .create(
                {
                    "company_id": self.company.id,
                    "kam_clv_horizon_months": 24,
                    "kam_clv_discount_rate": 8.0,
                }
            )
        )
        settings.action_save()
        self.assertEqual(self.company.kam_clv_horizon_months, 24)
        self.assertEqual(self.company._kam_classification_config().clv_discount_rate, 8)

    def test_high_churn_risk_alert(self):
        self._classify()
        lost = self._account(self.lost[0])
        loyal = self._account(self.loyal[0])
        (lost | loyal).write({"is_key_account": True, "kam_user_id": self.kam_1.id})
        rule = self.env.ref("kam_management.alert_rule_churn_risk")
        self.assertEqual(rule.churn_threshold_pct, 50.0)
        new = self.env["kam.alert"]._kam_evaluate(lost | loyal)
        churn = new.filtered(lambda a: a.rule_id == rule)
        self.assertEqual(churn.account_id, lost)
        self.assertIn("Churn risk", churn.name)
        with self.assertRaisesText(ValidationError, "between 1 and 100"):
            rule.churn_threshold_pct = 0.0

    def test_scorers_are_the_databases_own(self):
        """The scorers of a run come from the addons' ``_kam_scorers``."""
        engine = self.env["kam.classification.engine"]
        scorers = engine._kam_scorers()
        self.assertIn(ClvScorer, scorers)
        self.assertEqual(
            [s.name for s in scorers], ["pareto", "rfm", "potential", "quadrant", "clv"]
        )

        class ExtraScorer(Scorer):
            name = "test_extra"
            requires = ("revenue",)
            provides = ("test_extra_column",)

            def score(self, frame, config):
                return pd.DataFrame({"test_extra_column": 1.0}, index=frame.index)

        frame = pd.DataFrame({"revenue": [10.0, 5.0]})
        for column in ("clv_frequency", "clv_recency", "clv_age", "clv_monetary"):
            frame[column] = np.nan
        config = self.company._kam_classification_config()
        # An addon extends the list with super(): here, the same by a patch.
        own = type(engine)._kam_scorers
        with patch.object(
            type(engine), "_kam_scorers", lambda self: [*own(self), ExtraScorer]
        ):
            result = engine._classify(frame, config)
            self.assertIn("test_extra_column", result)
        # Defining a scorer registers nothing: without the extension, gone.
        self.assertNotIn("test_extra_column", engine._classify(frame, config))
        run = self._classify()
        self.assertEqual(run.state, "done")


@tagged("post_install", "-at_install")
class TestClvNotEnoughData(KamCommon):
    """Too few repeat buyers: a clear message, no numbers."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customers = [cls._create_customer(f"Few {i}") for i in range(3)]
        cls._post_invoices(
            [
                cls._invoice_vals(customer, 1000, days_ago=days)
                for customer in cls.customers
                for days in (20, 80)
            ]
        )

    def test_not_enough_repeat_buyers(self):
        self.assertGreater(MIN_REPEAT_BUYERS, len(self.customers))
        run = self._classify()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.clv_status, "not_enough_data")
        self.assertEqual(run.clv_repeat_buyers, 3)
        self.assertIn("Not enough repeat buyers", run.clv_message)
        self.assertIn(str(MIN_REPEAT_BUYERS), run.clv_message)
        self.assertFalse(run.clv_bgnbd_r or run.clv_gg_p or run.clv_predicted_count)
        for customer in self.customers:
            account = self._account(customer)
            # Classified as usual, but no prediction at all.
            self.assertTrue(account.pareto_class)
            self.assertFalse(account.has_prediction)
            self.assertEqual(account.clv_frequency, 1)
            self.env.cr.execute(
                "SELECT churn_probability, clv_value FROM kam_account WHERE id = %s",
                [account.id],
            )
            self.assertEqual(self.env.cr.fetchone(), (None, None))
        self.assertTrue(math.isfinite(run.duration))
