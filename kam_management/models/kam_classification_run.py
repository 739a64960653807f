import json
import logging
import os
import resource
import socket
import threading
import time
import weakref

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import config as odoo_config
from odoo.tools.misc import format_date

from ..compat import cron_progress
from ..kam_scoring import MIN_REPEAT_BUYERS, ClassificationConfig
from .res_company import WEIGHT_FIELDS

_logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock taken while a company is classified
# (the second key is the company id): one run at a time per company.
RUN_LOCK_KEY = 471_130

# The scheduled pass reads this many customer ids per step (system parameter
# ``kam_management.classification_chunk_size``).
DEFAULT_CHUNK_SIZE = 50_000
# Share of the worker's time limits a scheduled call may use before it hands
# over to the next call (Odoo's watchdog kills a cron worker that passes
# ``limit_time_real_cron``, its CPU limit one that passes ``limit_time_cpu``).
TIME_SHARE = 0.5
# Odoo's cron worker pings its watchdog, then sleeps up to 60 s + pid % 10
# before it runs the jobs due (odoo/service/server.py, Worker._runloop).
SLEEP_WORST = 70
# When the job's cursor began its first call: the calls of one job share the
# worker's limits (18.0 calls a job up to 10 times in a row).
_JOB_STARTS = weakref.WeakKeyDictionary()


# ---- Churn and lifetime value ----
CLV_STATUSES = [
    ("ok", "Fitted"),
    ("not_enough_data", "Not Enough Data"),
    ("not_converged", "Did Not Converge"),
    ("infinite_mean", "Spend Not Estimable"),
]


