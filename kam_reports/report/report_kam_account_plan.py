"""Values of the account plan PDF, read with the printing user's rights."""

from odoo import api, fields, models

from .kam_report_pdf import (
    CUSTOMER_KPIS,
    _doc_ids,
    _html_values,
    _layout_values,
    _report_lang,
)


class ReportKamAccountPlan(models.AbstractModel):
    """The account plan as it is shown to the customer in a meeting.

    Only what the customer may read: shared goals, the objectives we pursue
    together (not our margin nor our share of their spend), the actions, the
    agreements and their people as they know them. Never the classification,
    scores or health, the buying-centre analysis (roles, influence, attitude,
    relationship strength, interests and motivations), competitors, our
    strengths-and-weaknesses analysis or the history of problems.
    """

    _name = "report.kam_reports.report_kam_account_plan"
    _description = "Account Plan Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        plans = self.env["kam.account.plan"].browse(_doc_ids(docids, data))
        plans.check_access("read")
        lang = _report_lang(self.env)
        plans = plans.with_context(lang=lang)
        # The objectives' actuals of all the plans in a few queries.
        plans.objective_ids.mapped("achieved_pct")
        return {
            "doc_ids": plans.ids,
            "doc_model": "kam.account.plan",
            "docs": plans,
            "lang": lang,
            "objectives": {
                plan.id: plan.objective_ids.filtered(lambda o: o.kpi in CUSTOMER_KPIS)
                for plan in plans
            },
            "actions": {
                plan.id: plan.action_ids.filtered(lambda a: a.state != "cancelled")
                for plan in plans
            },
            "agreements": {
                plan.id: plan.account_id.agreement_ids.filtered(
                    lambda a: a.state != "expired"
                )
                for plan in plans
            },
            "contacts": {
                plan.id: plan.account_id.buying_role_ids.sorted(
                    lambda r: r.partner_id.name or ""
                )
                for plan in plans
            },
            "today": fields.Date.context_today(self),
            **_layout_values(data),
            **_html_values(self.env),
        }
