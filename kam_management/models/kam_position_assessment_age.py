"""Stale supplier-position assessments."""

from dateutil.relativedelta import relativedelta
from odoo import api, fields, models

STALE_RULE_TYPE = "stale_assessment"
DEFAULT_STALE_MONTHS = 12


class KamPositionAssessment(models.Model):
    # pylint: disable=consider-merging-classes-inherited
    _inherit = "kam.position.assessment"

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
