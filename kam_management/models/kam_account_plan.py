"""The account plan: a 12 to 18 months plan for one key account."""

from contextlib import contextmanager

import psycopg2.errors
from dateutil.relativedelta import relativedelta
from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, mute_logger

from ..compat import group_users
from .kam_html import clean_html_values

# One open plan per account and period (partial unique index).
PERIOD_INDEX = "kam_account_plan_one_per_period_idx"
PERIOD_FIELDS = {"account_id", "date_start", "date_end", "state"}
PLAN_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("approved", "Approved"),
    ("active", "Active"),
    ("closed", "Closed"),
]
# Business strategy and history carried over to the plan of the next period.
STRATEGY_FIELDS = (
    "goals_three_years",
    "industry_id",
    "competitive_approach",
    "strengths",
    "weaknesses",
    "value_added",
    "power_centres",
    "why_us",
    "history_achievements",
    "history_lost_opportunities",
    "history_problems",
    "history_solutions",
)
DEFAULT_MONTHS = 18
MIN_MONTHS = 12
MAX_MONTHS = 18
REVIEW_MONTHS = 3
REVIEW_ACTIVITY = "kam_management.mail_activity_type_plan_review"
APPROVAL_ACTIVITY = "kam_management.mail_activity_type_plan_approval"


def _is_director(env):
    return env.su or env.user.has_group("kam_management.group_kam_manager")


