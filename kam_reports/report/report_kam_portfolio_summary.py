"""Values of the portfolio summary PDF: the portfolio of ``kam.portfolio.data``
(the workbook's), one section per company of the selected accounts."""

from odoo import api, fields, models
from odoo.addons.kam_management.models.kam_format import format_number

from .kam_report_pdf import (
    _doc_ids,
    _html_values,
    _layout_values,
    _option,
    _report_lang,
)


class ReportKamPortfolioSummary(models.AbstractModel):
    """The portfolio summary of the selected key accounts, one page per company."""

    _name = "report.kam_reports.report_kam_portfolio_summary"
    _description = "Key Account Portfolio Summary Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        lang = _report_lang(self.env)
        portfolio = self.env["kam.portfolio.data"].with_context(lang=lang)
        accounts = (
            self.env["kam.account"]
            .browse(_doc_ids(docids, data))
            .with_context(lang=lang)
        )
        accounts.check_access("read")
        default_from, default_to = portfolio._default_period()
        # The options of a URL are anything a user typed: checked as dates.
        date_from, date_to = portfolio._check_period(
            _option(data, "date_from", default_from),
            _option(data, "date_to", default_to),
        )
        sections = [
            portfolio._portfolio(
                company,
                date_from,
                date_to,
                accounts=accounts.filtered(lambda a, c=company: a.company_id == c),
            )
            for company in accounts.company_id.sorted("name")
        ]
        return {
            "doc_ids": accounts.ids,
            "doc_model": "kam.account",
            "docs": accounts,
            "lang": lang,
            "sections": sections,
            "date_from": date_from,
            "date_to": date_to,
            "format_pct": lambda value: format_number(accounts.env, value, 1) + "%",
            "today": fields.Date.context_today(self),
            **_layout_values(data),
            **_html_values(self.env),
        }
