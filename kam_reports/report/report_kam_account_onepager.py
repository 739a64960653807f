"""Values of the key account one-pager PDF, read with the printing user's
rights."""

from odoo import api, fields, models
from odoo.addons.kam_management.models.kam_format import format_number

from .kam_report_pdf import (
    RECENT_MOVEMENTS,
    _doc_ids,
    _html_values,
    _layout_values,
    _report_lang,
)


class ReportKamAccountOnepager(models.AbstractModel):
    """One page per key account for directors: where it stands and why."""

    _name = "report.kam_reports.report_kam_account_onepager"
    _description = "Key Account One-Pager Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        accounts = self.env["kam.account"].browse(_doc_ids(docids, data))
        accounts.check_access("read")
        lang = _report_lang(self.env)
        accounts = accounts.with_context(lang=lang)
        # The current plan as the workbook shows it (one definition).
        current_plan = self.env["kam.portfolio.data"]._current_plans(accounts)
        plans = self.env["kam.account.plan"].union(*current_plan.values())
        # The objectives' actuals of all the plans in a few queries.
        plans.objective_ids.mapped("achieved_pct")
        history = self.env["kam.classification.history"].search(
            [("account_id", "in", accounts.ids)], order="date desc, id desc"
        )
        movements = {}
        for row in history:
            rows = movements.setdefault(row.account_id.id, [])
            if len(rows) < RECENT_MOVEMENTS:
                rows.append(row)
        return {
            "doc_ids": accounts.ids,
            "doc_model": "kam.account",
            "docs": accounts,
            "lang": lang,
            "plans": {
                account.id: current_plan.get(account.id, plans.browse())
                for account in accounts
            },
            "movements": movements,
            "format_pct": lambda value: format_number(accounts.env, value, 1) + "%",
            "today": fields.Date.context_today(self),
            **_layout_values(data),
            **_html_values(self.env),
        }
