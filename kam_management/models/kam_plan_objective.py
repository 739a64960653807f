"""Objectives of an account plan and their actuals, read from Odoo's data."""

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import SQL

from .kam_format import format_number

KPIS = [
    ("revenue", "Revenue"),
    ("gross_margin", "Gross Margin"),
    ("share_of_wallet", "Share of Wallet (%)"),
    ("satisfaction", "Satisfaction (1-5)"),
    ("custom", "Custom"),
]
AMOUNT_KPIS = ("revenue", "gross_margin")
INVOICE_KPIS = ("revenue", "gross_margin", "share_of_wallet")
SATISFACTION_CRITERION = "kam_management.criterion_satisfaction"
DAYS_PER_YEAR = 365.0


class KamPlanObjective(models.Model):
    """A measurable goal of the plan period: a KPI, its target and its actual.

    Actuals are computed for the account's customer (commercial entity) and
    company over the plan period; custom KPIs are typed by the KAM.
    """

    _name = "kam.plan.objective"
    _inherit = ["kam.guard.mixin"]
    _description = "Account Plan Objective"
    _kam_recheck_fields = ("plan_id", "company_id")
    _order = "plan_id, sequence, id"

    plan_id = fields.Many2one(
        "kam.account.plan", required=True, ondelete="cascade", index=True
    )
    account_id = fields.Many2one(
        related="plan_id.account_id", store=True, index=True, string="Key Account"
    )
    company_id = fields.Many2one(related="plan_id.company_id", store=True)
    currency_id = fields.Many2one(related="plan_id.currency_id", compute_sudo=False)
    sequence = fields.Integer(default=10)
    name = fields.Char(string="Objective", required=True)
    kpi = fields.Selection(KPIS, string="KPI", required=True, default="revenue")
    target = fields.Float(digits=(16, 2))
    unit = fields.Char(
        compute="_compute_unit",
        help="Unit of the target and the actual: the company currency for "
        "revenue and gross margin, percent for the share of wallet, a rating from 1 "
        "to 5 for satisfaction, the unit typed by the KAM for a custom KPI.",
    )
    custom_unit = fields.Char(help="Unit of a custom KPI (e.g. visits, tonnes).")
    actual = fields.Float(
        compute="_compute_figures",
        inverse="_inverse_actual",
        digits=(16, 2),
        help="Revenue and gross margin: posted customer invoices minus credit "
        "notes of the plan period, in company currency. Share of wallet: "
        "revenue of the period so far, annualised, against the customer's "
        "yearly spend. Satisfaction: mean of each assessor's latest customer "
        "satisfaction score (1-5) up to the end of the period. Custom: typed "
        "by the KAM.",
    )
    actual_manual = fields.Float(
        string="Manual Actual",
        digits=(16, 2),
        help="Actual of a custom KPI, typed by the KAM.",
    )
    ordered = fields.Float(
        compute="_compute_figures",
        digits=(16, 2),
        help="Revenue objectives: untaxed amount of the confirmed sale orders "
        "of the plan period, in company currency.",
    )
    achieved_pct = fields.Float(
        string="Achieved (%)", compute="_compute_figures", digits=(16, 1)
    )
    note = fields.Char()

    # ------------------------------------------------------------------
    # Figures
    # ------------------------------------------------------------------
    @api.depends("kpi", "custom_unit", "currency_id")
    def _compute_unit(self):
        units = {
            "share_of_wallet": "%",
            "satisfaction": self.env._("rating 1-5"),
        }
        for objective in self:
            if objective.kpi in AMOUNT_KPIS:
                objective.unit = objective.currency_id.symbol or False
            elif objective.kpi == "custom":
                objective.unit = objective.custom_unit or False
            else:
                objective.unit = units.get(objective.kpi, False)

    @api.depends(
        "kpi",
        "target",
        "actual_manual",
        "plan_id.date_start",
        "plan_id.date_end",
        "plan_id.account_id",
        "plan_id.account_id.wallet_estimate",
    )
    @api.depends_context("tz")
    def _compute_figures(self):
        kpis = set(self.mapped("kpi"))
        figures = self._read_plan_figures(self.plan_id, kpis)
        for objective in self:
            actual, ordered = objective._figures_from(figures.get(objective.plan_id))
            objective.actual = actual
            objective.ordered = ordered
            objective.achieved_pct = (
                actual / objective.target * 100.0 if objective.target else 0.0
            )

    def _inverse_actual(self):
        for objective in self.filtered(lambda o: o.kpi == "custom"):
            objective.actual_manual = objective.actual

    def _figures_from(self, plan_figures):
        """``(actual, ordered)`` of this objective from its plan's figures."""
        self.ensure_one()
        if self.kpi == "custom":
            return self.actual_manual, 0.0
        if not plan_figures:
            return 0.0, 0.0
        revenue = plan_figures["revenue"]
        if self.kpi == "revenue":
            return revenue, plan_figures["ordered"]
        if self.kpi == "gross_margin":
            return revenue - plan_figures["cost"], 0.0
        if self.kpi == "share_of_wallet":
            wallet = self.plan_id.account_id.wallet_estimate
            days = plan_figures["elapsed_days"]
            if not wallet or days <= 0:
                return 0.0, 0.0
            return revenue * DAYS_PER_YEAR / days / wallet * 100.0, 0.0
        return plan_figures["satisfaction"], 0.0

    @api.model
    def _read_plan_figures(self, plans, kpis):
        """Figures of the period of each plan, for all ``plans`` at once.

        :return: ``{plan: {"revenue", "cost", "ordered", "satisfaction",
            "elapsed_days"}}``; unsaved changes of the plans (dates, account)
            are taken into account.
        """
        plans = plans.filtered(lambda p: p.account_id and p.date_start and p.date_end)
        if not plans:
            return {}
        today = fields.Date.context_today(self)
        figures = {
            plan: {
                "revenue": 0.0,
                "cost": 0.0,
                "ordered": 0.0,
                "satisfaction": 0.0,
                "elapsed_days": (min(today, plan.date_end) - plan.date_start).days + 1,
            }
            for plan in plans
        }
        keys = list(plans)
        if kpis.intersection(INVOICE_KPIS):
            for key, revenue, cost in self._read_invoiced(keys):
                figures[keys[key]]["revenue"] = float(revenue or 0.0)
                figures[keys[key]]["cost"] = float(cost or 0.0)
        if "revenue" in kpis:
            for key, ordered in self._read_ordered(keys):
                figures[keys[key]]["ordered"] = float(ordered or 0.0)
        if "satisfaction" in kpis:
            for plan, score in self._read_satisfaction(plans).items():
                figures[plan]["satisfaction"] = score
        return figures

    @api.model
    def _plan_values_sql(self, keys):
        """``(VALUES ...) AS p(key, partner_id, company_id, date_start, date_end)``."""
        rows = SQL(", ").join(
            SQL(
                "(%s, %s, %s, %s::date, %s::date)",
                key,
                plan.account_id.partner_id.id,
                plan.account_id.company_id.id,
                plan.date_start,
                plan.date_end,
            )
            for key, plan in enumerate(keys)
        )
        return SQL(
            "(VALUES %s) AS p(key, partner_id, company_id, date_start, date_end)", rows
        )

    @api.model
    def _read_invoiced(self, keys):
        """Rows ``(key, revenue, cost)``: the invoiced revenue of the plan
        period (``account.move.line``'s reader) and its cost.

        One query per company, since the cost may depend on the company.
        """
        by_company = defaultdict(list)
        for key, plan in enumerate(keys):
            by_company[plan.account_id.company_id].append(key)
        rows = []
        for company, company_keys in by_company.items():
            plans = [keys[key] for key in company_keys]
            revenue = self.env["account.move.line"]._kam_revenue_sql(
                company,
                min(plan.date_start for plan in plans),
                max(plan.date_end for plan in plans),
                [plan.account_id.partner_id.id for plan in plans],
            )
            query = SQL(
                """
                SELECT p.key, SUM(r.amount), SUM(r.cost)
                  FROM %(plans)s
                  JOIN (%(revenue)s) r
                    ON r.partner_id = p.partner_id
                   AND r.invoice_date BETWEEN p.date_start AND p.date_end
                 WHERE p.key IN %(keys)s
              GROUP BY p.key
                """,
                revenue=revenue,
                plans=self._plan_values_sql(keys),
                keys=tuple(company_keys),
            )
            rows += self.env.execute_query(query)
        return rows

    @api.model
    def _read_ordered(self, keys):
        """Rows ``(key, amount)``: confirmed sale orders of the plan period.

        Untaxed amounts converted to company currency with the order's rate.
        """
        self.env["sale.order"].flush_model()
        self.env["res.partner"].flush_model(["commercial_partner_id"])
        return self.env.execute_query(
            SQL(
                """
                SELECT p.key,
                       SUM(so.amount_untaxed / COALESCE(NULLIF(so.currency_rate, 0), 1))
                  FROM %(plans)s
                  JOIN res_partner rp ON rp.commercial_partner_id = p.partner_id
                  JOIN sale_order so
                    ON so.partner_id = rp.id
                   AND so.company_id = p.company_id
                   AND so.state = 'sale'
                   AND so.date_order::date BETWEEN p.date_start AND p.date_end
              GROUP BY p.key
                """,
                plans=self._plan_values_sql(keys),
            )
        )

    @api.model
    def _read_satisfaction(self, plans):
        """``{plan: score}``: mean of each assessor's latest satisfaction score.

        Assessments of the customer satisfaction criterion dated up to the end
        of the plan period; one search for all plans.
        """
        criterion = self.env.ref(SATISFACTION_CRITERION, raise_if_not_found=False)
        if not criterion:
            return {}
        assessments = self.env["kam.position.assessment"].search_fetch(
            [
                ("account_id", "in", plans.account_id.ids),
                ("criterion_id", "=", criterion.id),
                ("date", "<=", max(plans.mapped("date_end"))),
            ],
            ["account_id", "user_id", "date", "score"],
            order="date desc, id desc",
        )
        by_account = defaultdict(list)
        for assessment in assessments:
            by_account[assessment.account_id].append(assessment)
        scores = {}
        for plan in plans:
            latest = {}
            for assessment in by_account[plan.account_id._origin]:
                if assessment.date <= plan.date_end:
                    latest.setdefault(assessment.user_id, assessment.score)
            if latest:
                scores[plan] = sum(latest.values()) / len(latest)
        return scores

    # ------------------------------------------------------------------
    # Constraints
    # ------------------------------------------------------------------
    @api.constrains("kpi", "target")
    def _check_target(self):
        labels = dict(self._fields["kpi"]._description_selection(self.env))
        for objective in self:
            if objective.kpi in AMOUNT_KPIS and objective.target < 0:
                raise ValidationError(
                    self.env._(
                        "The %(kpi)s target of objective %(objective)s cannot be "
                        "negative.",
                        kpi=labels[objective.kpi],
                        objective=objective.name,
                    )
                )
            if objective.kpi == "satisfaction" and not 0 <= objective.target <= 5:
                raise ValidationError(
                    self.env._(
                        "A satisfaction target is a score from 1 to 5 (got "
                        "%(target)s).",
                        target=format_number(self.env, objective.target),
                    )
                )
            if objective.kpi == "share_of_wallet" and not 0 <= objective.target <= 100:
                raise ValidationError(
                    self.env._(
                        "A share of wallet target is a percentage from 0 to 100 "
                        "(got %(target)s).",
                        target=format_number(self.env, objective.target),
                    )
                )

    def _next_period_values(self):
        """Values of the same objective in the plan of the next period."""
        self.ensure_one()
        return {
            "sequence": self.sequence,
            "name": self.name,
            "kpi": self.kpi,
            "target": self.target,
            "custom_unit": self.custom_unit,
            "note": self.note,
        }
