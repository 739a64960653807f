import random
from collections import defaultdict
from datetime import datetime, time, timedelta

import pandas as pd
from dateutil.relativedelta import relativedelta
from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, format_date

from ..compat import domain_or, sql_constraints
from ..kam_scoring import discounted_yearly_amounts
from ..kam_scoring.scorecard import AREAS, KPI_MAPPINGS
from .kam_account_plan import _is_director
from .kam_classification_engine import WRITTEN_FIELDS
from .kam_format import format_number
from .kam_guard import is_internal_user_of
from .res_company import AREA_WEIGHT_FIELDS, WEIGHT_FIELDS
from .survey_survey import KAM_SURVEY_TYPE

PARETO_CLASSES = [("a", "A"), ("b", "B"), ("c", "C")]
QUADRANTS = [
    ("invest", "Invest"),
    ("selective", "Selective Investment"),
    ("maintain", "Maintain"),
    ("milk", "Milk"),
]
TIERS = [
    ("strategic", "Strategic"),
    ("key", "Key"),
    ("development", "Development"),
]
RFM_SEGMENTS = [
    ("champions", "Champions"),
    ("loyal", "Loyal"),
    ("potential_loyalist", "Potential Loyalist"),
    ("new", "New Customer"),
    ("promising", "Promising"),
    ("need_attention", "Needs Attention"),
    ("about_to_sleep", "About to Sleep"),
    ("at_risk", "At Risk"),
    ("cannot_lose", "Cannot Lose Them"),
    ("hibernating", "Hibernating"),
    ("no_purchase", "No Purchase in Window"),
]

# Fields only a Key Account Director may change.
DIRECTOR_FIELDS = frozenset(
    {
        "is_key_account",
        "kam_user_id",
        "tier",
        "key_account_since",
        "objectives_fit",
        "quadrant_locked",
        "lock_reason",
        "partner_id",
        "company_id",
    }
)


# ---- Buying centre coverage ----
# Stored coverage fields, all computed by ``_compute_coverage``.
COVERAGE_FIELDS = (
    "coverage_no_decision_maker",
    "coverage_no_dm_relationship",
    "coverage_single_threaded",
    "coverage_stale_count",
    "coverage_gap_count",
)
# From this strength on, a relationship with a decision maker counts.
STRONG_RELATIONSHIP = 3


# ---- Satisfaction survey ----
SATISFACTION_SURVEY = "kam_management.survey_kam_satisfaction"


# ---- Demo data: lifetime value ----
# Demo: small customers with a few years of invoices, some of them lost.
DEMO_KINDS = ("Ferretería", "Suministros", "Talleres", "Distribuciones", "Almacenes")
DEMO_CITIES = ("Burgos", "Cáceres", "Lugo", "Teruel", "Soria", "Jaén")


# ---- Demo data: the KAMs' time ----
# (days ago, hour, duration in hours, KAM activity) of each demo meeting.
DEMO_MEETINGS = [
    (3, 9, 2.0, "relationships"),
    (8, 10, 1.5, "negotiation"),
    (10, 15, 1.0, "team"),
    (15, 9, 3.0, "selling"),
    (22, 11, 2.0, "problems"),
    (30, 16, 1.0, "reporting"),
    (41, 9, 4.0, "training"),
]
# Days over which the demo's done activities are spread, a week ago and before
# (within the time-allocation report's default three months).
DEMO_ACTIVITY_DAYS = 70
# (activity type xml id, how many done) per KAM, on their key accounts.
DEMO_ACTIVITIES = [
    ("mail.mail_activity_data_call", 8),
    ("mail.mail_activity_data_todo", 10),
    ("mail.mail_activity_data_upload_document", 3),
    ("sale.mail_act_sale_upsell", 4),
]


# ---- Matrix dashboard ----
# The filters the dashboard understands.
DASHBOARD_FILTERS = ("company_id", "kam_user_id", "tier")
# How many accounts the "lowest health" list shows.
LOWEST_HEALTH_LIMIT = 5
# Quadrants in the matrix's reading order, and the ABC classes.
QUADRANT_ORDER = ("invest", "selective", "maintain", "milk")
CLASS_ORDER = ("a", "b", "c")
POINT_FIELDS = (
    "partner_id",
    "kam_user_id",
    "tier",
    "pareto_class",
    "quadrant",
    "quadrant_locked",
    "potential_score",
    "position_score",
    "revenue",
    "health_score",
    "health_light",
)


def _is_id(value):
    return isinstance(value, int) and not isinstance(value, bool) and value > 0


# ---- Relationship map ----
# Client action drawing the map (static/src/relationship_map).
MAP_ACTION_TAG = "kam_relationship_map"


def _role_node_id(role_id):
    return f"role-{role_id}"


def _user_node_id(user_id):
    return f"user-{user_id}"


# ---- Lifetime value ----
# Fields only a Key Account Director may change.
INVESTMENT_FIELDS = frozenset({"investment_amount", "investment_years"})
MAX_INVESTMENT = 1e12


# ---- Scorecard ----
LIGHTS = [("green", "Healthy"), ("amber", "Watch"), ("red", "At Risk")]
TRENDS = [("up", "Improving"), ("flat", "Stable"), ("down", "Worsening")]
# Stored KPI fields of the account (NULL: unknown) and the area scores.
KPI_FIELDS = tuple(f"sc_{name}" for name in KPI_MAPPINGS)
SCORE_FIELDS = (*(f"{area}_score" for area in AREAS), "health_score")
# Figures stored beside the KPIs (not scored) and their column types; a
# float left unknown stays NULL, a count unknown is 0.
EXTRA_FIELDS = {
    "sc_identified_count": "int4",
    "sc_won_count": "int4",
    "sc_won_value": "float8",
    "sc_pipeline_value": "float8",
    "sc_survey_sent_count": "int4",
    "sc_survey_answer_count": "int4",
    "sc_survey_nps": "float8",
}


