"""Several records of a key-account report make one PDF document; the
company's header and footer are drawn without fetching what users typed."""

from lxml import etree
from lxml import html as lxml_html
from odoo import models
from odoo.addons.kam_management.models.kam_html import strip_external_resources

KAM_REPORTS = (
    "kam_reports.report_kam_account_plan",
    "kam_reports.report_kam_account_onepager",
    "kam_reports.report_kam_portfolio_summary",
)


def safe_page_document(document):
    """A header or footer page (Odoo's ``web.minimal_layout``) whose body
    refers to no resource outside it.

    Odoo draws the company's header and footer (its address, tagline and
    footer, HTML typed by users) on pages of their own, which wkhtmltopdf
    loads as it loads the body. Their ``<head>`` is Odoo's own (styles, the
    page-number script) and is kept; their body is cleaned as the reports'
    HTML fields are.
    """
    if not document:
        return document
    root = lxml_html.document_fromstring(str(document))
    body = root.find("body")
    if body is None:
        return document
    inner = (body.text or "") + "".join(
        etree.tostring(child, encoding="unicode", method="html") for child in body
    )
    cleaned = lxml_html.fragment_fromstring(
        str(strip_external_resources(inner)), create_parent="div"
    )
    for child in list(body):
        body.remove(child)
    body.text = cleaned.text
    for child in list(cleaned):
        body.append(child)
    return etree.tostring(
        root, encoding="unicode", method="html", doctype="<!DOCTYPE html>"
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

    def _run_wkhtmltopdf(
        self,
        bodies,
        report_ref=False,
        header=None,
        footer=None,
        landscape=False,
        specific_paperformat_args=None,
        set_viewport_size=False,
    ):
        # The bodies of our reports print user HTML cleaned already; the
        # company's header and footer pages are cleaned here.
        if report_ref and self._get_report(report_ref).report_name in KAM_REPORTS:
            header = safe_page_document(header)
            footer = safe_page_document(footer)
        return super()._run_wkhtmltopdf(
            bodies,
            report_ref=report_ref,
            header=header,
            footer=footer,
            landscape=landscape,
            specific_paperformat_args=specific_paperformat_args,
            set_viewport_size=set_viewport_size,
        )