class KamClassificationRun(models.Model):
    """One classification of one company's customers: when, how, what came out."""

    _name = "kam.classification.run"
    _description = "Key Account Classification Run"
    _order = "date_start desc, id desc"

    name = fields.Char(compute="_compute_name")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda s: s.env.company
    )
    user_id = fields.Many2one(
        "res.users", string="Started by", default=lambda self: self.env.user
    )
    trigger = fields.Selection(
        [("manual", "Classify Now"), ("cron", "Scheduled")], required=True
    )
    state = fields.Selection(
        [("running", "Running"), ("done", "Done"), ("failed", "Failed")],
        required=True,
        default="running",
    )
    date_start = fields.Datetime(
        string="Started", required=True, default=fields.Datetime.now
    )
    date_end = fields.Datetime(string="Finished")
    # ---- The scheduled pass's steps ----
    phase = fields.Selection(
        [("stage", "Reading Invoices"), ("publish", "Scoring"), ("done", "Done")],
        default="stage",
        readonly=True,
        help="Where the run is: reading the invoices a step of customers at a "
        "time, then scoring every customer and publishing the results at once. "
        "Until they are published, users see those of the previous run.",
    )
    stage_after = fields.Integer(
        string="Customers Read up to Id",
        readonly=True,
        help="The customers whose id is up to this one have been read.",
    )
    stage_upto = fields.Integer(
        string="Last Customer Id",
        readonly=True,
        help="The highest customer id when the run started.",
    )
    staged_count = fields.Integer(string="Customers Read", readonly=True)
    step_count = fields.Integer(string="Steps", readonly=True)
    resume_count = fields.Integer(
        string="Resumed",
        readonly=True,
        help="Times the run was taken over by another worker after the one "
        "working on it stopped (killed, restarted, out of time), from the "
        "last step it had completed.",
    )
    paused = fields.Boolean(
        readonly=True,
        help="The worker stopped between two steps on purpose, to stay within "
        "the server's time limits; the next scheduled call goes on.",
    )
    worker = fields.Char(readonly=True, help="The server process of the last step.")
    progress = fields.Float(
        compute="_compute_progress", help="Share of the customers read (%)."
    )
    duration = fields.Float(string="Duration (s)", digits=(16, 2))
    parameters = fields.Text(help="Settings the run used.")
    window_start = fields.Date()
    window_end = fields.Date()
    account_count = fields.Integer(
        string="Customers (Company Total)",
        help="Every customer of the company the run classified, including "
        "those you may not see.",
    )
    count_a = fields.Integer(string="Class A")
    count_b = fields.Integer(string="Class B")
    count_c = fields.Integer(string="Class C")
    count_invest = fields.Integer(string="Invest")
    count_selective = fields.Integer(string="Selective Investment")
    count_maintain = fields.Integer(string="Maintain")
    count_milk = fields.Integer(string="Milk")
    count_unplaced = fields.Integer(
        string="Without Quadrant", help="Customers without a supplier assessment."
    )
    change_count = fields.Integer(
        string="Moves (Company Total)",
        help="Moves of every account of the company, including those you may not see.",
    )
    visible_change_count = fields.Integer(
        string="Moves You Can See",
        compute="_compute_visible_change_count",
        help="Moves of the accounts you may see: the ones listed in the Moves tab.",
    )
    updated_count = fields.Integer(
        string="Accounts Updated",
        help="Accounts whose results changed, or classified for the first time: "
        "the only records the run wrote. The others keep the results of an "
        "earlier run, which this run found unchanged.",
    )
    locked_count = fields.Integer(string="Locked Quadrants")
    nominated_count = fields.Integer(string="Nominated")
    notified_count = fields.Integer(string="KAMs Notified")
    warnings = fields.Text()
    error = fields.Text()
    history_ids = fields.One2many(
        "kam.classification.history", "run_id", string="Account Moves"
    )
    # The settings the run used (stored as JSON in ``parameters``), as fields
    # with translated labels.
    param_window_months = fields.Integer(
        string="Classification Window (months)", compute="_compute_param_fields"
    )
    param_pareto_a = fields.Float(
        string="Class A up to (%)", compute="_compute_param_fields"
    )
    param_pareto_b = fields.Float(
        string="Class B up to (%)", compute="_compute_param_fields"
    )
    param_weight_volume = fields.Float(
        string="Weight: Business Volume", compute="_compute_param_fields"
    )
    param_weight_growth = fields.Float(
        string="Weight: Growth", compute="_compute_param_fields"
    )
    param_weight_share_of_wallet = fields.Float(
        string="Weight: Share of Wallet", compute="_compute_param_fields"
    )
    param_weight_profitability = fields.Float(
        string="Weight: Profitability", compute="_compute_param_fields"
    )
    param_weight_objectives_fit = fields.Float(
        string="Weight: Objectives Fit", compute="_compute_param_fields"
    )
    param_potential_threshold = fields.Float(
        string="High Potential from", compute="_compute_param_fields"
    )
    param_position_threshold = fields.Float(
        string="Strong Position from", compute="_compute_param_fields"
    )
    param_auto_nominate = fields.Boolean(
        string="Nominate Class A Customers", compute="_compute_param_fields"
    )

    @api.depends("date_start", "company_id")
    @api.depends_context("lang", "tz")
    def _compute_name(self):
        """Company, date in the reader's format and time zone, run number.

        No time of day: the web client shows datetimes in the browser's time
        zone and this text is made on the server in the user's preferred one,
        so a time here could disagree with "Started" or "Classified On" on the
        same screen. The number keeps two runs of the same day apart.
        """
        for run in self:
            day = (
                format_date(
                    self.env, fields.Datetime.context_timestamp(run, run.date_start)
                )
                if run.date_start
                else ""
            )
            run.name = self.env._(
                "%(company)s, %(date)s, run %(number)s",
                company=run.company_id.name or "",
                date=day,
                number=run._origin.id or "",
            )

    @api.depends("phase", "stage_after", "stage_upto")
    def _compute_progress(self):
        for run in self:
            if run.phase in ("publish", "done") or run.state == "done":
                run.progress = 100.0
            elif run.stage_upto:
                run.progress = min(100.0, 100.0 * run.stage_after / run.stage_upto)
            else:
                run.progress = 0.0

    @api.depends("parameters")
    def _compute_param_fields(self):
        for run in self:
            try:
                params = json.loads(run.parameters or "{}")
            except ValueError:
                params = {}
            weights = params.get("weights") or {}
            run.param_window_months = params.get("window_months", 0)
            run.param_pareto_a = params.get("pareto_a", 0.0)
            run.param_pareto_b = params.get("pareto_b", 0.0)
            for key in WEIGHT_FIELDS:
                run[f"param_weight_{key}"] = weights.get(key, 0.0)
            run.param_potential_threshold = params.get("potential_threshold", 0.0)
            run.param_position_threshold = params.get("position_threshold", 0.0)
            run.param_auto_nominate = bool(params.get("auto_nominate"))

    @api.depends_context("uid")
    def _compute_visible_change_count(self):
        # Counted as the user: the record rules leave out the moves of the
        # accounts they may not see.
        counts = dict(
            self.env["kam.classification.history"]._read_group(
                [("run_id", "in", self.ids)], ["run_id"], ["__count"]
            )
        )
        for run in self:
            run.visible_change_count = counts.get(run._origin, 0)

    # ------------------------------------------------------------------
    # Entry points
    # ------------------------------------------------------------------
    def action_classify_now(self):
        """Directors' *Classify Now*: classify the current company now.

        Started from the header button of the runs list (which passes the
        selected runs, or none), the button of a run's form (that run) and the
        menu's server action (no record): the records it is called on are not
        used, the run is always for the user's current company.
        """
        if not self.env.user.has_group("kam_management.group_kam_manager"):
            raise UserError(
                self.env._("Only a Key Account Director can run the classification.")
            )
        run = self._classify_company(self.env.company, trigger="manual")
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": run.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    @api.model
    def _cron_classify(self):
        """Scheduled entry point: classify every company, in bounded steps.

        Each step reads the invoices of a range of customers into the run's
        staged figures and commits (see :meth:`_cron_step`); the last one
        scores and publishes. When the call has used its share of the
        worker's time limits it stops and reports what is left (Odoo's batch
        cron progress): the scheduler calls it again, in this worker or
        another, and it goes on from the last step committed. A worker
        killed mid-step loses that step only. A company is classified once a
        day by the schedule (*Classify Now* for more).
        """
        if not self._testing():
            _JOB_STARTS.setdefault(self.env.cr, time.monotonic())
        call = {"steps": 0, "longest": 0.0}
        remaining = 0
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            remaining += self.with_company(company)._cron_company(company, call)
        if not self._testing():
            if remaining:
                # Out of time: the next call goes on. 18.0 ends a job whose
                # call reports nothing done, so it is triggered again.
                self.env.ref("kam_management.ir_cron_kam_classify").sudo()._trigger()
            cron_progress(self.env, call["steps"], remaining)
        return call["steps"], remaining

    @api.model
    def _testing(self):
        return getattr(threading.current_thread(), "testing", False)

    @api.model
    def _cron_company(self, company, call):
        """Steps of ``company``'s scheduled run while the call has time left.

        ``call`` counts the steps of this call and the longest one. Returns
        the steps left to the company's run (0 when it is done for the day or
        another worker holds it).
        """
        stepped = False
        while True:
            if call["steps"] and self._cron_time_left() < 2 * call["longest"]:
                run = self._open_cron_run(company)
                if not run:
                    # Not started yet: the next call starts it.
                    return 0 if self._had_cron_run_today(company) else 1
                if stepped:
                    # Left between two steps on purpose (not killed).
                    run.write({"paused": True})
                    self._commit()
                return run._steps_left()
            started = time.monotonic()
            try:
                self._acquire_company_lock(company)
            except UserError as err:  # another run holds this company
                _logger.warning("Classification of %s skipped: %s", company.name, err)
                return 0
            run = self._open_cron_run(company) or self._new_cron_run(company)
            if not run:
                return 0
            if (
                run.phase == "publish"
                and call["steps"]
                and self._cron_time_left() != float("inf")
            ):
                # Scoring reads every customer at once: it starts a call of
                # its own, with all of the worker's time ahead of it.
                run.write({"paused": True})
                self._commit()
                return 1
            self._cron_step(run)
            self._commit()
            stepped = True
            call["steps"] += 1
            call["longest"] = max(call["longest"], time.monotonic() - started)
            if run.state != "running":
                return 0

    @api.model
    def _commit(self):
        if not self._testing():
            self.env.cr.commit()  # pylint: disable=invalid-commit

    @api.model
    def _cron_time_left(self):
        """Seconds this scheduled call may still use (infinite outside one)."""
        start = _JOB_STARTS.get(self.env.cr)
        if start is None:
            return float("inf")
        config = odoo_config
        left = float("inf")
        limit = config.get("limit_time_real_cron") or 0
        if limit <= 0:
            limit = config.get("limit_time_real") or 0
        if limit > 0:
            # The watchdog's clock starts before the cron worker's sleep
            # (up to SLEEP_WORST seconds), not when the job starts.
            budget = max(limit - SLEEP_WORST, limit * 0.2) * TIME_SHARE
            left = start + budget - time.monotonic()
        soft, _hard = resource.getrlimit(resource.RLIMIT_CPU)
        if soft != resource.RLIM_INFINITY:
            usage = resource.getrusage(resource.RUSAGE_SELF)
            cpu_left = soft - usage.ru_utime - usage.ru_stime
            cpu_left -= (1 - TIME_SHARE) * (config.get("limit_time_cpu") or 0)
            left = min(left, cpu_left)
        return left

    @api.model
    def _open_cron_run(self, company):
        return self.sudo().search(
            [
                ("company_id", "=", company.id),
                ("trigger", "=", "cron"),
                ("state", "=", "running"),
            ],
            order="id desc",
            limit=1,
        )

    @api.model
    def _new_cron_run(self, company):
        """Today's scheduled run of ``company``, unless it has had one."""
        if self._had_cron_run_today(company):
            return self.browse()
        return self._start_run(company, "cron")

    @api.model
    def _had_cron_run_today(self, company):
        return bool(
            self.sudo().search_count(
                [
                    ("company_id", "=", company.id),
                    ("trigger", "=", "cron"),
                    ("window_end", "=", fields.Date.context_today(self)),
                ],
                limit=1,
            )
        )

    def _steps_left(self):
        """Steps left to this run: the ranges of customers to read, and scoring."""
        self.ensure_one()
        if self.state != "running":
            return 0
        if self.phase == "publish":
            return 1
        size = self._chunk_size()
        return max(1, -(-(self.stage_upto - self.stage_after) // size)) + 1

    @api.model
    def _chunk_size(self):
        value = (
            self.env["ir.config_parameter"]
            .sudo()
            .get_param("kam_management.classification_chunk_size")
        )
        try:
            size = int(value or DEFAULT_CHUNK_SIZE)
        except ValueError:
            size = DEFAULT_CHUNK_SIZE
        return max(1, size)

    def _cron_step(self, run=None):
        """One step of ``run``: read a range of customers, or score and publish.

        Called with the company's lock held; its work and the run's progress
        are committed together by the caller, so a step is done or not at all.
        """
        run = (run or self).sudo()
        me = f"{socket.gethostname()}:{os.getpid()}"
        values = {"paused": False, "worker": me, "step_count": run.step_count + 1}
        if run.step_count and not run.paused and run.worker != me:
            values["resume_count"] = run.resume_count + 1
            _logger.warning(
                "Classification run %s of %s resumed from step %s (last worker %s)",
                run.id,
                run.company_id.name,
                run.step_count,
                run.worker,
            )
        engine = self.env["kam.classification.engine"].sudo()
        try:
            with self.env.cr.savepoint():
                if run.phase == "stage":
                    after = run.stage_after
                    upto = after + self._chunk_size()
                    last = upto >= run.stage_upto
                    staged = engine._stage_chunk(
                        run.company_id, run, after, None if last else upto
                    )
                    values.update(
                        stage_after=run.stage_upto if last else upto,
                        staged_count=run.staged_count + staged,
                        phase="publish" if last else "stage",
                    )
                    run.write(values)
                    return
                started = time.monotonic()
                stats = engine._publish(run.company_id, run, run._config())
        except Exception as err:  # noqa: BLE001 - recorded on the run
            _logger.exception("Classification of %s failed", run.company_id.name)
            self.env.invalidate_all()
            engine._clear_stage(run)
            run.write(dict(values, **run._failure(err)))
            return
        run.write(
            dict(
                values,
                **stats,
                state="done",
                phase="done",
                date_end=fields.Datetime.now(),
                duration=(fields.Datetime.now() - run.date_start).total_seconds(),
            )
        )
        _logger.info(
            "Classification run %s of %s done in %s steps (scoring %.1f s)",
            run.id,
            run.company_id.name,
            run.step_count,
            time.monotonic() - started,
        )
        self.env["kam.account"].invalidate_model()

    def _failure(self, err):
        return {
            "state": "failed",
            "error": str(err),
            "date_end": fields.Datetime.now(),
            "duration": (fields.Datetime.now() - self.date_start).total_seconds(),
        }

    def _config(self):
        """The settings the run was started with, whatever they are now."""
        self.ensure_one()
        params = json.loads(self.parameters or "{}")
        if not params:
            return self.company_id._kam_classification_config()
        return ClassificationConfig(
            window_months=params["window_months"],
            pareto_a=params["pareto_a"],
            pareto_b=params["pareto_b"],
            weights=dict(params["weights"]),
            potential_threshold=params["potential_threshold"],
            position_threshold=params["position_threshold"],
            clv_horizon_months=params["clv_horizon_months"],
            clv_discount_rate=params["clv_discount_rate"],
        )

    def _start_run(self, company, trigger):
        """A new run of ``company`` with today's settings and window."""
        config = company._kam_classification_config()
        today = fields.Date.context_today(self)
        start = (
            today - relativedelta(months=config.window_months) + relativedelta(days=1)
        )
        self.env.cr.execute("SELECT COALESCE(MAX(id), 0) FROM res_partner")
        return self.sudo().create(
            {
                "company_id": company.id,
                "trigger": trigger,
                "window_start": start,
                "window_end": today,
                "stage_upto": self.env.cr.fetchone()[0],
                "parameters": json.dumps(
                    {
                        "window_months": config.window_months,
                        "pareto_a": config.pareto_a,
                        "pareto_b": config.pareto_b,
                        "weights": dict(config.weights),
                        "potential_threshold": config.potential_threshold,
                        "position_threshold": config.position_threshold,
                        "auto_nominate": company.kam_auto_nominate,
                        "clv_horizon_months": config.clv_horizon_months,
                        "clv_discount_rate": config.clv_discount_rate,
                    },
                    indent=1,
                ),
            }
        )

    def _classify_company(self, company, trigger):
        """Classify ``company`` in one go and record the run; failures roll
        back cleanly. A scheduled run still in progress is replaced."""
        self._acquire_company_lock(company)
        self._replace_open_runs(company)
        run = self._start_run(company, trigger)
        config = run._config()
        started = time.monotonic()
        try:
            with self.env.cr.savepoint():
                # The run writes system results on every account of the company,
                # whatever the user may read: the trigger was checked above.
                stats = (
                    self.env["kam.classification.engine"]
                    .sudo()
                    ._run(company, run, config)
                )
        except Exception as err:  # noqa: BLE001 - recorded on the run, see below
            _logger.exception("Classification of %s failed", company.name)
            self.env.invalidate_all()
            run.sudo().write(
                {
                    "state": "failed",
                    "error": str(err),
                    "date_end": fields.Datetime.now(),
                    "duration": time.monotonic() - started,
                }
            )
            return run
        run.sudo().write(
            dict(
                stats,
                state="done",
                phase="done",
                stage_after=run.stage_upto,
                step_count=1,
                date_end=fields.Datetime.now(),
                duration=time.monotonic() - started,
            )
        )
        # The accounts' "last classification" is this run from now on.
        self.env["kam.account"].invalidate_model()
        return run

    def _replace_open_runs(self, company):
        """Fail the scheduled runs of ``company`` still in progress: a run
        started now replaces them (their staged figures are dropped)."""
        runs = self._open_cron_run(company)
        if not runs:
            return
        self.env["kam.classification.engine"].sudo()._clear_stage(runs)
        runs.write(
            {
                "state": "failed",
                "error": self.env._(
                    "Replaced by a classification started by %(user)s before "
                    "this one was complete.",
                    user=self.env.user.name,
                ),
                "date_end": fields.Datetime.now(),
            }
        )

    def _acquire_company_lock(self, company):
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(%s, %s)", [RUN_LOCK_KEY, company.id]
        )
        if not self.env.cr.fetchone()[0]:
            raise UserError(
                self.env._(
                    "A classification of %(company)s is already running. Wait for "
                    "it to finish, then look at its result in Classification Runs.",
                    company=company.name,
                )
            )

    # ------------------------------------------------------------------
    # Reading helpers for views
    # ------------------------------------------------------------------
    def action_view_accounts(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_account_all"
        )
        action["domain"] = [("last_run_id", "=", self.id)]
        return action

    # ---- Churn and lifetime value ----
    # What the churn and lifetime value models found in a run.

    clv_status = fields.Selection(
        CLV_STATUSES,
        string="Churn and Lifetime Value",
        readonly=True,
        help="Whether the purchase (BG/NBD) and spend (Gamma-Gamma) models "
        "could be fitted; without a fit no account gets a prediction.",
    )
    clv_message = fields.Text(
        string="Churn and Lifetime Value Status", compute="_compute_clv_message"
    )
    clv_customer_count = fields.Integer(
        string="Customers with Purchases",
        readonly=True,
        help="Customers of the company with at least one invoice, whole history.",
    )
    clv_repeat_buyers = fields.Integer(
        string="Repeat Buyers",
        readonly=True,
        help="Customers who bought on at least two different days.",
    )
    clv_predicted_count = fields.Integer(string="Customers Predicted", readonly=True)
    clv_bgnbd_n = fields.Integer(string="BG/NBD Sample Size", readonly=True)
    clv_bgnbd_r = fields.Float(string="BG/NBD r", readonly=True, digits=(16, 4))
    clv_bgnbd_alpha = fields.Float(
        string="BG/NBD alpha (days)", readonly=True, digits=(16, 4)
    )
    clv_bgnbd_a = fields.Float(string="BG/NBD a", readonly=True, digits=(16, 4))
    clv_bgnbd_b = fields.Float(string="BG/NBD b", readonly=True, digits=(16, 4))
    clv_bgnbd_ll = fields.Float(
        string="BG/NBD Log-Likelihood", readonly=True, digits=(16, 2)
    )
    clv_bgnbd_converged = fields.Boolean(string="BG/NBD Converged", readonly=True)
    clv_gg_n = fields.Integer(string="Gamma-Gamma Sample Size", readonly=True)
    clv_gg_p = fields.Float(string="Gamma-Gamma p", readonly=True, digits=(16, 4))
    clv_gg_q = fields.Float(string="Gamma-Gamma q", readonly=True, digits=(16, 4))
    clv_gg_gamma = fields.Float(
        string="Gamma-Gamma gamma", readonly=True, digits=(16, 4)
    )
    clv_gg_ll = fields.Float(
        string="Gamma-Gamma Log-Likelihood", readonly=True, digits=(16, 2)
    )
    clv_gg_converged = fields.Boolean(string="Gamma-Gamma Converged", readonly=True)
    param_clv_horizon_months = fields.Integer(
        string="Lifetime Value Horizon (months)", compute="_compute_param_clv"
    )
    param_clv_discount_rate = fields.Float(
        string="Annual Discount Rate (%)", compute="_compute_param_clv"
    )

    @api.depends("parameters")
    def _compute_param_clv(self):
        for run in self:
            try:
                params = json.loads(run.parameters or "{}")
            except ValueError:
                params = {}
            run.param_clv_horizon_months = params.get("clv_horizon_months", 0)
            run.param_clv_discount_rate = params.get("clv_discount_rate", 0.0)

    @api.depends("clv_status", "clv_repeat_buyers", "clv_gg_q")
    @api.depends_context("lang")
    def _compute_clv_message(self):
        for run in self:
            if run.clv_status == "not_enough_data":
                run.clv_message = self.env._(
                    "Not enough repeat buyers to predict churn and lifetime "
                    "value: %(count)s customers bought on two different days or "
                    "more, at least %(min)s are needed. No account got a "
                    "prediction from this run.",
                    count=run.clv_repeat_buyers,
                    min=MIN_REPEAT_BUYERS,
                )
            elif run.clv_status == "not_converged":
                run.clv_message = self.env._(
                    "The churn and lifetime value models did not converge on "
                    "this history: no account got a prediction from this run."
                )
            elif run.clv_status == "infinite_mean":
                run.clv_message = self.env._(
                    "The spend per purchase varies too much between customers "
                    "for an expected value (Gamma-Gamma q of 1 or less): no "
                    "account got a lifetime value from this run."
                )
            else:
                run.clv_message = False
