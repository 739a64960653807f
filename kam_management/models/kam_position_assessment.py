from dateutil.relativedelta import relativedelta
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

# ---- Stale assessments ----
STALE_RULE_TYPE = "stale_assessment"
DEFAULT_STALE_MONTHS = 12


class KamPositionAssessment(models.Model):
    """A dated 1-5 rating of one supplier-position criterion for an account."""

    _name = "kam.position.assessment"
    _inherit = ["kam.guard.mixin"]
    _description = "Supplier Position Assessment"
    _order = "date desc, id desc"
    _check_company_auto = True
    _kam_recheck_fields = ("account_id", "company_id")

    account_id = fields.Many2one(
        "kam.account", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="account_id.company_id", store=True)
    criterion_id = fields.Many2one(
        "kam.position.criterion",
        required=True,
        ondelete="restrict",
        check_company=True,
    )
    score = fields.Integer(required=True, help="1 (very weak) to 5 (very strong).")
    date = fields.Date(required=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users",
        string="Assessed by",
        required=True,
        default=lambda self: self.env.user,
    )
    note = fields.Char()

    def _is_director(self):
        return self.env.su or self.env.user.has_group(
            "kam_management.group_kam_manager"
        )

    @api.model_create_multi
    def create(self, vals_list):
        if not self._is_director():
            # A KAM records their own assessments only.
            for vals in vals_list:
                vals["user_id"] = self.env.uid
        return super().create(vals_list)

    def write(self, vals):
        if "user_id" in vals and not self._is_director():
            raise AccessError(
                self.env._("Only a Key Account Director can change who assessed.")
            )
        return super().write(vals)

    @api.constrains("score")
    def _check_score(self):
        for assessment in self:
            if not 1 <= assessment.score <= 5:
                raise ValidationError(
                    self.env._(
                        "An assessment score must be between 1 and 5 (got %(score)s).",
                        score=assessment.score,
                    )
                )

    @api.constrains("date")
    def _check_date(self):
        today = fields.Date.context_today(self)
        for assessment in self:
            if assessment.date > today:
                raise ValidationError(
                    self.env._("An assessment cannot be dated in the future.")
                )

    # ---- Stale assessments ----
    # Stale supplier-position assessments.

    is_stale = fields.Boolean(
        string="Stale",
        compute="_compute_is_stale",
        search="_search_is_stale",
        help="Older than the months of the stale assessment alert rule of the "
        "company (12 by default).",
    )

    @api.model
    def _kam_stale_months(self, companies):
        """``{company: months}`` after which an assessment is stale."""
        rules = self.env["kam.alert.rule"]._kam_rules_by_company(companies)
        result = {}
        for company in companies:
            rule = rules[company].get(STALE_RULE_TYPE)
            result[company] = rule.months if rule else DEFAULT_STALE_MONTHS
        return result

    @api.depends("date", "company_id")
    def _compute_is_stale(self):
        months = self._kam_stale_months(self.company_id)
        today = fields.Date.context_today(self)
        for assessment in self:
            limit = today - relativedelta(
                months=months.get(assessment.company_id, DEFAULT_STALE_MONTHS)
            )
            assessment.is_stale = bool(assessment.date) and assessment.date < limit

    def _search_is_stale(self, operator, value):
        if operator not in ("=", "!="):
            raise NotImplementedError(operator)
        wanted = (operator == "=") == bool(value)
        companies = self.env.companies
        months = self._kam_stale_months(companies)
        today = fields.Date.context_today(self)
        parts = []
        for company in companies:
            limit = today - relativedelta(months=months[company])
            date_cond = ("date", "<", limit) if wanted else ("date", ">=", limit)
            parts.append(["&", ("company_id", "=", company.id), date_cond])
        if not parts:
            return [("id", "=", 0)]
        domain = parts[0]
        for part in parts[1:]:
            domain = ["|", *domain, *part]
        return domain