class KamAccountPlan(models.Model):
    """A personalised plan for one key account and one period.

    Covers the business strategy, the objectives and their KPIs, the actions
    of the account team, the agreements and the opportunities of the period.
    """

    _name = "kam.account.plan"
    _description = "Account Plan"
    _inherit = ["kam.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_start desc, id desc"
    _check_company_auto = True
    _kam_recheck_fields = ("account_id", "company_id")
    # The state moves only through the buttons, each checking who presses it.
    _kam_system_fields = ("state", "last_review_date")
    # HTML typed by users, printed for the customer: stored without any
    # reference to a resource outside the text (see kam_html).
    _kam_html_fields = ("goals_three_years",)

    name = fields.Char(
        compute="_compute_name",
        store=True,
        readonly=False,
        precompute=True,
        required=True,
        tracking=True,
    )
    account_id = fields.Many2one(
        "kam.account",
        string="Key Account",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('is_key_account', '=', True)]",
    )
    partner_id = fields.Many2one(
        related="account_id.partner_id", store=True, string="Customer", index=True
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="account_id.currency_id", compute_sudo=False)
    kam_user_id = fields.Many2one(
        related="account_id.kam_user_id",
        store=True,
        index=True,
        string="Key Account Manager",
    )
    # group_expand: the kanban columns follow the workflow, not the alphabet.
    state = fields.Selection(
        PLAN_STATES,
        default="draft",
        required=True,
        copy=False,
        index=True,
        tracking=True,
        group_expand=True,
    )
    date_start = fields.Date(
        string="Start",
        required=True,
        default=lambda self: self._default_date_start(),
        tracking=True,
    )
    date_end = fields.Date(
        string="End",
        required=True,
        default=lambda self: self._default_date_end(),
        tracking=True,
        help="Account plans usually cover 12 to 18 months.",
    )
    review_date = fields.Date(
        string="Next Review",
        compute="_compute_review_date",
        store=True,
        readonly=False,
        precompute=True,
        copy=False,
        tracking=True,
    )
    last_review_date = fields.Date(string="Last Review", copy=False, readonly=True)
    is_review_due = fields.Boolean(
        string="Review Due",
        compute="_compute_is_review_due",
        search="_search_is_review_due",
        help="The review date has passed and the plan was not reviewed since.",
    )
    goals_three_years = fields.Html(
        string="Three-Year Goals",
        help="Real opportunities and goals with the customer for the next three years.",
    )

    # --- business strategy ------------------------------------------------
    industry_id = fields.Many2one(
        "res.partner.industry",
        compute="_compute_industry_id",
        store=True,
        readonly=False,
        precompute=True,
    )
    competitive_approach = fields.Text(
        string="How the Customer Competes",
        help="Its market, its customers and the strategy it competes with.",
    )
    strengths = fields.Text(help="The customer's current strengths.")
    weaknesses = fields.Text(help="The customer's current weaknesses.")
    value_added = fields.Text(
        string="Where We Add Value",
        help="Where our products and services can improve the customer's business.",
    )
    power_centres = fields.Text(
        string="Centres of Power and Influence",
        help="Who decides and who influences the decisions at the customer.",
    )
    why_us = fields.Text(
        help="Why the customer buys from us rather than from comparable competitors.",
    )
    competitor_ids = fields.Many2many(
        "kam.competitor", string="Competitors", check_company=True
    )

    # --- history of the business ------------------------------------------
    history_achievements = fields.Text(string="Achievements")
    history_lost_opportunities = fields.Text(string="Lost Opportunities")
    history_problems = fields.Text(string="Problems")
    history_solutions = fields.Text(string="Solutions")

    # --- the account's classification -------------------------------------
    # Read with the user's rights: never computed for someone who may not
    # read the account.
    pareto_class = fields.Selection(
        related="account_id.pareto_class", compute_sudo=False
    )
    quadrant = fields.Selection(related="account_id.quadrant", compute_sudo=False)
    strategy = fields.Text(related="account_id.strategy", compute_sudo=False)
    potential_score = fields.Float(
        related="account_id.potential_score", compute_sudo=False
    )
    position_score = fields.Float(
        related="account_id.position_score", compute_sudo=False
    )

    # --- content ----------------------------------------------------------
    objective_ids = fields.One2many(
        "kam.plan.objective", "plan_id", string="Objectives", copy=False
    )
    action_ids = fields.One2many(
        "kam.plan.action", "plan_id", string="Action Plan", copy=False
    )
    agreement_ids = fields.One2many(
        related="account_id.agreement_ids",
        readonly=False,
        compute_sudo=False,
        string="Agreements",
    )
    opportunity_ids = fields.One2many(
        "crm.lead",
        "kam_plan_id",
        string="Opportunities",
        domain=[("type", "=", "opportunity")],
        copy=False,
    )
    revenue_target = fields.Monetary(
        compute="_compute_revenue_target",
        help="Sum of the targets of the revenue objectives.",
    )
    pipeline_value = fields.Monetary(
        string="Pipeline",
        compute="_compute_opportunity_values",
        help="Expected revenue of the open opportunities of the plan.",
    )
    won_value = fields.Monetary(
        string="Won",
        compute="_compute_opportunity_values",
        help="Expected revenue of the won opportunities of the plan.",
    )
    opportunity_count = fields.Integer(compute="_compute_opportunity_values")
    team_user_ids = fields.Many2many(
        "res.users",
        string="KAM and Account Team",
        compute="_compute_team_user_ids",
        help="The people who may own the actions of the plan.",
    )
    open_action_count = fields.Integer(
        string="Open Actions", compute="_compute_open_action_count"
    )

    # ------------------------------------------------------------------
    # Defaults and computes
    # ------------------------------------------------------------------
    @api.model
    def _default_date_start(self):
        return fields.Date.context_today(self).replace(day=1)

    @api.model
    def _default_date_end(self):
        return (
            self._default_date_start()
            + relativedelta(months=DEFAULT_MONTHS)
            - relativedelta(days=1)
        )

    @api.depends("account_id", "date_start", "date_end")
    def _compute_name(self):
        for plan in self:
            if not plan.account_id or not plan.date_start or not plan.date_end:
                plan.name = plan.name or False
                continue
            years = (
                str(plan.date_start.year)
                if plan.date_start.year == plan.date_end.year
                else f"{plan.date_start.year}-{plan.date_end.year}"
            )
            plan.name = f"{plan.account_id.partner_id.name} {years}"

    @api.depends("date_start")
    def _compute_review_date(self):
        for plan in self:
            if not plan.review_date and plan.date_start:
                plan.review_date = plan.date_start + relativedelta(months=REVIEW_MONTHS)

    @api.depends("account_id")
    def _compute_industry_id(self):
        for plan in self:
            if not plan.industry_id:
                plan.industry_id = plan.account_id.partner_id.industry_id

    @api.depends("review_date", "last_review_date")
    @api.depends_context("tz")
    def _compute_is_review_due(self):
        today = fields.Date.context_today(self)
        for plan in self:
            plan.is_review_due = bool(
                plan.review_date
                and plan.review_date < today
                and (
                    not plan.last_review_date
                    or plan.last_review_date < plan.review_date
                )
            )

    def _search_is_review_due(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise UserError(self.env._("This search on the review is not supported."))
        self.flush_model(["review_date", "last_review_date"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT id
                  FROM kam_account_plan
                 WHERE review_date < %(today)s
                   AND (last_review_date IS NULL OR last_review_date < review_date)
                """,
                today=fields.Date.context_today(self),
            )
        )
        due = (operator == "=") == value
        return [("id", "in" if due else "not in", [row[0] for row in rows])]

    @api.depends("objective_ids.kpi", "objective_ids.target")
    def _compute_revenue_target(self):
        for plan in self:
            plan.revenue_target = sum(
                plan.objective_ids.filtered(lambda o: o.kpi == "revenue").mapped(
                    "target"
                )
            )

    @api.depends(
        "opportunity_ids.expected_revenue",
        "opportunity_ids.stage_id",
        "opportunity_ids.active",
    )
    def _compute_opportunity_values(self):
        # sudo: the plan's figures count every opportunity linked to it, also
        # those of salespeople whose leads the KAM cannot open; only sums leave.
        groups = (
            self.env["crm.lead"]
            .sudo()
            ._read_group(
                [
                    ("kam_plan_id", "in", self._origin.ids),
                    ("type", "=", "opportunity"),
                ],
                ["kam_plan_id", "stage_id"],
                ["expected_revenue:sum", "__count"],
            )
        )
        figures = {}
        for plan, stage, amount, count in groups:
            pipeline, won, total = figures.get(plan.id, (0.0, 0.0, 0))
            if stage.is_won:
                won += amount
            else:
                pipeline += amount
            figures[plan.id] = (pipeline, won, total + count)
        for plan in self:
            pipeline, won, count = figures.get(plan._origin.id, (0.0, 0.0, 0))
            plan.pipeline_value = pipeline
            plan.won_value = won
            plan.opportunity_count = count

    @api.depends("account_id.kam_user_id", "account_id.team_member_ids.user_id")
    def _compute_team_user_ids(self):
        for plan in self:
            plan.team_user_ids = (
                plan.account_id.kam_user_id | plan.account_id.team_member_ids.user_id
            )

    @api.depends("action_ids.state")
    def _compute_open_action_count(self):
        for plan in self:
            plan.open_action_count = len(
                plan.action_ids.filtered(lambda a: a.state == "todo")
            )

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for plan in self:
            if plan.date_end <= plan.date_start:
                raise ValidationError(
                    self.env._(
                        "The account plan %(plan)s must end after it starts.",
                        plan=plan.name,
                    )
                )

    @api.constrains("account_id")
    def _check_key_account(self):
        for plan in self:
            if not plan.account_id.is_key_account:
                raise ValidationError(
                    self.env._(
                        "%(customer)s is not a key account: only key accounts "
                        "have an account plan.",
                        customer=plan.account_id.display_name,
                    )
                )

    def init(self):
        res = super().init()
        # One active plan per account, and one open plan per account and
        # period, enforced by the database itself (two presses at once).
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (account_id) "
                "WHERE state = 'active'",
                SQL.identifier("kam_account_plan_one_active_idx"),
                SQL.identifier(self._table),
            )
        )
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s "
                "(account_id, date_start, date_end) WHERE state != 'closed'",
                SQL.identifier(PERIOD_INDEX),
                SQL.identifier(self._table),
            )
        )
        return res

    def _kam_same_period(self, account, date_start, date_end):
        """The open plan of ``account`` for that period."""
        # sudo: a plan of the period that the user cannot see still counts.
        domain = [
            ("account_id", "=", account.id),
            ("date_start", "=", date_start),
            ("date_end", "=", date_end),
            ("state", "!=", "closed"),
        ]
        return self.sudo().search(domain, limit=1).sudo(self.env.su)

    @api.constrains("state", "account_id")
    def _check_one_active_plan(self):
        active = self.filtered(lambda p: p.state == "active")
        if not active:
            return
        # sudo: an active plan the user cannot see still counts.
        groups = (
            self.sudo()
            .with_context(active_test=False)
            ._read_group(
                [("account_id", "in", active.account_id.ids), ("state", "=", "active")],
                ["account_id"],
                ["__count"],
            )
        )
        for account, count in groups:
            if count > 1:
                raise ValidationError(
                    self.env._(
                        "%(customer)s already has an active account plan: close "
                        "it before activating another one.",
                        customer=account.display_name,
                    )
                )

    @api.onchange("date_start", "date_end")
    def _onchange_period(self):
        if not self.date_start or not self.date_end or self.date_end <= self.date_start:
            return None
        after_end = self.date_end + relativedelta(days=1)
        too_short = after_end < self.date_start + relativedelta(months=MIN_MONTHS)
        too_long = after_end > self.date_start + relativedelta(months=MAX_MONTHS)
        if not (too_short or too_long):
            return None
        return {
            "warning": {
                "title": self.env._("Unusual plan period"),
                "message": self.env._(
                    "An account plan usually covers %(min)s to %(max)s months; "
                    "this one runs from %(start)s to %(end)s.",
                    min=MIN_MONTHS,
                    max=MAX_MONTHS,
                    start=self.date_start,
                    end=self.date_end,
                ),
            }
        }

    # ------------------------------------------------------------------
    # Only directors approve
    # ------------------------------------------------------------------
    def _check_state_rights(self, new_state, old_states):
        """Approval is a director's decision; a plan goes live once approved."""
        if _is_director(self.env):
            return
        if new_state == "approved":
            raise UserError(
                self.env._("Only a Key Account Director can approve an account plan.")
            )
        if new_state in ("active", "closed") and not set(old_states).issubset(
            {"approved", "active", "closed"}
        ):
            raise UserError(
                self.env._(
                    "A Key Account Director must approve the account plan before "
                    "it becomes active."
                )
            )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [
            clean_html_values(vals, self._kam_html_fields) for vals in vals_list
        ]
        # The activities of the actions created with the plan are scheduled
        # once mail has subscribed the plan's followers: an activity subscribes
        # its owner, and mail would then subscribe the creator a second time.
        with self._kam_one_plan_per_period():
            plans = super(
                KamAccountPlan, self.with_context(kam_defer_activities=True)
            ).create(vals_list)
        plans = plans.with_env(self.env)
        plans._check_plan_creator()
        plans.action_ids.filtered(
            lambda a: a.state == "todo" and not a.activity_id
        )._schedule_activity()
        return plans

    def write(self, vals):
        vals = clean_html_values(vals, self._kam_html_fields)
        if not PERIOD_FIELDS.intersection(vals):
            return super().write(vals)
        with self._kam_one_plan_per_period():
            result = super().write(vals)
            self.flush_recordset(list(PERIOD_FIELDS))
        return result

    @contextmanager
    def _kam_one_plan_per_period(self):
        """One open plan per account and period, also between concurrent
        transactions: the partial unique index decides, the message explains."""
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                yield
        except psycopg2.errors.UniqueViolation as error:
            if error.diag.constraint_name != PERIOD_INDEX:
                raise
            raise ValidationError(
                self.env._(
                    "This key account already has an open account plan for the "
                    "same period: open it (Copy to Next Period opens the next "
                    "period's), or close it first."
                )
            ) from None

    def _check_plan_creator(self):
        """Only the account's KAM (or a director) starts a plan for it."""
        if self.env.su or self.env.user.has_group("kam_management.group_kam_manager"):
            return
        foreign = self.filtered(lambda p: p.account_id.kam_user_id != self.env.user)
        if foreign:
            raise UserError(
                self.env._(
                    "Only the Key Account Manager of %(accounts)s or a director "
                    "can start a plan for it.",
                    accounts=", ".join(foreign.account_id.mapped("display_name")),
                )
            )

    # ------------------------------------------------------------------
    # State machine
    # ------------------------------------------------------------------
    def _check_state(self, *states):
        labels = dict(self._fields["state"]._description_selection(self.env))
        for plan in self:
            if plan.state not in states:
                raise UserError(
                    self.env._(
                        "The account plan %(plan)s is %(state)s: this step needs "
                        "it %(expected)s.",
                        plan=plan.name,
                        state=labels[plan.state],
                        expected=" / ".join(labels[s] for s in states),
                    )
                )

    def _set_state(self, new_state, *from_states):
        """Move the plans to ``new_state`` after checking who asks and from where.

        The state field is written by this method only (with superuser rights,
        once the user's own right to edit the plans has been checked).
        """
        self._check_state(*from_states)
        self._check_state_rights(new_state, self.mapped("state"))
        self.check_access("write")
        if new_state != "active":
            return self.sudo().write({"state": new_state})
        # One active plan per account, also between concurrent transactions:
        # the partial unique index decides, the message explains.
        try:
            with mute_logger("odoo.sql_db"), self.env.cr.savepoint():
                return self.sudo().write({"state": new_state})
        except psycopg2.errors.UniqueViolation:
            raise ValidationError(
                self.env._(
                    "%(customer)s already has an active account plan: close it "
                    "before activating another one.",
                    customer=", ".join(self.account_id.mapped("display_name")),
                )
            ) from None

    def action_submit(self):
        self._set_state("submitted", "draft")
        self._schedule_approval_activities()

    def _schedule_approval_activities(self):
        """Give each director of the plan's company an activity to approve it.

        The summary is written in the language of the director who gets it.
        """
        group = self.env.ref("kam_management.group_kam_manager")
        # sudo: a KAM submitting a plan may not list the users of the
        # directors' group; only their ids and languages are read.
        directors = (
            group_users(group.sudo())
            .filtered(lambda u: u.active and not u.share)
            .with_env(self.env)
        )
        activity_type = self.env.ref(APPROVAL_ACTIVITY)
        model_id = self.env["ir.model"]._get_id(self._name)
        today = fields.Date.context_today(self)
        vals_list = []
        for plan in self:
            for director in directors.filtered(
                lambda u, plan=plan: plan.company_id in u.sudo().company_ids
            ):
                vals_list.append(
                    {
                        "activity_type_id": activity_type.id,
                        "res_model_id": model_id,
                        "res_id": plan.id,
                        "user_id": director.id,
                        "date_deadline": today,
                        "automated": True,
                        "summary": self.with_context(lang=director.sudo().lang).env._(
                            "Approve plan %(plan)s", plan=plan.name
                        ),
                    }
                )
        return self.env["mail.activity"].create(vals_list)

    def action_approve(self):
        self._set_state("approved", "submitted")
        self.activity_feedback([APPROVAL_ACTIVITY])

    def action_activate(self):
        self._set_state("active", "approved")

    def action_close(self):
        self._set_state("closed", "active")

    def action_reset_draft(self):
        self._set_state("draft", "submitted", "approved", "active", "closed")
        self.activity_unlink([APPROVAL_ACTIVITY])

    # ------------------------------------------------------------------
    # Reviews
    # ------------------------------------------------------------------
    def action_mark_reviewed(self):
        """Reviewed today; next review in three months; review activities done."""
        self._set_reviewed()
        self.with_context(kam_plan_reviewed=True).activity_feedback([REVIEW_ACTIVITY])

    def _set_reviewed(self):
        today = fields.Date.context_today(self)
        self.check_access("write")
        # sudo: the last review date is set here only.
        self.sudo().write(
            {
                "last_review_date": today,
                "review_date": today + relativedelta(months=REVIEW_MONTHS),
            }
        )

    @api.model
    def _cron_plan_reminders(self):
        """Daily: activities for expiring agreements and plans due for review."""
        self.env["kam.agreement"]._cron_agreement_expiry()
        self._cron_review_reminders()

    @api.model
    def _cron_review_reminders(self):
        plans = self.search(
            [
                ("state", "in", ("approved", "active")),
                ("is_review_due", "=", True),
                ("kam_user_id", "!=", False),
            ]
        )
        return self.env["mail.activity"]._kam_schedule_once(
            plans,
            REVIEW_ACTIVITY,
            {
                plan.id: {
                    "user_id": plan.kam_user_id.id,
                    "date_deadline": fields.Date.context_today(self),
                    # In the KAM's language, as the alerts' activities.
                    "summary": plan.with_context(lang=plan.kam_user_id.lang).env._(
                        "Review the account plan %(plan)s", plan=plan.name
                    ),
                }
                for plan in plans
            },
        )

    # ------------------------------------------------------------------
    # Next period
    # ------------------------------------------------------------------
    def _next_period_values(self):
        self.ensure_one()
        after_end = self.date_end + relativedelta(days=1)
        length = relativedelta(after_end, self.date_start)
        values = {
            "account_id": self.account_id.id,
            "date_start": after_end,
            "date_end": after_end + length - relativedelta(days=1),
            "competitor_ids": [Command.set(self.competitor_ids.ids)],
            "objective_ids": [
                Command.create(objective._next_period_values())
                for objective in self.objective_ids
            ],
        }
        for fname in STRATEGY_FIELDS:
            values[fname] = self._fields[fname].convert_to_write(self[fname], self)
        return values

    def _copy_next_period(self):
        return self.create([plan._next_period_values() for plan in self])

    def action_copy_next_period(self):
        self.ensure_one()
        values = self._next_period_values()
        existing = self._kam_same_period(
            self.account_id, values["date_start"], values["date_end"]
        )
        if existing:
            # Pressed again: the plan of the next period is there, open it.
            return {
                "type": "ir.actions.client",
                "tag": "display_notification",
                "params": {
                    "type": "info",
                    "message": self.env._(
                        "The plan of the next period already exists: %(plan)s.",
                        plan=existing.sudo().name,
                    ),
                    "next": self._kam_form_action(existing),
                },
            }
        new_plan = self._copy_next_period()
        self.message_post(
            body=self.env._(
                "Plan of the next period created: %(plan)s", plan=new_plan.name
            )
        )
        return self._kam_form_action(new_plan)

    def _kam_form_action(self, plan):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Account Plan"),
            "res_model": self._name,
            "res_id": plan.id,
            "view_mode": "form",
            "views": [(False, "form")],
        }

    def action_view_buying_centre(self):
        """The buying centre of the plan's account."""
        self.ensure_one()
        return self.account_id.action_view_buying_centre()

    def action_view_opportunities(self):
        self.ensure_one()
        action = self.env["ir.actions.actions"]._for_xml_id(
            "kam_management.action_kam_opportunities"
        )
        action["domain"] = [("kam_plan_id", "=", self.id)]
        action["context"] = {
            "default_type": "opportunity",
            "default_partner_id": self.partner_id.id,
            "default_kam_plan_id": self.id,
        }
        return action

    # ---- Relationship map ----
    # The org chart and relationship map of the plan's account.

    def action_open_relationship_map(self):
        """The relationship map of the plan's account."""
        self.ensure_one()
        return self.account_id.action_open_relationship_map()

    def action_view_org_chart(self):
        """The org chart of the plan's account."""
        self.ensure_one()
        return self.account_id.action_view_org_chart()
