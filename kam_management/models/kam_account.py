from collections import defaultdict

from odoo import api, fields, models, tools
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression
from odoo.tools import format_date

from .kam_classification_engine import WRITTEN_FIELDS
from .kam_format import format_number
from .kam_guard import is_internal_user_of
from .res_company import WEIGHT_FIELDS

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

    _sql_constraints = [
        (
            "partner_company_unique",
            "unique(partner_id, company_id)",
            "A customer has one key-account record per company.",
        )
    ]

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
        return expression.OR(domains)

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

        :param former_kams: ``{account id: former KAM (possibly empty)}``
        """
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