@sql_constraints(
    (
        "partner_company_unique",
        "unique(partner_id, company_id)",
        "A customer has one key-account record per company.",
    ),
)
class KamAccount(models.Model):
    """A customer (commercial entity) seen by one company's key-account team.

    Holds the director's decisions (key-account flag, KAM, team, tier, lock)
    and the results of the last classification run with their components.
    """

    _name = "kam.account"
    _description = "Key Account"
    _inherit = ["kam.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _rec_name = "partner_id"
    _order = "is_key_account desc, pareto_rank, id"
    _check_company_auto = True
    _kam_recheck_fields = ("company_id", "partner_id")
    # Archiving follows the customer.
    _kam_system_fields = ("active",)

    partner_id = fields.Many2one(
        "res.partner",
        string="Customer",
        required=True,
        index=True,
        ondelete="restrict",
        domain="[('is_company', '=', True)]",
        check_company=True,
        tracking=True,
    )
    company_id = fields.Many2one(
        "res.company",
        required=True,
        index=True,
        default=lambda self: self.env.company,
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    active = fields.Boolean(
        related="partner_id.active",
        store=True,
        help="Archived customers are left out of the classification.",
    )
    is_key_account = fields.Boolean(string="Key Account", tracking=True, index=True)
    kam_user_id = fields.Many2one(
        "res.users",
        string="Key Account Manager",
        tracking=True,
        index=True,
        domain="[('share', '=', False), ('company_ids', 'in', company_id)]",
    )
    team_member_ids = fields.One2many(
        "kam.team.member", "account_id", string="Account Team"
    )
    tier = fields.Selection(TIERS, tracking=True)
    key_account_since = fields.Date(tracking=True)
    wallet_estimate = fields.Monetary(
        string="Customer's Yearly Spend",
        tracking=True,
        help="Estimate of what the customer spends per year in our product "
        "categories, with all its suppliers; gives our share of wallet.",
    )
    objectives_fit = fields.Integer(
        help="Director's rating from 1 (poor) to 5 (excellent) of how well the "
        "customer's objectives and ours fit. 0 means not rated.",
    )
    assessment_ids = fields.One2many(
        "kam.position.assessment", "account_id", string="Position Assessments"
    )
    history_ids = fields.One2many(
        "kam.classification.history", "account_id", string="Classification History"
    )

    # --- classification results (written by the classification run) -------
    # A run writes only the accounts whose results changed: the record keeps
    # the run that last changed it, and "last classified" is the company's
    # latest successful run, which found the same results for the others.
    changed_run_id = fields.Many2one(
        "kam.classification.run",
        string="Results Last Changed by",
        readonly=True,
        index="btree_not_null",
        ondelete="set null",
        help="The classification run that last changed the results of this "
        "account. Later runs found the same results and left the record as it "
        "was.",
    )
    last_run_id = fields.Many2one(
        "kam.classification.run",
        string="Last Classification",
        compute="_compute_last_run_id",
        search="_search_last_run_id",
        help="The latest classification of the company; the results shown are "
        "the ones it found. For an archived customer, the run its results come "
        "from.",
    )
    classified_on = fields.Datetime(
        compute="_compute_last_run_id",
        help="When the latest classification started.",
    )
    revenue = fields.Monetary(readonly=True, help="Net invoiced revenue in the window.")
    revenue_window = fields.Char(
        compute="_compute_revenue_window",
        help="The invoice dates the revenue of the last classification covers.",
    )
    revenue_prev = fields.Monetary(
        string="Previous Revenue",
        readonly=True,
        help="Previous window of equal length.",
    )
    revenue_share = fields.Float(
        string="Revenue Share (%)", readonly=True, digits=(5, 2)
    )
    cumulative_share = fields.Float(
        string="Cumulative Share (%)", readonly=True, digits=(5, 2)
    )
    pareto_rank = fields.Integer(string="Revenue Rank", readonly=True)
    pareto_class = fields.Selection(PARETO_CLASSES, readonly=True, index=True)
    invoice_count = fields.Integer(string="Invoices", readonly=True)
    last_invoice_date = fields.Date(readonly=True)
    recency_days = fields.Integer(
        string="Days Since Last Invoice",
        compute="_compute_recency_days",
        help="From the last invoice to the day of the last classification.",
    )
    rfm_recency = fields.Integer(string="R", readonly=True)
    rfm_frequency = fields.Integer(string="F", readonly=True)
    rfm_monetary = fields.Integer(string="M", readonly=True)
    rfm_segment = fields.Selection(RFM_SEGMENTS, string="RFM Segment", readonly=True)
    rfm_code = fields.Char(
        string="RFM Scores",
        compute="_compute_rfm_code",
        help="Recency, frequency and monetary scores, 1 (low) to 5 (high).",
    )
    growth_pct = fields.Float(
        string="Growth vs Previous Window (%)",
        readonly=True,
        digits=(16, 1),
        help="Revenue of the window against the previous window of equal "
        "length. Not available for a new customer (no previous revenue).",
    )
    margin_pct = fields.Float(string="Gross Margin (%)", readonly=True, digits=(16, 1))
    share_of_wallet_pct = fields.Float(
        string="Share of Wallet (% of Yearly Spend)",
        readonly=True,
        digits=(5, 1),
        help="Yearly revenue in percent of the customer's yearly spend.",
    )
    volume_score = fields.Float(
        string="Business Volume Score (0-100)", readonly=True, digits=(5, 1)
    )
    growth_score = fields.Float(
        string="Growth Score (0-100)", readonly=True, digits=(5, 1)
    )
    share_of_wallet_score = fields.Float(
        string="Share of Wallet Score (0-100)", readonly=True, digits=(5, 1)
    )
    profitability_score = fields.Float(
        string="Profitability Score (0-100)",
        readonly=True,
        digits=(5, 1),
        help="Rank of the gross margin among the customers with a known margin.",
    )
    objectives_fit_score = fields.Float(
        string="Objectives Fit Score (0-100)", readonly=True, digits=(5, 1)
    )
    potential_score = fields.Float(
        string="Account Potential", readonly=True, digits=(5, 1), aggregator="avg"
    )
    position_score = fields.Float(
        string="Supplier Position", readonly=True, digits=(5, 1), aggregator="avg"
    )
    missing_components = fields.Char(
        readonly=True, help="Potential components that could not be computed."
    )
    has_position = fields.Boolean(
        string="Position Assessed", readonly=True, help="At least one assessment."
    )
    # Unknown components are stored as NULL, which the ORM reads as 0.0: the
    # views show "n/a" instead from these flags.
    growth_missing = fields.Boolean(compute="_compute_missing_flags")
    share_of_wallet_missing = fields.Boolean(compute="_compute_missing_flags")
    profitability_missing = fields.Boolean(compute="_compute_missing_flags")
    objectives_fit_missing = fields.Boolean(compute="_compute_missing_flags")
    is_new_customer = fields.Boolean(
        string="New Customer",
        compute="_compute_missing_flags",
        help="Revenue in the window but none in the previous one: growth "
        "cannot be measured yet.",
    )
    # group_expand: the kanban columns follow the matrix, not the alphabet.
    quadrant = fields.Selection(
        QUADRANTS, readonly=True, index=True, tracking=True, group_expand=True
    )
    strategy = fields.Text(string="Recommended Strategy", compute="_compute_strategy")
    score_explanation = fields.Text(string="Why", compute="_compute_score_explanation")

    # --- director's lock of the quadrant ----------------------------------
    quadrant_locked = fields.Boolean(tracking=True)
    lock_reason = fields.Text()
    can_manage = fields.Boolean(compute="_compute_can_manage")
    can_manage_team = fields.Boolean(compute="_compute_can_manage")
    can_edit_wallet = fields.Boolean(
        compute="_compute_can_manage",
        help="Directors, and KAMs when the settings let them, may change the "
        "customer's yearly spend.",
    )

    # ------------------------------------------------------------------
    # Computes
    # ------------------------------------------------------------------
    @api.model
    def _strategy_texts(self):
        return {
            "invest": self.env._(
                "Invest: the mine of future growth. Build an integration and "
                "interdependence relationship with many joint initiatives; keep "
                "few accounts in this quadrant."
            ),
            "selective": self.env._(
                "Selective investment: attractive but our position is weak. Invest "
                "only where the expected return over three years is best (make "
                "projections); track sales volume, share of customer and "
                "relationship quality."
            ),
            "maintain": self.env._(
                "Maintain: a cash cow. Keep the margin as long as possible and do "
                "not lose weight in the customer."
            ),
            "milk": self.env._(
                "Milk: not really a key account. Keep a basic relationship and "
                "maximise profitability."
            ),
        }

    @api.depends("rfm_recency", "rfm_frequency", "rfm_monetary")
    def _compute_rfm_code(self):
        for account in self:
            account.rfm_code = (
                f"R{account.rfm_recency} F{account.rfm_frequency} "
                f"M{account.rfm_monetary}"
                if account.rfm_frequency
                else False
            )

    @api.model
    def _latest_runs(self, companies):
        """{company id: its latest successful classification run}."""
        # sudo: only the id of the run is read; reading it is checked by the
        # access rights of whoever then opens it.
        groups = (
            self.env["kam.classification.run"]
            .sudo()
            ._read_group(
                [("company_id", "in", companies.ids), ("state", "=", "done")],
                ["company_id"],
                ["id:max"],
            )
        )
        Run = self.env["kam.classification.run"]
        return {company.id: Run.browse(run_id) for company, run_id in groups}

    @api.depends("changed_run_id", "company_id", "active")
    def _compute_last_run_id(self):
        """The latest run of the company covers every account of an active
        customer classified by an earlier run (it only left unchanged ones
        unwritten); an archived customer's results come from its own run."""
        latest = self._latest_runs(self.company_id)
        for account in self:
            run = account.changed_run_id
            if run and account.active:
                run = latest.get(account.company_id.id, run)
            account.last_run_id = run
            account.classified_on = run.sudo().date_start

    def _search_last_run_id(self, operator, value):
        if operator in ("=", "!=") and not value:
            return [("changed_run_id", operator, False)]
        if operator not in ("=", "in") or isinstance(value, str):
            raise UserError(
                self.env._("Search the last classification by run, not by text.")
            )
        runs = (
            self.env["kam.classification.run"]
            .sudo()
            .browse([value] if isinstance(value, int) else list(value))
        )
        runs = runs.filtered("id").exists()
        latest = self._latest_runs(runs.company_id)
        domains = [[("changed_run_id", "in", runs.ids), ("active", "=", False)]]
        domains += [
            [
                ("company_id", "=", run.company_id.id),
                ("active", "=", True),
                ("changed_run_id", "!=", False),
            ]
            for run in runs
            if latest.get(run.company_id.id) == run
        ]
        return domain_or(domains)

    @api.depends("last_invoice_date", "last_run_id")
    def _compute_recency_days(self):
        for account in self:
            end = account.last_run_id.sudo().window_end
            account.recency_days = (
                (end - account.last_invoice_date).days
                if end and account.last_invoice_date
                else 0
            )

    @api.depends("last_run_id.window_start", "last_run_id.window_end")
    @api.depends_context("lang")
    def _compute_revenue_window(self):
        for account in self:
            run = account.last_run_id
            account.revenue_window = (
                self.env._(
                    "%(start)s to %(end)s",
                    start=format_date(self.env, run.window_start),
                    end=format_date(self.env, run.window_end),
                )
                if run.window_start and run.window_end
                else False
            )

    @api.depends("missing_components", "classified_on", "revenue", "revenue_prev")
    def _compute_missing_flags(self):
        for account in self:
            missing = set((account.missing_components or "").split(","))
            classified = bool(account.classified_on)
            account.growth_missing = classified and "growth" in missing
            account.share_of_wallet_missing = (
                classified and "share_of_wallet" in missing
            )
            account.profitability_missing = classified and "profitability" in missing
            account.objectives_fit_missing = classified and "objectives_fit" in missing
            account.is_new_customer = (
                classified and account.revenue > 0 and account.revenue_prev <= 0
            )

    @api.depends("quadrant")
    def _compute_strategy(self):
        texts = self._strategy_texts()
        for account in self:
            account.strategy = texts.get(account.quadrant, False)

    @api.depends(
        "potential_score",
        "position_score",
        "quadrant",
        "quadrant_locked",
        "classified_on",
        "missing_components",
    )
    def _compute_score_explanation(self):
        for account in self:
            account.score_explanation = account._explain_scores()

    def _explain_scores(self):
        self.ensure_one()
        if not self.classified_on:
            return self.env._("Not classified yet: run the classification.")
        company = self.company_id
        parts = []
        missing_keys = set((self.missing_components or "").split(","))
        components = [
            ("volume", self.env._("business volume")),
            ("growth", self.env._("growth")),
            ("share_of_wallet", self.env._("share of wallet")),
            ("profitability", self.env._("profitability")),
            ("objectives_fit", self.env._("objectives fit")),
        ]
        weights = {key: company[fname] for key, fname in WEIGHT_FIELDS.items()}

        def score_text(fname):
            # The precision of the field, so that the text and the form agree.
            return format_number(
                self.env,
                self[fname],
                digits=self._fields[fname].get_digits(self.env)[1],
            )

        used = [
            self.env._(
                "%(name)s %(score)s (weight %(weight)s)",
                name=name,
                score=score_text(f"{key}_score"),
                weight=format_number(self.env, weights[key]),
            )
            for key, name in components
            if key not in missing_keys and weights[key] > 0
        ]
        missing = [
            self.env._("growth (new customer: no revenue in the previous window)")
            if key == "growth" and self.is_new_customer
            else name
            for key, name in components
            if key in missing_keys and weights[key] > 0
        ]
        if used:
            parts.append(
                self.env._(
                    "Account potential %(score)s/100 from %(parts)s.",
                    score=score_text("potential_score"),
                    parts=", ".join(used),
                )
            )
        if missing:
            parts.append(
                self.env._(
                    "Not available, left out: %(parts)s.", parts=", ".join(missing)
                )
            )
        if self.has_position:
            parts.append(
                self.env._(
                    "Supplier position %(score)s/100 from the latest assessment "
                    "of each criterion.",
                    score=score_text("position_score"),
                )
            )
        else:
            parts.append(
                self.env._(
                    "No supplier position assessment yet: no quadrant can be given."
                )
            )
        if self.quadrant:
            parts.append(
                self.env._(
                    "Quadrant %(quadrant)s: potential %(pot_level)s (threshold "
                    "%(pot_threshold)s) and position %(pos_level)s (threshold "
                    "%(pos_threshold)s).",
                    quadrant=dict(
                        self._fields["quadrant"]._description_selection(self.env)
                    )[self.quadrant],
                    pot_level=self.env._("high")
                    if self.potential_score >= company.kam_potential_threshold
                    else self.env._("low"),
                    pot_threshold=format_number(
                        self.env, company.kam_potential_threshold
                    ),
                    pos_level=self.env._("strong")
                    if self.position_score >= company.kam_position_threshold
                    else self.env._("weak"),
                    pos_threshold=format_number(
                        self.env, company.kam_position_threshold
                    ),
                )
            )
        if self.quadrant_locked:
            parts.append(
                self.env._(
                    "The quadrant is locked by a director (%(reason)s): the "
                    "classification leaves it as it is.",
                    reason=self.lock_reason or self.env._("no reason given"),
                )
            )
        return "\n".join(parts)

    @api.depends_context("uid")
    @api.depends("kam_user_id", "company_id.kam_kam_edit_wallet")
    def _compute_can_manage(self):
        is_director = self.env.user.has_group("kam_management.group_kam_manager")
        for account in self:
            account.can_manage = is_director
            account.can_manage_team = (
                is_director or account.kam_user_id == self.env.user
            )
            account.can_edit_wallet = (
                is_director or account.company_id.kam_kam_edit_wallet
            )

    def _check_wallet_estimate_rights(self, vals):
        """The customer's yearly spend feeds the KAM's own share-of-wallet
        score: only directors change it, unless the company lets KAMs."""
        if (
            "wallet_estimate" not in vals
            or self.env.su
            or self.env.user.has_group("kam_management.group_kam_manager")
        ):
            return
        companies = self.company_id or self.env["res.company"].browse(
            vals.get("company_id") or self.env.company.id
        )
        if not all(companies.mapped("kam_kam_edit_wallet")):
            raise AccessError(
                self.env._(
                    "Only a Key Account Director can change the customer's yearly "
                    "spend: it feeds the share-of-wallet score of the account. A "
                    "director can let KAMs change it in the settings."
                )
            )

    # ------------------------------------------------------------------
    # Constraints and protection of the director's fields
    # ------------------------------------------------------------------
    @api.constrains("objectives_fit")
    def _check_objectives_fit(self):
        for account in self:
            if account.objectives_fit and not 1 <= account.objectives_fit <= 5:
                raise ValidationError(
                    self.env._(
                        "The objectives fit rating must be between 1 and 5 "
                        "(got %(rating)s).",
                        rating=account.objectives_fit,
                    )
                )

    @api.constrains("wallet_estimate")
    def _check_wallet_estimate(self):
        for account in self:
            if account.wallet_estimate < 0:
                raise ValidationError(
                    self.env._("The customer's yearly spend cannot be negative.")
                )

    @api.constrains("quadrant_locked", "lock_reason", "quadrant")
    def _check_lock(self):
        for account in self:
            if account.quadrant_locked and not account.quadrant:
                raise ValidationError(
                    self.env._(
                        "Only an account with a quadrant can have its quadrant locked."
                    )
                )
            if account.quadrant_locked and not (account.lock_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why the quadrant of %(account)s is locked.",
                        account=account.display_name,
                    )
                )

    @api.constrains("kam_user_id", "company_id")
    def _check_kam_user(self):
        for account in self.filtered("kam_user_id"):
            user = account.kam_user_id
            if not is_internal_user_of(user, account.company_id):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot be the Key Account Manager of %(account)s: "
                        "only internal users of %(company)s can.",
                        user=user.name,
                        account=account.display_name,
                        company=account.company_id.name,
                    )
                )
            if user in account.sudo().team_member_ids.user_id:
                raise ValidationError(
                    self.env._(
                        "%(user)s is in the account team of %(account)s: remove "
                        "them from the team before making them its KAM.",
                        user=user.name,
                        account=account.display_name,
                    )
                )

    @api.constrains("partner_id")
    def _check_partner(self):
        for account in self:
            if account.partner_id != account.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Key accounts are managed at the level of the company: use "
                        "%(commercial)s instead of %(contact)s.",
                        commercial=account.partner_id.commercial_partner_id.display_name,
                        contact=account.partner_id.display_name,
                    )
                )

    def _field_names_text(self, fnames):
        """The labels of ``fnames`` in the user's language, for messages."""
        return ", ".join(
            sorted(self._fields[f]._description_string(self.env) for f in fnames)
        )

    def _check_director_fields(self, fnames):
        results = WRITTEN_FIELDS.intersection(fnames)
        if results and not self.env.su:
            names = self._field_names_text(results)
            raise AccessError(
                self.env._(
                    "Only the classification run writes: %(fields)s.",
                    fields=names,
                )
            )
        protected = DIRECTOR_FIELDS.intersection(fnames)
        if (
            protected
            and not self.env.su
            and not self.env.user.has_group("kam_management.group_kam_manager")
        ):
            names = self._field_names_text(protected)
            raise AccessError(
                self.env._(
                    "Only a Key Account Director can change: %(fields)s.",
                    fields=names,
                )
            )
        # The planned investment (lifetime value) is a director's too.
        protected = INVESTMENT_FIELDS.intersection(fnames)
        if (
            protected
            and not self.env.su
            and not self.env.user.has_group("kam_management.group_kam_manager")
        ):
            raise AccessError(
                self.env._(
                    "Only a Key Account Director can change: %(fields)s.",
                    fields=self._field_names_text(protected),
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._check_wallet_estimate_rights(vals)
            self._check_director_fields(vals)
            if vals.get("is_key_account") and not vals.get("key_account_since"):
                vals["key_account_since"] = fields.Date.context_today(self)
        return super().create(vals_list)

    def write(self, vals):
        self._check_wallet_estimate_rights(vals)
        self._check_director_fields(vals)
        if vals.get("is_key_account") and "key_account_since" not in vals:
            todo = self.filtered(lambda a: not a.key_account_since)
            if todo:
                super(KamAccount, todo).write(
                    {"key_account_since": fields.Date.context_today(self)}
                )
        if "quadrant_locked" in vals and not vals["quadrant_locked"]:
            vals.setdefault("lock_reason", False)
        former_kams = (
            {account: account.kam_user_id for account in self.sudo()}
            if "kam_user_id" in vals
            else {}
        )
        res = super().write(vals)
        changed = {
            account: former
            for account, former in former_kams.items()
            if account.kam_user_id != former
        }
        if changed:
            self.browse([account.id for account in changed])._kam_on_kam_change(
                {account.id: former for account, former in changed.items()}
            )
        return res

    # ------------------------------------------------------------------
    # What follows access: followers and activities
    # ------------------------------------------------------------------
    def _kam_on_kam_change(self, former_kams):
        """The KAM of these accounts changed: what followed the former KAM
        moves in the same transaction.

        The open alerts and their activities follow the account to its new
        KAM at once, before the former KAM's access is revoked.

        :param former_kams: ``{account id: former KAM (possibly empty)}``
        """
        # sudo: the owner of an alert is the application's; the caller
        # changed the KAM, which decides it.
        self.env["kam.alert"].sudo().search(
            [("account_id", "in", self.ids), ("state", "=", "open")]
        )._kam_follow_kam()
        by_user = defaultdict(lambda: self.browse())
        for account in self:
            former = former_kams.get(account.id)
            if former:
                by_user[former] |= account
        for user, accounts in by_user.items():
            accounts._kam_revoke_access(user)

    @api.model
    @tools.ormcache()
    def _kam_chatter_fields(self):
        """``((model, field), ...)``: the models with a chatter whose records
        belong to a key account, and the field that links them to it (the
        account itself first, with ``id``)."""
        thread = self.pool["mail.thread"]
        result = [(self._name, "id")]
        for name, model_class in self.pool.items():
            if (
                name == self._name
                or model_class._abstract
                or model_class._transient
                or not issubclass(model_class, thread)
            ):
                continue
            result.extend(
                (name, fname)
                for fname, field in model_class._fields.items()
                if field.type == "many2one"
                and field.comodel_name == self._name
                and field.store
            )
        return tuple(result)

    def _kam_revoke_access(self, users):
        """``users`` may have lost access to these accounts (they left the
        team, or are no longer the KAM): on every record of the accounts with
        a chatter that a user can no longer read, the user stops following it
        and their open activities go to the account's KAM (or, for an account
        without KAM, to whoever made the change).

        Users who still read a record (directors, a former KAM who joined the
        team, an alert's fixed owner...) keep following it.
        """
        users = users.filtered(lambda u: u.partner_id)
        if not self or not users:
            return
        # sudo: the records, followers and activities of the accounts are
        # read and changed for the users who lost them; the rights of each
        # user decide what they lost.
        records = [
            (fname, self.env[model].sudo().with_context(active_test=False))
            for model, fname in self._kam_chatter_fields()
        ]
        records = [
            (fname, model.search([(fname, "in", self.ids)])) for fname, model in records
        ]
        for user in users:
            user_env = self.env(
                user=user,
                su=False,
                context=dict(
                    self.env.context,
                    active_test=False,
                    allowed_company_ids=user.company_ids.ids,
                ),
            )
            for fname, model_records in records:
                if not model_records:
                    continue
                readable = model_records.with_env(user_env)._filtered_access("read")
                lost = model_records - readable
                if lost:
                    lost.message_unsubscribe(partner_ids=user.partner_id.ids)
                    self._kam_hand_over_activities(lost, fname, user)

    def _kam_hand_over_activities(self, records, fname, user):
        """Give the open activities of ``user`` on ``records`` (sudo) to the
        KAM of their account; the plan actions ``user`` owns there too."""
        account_of = {
            record.id: record if fname == "id" else record[fname] for record in records
        }

        def new_owner(account):
            owner = account.kam_user_id or self.env.user
            return owner if owner != user else self.env["res.users"]

        quick = {"mail_activity_quick_update": True}
        if records._name == "kam.account.plan":
            actions = (
                self.env["kam.plan.action"]
                .sudo()
                .search(
                    [
                        ("plan_id", "in", records.ids),
                        ("owner_id", "=", user.id),
                        ("state", "=", "todo"),
                    ]
                )
            )
            # The KAM is of the team: the action moves to them, and its
            # activity with it. Without a KAM the action keeps its owner (an
            # action belongs to someone of the team) and only its activity
            # moves, below.
            for kam, kam_actions in actions.grouped(
                lambda a: a.account_id.kam_user_id
            ).items():
                if kam and kam != user:
                    kam_actions.with_context(**quick).write({"owner_id": kam.id})
        activities = (
            self.env["mail.activity"]
            .sudo()
            .search(
                [
                    ("res_model", "=", records._name),
                    ("res_id", "in", records.ids),
                    ("user_id", "=", user.id),
                ]
            )
        )
        for owner, owner_activities in activities.grouped(
            lambda a: new_owner(account_of[a.res_id])
        ).items():
            if owner:
                owner_activities.with_context(**quick).write({"user_id": owner.id})

    @api.onchange("kam_user_id")
    def _onchange_kam_user_id(self):
        user = self.kam_user_id
        if not user or not self.is_key_account:
            return None
        limit = self.company_id.kam_max_accounts_per_kam
        count = self.search_count(
            [
                ("kam_user_id", "=", user.id),
                ("is_key_account", "=", True),
                ("company_id", "=", self.company_id.id),
                ("id", "!=", self._origin.id or 0),
            ]
        )
        if count + 1 > limit:
            return {
                "warning": {
                    "title": self.env._("Too many key accounts"),
                    "message": self.env._(
                        "%(kam)s would manage %(count)s key accounts; the "
                        "recommended maximum is %(limit)s.",
                        kam=user.name,
                        count=count + 1,
                        limit=limit,
                    ),
                }
            }
        return None

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_lock_quadrant(self):
        if len(self) != 1:
            raise UserError(
                self.env._(
                    "Lock the quadrant of one account at a time: each lock needs "
                    "its own reason."
                )
            )
        if not self.quadrant:
            raise UserError(
                self.env._(
                    "%(account)s has no quadrant to lock yet.",
                    account=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Lock Quadrant"),
            "res_model": "kam.account",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                (self.env.ref("kam_management.view_kam_account_lock_form").id, "form")
            ],
            "target": "new",
            "context": {"default_quadrant_locked": True},
        }

    def action_confirm_lock(self):
        self.ensure_one()
        self.write({"quadrant_locked": True, "lock_reason": self.lock_reason})
        return {"type": "ir.actions.act_window_close"}

    def action_unlock_quadrant(self):
        self.write({"quadrant_locked": False})

    def action_view_partner_invoices(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "account.action_move_out_invoice_type"
        )
        # The invoices the count of the last classification is made of.
        action["domain"] = [
            ("commercial_partner_id", "=", self.partner_id.id),
            ("company_id", "=", self.company_id.id),
            ("move_type", "=", "out_invoice"),
            ("state", "=", "posted"),
        ]
        if self.last_run_id.window_start:
            action["domain"] += [
                ("invoice_date", ">=", self.last_run_id.window_start),
                ("invoice_date", "<=", self.last_run_id.window_end),
            ]
        action["context"] = {"create": False}
        return action

    # ---- Alerts ----
    # The alerts of a key account, and how old the inputs of its position are.

    alert_ids = fields.One2many("kam.alert", "account_id", string="Alerts")
    open_alert_ids = fields.One2many(
        "kam.alert",
        "account_id",
        string="Alerts to Act on",
        domain=[("state", "=", "open")],
    )
    open_alert_count = fields.Integer(
        string="Open Alerts", compute="_compute_open_alert_count"
    )
    position_inputs_date = fields.Date(
        string="Position Assessed on",
        compute="_compute_position_inputs_age",
        help="Date of the oldest of the latest assessments of each criterion: "
        "the supplier position is no fresher than this.",
    )
    position_inputs_age_months = fields.Integer(
        string="Position Inputs Age (months)",
        compute="_compute_position_inputs_age",
        help="How old the inputs of the supplier position are, in months.",
    )
    position_inputs_stale = fields.Boolean(
        string="Stale Position",
        compute="_compute_position_inputs_age",
        help="The latest assessment of at least one criterion is older than the "
        "months of the stale assessment alert rule.",
    )

    def _compute_open_alert_count(self):
        counts = self.env["kam.alert"]._kam_open_counts(self)
        for account in self:
            account.open_alert_count = sum(counts.get(account.id, {}).values())

    @api.depends("assessment_ids.date", "assessment_ids.criterion_id")
    def _compute_position_inputs_age(self):
        groups = self.env["kam.position.assessment"]._read_group(
            [("account_id", "in", self._origin.ids)],
            ["account_id", "criterion_id"],
            ["date:max"],
        )
        oldest = {}
        for account, _criterion, last in groups:
            oldest[account.id] = min(last, oldest.get(account.id, last))
        months = self.env["kam.position.assessment"]._kam_stale_months(self.company_id)
        today = fields.Date.context_today(self)
        for account in self:
            date = oldest.get(account._origin.id)
            account.position_inputs_date = date
            if not date:
                account.position_inputs_age_months = 0
                account.position_inputs_stale = False
                continue
            age = relativedelta(today, date)
            account.position_inputs_age_months = age.years * 12 + age.months
            limit = today - relativedelta(months=months[account.company_id])
            account.position_inputs_stale = date < limit

    def action_check_alerts(self):
        """Evaluate the alert rules for these accounts now."""
        self.check_access("read")
        new = self.env["kam.alert"]._kam_evaluate(self)
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "success" if not new else "warning",
                "message": self.env._(
                    "Alerts checked: %(count)s new alert(s).", count=len(new)
                ),
                # The form shows the new count and alerts.
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def action_view_alerts(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_alert"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"search_default_open": 1, "create": False}
        return action

    # ---- Buying centre coverage ----
    # The buying centre of a key account and the gaps in our coverage of it.

    buying_role_ids = fields.One2many(
        "kam.buying.role", "account_id", string="Buying Centre"
    )
    buying_role_count = fields.Integer(
        string="Buying Centre Contacts", compute="_compute_buying_role_count"
    )
    coverage_no_decision_maker = fields.Boolean(
        string="No Decision Maker",
        compute="_compute_coverage",
        store=True,
        help="Nobody in the buying centre has the decision maker role.",
    )
    coverage_no_dm_relationship = fields.Boolean(
        string="No Decision Maker Relationship",
        compute="_compute_coverage",
        store=True,
        help="No decision maker with a relationship of strength 3 or more.",
    )
    coverage_single_threaded = fields.Boolean(
        string="Single-Threaded",
        compute="_compute_coverage",
        store=True,
        help="Fewer than two contacts in the buying centre: the relationship "
        "hangs on one thread.",
    )
    coverage_stale_count = fields.Integer(
        string="Stale Key Contacts",
        compute="_compute_coverage",
        store=True,
        help="Decision makers, influencers and people of high influence without "
        "any interaction within the stale contact delay of the settings. "
        "Recomputed every day and when the buying centre changes.",
    )
    coverage_gap_count = fields.Integer(
        string="Coverage Gaps",
        compute="_compute_coverage",
        store=True,
        help="Number of coverage warnings of this key account.",
    )
    coverage_warning = fields.Text(compute="_compute_coverage_warning")

    def _kam_get_system_fields(self):
        # Computed from the buying centre: nobody hides a coverage warning.
        # The scorecard's are written by the scorecard pass only.
        return (
            super()._kam_get_system_fields()
            | set(COVERAGE_FIELDS)
            | set(KPI_FIELDS)
            | set(SCORE_FIELDS)
            | set(EXTRA_FIELDS)
            | {
                "scorecard_date",
                "scorecard_period_start",
                "health_light",
                "health_trend",
                "scorecard_missing",
            }
        )

    def _compute_buying_role_count(self):
        groups = self.env["kam.buying.role"]._read_group(
            [("account_id", "in", self.ids)], ["account_id"], ["__count"]
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.buying_role_count = counts.get(account.id, 0)

    @api.depends(
        "is_key_account",
        "company_id.kam_stale_contact_days",
        "buying_role_ids.partner_id",
        "buying_role_ids.is_decision_maker",
        "buying_role_ids.is_key_contact",
        "buying_role_ids.relationship_strength",
    )
    def _compute_coverage(self):
        roles = self.buying_role_ids.filtered("is_key_contact")
        last_dates = roles._last_interaction_dates()
        now = fields.Datetime.now()
        for account in self:
            if not account.is_key_account:
                account.coverage_no_decision_maker = False
                account.coverage_no_dm_relationship = False
                account.coverage_single_threaded = False
                account.coverage_stale_count = 0
                account.coverage_gap_count = 0
                continue
            account_roles = account.buying_role_ids
            decision_makers = account_roles.filtered("is_decision_maker")
            limit = now - timedelta(days=account.company_id.kam_stale_contact_days)
            stale = account_roles.filtered(
                lambda r, limit=limit: (
                    r.is_key_contact and (r not in last_dates or last_dates[r] < limit)
                )
            )
            account.coverage_no_decision_maker = not decision_makers
            account.coverage_no_dm_relationship = not any(
                r.relationship_strength >= STRONG_RELATIONSHIP for r in decision_makers
            )
            account.coverage_single_threaded = len(account_roles) < 2
            account.coverage_stale_count = len(stale)
            account.coverage_gap_count = sum(
                (
                    account.coverage_no_decision_maker,
                    account.coverage_no_dm_relationship,
                    account.coverage_single_threaded,
                    bool(stale),
                )
            )

    @api.depends(*COVERAGE_FIELDS, "company_id.kam_stale_contact_days")
    def _compute_coverage_warning(self):
        for account in self:
            lines = []
            if account.coverage_no_decision_maker:
                lines.append(
                    self.env._("No decision maker identified in the buying centre.")
                )
            if account.coverage_no_dm_relationship:
                lines.append(
                    self.env._(
                        "No relationship of strength %(strength)s or more with a "
                        "decision maker.",
                        strength=STRONG_RELATIONSHIP,
                    )
                )
            if account.coverage_single_threaded:
                lines.append(
                    self.env._(
                        "Single-threaded: fewer than two contacts in the buying centre."
                    )
                )
            if account.coverage_stale_count:
                lines.append(
                    self.env._(
                        "%(count)s key contact(s) without any interaction in the "
                        "last %(days)s days.",
                        count=account.coverage_stale_count,
                        days=account.company_id.kam_stale_contact_days,
                    )
                )
            account.coverage_warning = "\n".join(lines) or False

    # ------------------------------------------------------------------
    # Recompute of the time-dependent warnings
    # ------------------------------------------------------------------
    def _kam_refresh_coverage(self):
        """Queue the recompute of the coverage warnings of ``self``."""
        accounts = self.filtered("id")
        for fname in COVERAGE_FIELDS:
            self.env.add_to_compute(self._fields[fname], accounts)
        return accounts

    @api.model
    def _cron_update_coverage(self):
        """Daily: contacts go stale with time, so recompute the warnings."""
        accounts = self.search([("is_key_account", "=", True)])
        accounts._kam_refresh_coverage()
        accounts.flush_recordset(list(COVERAGE_FIELDS))
        return True

    def action_view_buying_centre(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_buying_role_map"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        action["display_name"] = self.env._(
            "Buying Centre of %(account)s", account=self.display_name
        )
        return action

    # ---- Account plans and agreements ----

    plan_ids = fields.One2many("kam.account.plan", "account_id", string="Account Plans")
    plan_count = fields.Integer(string="Plans", compute="_compute_plan_count")
    agreement_ids = fields.One2many("kam.agreement", "account_id", string="Agreements")
    can_plan = fields.Boolean(compute="_compute_can_plan")

    def _compute_plan_count(self):
        counts = dict(
            self.env["kam.account.plan"]._read_group(
                [("account_id", "in", self._origin.ids)], ["account_id"], ["__count"]
            )
        )
        for account in self:
            account.plan_count = counts.get(account._origin, 0)

    @api.depends("kam_user_id", "is_key_account")
    @api.depends_context("uid")
    def _compute_can_plan(self):
        is_director = _is_director(self.env)
        for account in self:
            account.can_plan = account.is_key_account and (
                is_director or account.kam_user_id == self.env.user
            )

    @api.ondelete(at_uninstall=False)
    def _unlink_except_plans_or_agreements(self):
        # sudo: a plan or agreement the user cannot see still blocks the deletion.
        plans = (
            self.env["kam.account.plan"]
            .sudo()
            ._read_group([("account_id", "in", self.ids)], ["account_id"])
        )
        if plans:
            raise UserError(
                self.env._(
                    "%(accounts)s cannot be deleted: they have account plans. "
                    "Remove the key-account flag instead.",
                    accounts=", ".join(a.sudo().display_name for (a,) in plans),
                )
            )
        agreements = (
            self.env["kam.agreement"]
            .sudo()
            .with_context(active_test=False)
            ._read_group([("account_id", "in", self.ids)], ["account_id"])
        )
        if agreements:
            raise UserError(
                self.env._(
                    "%(accounts)s cannot be deleted: they have agreements.",
                    accounts=", ".join(a.sudo().display_name for (a,) in agreements),
                )
            )

    def action_view_plans(self):
        self.ensure_one()
        self.check_access("read")
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_account_plan"
        )
        action["domain"] = [("account_id", "=", self.id)]
        action["context"] = {"default_account_id": self.id}
        return action

    def action_new_plan(self):
        self.ensure_one()
        if not self.can_plan:
            raise UserError(
                self.env._(
                    "Only a Key Account Director or the KAM of %(customer)s can "
                    "start an account plan for it.",
                    customer=self.display_name,
                )
            )
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Account Plan"),
            "res_model": "kam.account.plan",
            "view_mode": "form",
            "views": [(False, "form")],
            "context": {"default_account_id": self.id},
        }

    # ---- Satisfaction survey ----
    # The satisfaction survey of a key account: sent from it, answers on it.

    survey_answer_count = fields.Integer(
        string="Survey Answers", compute="_compute_survey_answer_count"
    )

    @api.depends_context("uid")
    def _compute_survey_answer_count(self):
        # In the user's rights: the answers they may read.
        groups = self.env["survey.user_input"]._read_group(
            [
                ("kam_account_id", "in", self.ids),
                ("state", "=", "done"),
                ("test_entry", "=", False),
            ],
            ["kam_account_id"],
            ["__count"],
        )
        counts = {account.id: count for account, count in groups}
        for account in self:
            account.survey_answer_count = counts.get(account.id, 0)

    def _kam_is_contact(self, partner):
        """Whether ``partner`` is the customer or one of its contacts."""
        self.ensure_one()
        return bool(partner) and partner.commercial_partner_id == self.partner_id

    def _kam_survey_recipients(self):
        """Who the satisfaction survey goes to by default: the buying
        centre's contacts with an email, else the customer's contacts with
        an email, else the customer itself."""
        self.ensure_one()
        roles = self.env["kam.buying.role"].search(
            [("account_id", "=", self.id), ("active", "=", True)]
        )
        partners = roles.partner_id.filtered("email")
        if not partners:
            partners = self.env["res.partner"].search(
                [
                    ("commercial_partner_id", "=", self.partner_id.id),
                    ("id", "!=", self.partner_id.id),
                    ("email", "!=", False),
                ]
            )
        if not partners and self.partner_id.email:
            partners = self.partner_id
        return partners

    @api.model
    def _kam_satisfaction_survey(self):
        """The survey sent from the accounts: the one shipped, or another
        active key account survey if it was archived."""
        survey = self.env.ref(SATISFACTION_SURVEY, raise_if_not_found=False)
        if survey and survey.active and survey.survey_type == KAM_SURVEY_TYPE:
            return survey
        return self.env["survey.survey"].search(
            [("survey_type", "=", KAM_SURVEY_TYPE), ("active", "=", True)],
            order="id",
            limit=1,
        )

    def action_send_satisfaction_survey(self):
        """Odoo's survey invitation, for this account's contacts only."""
        self.ensure_one()
        self.check_access("read")
        if not self.is_key_account:
            raise UserError(
                self.env._(
                    "%(account)s is not a key account: satisfaction surveys are "
                    "sent to key accounts.",
                    account=self.display_name,
                )
            )
        survey = self._kam_satisfaction_survey()
        if not survey:
            raise UserError(
                self.env._(
                    "There is no active key account satisfaction survey: ask a "
                    "survey administrator to publish one."
                )
            )
        action = survey.action_send_survey()
        action["name"] = self.env._(
            "Send Satisfaction Survey to %(account)s", account=self.display_name
        )
        action["context"] = dict(
            action.get("context") or {},
            default_kam_account_id=self.id,
            default_partner_ids=self._kam_survey_recipients().ids,
            # Every sending is a new survey of the period, never a resend of
            # an older answer.
            default_existing_mode="new",
        )
        template = self.env.ref(
            "kam_management.mail_template_kam_survey_invite", raise_if_not_found=False
        )
        if template:
            # The supplier's own invitation, translated, instead of Odoo's
            # generic survey (or certification) text.
            action["context"]["default_template_id"] = template.id
        return action

    def action_view_survey_answers(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Survey Answers of %(account)s", account=self.display_name
            ),
            "res_model": "survey.user_input",
            "view_mode": "list,form",
            "views": [
                (
                    self.env.ref("kam_management.view_survey_user_input_kam_list").id,
                    "list",
                ),
                (False, "form"),
            ],
            "search_view_id": self.env.ref("survey.survey_user_input_view_search").id,
            "domain": [("kam_account_id", "=", self.id)],
            "context": {"create": False, "search_default_completed": 1},
        }

    # ------------------------------------------------------------------
    # Demo data
    # ------------------------------------------------------------------
    @api.model
    def _demo_survey_answers(self, plan):
        """Demo data: satisfaction surveys answered over several months.

        ``plan`` maps a contact's xml id to a list of ``(days_ago, nps,
        ratings, comment)``: a completed answer (``nps`` on 0-10, the three
        1-5 ratings) or, with ``nps`` None, an invitation not answered yet.
        Answers go through the survey's own methods.
        """
        survey = self.env.ref(SATISFACTION_SURVEY)
        questions = survey.question_ids.sorted("sequence")
        nps_question = questions.filtered("is_kam_nps")
        ratings_questions = questions.filtered(
            lambda q: q.question_type == "scale" and not q.is_kam_nps
        )
        comment_question = questions.filtered(lambda q: q.question_type == "text_box")
        now = fields.Datetime.now()
        dates = {}
        for xmlid, answers in plan.items():
            partner = self.env.ref(xmlid)
            account = self.search(
                [
                    ("partner_id", "=", partner.commercial_partner_id.id),
                    ("company_id", "=", self.env.company.id),
                ]
            )
            for days_ago, nps, ratings, comment in answers:
                answer = survey._create_answer(
                    partner=partner, check_attempts=False, kam_account_id=account.id
                )
                sent = now - timedelta(days=days_ago + 2)
                dates[answer.id] = sent
                if nps is None:
                    continue
                answer._save_lines(nps_question, str(nps))
                for question, rating in zip(ratings_questions, ratings, strict=True):
                    answer._save_lines(question, str(rating))
                if comment:
                    answer._save_lines(comment_question, comment)
                answer._mark_done()
                answer.write(
                    {
                        "start_datetime": now - timedelta(days=days_ago),
                        "end_datetime": now - timedelta(days=days_ago),
                    }
                )
        # Sent before they were answered (create_date is not writable).
        answers = self.env["survey.user_input"].browse(list(dates))
        answers.flush_recordset()
        self.env.cr.execute(
            SQL(
                """
                UPDATE survey_user_input ui SET create_date = v.sent::timestamp
                  FROM (VALUES %s) AS v(id, sent)
                 WHERE ui.id = v.id
                """,
                SQL(", ").join(SQL("(%s, %s)", i, sent) for i, sent in dates.items()),
            )
        )
        answers.invalidate_recordset(["create_date"])
        return True

    # ---- Competencies needed ----

    competency_need_ids = fields.One2many(
        "kam.account.competency",
        "account_id",
        string="Competencies Needed",
        help="Leave empty to use the competencies of the account's quadrant "
        "(Configuration → Competencies by Quadrant).",
    )

    # ---- Demo data ----

    @api.model
    def _demo_invoice_customers(self, plan):
        """Demo data: post invoices so that every class and quadrant shows up.

        ``plan`` maps a partner xml id to ``(amount, invoices, days_ago,
        previous_amount, product_xmlid)``: the yearly amount spread over
        ``invoices`` posted invoices, the last one ``days_ago`` days ago, the
        amount invoiced in the previous year (for growth) and the product sold
        (its cost gives the margin).
        """
        today = fields.Date.context_today(self)
        vals_list = []
        for xmlid, (amount, count, days_ago, previous, product_xmlid) in plan.items():
            partner = self.env.ref(xmlid)
            product = self.env.ref(product_xmlid)
            for index in range(count):
                vals_list.append(
                    self._demo_invoice_vals(
                        partner,
                        product,
                        today - timedelta(days=days_ago + index * 25),
                        amount / count,
                    )
                )
            if previous:
                vals_list.append(
                    self._demo_invoice_vals(
                        partner, product, today - timedelta(days=400), previous
                    )
                )
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        return True

    @api.model
    def _demo_invoice_vals(self, partner, product, date, amount):
        # The salesperson of a key account's invoices is its KAM: a KAM who
        # sees only their own documents (Odoo 19's demo user) sees the
        # invoices the account's Invoices button counts.
        account = self.search([("partner_id", "=", partner.id)], limit=1)
        return {
            "move_type": "out_invoice",
            "partner_id": partner.id,
            "invoice_user_id": account.kam_user_id.id or self.env.user.id,
            "invoice_date": date,
            "invoice_line_ids": [
                fields.Command.create(
                    {
                        "product_id": product.id,
                        "quantity": round(amount / product.lst_price, 2),
                        "price_unit": product.lst_price,
                        "tax_ids": [],
                    }
                )
            ],
        }

    @api.model
    def _demo_overdue_invoices(self, overdue):
        """Demo data: post invoices past their due date.

        ``overdue`` maps a partner xml id to ``(amount, days_overdue,
        product_xmlid)``: an invoice dated 30 days before its due date.
        """
        today = fields.Date.context_today(self)
        vals_list = []
        for xmlid, (amount, days, product_xmlid) in overdue.items():
            due = today - timedelta(days=days)
            vals = self._demo_invoice_vals(
                self.env.ref(xmlid),
                self.env.ref(product_xmlid),
                due - timedelta(days=30),
                amount,
            )
            vals["invoice_date_due"] = due
            vals_list.append(vals)
        self.env["account.move"].create(vals_list).action_post()
        return True

    @api.model
    def _demo_classify(self):
        self.env["kam.classification.run"]._classify_company(
            self.env.company, trigger="manual"
        )
        return True

    @api.model
    def _demo_scorecards(self):
        """Demo data: scorecards now, and five months of history before.

        The history drifts so that some accounts improve and others worsen:
        the graph and the trend arrows have something to show.
        """
        accounts = self.search(
            [("is_key_account", "=", True), ("company_id", "=", self.env.company.id)]
        )
        engine = self.env["kam.scorecard.engine"]
        engine._compute_scorecards(accounts)
        this_month = fields.Date.context_today(self).replace(day=1)
        areas = (
            "sales_score",
            "opportunities_score",
            "relationships_score",
            "satisfaction_score",
            "alerts_score",
            "health_score",
        )
        # NULL (not enough data) stays NULL in the history too.
        stored = accounts._kam_read_nullable(list(areas))
        vals_list = []
        for index, account in enumerate(accounts.sorted("id")):
            drift = (index % 3 - 1) * 6.0  # worsening, stable, improving
            for months_ago in range(1, 6):
                month = this_month - relativedelta(months=months_ago)
                values = {
                    "account_id": account.id,
                    "month": month,
                }
                for fname in areas:
                    base = stored[account.id][fname] or 0.0
                    values[fname] = max(0.0, min(100.0, base - drift * months_ago))
                vals_list.append(values)
        snapshots = self.env["kam.scorecard.snapshot"].create(vals_list)
        snapshots.flush_recordset()
        for fname in areas:
            # The ORM writes a missing float as 0.0: set NULL in SQL.
            self.env.cr.execute(
                SQL(
                    "UPDATE kam_scorecard_snapshot SET %s = NULL WHERE id = ANY(%s)",
                    SQL.identifier(fname),
                    [
                        snapshot.id
                        for snapshot in snapshots
                        if stored[snapshot.account_id.id][fname] is None
                    ],
                )
            )
        snapshots.invalidate_recordset()
        engine._compute_scorecards(accounts)
        return True

    # ---- Demo data: lifetime value ----

    @api.model
    def _demo_clv_customers(self, product_xmlid):
        """Demo data: 30 former customers with their purchase history.

        The churn and lifetime value models need repeat buyers to learn
        from. These bought for a while and stopped more than a year ago (some
        long ago), outside the classification window: the classes and
        quadrants of the demo's key accounts stay as they are. Deterministic
        (fixed seed).
        """
        rng = random.Random(2026)
        today = fields.Date.context_today(self)
        product = self.env.ref(product_xmlid)
        partners = self.env["res.partner"].create(
            [
                {"name": f"{kind} {city}", "is_company": True}
                for kind in DEMO_KINDS
                for city in DEMO_CITIES
            ]
        )
        vals_list = []
        for index, partner in enumerate(partners):
            gap = rng.choice((20, 30, 45, 60, 90))
            count = rng.randint(2, 5) if index % 3 == 0 else rng.randint(4, 10)
            silence = 380 + rng.randint(0, 100 if index % 3 else 500)
            # Irregular intervals (exponential, mean ``gap``), counted back
            # from the last purchase.
            days = [silence]
            for _number in range(count - 1):
                days.append(days[-1] + 1 + int(rng.expovariate(1.0 / gap)))
            amount = rng.choice((800, 1500, 2500, 4000))
            for days_ago in days:
                vals_list.append(
                    self._demo_invoice_vals(
                        partner,
                        product,
                        today - timedelta(days=days_ago),
                        amount * rng.uniform(0.5, 1.5),
                    )
                )
        moves = self.env["account.move"].create(vals_list)
        moves.action_post()
        return True

    @api.model
    def _demo_plan_investment(self, plan):
        """Demo data: a director's planned investment ``{account xmlid:
        (amount, years)}``."""
        for xmlid, (amount, years) in plan.items():
            self.env.ref(xmlid).write(
                {"investment_amount": amount, "investment_years": years}
            )
        return True

    # ---- Demo data: the KAMs' time ----

    @api.model
    def _demo_time_allocation(self, user_xmlids):
        """Demo data: meetings and done activities of the demo KAMs.

        Each KAM attends the meetings of :data:`DEMO_MEETINGS` (the second
        KAM only every other one) and marks done the activities of
        :data:`DEMO_ACTIVITIES` on their key accounts, so that the
        time-allocation report has figures to compare with the reference.
        """
        today = fields.Date.context_today(self)
        events = []
        users = [self.env.ref(xmlid) for xmlid in user_xmlids]
        for index, user in enumerate(users):
            for number, (days, hour, hours, category) in enumerate(DEMO_MEETINGS):
                if index and number % 2:
                    continue
                start = datetime.combine(today - timedelta(days=days), time(hour))
                events.append(
                    {
                        "name": dict(
                            self.env["calendar.event"]
                            ._fields["kam_time_category"]
                            ._description_selection(self.env)
                        )[category],
                        "start": start,
                        "stop": start + timedelta(hours=hours),
                        "duration": hours,
                        "user_id": user.id,
                        "partner_ids": [fields.Command.set(user.partner_id.ids)],
                        "kam_time_category": category,
                    }
                )
        self.env["calendar.event"].with_context(
            no_mail_to_attendees=True, mail_create_nolog=True
        ).create(events)
        model_id = self.env["ir.model"]._get_id(self._name)
        # Activity types the installed addons do not define are left out
        # (sale 19.0 has no upsell type).
        activity_types = [
            (self.env.ref(xmlid, raise_if_not_found=False), count)
            for xmlid, count in DEMO_ACTIVITIES
        ]
        activity_types = [(type_, count) for type_, count in activity_types if type_]
        for user in users:
            accounts = self.search([("kam_user_id", "=", user.id)], limit=1)
            account = accounts or self.search([("is_key_account", "=", True)], limit=1)
            # Following first: activities created in a batch on one record
            # would each subscribe their user.
            account.message_subscribe(partner_ids=user.partner_id.ids)
            activities = self.env["mail.activity"].create(
                [
                    {
                        "activity_type_id": activity_type.id,
                        "res_model_id": model_id,
                        "res_id": account.id,
                        "user_id": user.id,
                        "summary": activity_type.name,
                        "date_deadline": today,
                    }
                    for activity_type, count in activity_types
                    for _index in range(count)
                ]
            )
            activities.with_user(user).action_feedback(feedback="Done (demo).")
            self._demo_spread_done_messages(account, user)
        return True

    @api.model
    def _demo_spread_done_messages(self, account, user):
        """Date the demo's done activities over the last weeks, as a real
        KAM's are: all of today, they buried the account's chatter."""
        messages = self.env["mail.message"].search(
            [
                ("model", "=", self._name),
                ("res_id", "=", account.id),
                ("author_id", "=", user.partner_id.id),
                ("subtype_id", "=", self.env.ref("mail.mt_activities").id),
            ]
        )
        now = fields.Datetime.now()
        count = len(messages)
        dates = [
            now - timedelta(days=7 + index * DEMO_ACTIVITY_DAYS // max(count, 1))
            for index in range(count)
        ]
        self.env["mail.message"].flush_model(["date"])
        self.env.cr.execute(
            """
            UPDATE mail_message m SET date = spread.date
              FROM unnest(%s::int[], %s::timestamp[]) AS spread(id, date)
             WHERE m.id = spread.id
            """,
            [messages.ids, dates],
        )
        messages.invalidate_recordset(["date"])

    # ---- Matrix dashboard ----
    # The data of the matrix dashboard (an OWL client action), in one call.
    #
    # The dashboard plots the key accounts of one company on the account analysis
    # matrix (supplier position across, account potential up), with the company's
    # quadrant thresholds, and lists the portfolio per quadrant and ABC class and
    # the accounts with the lowest health. Everything is read with the user's own
    # rights (a KAM sees their accounts only) in a few set-based reads whose number
    # does not depend on the number of accounts.

    # ------------------------------------------------------------------
    # Filters
    # ------------------------------------------------------------------
    @api.model
    def _kam_dashboard_filters(self, filters):
        """Check the dashboard's filters; return (company, domain, applied).

        :raise UserError: on an unknown filter, a value of the wrong type, a
            company the user may not work for or an unknown tier
        """
        filters = filters or {}
        if not isinstance(filters, dict):
            raise UserError(self.env._("The dashboard filters must be a mapping."))
        unknown = sorted(str(key) for key in set(filters) - set(DASHBOARD_FILTERS))
        if unknown:
            raise UserError(
                self.env._(
                    "Unknown dashboard filter: %(names)s.", names=", ".join(unknown)
                )
            )
        company_id = filters.get("company_id") or self.env.company.id
        if not _is_id(company_id):
            raise UserError(
                self.env._(
                    "The company of the dashboard must be given by its id (got "
                    "%(value)s).",
                    value=repr(company_id),
                )
            )
        company = self.env.user.company_ids.filtered(lambda c: c.id == company_id)
        if not company:
            raise UserError(
                self.env._(
                    "You cannot see the key accounts of this company: it is not "
                    "one of your companies."
                )
            )
        kam_user_id = filters.get("kam_user_id") or False
        if kam_user_id and not _is_id(kam_user_id):
            raise UserError(
                self.env._(
                    "The KAM of the dashboard must be given by its id (got %(value)s).",
                    value=repr(kam_user_id),
                )
            )
        tier = filters.get("tier") or False
        tiers = dict(self._fields["tier"]._description_selection(self.env))
        if tier and (not isinstance(tier, str) or tier not in tiers):
            raise UserError(
                self.env._(
                    "Unknown tier %(value)s: use one of %(tiers)s.",
                    value=repr(tier),
                    tiers=", ".join(tiers.values()),
                )
            )
        domain = [("company_id", "=", company.id), ("is_key_account", "=", True)]
        if kam_user_id:
            domain.append(("kam_user_id", "=", kam_user_id))
        if tier:
            domain.append(("tier", "=", tier))
        applied = {"company_id": company.id, "kam_user_id": kam_user_id, "tier": tier}
        return company, domain, applied

    # ------------------------------------------------------------------
    # Data
    # ------------------------------------------------------------------
    @api.model
    def kam_matrix_dashboard_data(self, filters=None):
        """Everything the matrix dashboard shows, as JSON-ready values.

        ``filters``: ``{"company_id": id, "kam_user_id": id or False,
        "tier": key or False}``; the company defaults to the current one.
        Read with the caller's rights: record rules decide which key accounts
        appear.
        """
        company, domain, applied = self._kam_dashboard_filters(filters)
        # The company was checked above against the user's companies; the
        # record rules then apply to it like to any company in the switcher.
        accounts = self.with_company(company)
        # Many2ones as ids (load=None): the display name of 1,000 partners
        # costs far more than their names.
        rows = accounts.search_read(
            domain, list(POINT_FIELDS), order="revenue desc", load=None
        )
        # sudo: names of the customers and KAMs of the accounts read above
        # with the user's rights, as Odoo's own read gives a many2one's name.
        partner_names = {
            partner.id: partner.name
            for partner in self.env["res.partner"]
            .sudo()
            .browse(list({row["partner_id"] for row in rows}))
        }
        kam_names = {
            user.id: user.name
            for user in self.env["res.users"]
            .sudo()
            .browse(list({row["kam_user_id"] for row in rows if row["kam_user_id"]}))
        }

        selection = self._fields["quadrant"]._description_selection(self.env)
        quadrant_labels = dict(selection)
        class_labels = dict(
            self._fields["pareto_class"]._description_selection(self.env)
        )
        light_labels = dict(
            self._fields["health_light"]._description_selection(self.env)
        )
        tier_labels = dict(self._fields["tier"]._description_selection(self.env))
        strategies = self._strategy_texts()

        points = []
        for row in rows:
            if not row["quadrant"]:
                continue  # not assessed: no position, no place on the matrix
            points.append(
                {
                    "id": row["id"],
                    "name": partner_names[row["partner_id"]],
                    "potential": row["potential_score"],
                    "position": row["position_score"],
                    "revenue": row["revenue"],
                    "quadrant": row["quadrant"],
                    "locked": row["quadrant_locked"],
                    "pareto_class": row["pareto_class"] or False,
                    "kam": kam_names.get(row["kam_user_id"], False),
                    "tier": tier_labels.get(row["tier"], False),
                }
            )
        healthy = [row for row in rows if row["health_light"]]
        healthy.sort(key=lambda row: (row["health_score"], row["id"]))
        lowest = [
            {
                "id": row["id"],
                "name": partner_names[row["partner_id"]],
                "health": row["health_score"],
                "light": row["health_light"],
                "light_label": light_labels.get(row["health_light"], ""),
                "kam": kam_names.get(row["kam_user_id"], False),
            }
            for row in healthy[:LOWEST_HEALTH_LIMIT]
        ]

        by_quadrant = dict.fromkeys((*QUADRANT_ORDER, False), (0, 0.0))
        for quadrant, count, revenue in accounts._read_group(
            domain, ["quadrant"], ["__count", "revenue:sum"]
        ):
            by_quadrant[quadrant] = (count, revenue or 0.0)
        by_class = dict.fromkeys((*CLASS_ORDER, False), (0, 0.0))
        for pareto_class, count, revenue in accounts._read_group(
            domain, ["pareto_class"], ["__count", "revenue:sum"]
        ):
            by_class[pareto_class] = (count, revenue or 0.0)

        # The KAMs of the company's key accounts the user can see, for the
        # KAM filter (whatever the KAM and tier chosen).
        kams = accounts._read_group(
            [("company_id", "=", company.id), ("is_key_account", "=", True)],
            ["kam_user_id"],
        )
        return {
            "filters": applied,
            "options": {
                "companies": [
                    {"id": c.id, "name": c.name}
                    for c in self.env.user.company_ids.sorted("name")
                ],
                "kams": sorted(
                    ({"id": user.id, "name": user.name} for (user,) in kams if user),
                    key=lambda kam: kam["name"].lower(),
                ),
                "tiers": [
                    {"id": key, "name": label} for key, label in tier_labels.items()
                ],
            },
            "company": {"id": company.id, "name": company.name},
            "currency_id": company.currency_id.id,
            "thresholds": {
                "potential": company.kam_potential_threshold,
                "position": company.kam_position_threshold,
            },
            "points": points,
            "quadrants": [
                {
                    "key": key,
                    "label": quadrant_labels[key],
                    "strategy": strategies[key],
                    "count": by_quadrant[key][0],
                    "revenue": by_quadrant[key][1],
                }
                for key in QUADRANT_ORDER
            ],
            "not_assessed": by_quadrant[False][0],
            "classes": [
                {
                    "key": key,
                    "label": class_labels[key],
                    "count": by_class[key][0],
                    "revenue": by_class[key][1],
                }
                for key in CLASS_ORDER
            ],
            "unclassified": by_class[False][0],
            "total": len(rows),
            "total_revenue": sum(row["revenue"] for row in rows),
            "lowest_health": lowest,
            "no_health": len(rows) - len(healthy),
        }

    # ---- Relationship map ----
    # The buying centre of a key account as a picture: org chart and map.
    #
    # The org chart is Odoo's own ``hierarchy`` view on the buying roles (reporting
    # lines); the relationship map is a client action drawing the graph returned by
    # ``get_relationship_graph``: the customer's people, our people, who reports to
    # whom and who on our side owns each relationship.

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_open_relationship_map(self):
        """The relationship map of the account (client action)."""
        self.ensure_one()
        self.check_access("read")
        return {
            "type": "ir.actions.client",
            "tag": MAP_ACTION_TAG,
            "name": self.env._(
                "Relationship Map of %(account)s", account=self.display_name
            ),
            "context": {"active_id": self.id, "active_model": self._name},
            "params": {"account_id": self.id},
        }

    def action_view_org_chart(self):
        """The reporting lines of the account's buying centre, as an org chart."""
        self.ensure_one()
        action = self.action_view_buying_centre()
        hierarchy = self.env.ref("kam_management.view_kam_buying_role_hierarchy")
        action["name"] = self.env._("Org Chart")
        action["display_name"] = self.env._(
            "Org Chart of %(account)s", account=self.display_name
        )
        action["view_mode"] = "hierarchy,kanban,list,form"
        action["views"] = [
            (hierarchy.id, "hierarchy"),
            (False, "kanban"),
            (False, "list"),
            (False, "form"),
        ]
        return action

    # ------------------------------------------------------------------
    # The graph
    # ------------------------------------------------------------------
    def get_relationship_graph(self):
        """Nodes and edges of the account's relationship map.

        Read with the user's rights: an account the user may not read raises
        an ``AccessError``, and the buying roles are the ones their record
        rules let them see. A handful of queries whatever the size of the
        buying centre.

        :return: ``{"account", "warnings", "nodes", "edges", "legend",
            "summary"}``;
            nodes are the contacts (``kind`` ``contact``) and our people
            (``kind`` ``user``: the KAM, the account team and the owners of
            the relationships); edges are ``reports_to`` (contact to their
            manager) and ``owner`` (our person to the contact, with the
            relationship's strength). The model records no "influences whom"
            links: the reporting lines and the ownership are the links.
        """
        self.ensure_one()
        self.check_access("read")
        Role = self.env["kam.buying.role"]
        roles = Role.search([("account_id", "=", self.id)])
        attitudes = dict(Role._fields["attitude"]._description_selection(self.env))
        influences = dict(Role._fields["influence"]._description_selection(self.env))
        functions = dict(
            self.env["kam.team.member"]
            ._fields["function"]
            ._description_selection(self.env)
        )
        role_ids = set(roles.ids)
        nodes, edges = [], []
        for role in roles:
            weak_dm = (
                role.is_decision_maker
                and role.relationship_strength < STRONG_RELATIONSHIP
            )
            nodes.append(
                {
                    "id": _role_node_id(role.id),
                    "kind": "contact",
                    "res_id": role.id,
                    "name": role.partner_id.name or "",
                    "function": role.function or "",
                    "attitude": role.attitude,
                    "attitude_label": attitudes.get(role.attitude, ""),
                    "influence": role.influence,
                    "influence_label": influences.get(role.influence, ""),
                    "strength": role.relationship_strength,
                    "roles": [
                        {"name": dr.name, "color": dr.color or 0}
                        for dr in role.role_ids
                    ],
                    "is_decision_maker": role.is_decision_maker,
                    "is_key_contact": role.is_key_contact,
                    "weak_decision_maker": weak_dm,
                    "interaction_overdue": role.is_key_contact
                    and role.interaction_overdue,
                    "owner": role.owner_id.name or "",
                    "manager_id": (
                        _role_node_id(role.reports_to_id.id)
                        if role.reports_to_id.id in role_ids
                        else False
                    ),
                }
            )
            if role.reports_to_id.id in role_ids:
                edges.append(
                    {
                        "type": "reports_to",
                        "source": _role_node_id(role.id),
                        "target": _role_node_id(role.reports_to_id.id),
                    }
                )
            if role.owner_id:
                edges.append(
                    {
                        "type": "owner",
                        "source": _user_node_id(role.owner_id.id),
                        "target": _role_node_id(role.id),
                        "strength": role.relationship_strength,
                    }
                )
        nodes.extend(self._relationship_graph_people(roles, functions))
        decision_makers = roles.filtered("is_decision_maker")
        strengths = roles.mapped("relationship_strength")
        return {
            "account": {"id": self.id, "name": self.display_name},
            # The gaps the account form warns about, one per line.
            "warnings": (self.coverage_warning or "").splitlines(),
            "nodes": nodes,
            "edges": edges,
            "legend": {
                "attitudes": list(attitudes.items()),
                "influences": list(influences.items()),
                "strong": STRONG_RELATIONSHIP,
            },
            "summary": {
                "contacts": len(roles),
                "decision_makers": len(decision_makers),
                "weak_decision_makers": len(
                    decision_makers.filtered(
                        lambda r: r.relationship_strength < STRONG_RELATIONSHIP
                    )
                ),
                "strong": sum(1 for s in strengths if s >= STRONG_RELATIONSHIP),
                "average_strength": (
                    round(sum(strengths) / len(strengths), 1) if strengths else 0
                ),
            },
        }

    def _relationship_graph_people(self, roles, functions):
        """Our people on the map: the KAM, the account team, the owners."""
        self.ensure_one()
        people = {}

        def add(user, subtitle, rank):
            if not user:
                return
            node = people.get(user.id)
            if node is None or rank < node["rank"]:
                people[user.id] = {
                    "id": _user_node_id(user.id),
                    "kind": "user",
                    "res_id": user.id,
                    "name": user.name or "",
                    "function": subtitle,
                    "rank": rank,
                }

        add(self.kam_user_id, self.env._("Key Account Manager"), 0)
        for member in self.team_member_ids:
            add(member.user_id, functions.get(member.function, ""), 1)
        for owner in roles.owner_id:
            add(owner, self.env._("Relationship owner"), 2)
        owned = {}
        for role in roles:
            owned[role.owner_id.id] = owned.get(role.owner_id.id, 0) + 1
        for node in people.values():
            node["owned"] = owned.get(node["res_id"], 0)
        return sorted(
            people.values(), key=lambda n: (n["rank"], n["name"], n["res_id"])
        )

    # ---- Lifetime value ----
    # Churn risk, lifetime value and the three-year projection of an account.
    #
    # The classification run writes the predictions and their inputs (see the
    # lifetime value part of ``kam_classification_engine.py``); directors
    # enter the investment they plan for an account (checked by
    # ``_check_director_fields``), and the expected return follows from the
    # projected gross margin.

    # --- inputs of the models (whole purchase history) -------------------
    clv_frequency = fields.Integer(
        string="Repeat Purchases",
        readonly=True,
        help="Days with an invoice after the first one, over the whole history "
        "(frequency).",
    )
    clv_recency = fields.Integer(
        string="First to Last Purchase (days)",
        readonly=True,
        help="Days from the first to the last purchase (recency).",
    )
    clv_age = fields.Integer(
        string="Customer Age (days)",
        readonly=True,
        help="Days from the first purchase to the classification (T).",
    )
    clv_monetary = fields.Monetary(
        string="Average Repeat Purchase",
        readonly=True,
        help="Net invoiced value after the first purchase day, per repeat purchase.",
    )
    # --- predictions -------------------------------------------------------
    churn_probability = fields.Float(
        string="Churn Risk (%)",
        readonly=True,
        digits=(5, 1),
        aggregator="avg",
        help="Probability that the customer has stopped buying from us, "
        "100 - P(alive) of the BG/NBD model fitted on all the company's "
        "customers. A customer who never bought twice is not counted as lost.",
    )
    expected_purchases_12m = fields.Float(
        string="Expected Purchases (12 Months)", readonly=True, digits=(16, 2)
    )
    expected_avg_value = fields.Monetary(
        string="Expected Value per Purchase",
        readonly=True,
        help="Gamma-Gamma model: the customer's own average weighed against the "
        "average of all customers, by how many purchases it rests on.",
    )
    expected_revenue_12m = fields.Monetary(
        string="Expected Revenue (12 Months)", readonly=True
    )
    clv_value = fields.Monetary(
        string="Lifetime Value",
        readonly=True,
        help="Expected revenue over the horizon of the settings, month by "
        "month, discounted at the settings' rate.",
    )
    projected_revenue_y1 = fields.Monetary(string="Revenue Year 1", readonly=True)
    projected_revenue_y2 = fields.Monetary(string="Revenue Year 2", readonly=True)
    projected_revenue_y3 = fields.Monetary(string="Revenue Year 3", readonly=True)
    projected_margin_y1 = fields.Monetary(
        string="Gross Margin Year 1",
        readonly=True,
        help="Projected revenue times the account's gross margin (%).",
    )
    projected_margin_y2 = fields.Monetary(string="Gross Margin Year 2", readonly=True)
    projected_margin_y3 = fields.Monetary(string="Gross Margin Year 3", readonly=True)
    has_prediction = fields.Boolean(
        compute="_compute_has_prediction",
        help="The last classification could fit the models and predict this customer.",
    )
    # --- the director's investment and its expected return ------------------
    investment_amount = fields.Monetary(
        string="Planned Investment",
        tracking=True,
        help="What we plan to invest in this account (directors).",
    )
    investment_years = fields.Integer(
        string="Investment Horizon (years)",
        default=3,
        tracking=True,
        help="Years (1 to 3) of projected gross margin the investment is "
        "weighed against.",
    )
    expected_margin_return = fields.Monetary(
        string="Discounted Gross Margin",
        compute="_compute_expected_return",
        store=True,
        help="Projected gross margin of the investment's years, discounted "
        "month by month as the lifetime value is: each year's margin spread "
        "evenly over its 12 months, month m worth (1 + r) ^ (-m / 12) today, r "
        "the annual rate of the settings.",
    )
    expected_return_pct = fields.Float(
        string="Expected Return (%)",
        compute="_compute_expected_return",
        store=True,
        digits=(16, 1),
        aggregator="avg",
        help="(Discounted gross margin - planned investment) / planned "
        "investment. The margin is the account's projected margin as it "
        "buys today, not an estimate of what the investment adds.",
    )

    @api.depends("clv_value")
    def _compute_has_prediction(self):
        # NULL reads 0.0, and a predicted lifetime value is never 0: every
        # customer keeps some chance of buying again.
        for account in self:
            account.has_prediction = bool(account.clv_value)

    @api.depends(
        "investment_amount",
        "investment_years",
        "clv_value",
        "projected_margin_y1",
        "projected_margin_y2",
        "projected_margin_y3",
        "company_id.kam_clv_discount_rate",
    )
    def _compute_expected_return(self):
        for account in self:
            # Accounts created by the classification have no horizon yet: 3.
            years = min(account.investment_years or 3, 3)
            margins = (
                account.projected_margin_y1,
                account.projected_margin_y2,
                account.projected_margin_y3,
            )[:years]
            discounted = discounted_yearly_amounts(
                margins, account.company_id.kam_clv_discount_rate
            )
            account.expected_margin_return = discounted
            account.expected_return_pct = (
                (discounted - account.investment_amount)
                / account.investment_amount
                * 100.0
                if account.investment_amount > 0 and margins and account.clv_value
                else False
            )

    @api.constrains("investment_amount", "investment_years")
    def _check_investment(self):
        for account in self:
            if not 0 <= account.investment_amount <= MAX_INVESTMENT:
                raise ValidationError(
                    self.env._(
                        "The planned investment of %(account)s must be between 0 "
                        "and %(max)s (got %(amount)s).",
                        account=account.display_name,
                        max=format_number(self.env, MAX_INVESTMENT),
                        amount=format_number(self.env, account.investment_amount),
                    )
                )
            if account.investment_years and not 1 <= account.investment_years <= 3:
                raise ValidationError(
                    self.env._(
                        "The investment horizon of %(account)s must be 1, 2 or 3 "
                        "years (got %(years)s).",
                        account=account.display_name,
                        years=account.investment_years,
                    )
                )

    # ---- Scorecard ----
    # Scorecard fields of the key account (written by the scorecard pass;
    # system fields, see _kam_get_system_fields).

    moment_ids = fields.One2many(
        "kam.moment.truth", "account_id", string="Moments of Truth"
    )
    snapshot_ids = fields.One2many(
        "kam.scorecard.snapshot", "account_id", string="Scorecard History"
    )
    scorecard_date = fields.Datetime(string="Scorecard Computed On", readonly=True)
    scorecard_period_start = fields.Date(string="Scorecard From", readonly=True)
    sales_score = fields.Float(string="Sales (0-100)", readonly=True, digits=(5, 1))
    opportunities_score = fields.Float(
        string="Opportunities (0-100)", readonly=True, digits=(5, 1)
    )
    relationships_score = fields.Float(
        string="Relationships (0-100)", readonly=True, digits=(5, 1)
    )
    satisfaction_score = fields.Float(
        string="Satisfaction (0-100)", readonly=True, digits=(5, 1)
    )
    alerts_score = fields.Float(string="Alerts (0-100)", readonly=True, digits=(5, 1))
    health_score = fields.Float(
        string="Health (0-100)", readonly=True, digits=(5, 1), aggregator="avg"
    )
    health_light = fields.Selection(LIGHTS, string="Health", readonly=True, index=True)
    health_trend = fields.Selection(
        TRENDS,
        readonly=True,
        help="Health against the snapshot of the previous month.",
    )
    scorecard_missing = fields.Char(string="Area Codes without Data", readonly=True)
    scorecard_missing_label = fields.Char(
        string="Areas without Data",
        compute="_compute_scorecard_missing_label",
        help="Areas left out of the health for lack of data.",
    )
    sc_revenue_achieved_pct = fields.Float(
        string="Revenue vs Objective to Date (%)", readonly=True, digits=(16, 1)
    )
    sc_margin_achieved_pct = fields.Float(
        string="Margin vs Objective to Date (%)", readonly=True, digits=(16, 1)
    )
    sc_growth_pct = fields.Float(
        string="Growth vs Previous Period (%)", readonly=True, digits=(16, 1)
    )
    sc_new_categories = fields.Float(
        string="New Product Categories", readonly=True, digits=(16, 0)
    )
    sc_win_rate_pct = fields.Float(string="Win Rate (%)", readonly=True, digits=(16, 1))
    sc_pipeline_coverage = fields.Float(
        string="Pipeline / Objective Still to Achieve", readonly=True, digits=(16, 2)
    )
    sc_qualified_count = fields.Float(
        string="Qualified Opportunities", readonly=True, digits=(16, 0)
    )
    sc_identified_count = fields.Integer(
        string="Identified Opportunities", readonly=True
    )
    sc_won_count = fields.Integer(string="Won Opportunities", readonly=True)
    sc_won_value = fields.Monetary(string="Won Value", readonly=True)
    sc_pipeline_value = fields.Monetary(string="Open Pipeline", readonly=True)
    sc_strong_contacts = fields.Float(
        string="Contacts with Strength 3+", readonly=True, digits=(16, 0)
    )
    sc_decision_makers_covered_pct = fields.Float(
        string="Decision Makers Covered (%)", readonly=True, digits=(16, 1)
    )
    sc_new_contacts = fields.Float(string="New Contacts", readonly=True, digits=(16, 0))
    sc_interactions = fields.Float(string="Interactions", readonly=True, digits=(16, 0))
    sc_survey_score = fields.Float(
        string="Survey Score (0-10)", readonly=True, digits=(16, 1)
    )
    sc_survey_nps = fields.Float(
        string="Net Promoter Score",
        readonly=True,
        digits=(16, 0),
        help="Percentage of promoters (9-10) minus percentage of detractors "
        "(0-6) among the answers to the NPS question in the period, from -100 "
        "to 100.",
    )
    sc_survey_answer_count = fields.Integer(
        string="Survey Answers in the Period", readonly=True
    )
    sc_survey_sent_count = fields.Integer(
        string="Surveys Sent in the Period", readonly=True
    )
    sc_moments_balance_pct = fields.Float(
        string="Moments of Truth Balance (%)", readonly=True, digits=(16, 1)
    )
    sc_alert_points_lost = fields.Float(
        string="Points Lost to Open Alerts", readonly=True, digits=(16, 0)
    )
    scorecard_explanation = fields.Text(
        string="How the Scorecard Is Made", compute="_compute_scorecard_explanation"
    )
    scorecard_kpis_missing = fields.Char(
        string="KPI Codes without Data",
        compute="_compute_scorecard_explanation",
        help="Codes of the KPIs that could not be measured, between commas: "
        "the scorecard shows them as 'not enough data', not as 0.",
    )
    scorecard_no_data = fields.Char(
        string="Not Enough Data", compute="_compute_scorecard_explanation"
    )

    @api.model
    def _kam_area_labels(self):
        return [
            ("sales", self.env._("Sales")),
            ("opportunities", self.env._("Opportunities")),
            ("relationships", self.env._("Relationships")),
            ("satisfaction", self.env._("Satisfaction")),
            ("alerts", self.env._("Alerts")),
        ]

    @api.depends("scorecard_missing")
    @api.depends_context("lang")
    def _compute_scorecard_missing_label(self):
        labels = dict(self._kam_area_labels())
        for account in self:
            codes = [c for c in (account.scorecard_missing or "").split(",") if c]
            account.scorecard_missing_label = ", ".join(labels[c] for c in codes)

    # ------------------------------------------------------------------
    # Explanation (from the stored values; nothing is recomputed)
    # ------------------------------------------------------------------
    @api.depends(
        *KPI_FIELDS,
        *SCORE_FIELDS,
        "scorecard_date",
        "scorecard_missing",
        "sc_survey_sent_count",
    )
    @api.depends_context("lang")
    def _compute_scorecard_explanation(self):
        raw = self._kam_read_nullable([*KPI_FIELDS, *SCORE_FIELDS])
        no_data = self.env._("not enough data")
        for account in self:
            values = raw.get(account.id, {})
            account.scorecard_explanation = account._explain_scorecard(values)
            account.scorecard_no_data = no_data
            missing = [n for n in KPI_MAPPINGS if values.get(f"sc_{n}") is None]
            account.scorecard_kpis_missing = (
                ",{},".format(",".join(missing)) if account.scorecard_date else False
            )

    def _kam_read_nullable(self, fnames):
        """Stored values with NULL kept as None (the ORM reads NULL as 0.0)."""
        ids = [i for i in self.ids if i]
        if not ids:
            return {}
        self.flush_model(fnames)
        rows = self.env.execute_query(
            SQL(
                "SELECT id, %s FROM kam_account WHERE id = ANY(%s)",
                SQL(", ").join(SQL.identifier(f) for f in fnames),
                ids,
            )
        )
        return {row[0]: dict(zip(fnames, row[1:], strict=True)) for row in rows}

    def _explain_scorecard(self, raw):
        self.ensure_one()
        if not self.scorecard_date:
            return self.env._("No scorecard yet: it is computed every night.")
        company = self.company_id
        labels = dict(self._kam_area_labels())
        kpi_labels = {
            name: self._fields[f"sc_{name}"]._description_string(self.env)
            for name in KPI_MAPPINGS
        }
        lines = []
        for area in AREAS:
            weight = company[AREA_WEIGHT_FIELDS[area]]
            score = raw.get(f"{area}_score")
            parts = []
            for name, mapping in KPI_MAPPINGS.items():
                if mapping.area != area:
                    continue
                value = raw.get(f"sc_{name}")
                if value is None:
                    parts.append(self._explain_kpi_missing(name, kpi_labels[name]))
                    continue
                points = float(mapping.points(pd.Series([value])).iloc[0])
                parts.append(
                    self.env._(
                        "%(kpi)s %(value)s → %(points)s points",
                        kpi=kpi_labels[name],
                        value=format_number(self.env, value),
                        points=format_number(self.env, round(points)),
                    )
                )
            if score is None:
                lines.append(
                    self.env._(
                        "%(area)s: not enough data (weight %(weight)s, left out): "
                        "%(kpis)s.",
                        area=labels[area],
                        weight=format_number(self.env, weight),
                        kpis="; ".join(parts),
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "%(area)s %(score)s/100 (weight %(weight)s): %(kpis)s.",
                        area=labels[area],
                        score=format_number(self.env, round(score, 1), digits=1),
                        weight=format_number(self.env, weight),
                        kpis="; ".join(parts),
                    )
                )
        health = raw.get("health_score")
        if health is None:
            lines.append(self.env._("Health: not enough data in any area."))
        else:
            lines.append(
                self.env._(
                    "Health %(score)s/100: weighted mean of the areas with data "
                    "(healthy from %(green)s, watch from %(amber)s).",
                    score=format_number(self.env, round(health, 1), digits=1),
                    green=format_number(self.env, company.kam_health_green_from),
                    amber=format_number(self.env, company.kam_health_amber_from),
                )
            )
        return "\n".join(lines)

    def _explain_kpi_missing(self, name, label):
        """What the explanation says of a KPI without data."""
        if name == "survey_score" and self.sc_survey_sent_count:
            return self.env._(
                "%(kpi)s n/a: not enough data (%(sent)s surveys sent in the "
                "period, none answered yet)",
                kpi=label,
                sent=self.sc_survey_sent_count,
            )
        return self.env._("%(kpi)s n/a", kpi=label)

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_refresh_scorecard(self):
        """Compute the scorecard of these accounts now."""
        self.check_access("write")
        self.env["kam.scorecard.engine"]._compute_scorecards(self)
        return True

    def action_view_scorecard_history(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Scorecard History of %(account)s", account=self.display_name
            ),
            "res_model": "kam.scorecard.snapshot",
            "view_mode": "graph,pivot,list",
            "domain": [("account_id", "=", self.id)],
            "context": {"graph_groupbys": ["month:month"]},
        }
