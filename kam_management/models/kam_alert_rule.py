"""Alert rules: which conditions of a key account deserve an alert.

One rule per condition type, shipped as data; directors switch them on and
off and set their thresholds, for all companies (no company) or for one
company (a rule of the company replaces the shared rule of the same type).

Each rule type has a method ``_kam_conditions_<type>(accounts, today)``
returning the conditions it finds for all the given accounts at once (one
query, or one set-based read, per rule, never one per account) as a list
of dicts ``{"account_id", "key", "res_model", "res_id", "args"}``; ``key``
names the object the condition is about (the invoice, the contact...) so
that the same condition never raises a second alert, and a method
``_kam_text_<type>(condition, args)`` wording it. Another addon adds rule
types the same way: a ``selection_add`` on ``rule_type`` plus those two
methods.
"""

from collections import defaultdict
from datetime import timedelta

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL, format_amount, format_date

from ..compat import create_unique_index
from ..kam_scoring.objectives import expected_to_date
from .kam_format import format_number
from .kam_guard import is_internal_user_of
from .survey_survey import KAM_SURVEY_TYPE
from .survey_user_input import VALID_NPS_LINE, flush_nps

RULE_TYPES = [
    ("revenue_drop", "Falling Revenue"),
    ("order_rhythm", "Falling Order Frequency"),
    ("overdue_invoice", "Overdue Invoice"),
    ("contact_stale", "Key Contact Not Reached"),
    ("objective_off_track", "Plan Objective Off Track"),
    ("agreement_expiring", "Agreement Expiring"),
    ("opportunity_lost", "Opportunity Lost"),
    ("stale_assessment", "Stale Position Assessment"),
    ("churn_risk", "High Churn Risk"),
    ("satisfaction", "Negative Satisfaction"),
]
SEVERITIES = [("low", "Low"), ("medium", "Medium"), ("high", "High")]
# KPIs measured as a level (not accumulated over the period): the whole
# target is expected at any point of the period.
LEVEL_KPIS = ("share_of_wallet", "satisfaction")
# Ranges of the thresholds: (field, minimum, maximum).
THRESHOLD_RANGES = (
    ("threshold_pct", 1.0, 100.0),
    ("tolerance_pct", 0.0, 100.0),
    ("period_days", 7, 3650),
    ("rhythm_factor", 1.0, 20.0),
    ("min_invoices", 3, 1000),
    ("days", 1, 3650),
    ("min_amount", 0.0, 1e12),
    ("months", 1, 120),
)


