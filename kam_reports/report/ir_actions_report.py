"""Several records of a key-account report make one PDF document."""

from odoo import models

KAM_REPORTS = (
    "kam_reports.report_kam_account_plan",
    "kam_reports.report_kam_account_onepager",
    "kam_reports.report_kam_portfolio_summary",
)


class IrActionsReport(models.Model):
    _inherit = "ir.actions.report"

    def _render_qweb_pdf_prepare_streams(self, report_ref, data, res_ids=None):
        """Print the records of our reports as one document.

        Odoo cuts a PDF of several records into one piece per record (to
        save each as an attachment, which these reports never do) and joins
        the pieces again: each piece then carries its own copy of the fonts,
        making a 100-page print about 60 times larger. The records go to the
        report through ``data`` instead, and the PDF is kept whole.
        """
        report = self._get_report(report_ref)
        if (
            report.report_name in KAM_REPORTS
            and not report.attachment
            and res_ids
            and len(res_ids) > 1
        ):
            data = dict(data or {}, kam_res_ids=list(res_ids))
            return super()._render_qweb_pdf_prepare_streams(
                report_ref, data, res_ids=None
            )
        return super()._render_qweb_pdf_prepare_streams(
            report_ref, data, res_ids=res_ids
        )
