"""The scheduled classification in bounded steps: staged, resumable, atomic.

The scheduled pass reads the invoices a range of customers at a time into
the run's staged figures, committing each step, and scores and publishes
them all in a last step; these tests run it with a few customer ids per
step and one step per call (as a worker out of time does) and check that it
ends where one unbounded run ends, that users see the previous results
until it is done, and what it does when it is interrupted, replaced or
meets changed settings and new invoices on the way.
"""

from unittest.mock import patch

import pandas as pd
import psycopg2
from dateutil.relativedelta import relativedelta
from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from ..models.kam_classification_engine import WRITTEN_FIELDS
from .common import KamCommon

RUN_LOGGER = "odoo.addons.kam_management.models.kam_classification_run"
COMPARED = sorted(WRITTEN_FIELDS - {"changed_run_id"})


@tagged("post_install", "-at_install")
class TestClassificationSteps(KamCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # 30 repeat buyers, so that churn and lifetime value are fitted too.
        cls.customers = cls.env["res.partner"].create(
            [{"name": f"Stepped Buyer {n}", "is_company": True} for n in range(30)]
        )
        vals = []
        for n, customer in enumerate(cls.customers):
            for k in range(1 + n % 4):
                vals.append(
                    cls._invoice_vals(
                        customer, 100 * (n + 1) + 10 * k, days_ago=20 + 37 * k + n
                    )
                )
            if n % 5 == 0:
                vals.append(cls._invoice_vals(customer, 50, days_ago=10, refund=True))
        vals.append(cls._invoice_vals(cls.customers[0], 900, days_ago=500))
        cls._post_invoices(vals)
        cls.Run = cls.env["kam.classification.run"]
        cls.engine = cls.env["kam.classification.engine"].sudo()
        cls.env["ir.config_parameter"].sudo().set_param(
            "kam_management.classification_chunk_size", "10"
        )

    def _results(self):
        accounts = self.env["kam.account"].search(
            [("company_id", "=", self.company.id)]
        )
        self.assertTrue(accounts)
        return {
            account.partner_id.id: tuple(account[name] for name in COMPARED)
            for account in accounts
        }

    def _our_run(self):
        return self.Run._open_cron_run(self.company)

    def _cron_call(self, time_left=0.0):
        """One scheduled call with ``time_left`` seconds: one step each."""
        with patch.object(type(self.Run), "_cron_time_left", lambda _self: time_left):
            return self.Run._cron_classify()

    def _advance_until(self, condition):
        """Scheduled calls of one step each until ``condition(our run)``."""
        for _call in range(200):
            run = self._our_run()
            if run and condition(run):
                return run
            self._cron_call()
        self.fail("the condition was never met")

    def _cron_until_done(self, before_each=None):
        calls = 0
        while True:
            if before_each:
                before_each(calls)
            _steps, remaining = self._cron_call()
            calls += 1
            self.assertLess(calls, 200, "the scheduled run never ended")
            if not remaining:
                return calls

    def _stage_rows(self, runs):
        self.env.cr.execute(
            "SELECT COUNT(*) FROM kam_classification_stage WHERE run_id IN %s",
            [tuple(runs.ids)],
        )
        return self.env.cr.fetchone()[0]

    # ------------------------------------------------------------------
    def test_staged_figures_equal_the_direct_read(self):
        run = self.Run._start_run(self.company, "cron")
        config = run._config()
        prev_start, start, today = self.engine._run_dates(run, config)
        for after in range(0, run.stage_upto, 10):
            upto = after + 10
            self.engine._stage_chunk(
                self.company, run, after, None if upto >= run.stage_upto else upto
            )
        staged = self.engine._read_stage(run, today)
        direct = self.engine._read_figures(self.company, prev_start, start, today)
        self.assertGreaterEqual(len(direct), 30)
        pd.testing.assert_frame_equal(
            staged.sort_index(), direct.sort_index()[staged.columns]
        )

    def test_stepped_run_ends_as_one_unbounded_run(self):
        first = self._classify()
        previous = self._results()
        # New invoices: the scheduled run has something to change.
        self._post_invoice(self.customers[3], 7000, days_ago=5)
        self._post_invoice(self.customers[7], 300, days_ago=5, refund=True)
        seen = []

        def check_screens(calls):
            run = self._our_run()
            if run:
                # Until it is published, users see the previous results.
                self.assertEqual(self._results(), previous)
                self.assertEqual(self._account(self.customers[3]).last_run_id, first)
                self.assertEqual(run.state, "running")
                self.assertTrue(run.paused)
                seen.append((run.phase, run.progress))

        calls = self._cron_until_done(check_screens)
        self.assertGreater(calls, 10)
        run = self.Run.search(
            [("company_id", "=", self.company.id), ("trigger", "=", "cron")]
        )
        self.assertEqual(len(run), 1)
        self.assertEqual(run.state, "done")
        self.assertEqual(run.phase, "done")
        self.assertEqual(run.progress, 100.0)
        self.assertEqual(run.resume_count, 0)
        self.assertGreater(run.step_count, 10)
        self.assertEqual(run.staged_count, 30)
        self.assertIn("publish", {phase for phase, _progress in seen})
        progress = [p for _phase, p in seen]
        self.assertEqual(progress, sorted(progress))
        self.assertEqual(self._stage_rows(run), 0)
        stepped = self._results()
        self.assertNotEqual(stepped, previous)
        self.assertEqual(self._account(self.customers[3]).last_run_id, run)
        self.assertEqual(run.clv_status, "ok")
        # One unbounded run on the same data finds nothing to change.
        again = self._classify()
        self.assertEqual(again.updated_count, 0)
        self.assertEqual(self._results(), stepped)
        for name in ("count_a", "count_b", "count_c", "clv_bgnbd_r", "clv_gg_q"):
            self.assertEqual(run[name], again[name], name)

    def test_resumes_after_a_killed_worker(self):
        run = self._advance_until(lambda run: run.staged_count)
        done_before = run.stage_after
        steps = run.step_count
        # What a worker killed in its next step leaves: that step rolled
        # back, the run neither paused nor finished.
        run.write({"paused": False, "worker": "another-node:4242"})
        with self.assertLogs(RUN_LOGGER, "WARNING") as logs:
            self._advance_until(lambda run: run.step_count > steps)
        self.assertIn(f"resumed from step {steps}", "\n".join(logs.output))
        self.assertEqual(run.resume_count, 1)
        self.assertEqual(run.stage_after, done_before + 10)
        self._cron_until_done()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.resume_count, 1)
        self.assertEqual(run.staged_count, 30)
        stepped = self._results()
        self.assertEqual(self._classify().updated_count, 0)
        self.assertEqual(self._results(), stepped)

    def test_a_step_never_stages_a_customer_twice(self):
        run = self.Run._start_run(self.company, "cron")
        self.engine._stage_chunk(self.company, run, 0, None)
        with (
            self.assertRaises(psycopg2.errors.UniqueViolation),
            mute_logger("odoo.sql_db"),
            self.env.cr.savepoint(),
        ):
            self.engine._stage_chunk(self.company, run, 0, None)

    def test_settings_changed_during_the_night(self):
        run = self._advance_until(lambda run: run.step_count)
        self.company.kam_pareto_a = 30.0
        self.company.kam_window_months = 6
        self._cron_until_done()
        self.assertEqual(run.state, "done")
        self.assertEqual(run.param_pareto_a, 80.0)
        self.assertEqual(run.param_window_months, 12)
        self.assertEqual(
            run.window_start, self.today - relativedelta(months=12, days=-1)
        )
        # The next run uses the new settings.
        self.assertEqual(self._classify().param_pareto_a, 30.0)

    def test_invoice_posted_while_the_run_reads(self):
        customer = self.customers[29]
        self._advance_until(lambda run: run.phase == "publish")
        self._post_invoice(customer, 5000, days_ago=1)
        self._cron_until_done()
        account = self._account(customer)
        staged_revenue = account.revenue
        # Read after its customer was read: the next run counts it, once.
        self.assertEqual(self._classify().state, "done")
        self.assertAlmostEqual(account.revenue, staged_revenue + 5000.0, places=2)

    def test_classify_now_replaces_a_scheduled_run_in_progress(self):
        open_run = self._advance_until(lambda run: run.staged_count)
        self.assertTrue(self._stage_rows(open_run))
        manual = self._classify()
        self.assertEqual(manual.state, "done")
        self.assertEqual(open_run.state, "failed")
        self.assertIn("Replaced by a classification", open_run.error)
        self.assertEqual(self._stage_rows(open_run), 0)
        # The day's scheduled run is over: no other one starts today.
        ours = [("company_id", "=", self.company.id)]
        runs = self.Run.search_count(ours)
        self._cron_until_done()
        self.assertEqual(self.Run.search_count(ours), runs)

    def test_one_scheduled_run_a_day(self):
        self._cron_until_done()
        runs = self.Run.search_count([])
        self.assertEqual(self._cron_call(float("inf")), (0, 0))
        self.assertEqual(self.Run.search_count([]), runs)

    def test_a_failing_step_fails_the_run_with_its_reason(self):
        engine_class = type(self.env["kam.classification.engine"])
        with (
            patch.object(
                engine_class,
                "_publish",
                side_effect=ValueError("the scoring broke"),
                autospec=True,
            ),
            self.assertLogs(RUN_LOGGER, "ERROR"),
        ):
            self._cron_until_done()
        run = self.Run.search(
            [("company_id", "=", self.company.id), ("trigger", "=", "cron")]
        )
        self.assertEqual(run.state, "failed")
        self.assertEqual(run.error, "the scoring broke")
        self.assertEqual(self._stage_rows(run), 0)
        self.assertFalse(self._account(self.customers[0]))

    def test_time_left_outside_a_scheduled_job(self):
        self.assertEqual(self.Run._cron_time_left(), float("inf"))

    def test_chunk_size_parameter(self):
        params = self.env["ir.config_parameter"].sudo()
        for value, expected in (
            ("12", 12),
            ("0", 1),
            ("nonsense", 50_000),
            ("", 50_000),
        ):
            params.set_param("kam_management.classification_chunk_size", value)
            self.assertEqual(self.Run._chunk_size(), expected, value)

    def test_staged_figures_are_read_by_no_user(self):
        run = self.Run._start_run(self.company, "cron")
        self.engine._stage_chunk(self.company, run, 0, None)
        director = self._create_user(
            "kam_stage_director", "Stage Director", "kam_management.group_kam_manager"
        )
        kam = self._create_user(
            "kam_stage_kam", "Stage KAM", "kam_management.group_kam_user"
        )
        for user in (director, kam):
            Stage = self.env["kam.classification.stage"].with_user(user)
            with self.subTest(user=user.login), self.assertRaises(AccessError):
                Stage.search([])