class KamAlertRule(models.Model):
    _name = "kam.alert.rule"
    _inherit = ["kam.guard.mixin"]
    _description = "Key Account Alert Rule"
    _order = "sequence, id"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(
        default=True,
        help="Switched off, the rule raises no alert and its "
        "open alerts are resolved at the next check.",
    )
    rule_type = fields.Selection(RULE_TYPES, string="Condition", required=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        help="Leave empty for a rule of all companies; a rule of a company "
        "replaces the shared rule of the same condition for that company.",
    )
    severity = fields.Selection(SEVERITIES, required=True, default="medium")
    owner_user_id = fields.Many2one(
        "res.users",
        string="Alert Owner",
        domain="[('share', '=', False)]",
        help="Who gets the alerts of this rule and their activity; empty for "
        "the Key Account Manager of the account.",
    )
    threshold_pct = fields.Float(
        string="Revenue Drop (%)",
        default=20.0,
        digits=(16, 1),
        help="Falling revenue: alert when the revenue of the period is this "
        "percentage or more below the previous period of equal length.",
    )
    period_days = fields.Integer(
        string="Period (days)",
        default=90,
        help="Falling revenue: the period compared with the previous one. "
        "Falling order frequency: the history the account's rhythm is learnt "
        "from.",
    )
    rhythm_factor = fields.Float(
        default=2.0,
        digits=(16, 1),
        help="Falling order frequency: alert when the days since the last "
        "invoice exceed this many times the account's mean interval between "
        "invoices.",
    )
    min_invoices = fields.Integer(
        string="Minimum Invoices",
        default=3,
        help="Falling order frequency: invoices (on different days) needed "
        "before the account has a rhythm.",
    )
    days = fields.Integer(
        default=30,
        help="Overdue invoice: days past the due date. Key contact: days "
        "without any interaction. Opportunity lost: how long a lost "
        "opportunity stays an alert.",
    )
    min_amount = fields.Float(
        string="Minimum Amount",
        digits=(16, 2),
        help="Overdue invoice: smallest amount due, in company currency.",
    )
    tolerance_pct = fields.Float(
        string="Tolerance (points)",
        default=10.0,
        digits=(16, 1),
        help="Plan objective: alert when the % achieved is below the % "
        "expected at this point of the period by more than this many points. "
        "Revenue, margin and custom KPIs are expected pro rata of the period "
        "elapsed; share of wallet and satisfaction in full.",
    )
    months = fields.Integer(
        default=12,
        help="Position assessment: the latest assessment of a criterion older "
        "than this many months is stale.",
    )
    alert_count = fields.Integer(string="Open Alerts", compute="_compute_alert_count")

    def init(self):
        # One rule per condition and company (or shared).
        create_unique_index(
            self.env.cr,
            "kam_alert_rule_type_company_uniq",
            self._table,
            ["rule_type", "COALESCE(company_id, 0)"],
        )

    def copy_data(self, default=None):
        # A copy is the rule of one company: the shared one stays as it is.
        default = dict(default or {})
        default.setdefault("company_id", self.env.company.id)
        return super().copy_data(default)

    def _compute_alert_count(self):
        groups = self.env["kam.alert"]._read_group(
            [("rule_id", "in", self.ids), ("state", "=", "open")],
            ["rule_id"],
            ["__count"],
        )
        counts = {rule.id: count for rule, count in groups}
        for rule in self:
            rule.alert_count = counts.get(rule.id, 0)

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains(*(fname for fname, _lo, _hi in THRESHOLD_RANGES))
    def _check_thresholds(self):
        for rule in self:
            for fname, low, high in THRESHOLD_RANGES:
                value = rule[fname]
                if not low <= value <= high:
                    raise ValidationError(
                        self.env._(
                            "%(field)s of the alert rule %(rule)s must be between "
                            "%(min)s and %(max)s (got %(value)s).",
                            field=self._fields[fname]._description_string(self.env),
                            rule=rule.name,
                            min=format_number(self.env, low),
                            max=format_number(self.env, high),
                            value=format_number(self.env, value),
                        )
                    )

    @api.constrains("owner_user_id", "company_id")
    def _check_owner(self):
        for rule in self.filtered("owner_user_id"):
            user = rule.owner_user_id
            companies = rule.company_id or user.company_ids
            if not user.has_group("kam_management.group_kam_user") or not all(
                is_internal_user_of(user, company) for company in companies
            ):
                raise ValidationError(
                    self.env._(
                        "%(user)s cannot own the alerts of %(rule)s: only Key "
                        "Account Managers and Directors of its companies can.",
                        user=user.name,
                        rule=rule.name,
                    )
                )

    def write(self, vals):
        result = super().write(vals)
        if "owner_user_id" in vals:
            # The open alerts follow their rule's new owner at once, not at
            # the next nightly check. sudo: the owner of an alert is the
            # application's; the director changed the rule, which decides it.
            self.env["kam.alert"].sudo().search(
                [("rule_id", "in", self.ids), ("state", "=", "open")]
            )._kam_follow_kam()
        return result

    # ------------------------------------------------------------------
    # Which rule applies where
    # ------------------------------------------------------------------
    @api.model
    def _kam_rules_by_company(self, companies):
        """``{company: {rule_type: rule}}``: the rule of each condition that
        applies to each company (switched off or not)."""
        # sudo: the rules are settings every evaluation reads, whoever runs it.
        rules = (
            self.sudo()
            .with_context(active_test=False)
            .search(
                [
                    ("company_id", "in", [False, *companies.ids]),
                ]
            )
        )
        shared = {rule.rule_type: rule for rule in rules if not rule.company_id}
        result = {}
        for company in companies:
            own = {rule.rule_type: rule for rule in rules if rule.company_id == company}
            result[company] = {**shared, **own}
        return result

    def _kam_find_conditions(self, accounts, today):
        """Conditions found by this rule for ``accounts`` (all at once)."""
        self.ensure_one()
        if not accounts:
            return []
        method = getattr(self, f"_kam_conditions_{self.rule_type}", None)
        if method is None:
            return []
        return method(accounts, today)

    # ------------------------------------------------------------------
    # The conditions, one set-based read per rule
    # ------------------------------------------------------------------
    @api.model
    def _kam_flush_moves(self):
        self.env["account.move"].flush_model(
            [
                "commercial_partner_id",
                "company_id",
                "state",
                "move_type",
                "invoice_date",
                "invoice_date_due",
                "amount_residual_signed",
                "payment_state",
            ]
        )
        self.env["kam.account"].flush_model(["partner_id", "company_id"])

    def _kam_revenue_rows(self, accounts, date_from, date_to, select):
        """Rows of ``select`` (an ``SQL`` over ``a``, the account, and ``r``,
        its invoiced revenue lines of ``date_from..date_to`` as
        ``account.move.line``'s reader gives them), grouped per account."""
        rows = []
        for company in accounts.company_id:
            company_accounts = accounts.filtered(lambda a, c=company: a.company_id == c)
            revenue = self.env["account.move.line"]._kam_revenue_sql(
                company, date_from, date_to, company_accounts.partner_id
            )
            rows += self.env.execute_query(
                SQL(
                    """
                    SELECT a.id, %(select)s
                      FROM kam_account a
                      JOIN (%(revenue)s) r ON r.partner_id = a.partner_id
                     WHERE a.id = ANY(%(ids)s)
                  GROUP BY a.id
                    """,
                    select=select,
                    revenue=revenue,
                    ids=company_accounts.ids,
                )
            )
        return rows

    def _kam_conditions_revenue_drop(self, accounts, today):
        self.env["kam.account"].flush_model(["partner_id", "company_id"])
        start_cur = today - timedelta(days=self.period_days)
        start_prev = start_cur - timedelta(days=self.period_days)
        rows = self._kam_revenue_rows(
            accounts,
            start_prev + timedelta(days=1),
            today,
            SQL(
                """SUM(r.amount) FILTER (WHERE r.invoice_date > %(cut)s),
                   SUM(r.amount) FILTER (WHERE r.invoice_date <= %(cut)s)""",
                cut=start_cur,
            ),
        )
        result = []
        for account_id, current, previous in rows:
            current, previous = float(current or 0.0), float(previous or 0.0)
            if previous <= 0:
                continue
            drop = (previous - current) / previous * 100.0
            if drop >= self.threshold_pct:
                result.append(
                    {
                        "account_id": account_id,
                        "key": "",
                        "args": {
                            "days": self.period_days,
                            "drop": ("number", drop),
                            "current": ("amount", current),
                            "previous": ("amount", previous),
                        },
                    }
                )
        return result

    def _kam_conditions_order_rhythm(self, accounts, today):
        self.env["kam.account"].flush_model(["partner_id", "company_id"])
        invoice = SQL("r.move_type = 'out_invoice'")
        rows = self._kam_revenue_rows(
            accounts,
            today - timedelta(days=self.period_days - 1),
            today,
            SQL(
                """COUNT(DISTINCT r.invoice_date) FILTER (WHERE %(invoice)s),
                   MIN(r.invoice_date) FILTER (WHERE %(invoice)s),
                   MAX(r.invoice_date) FILTER (WHERE %(invoice)s)""",
                invoice=invoice,
            ),
        )
        result = []
        for account_id, count, first, last in rows:
            if count < self.min_invoices:
                continue
            mean = (last - first).days / (count - 1)
            since = (today - last).days
            if mean > 0 and since > self.rhythm_factor * mean:
                result.append(
                    {
                        "account_id": account_id,
                        "key": "",
                        "args": {
                            "since": since,
                            "mean": ("number", mean),
                            "last": ("date", last),
                        },
                    }
                )
        return result

    def _kam_conditions_overdue_invoice(self, accounts, today):
        self._kam_flush_moves()
        rows = self.env.execute_query(
            SQL(
                """
                SELECT a.id, m.id, m.name, m.invoice_date_due,
                       m.amount_residual_signed
                  FROM kam_account a
                  JOIN account_move m
                    ON m.commercial_partner_id = a.partner_id
                   AND m.company_id = a.company_id
                   AND m.state = 'posted'
                   AND m.move_type = 'out_invoice'
                   AND m.payment_state IN ('not_paid', 'partial')
                   AND m.invoice_date_due < %(due)s
                   AND m.amount_residual_signed > 0
                   AND m.amount_residual_signed >= %(amount)s
                 WHERE a.id = ANY(%(ids)s)
                """,
                due=today - timedelta(days=self.days),
                amount=self.min_amount,
                ids=accounts.ids,
            )
        )
        return [
            {
                "account_id": account_id,
                "key": str(move_id),
                "res_model": "account.move",
                "res_id": move_id,
                "args": {
                    "invoice": name,
                    "days": (today - due).days,
                    "amount": ("amount", float(residual)),
                    "due": ("date", due),
                },
            }
            for account_id, move_id, name, due, residual in rows
        ]

    def _kam_conditions_contact_stale(self, accounts, today):
        roles = self.env["kam.buying.role"].search(
            [("account_id", "in", accounts.ids), ("is_key_contact", "=", True)]
        )
        dates = roles._last_interaction_dates()
        limit = fields.Datetime.to_datetime(today) - timedelta(days=self.days)
        result = []
        for role in roles:
            last = dates.get(role)
            if last and last >= limit:
                continue
            result.append(
                {
                    "account_id": role.account_id.id,
                    "key": str(role.partner_id.id),
                    "res_model": "kam.buying.role",
                    "res_id": role.id,
                    "never": not last,
                    "args": {
                        "contact": role.partner_id.name,
                        "days": (today - last.date()).days if last else 0,
                        "last": ("date", last.date() if last else False),
                    },
                }
            )
        return result

    def _kam_conditions_objective_off_track(self, accounts, today):
        objectives = self.env["kam.plan.objective"].search(
            [
                ("account_id", "in", accounts.ids),
                ("plan_id.state", "=", "active"),
                ("plan_id.date_start", "<=", today),
                ("plan_id.date_end", ">=", today),
                ("target", ">", 0),
            ]
        )
        result = []
        for objective in objectives:
            plan = objective.plan_id
            expected = expected_to_date(
                100.0,
                plan.date_start,
                plan.date_end,
                today,
                level=objective.kpi in LEVEL_KPIS,
            )
            achieved = objective.achieved_pct
            if achieved < expected - self.tolerance_pct:
                result.append(
                    {
                        "account_id": objective.account_id.id,
                        "key": str(objective.id),
                        "res_model": "kam.account.plan",
                        "res_id": plan.id,
                        "args": {
                            "objective": objective.name,
                            "achieved": ("number", achieved),
                            "expected": ("number", expected),
                        },
                    }
                )
        return result

    def _kam_conditions_agreement_expiring(self, accounts, today):
        agreements = self.env["kam.agreement"].search_fetch(
            [("account_id", "in", accounts.ids), ("state", "=", "expiring")],
            ["account_id", "name", "date_end"],
        )
        return [
            {
                "account_id": agreement.account_id.id,
                "key": str(agreement.id),
                "res_model": "kam.agreement",
                "res_id": agreement.id,
                "args": {
                    "agreement": agreement.name,
                    "date": ("date", agreement.date_end),
                },
            }
            for agreement in agreements
        ]

    def _kam_conditions_opportunity_lost(self, accounts, today):
        self.env["crm.lead"].flush_model(
            ["partner_id", "company_id", "active", "probability", "type", "date_closed"]
        )
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        rows = self.env.execute_query(
            SQL(
                """
                SELECT a.id, l.id, l.name,
                       COALESCE(l.date_closed, l.write_date)::date
                  FROM kam_account a
                  JOIN res_partner p ON p.commercial_partner_id = a.partner_id
                  JOIN crm_lead l
                    ON l.partner_id = p.id
                   AND (l.company_id = a.company_id OR l.company_id IS NULL)
                   AND l.type = 'opportunity'
                   AND NOT l.active
                   AND l.probability = 0
                   AND COALESCE(l.date_closed, l.write_date) >= %(since)s
                 WHERE a.id = ANY(%(ids)s)
                """,
                since=fields.Datetime.to_datetime(today - timedelta(days=self.days)),
                ids=accounts.ids,
            )
        )
        return [
            {
                "account_id": account_id,
                "key": str(lead_id),
                "res_model": "crm.lead",
                "res_id": lead_id,
                "args": {"opportunity": name, "date": ("date", date)},
            }
            for account_id, lead_id, name, date in rows
        ]

    def _kam_conditions_stale_assessment(self, accounts, today):
        groups = self.env["kam.position.assessment"]._read_group(
            [("account_id", "in", accounts.ids)],
            ["account_id", "criterion_id"],
            ["date:max"],
        )
        limit = today - relativedelta(months=self.months)
        return [
            {
                "account_id": account.id,
                "key": str(criterion.id),
                "args": {
                    "criterion": criterion.name,
                    "date": ("date", last),
                    "months": self.months,
                },
            }
            for account, criterion, last in groups
            if last < limit
        ]

    # ------------------------------------------------------------------
    # Texts (in the language of the environment: the owner's)
    # ------------------------------------------------------------------
    def _kam_condition_text(self, condition, company):
        """What the alert says about ``condition``, in the env's language."""
        self.ensure_one()
        args = self._kam_format_args(condition.get("args", {}), company)
        method = getattr(self, f"_kam_text_{self.rule_type}", None)
        return method(condition, args) if method else self.name

    def _kam_text_revenue_drop(self, condition, args):
        return self.env._(
            "Revenue of the last %(days)s days is %(drop)s%% below the previous "
            "%(days)s days (%(current)s against %(previous)s).",
            **args,
        )

    def _kam_text_order_rhythm(self, condition, args):
        return self.env._(
            "No invoice for %(since)s days, while the account usually buys "
            "every %(mean)s days (last invoice on %(last)s).",
            **args,
        )

    def _kam_text_overdue_invoice(self, condition, args):
        return self.env._(
            "Invoice %(invoice)s is %(days)s days overdue: %(amount)s still due "
            "since %(due)s.",
            **args,
        )

    def _kam_text_contact_stale(self, condition, args):
        if condition.get("never"):
            return self.env._(
                "Key contact %(contact)s has never been reached.",
                contact=args["contact"],
            )
        return self.env._(
            "Key contact %(contact)s has not been reached for %(days)s days "
            "(last interaction: %(last)s).",
            **args,
        )

    def _kam_text_objective_off_track(self, condition, args):
        return self.env._(
            "Objective %(objective)s is off track: %(achieved)s%% achieved, "
            "%(expected)s%% expected at this point of the plan period.",
            **args,
        )

    def _kam_text_agreement_expiring(self, condition, args):
        return self.env._("Agreement %(agreement)s ends on %(date)s.", **args)

    def _kam_text_opportunity_lost(self, condition, args):
        return self.env._("Opportunity %(opportunity)s was lost on %(date)s.", **args)

    def _kam_text_stale_assessment(self, condition, args):
        return self.env._(
            "The latest assessment of %(criterion)s is from %(date)s, older than "
            "%(months)s months.",
            **args,
        )

    @api.model
    def _kam_format_args(self, args, company):
        env = self.env
        result = {}
        for name, value in args.items():
            if isinstance(value, tuple):
                kind, raw = value
                if kind == "amount":
                    value = format_amount(env, raw, company.currency_id)
                elif kind == "date":
                    value = format_date(env, raw) if raw else "-"
                else:
                    value = format_number(env, round(raw, 1))
            result[name] = value
        return result

    # ---- High churn risk ----
    # Alert rule "high churn risk": the churn risk of the last classification.
    #
    # Its threshold, and the two methods that find the conditions (one read for
    # all the accounts) and word them.

    churn_threshold_pct = fields.Float(
        string="Churn Risk from (%)",
        default=50.0,
        digits=(16, 1),
        help="High churn risk: alert when the churn risk of the last "
        "classification (100 - P(alive) of the BG/NBD model) is at least this "
        "percentage.",
    )

    @api.constrains("churn_threshold_pct")
    def _check_churn_threshold(self):
        for rule in self:
            if not 1.0 <= rule.churn_threshold_pct <= 100.0:
                raise ValidationError(
                    self.env._(
                        "The churn risk threshold of the alert rule %(rule)s must "
                        "be between 1 and 100%% (got %(value)s).",
                        rule=rule.name,
                        value=format_number(self.env, rule.churn_threshold_pct),
                    )
                )

    def _kam_conditions_churn_risk(self, accounts, today):
        risky = accounts.search_fetch(
            [
                ("id", "in", accounts.ids),
                ("churn_probability", ">=", self.churn_threshold_pct),
            ],
            ["churn_probability", "expected_revenue_12m"],
        )
        return [
            {
                "account_id": account.id,
                "key": "",
                "args": {
                    "risk": ("number", account.churn_probability),
                    "threshold": ("number", self.churn_threshold_pct),
                    "revenue": ("amount", account.expected_revenue_12m),
                },
            }
            for account in risky
        ]

    def _kam_text_churn_risk(self, condition, args):
        return self.env._(
            "Churn risk %(risk)s%% (alert from %(threshold)s%%): the customer "
            "buys much less often than its own history says it should. "
            "Expected revenue of the next 12 months: %(revenue)s.",
            **args,
        )

    # ---- Negative satisfaction ----
    # Alert rule *satisfaction*: a negative moment of truth or a poor survey
    # answer in the last days (one alert per moment, one per answer).

    min_survey_score = fields.Float(
        string="Lowest Acceptable Survey Answer",
        default=7.0,
        digits=(16, 1),
        help="Negative satisfaction: alert when a contact answers the NPS "
        "question (0-10) of a key account survey below this value, or when a "
        "negative moment of truth is recorded, in the last days of the rule.",
    )

    @api.constrains("min_survey_score")
    def _check_min_survey_score(self):
        for rule in self:
            if not 0.0 <= rule.min_survey_score <= 10.0:
                raise ValidationError(
                    self.env._(
                        "%(field)s of the alert rule %(rule)s must be between "
                        "%(min)s and %(max)s (got %(value)s).",
                        field=self._fields["min_survey_score"]._description_string(
                            self.env
                        ),
                        rule=rule.name,
                        min=format_number(self.env, 0),
                        max=format_number(self.env, 10),
                        value=format_number(self.env, rule.min_survey_score),
                    )
                )

    def _kam_conditions_satisfaction(self, accounts, today):
        since = today - timedelta(days=self.days)
        moments = self.env["kam.moment.truth"].search_fetch(
            [
                ("account_id", "in", accounts.ids),
                ("outcome", "=", "negative"),
                ("date", ">=", since),
            ],
            ["account_id", "date", "name"],
        )
        result = [
            {
                "account_id": moment.account_id.id,
                "key": f"moment:{moment.id}",
                "res_model": "kam.moment.truth",
                "res_id": moment.id,
                "kind": "moment",
                "args": {"moment": moment.name, "date": ("date", moment.date)},
            }
            for moment in moments
        ]
        for account_id, answer_id, contact, value, done in self._kam_poor_answers(
            accounts, since
        ):
            result.append(
                {
                    "account_id": account_id,
                    "key": f"answer:{answer_id}",
                    "res_model": "survey.user_input",
                    "res_id": answer_id,
                    "kind": "answer",
                    "args": {
                        "contact": contact or "-",
                        "score": ("number", value),
                        "threshold": ("number", self.min_survey_score),
                        "date": ("date", done.date()),
                    },
                }
            )
        return result

    def _kam_poor_answers(self, accounts, since):
        """Completed answers below the threshold since ``since`` (one query)."""
        self.env["survey.user_input"].flush_model(
            ["kam_account_id", "state", "test_entry", "end_datetime", "partner_id"]
        )
        flush_nps(self.env)
        self.env["survey.survey"].flush_model(["survey_type"])
        return self.env.execute_query(
            SQL(
                """
                SELECT ui.kam_account_id, ui.id, p.name,
                       AVG(l.value_scale)::float8, ui.end_datetime
                  FROM survey_user_input ui
                  JOIN survey_survey s ON s.id = ui.survey_id
                  JOIN survey_user_input_line l ON l.user_input_id = ui.id
                  JOIN survey_question q ON q.id = l.question_id
             LEFT JOIN res_partner p ON p.id = ui.partner_id
                 WHERE ui.kam_account_id = ANY(%(ids)s)
                   AND s.survey_type = %(type)s
                   AND ui.state = 'done' AND NOT COALESCE(ui.test_entry, FALSE)
                   AND ui.end_datetime >= %(since)s
                   AND %(valid_line)s
              GROUP BY ui.kam_account_id, ui.id, p.name, ui.end_datetime
                HAVING AVG(l.value_scale) < %(threshold)s
                """,
                ids=accounts.ids,
                type=KAM_SURVEY_TYPE,
                since=fields.Datetime.to_datetime(since),
                threshold=self.min_survey_score,
                valid_line=VALID_NPS_LINE,
            )
        )

    def _kam_text_satisfaction(self, condition, args):
        if condition.get("kind") == "moment":
            return self.env._(
                "Negative moment of truth on %(date)s: %(moment)s", **args
            )
        return self.env._(
            "%(contact)s answered %(score)s out of 10 to the satisfaction survey "
            "on %(date)s (below %(threshold)s).",
            **args,
        )


def group_accounts_by_rule(accounts, rules_by_company, rule_types):
    """``{rule: accounts}`` for the active rules of ``rule_types``."""
    result = defaultdict(lambda: accounts.browse())
    for account in accounts:
        for rule_type in rule_types:
            rule = rules_by_company[account.company_id].get(rule_type)
            if rule and rule.active:
                result[rule] |= account
    return result
