import json
import logging
import threading
import time

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.misc import format_date

from ..kam_scoring import MIN_REPEAT_BUYERS
from .res_company import WEIGHT_FIELDS

_logger = logging.getLogger(__name__)

# First key of the PostgreSQL advisory lock taken while a company is classified
# (the second key is the company id): one run at a time per company.
RUN_LOCK_KEY = 471_130


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
        """Scheduled entry point: classify every company in turn."""
        for company in self.env["res.company"].search([]):  # pylint: disable=no-search-all
            try:
                self.with_company(company)._classify_company(company, trigger="cron")
            except UserError as err:  # another run holds this company
                _logger.warning("Classification of %s skipped: %s", company.name, err)
                continue
            if not getattr(threading.current_thread(), "testing", False):
                # One company's results are kept even if the next one fails.
                self.env.cr.commit()  # pylint: disable=invalid-commit

    def _classify_company(self, company, trigger):
        """Classify ``company`` and record the run; failures roll back cleanly."""
        self._acquire_company_lock(company)
        config = company._kam_classification_config()
        run = self.sudo().create(
            {
                "company_id": company.id,
                "trigger": trigger,
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
                date_end=fields.Datetime.now(),
                duration=time.monotonic() - started,
            )
        )
        # The accounts' "last classification" is this run from now on.
        self.env["kam.account"].invalidate_model()
        return run

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
