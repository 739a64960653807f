"""Values of the QWeb PDF reports, read with the printing user's rights."""

import base64
import functools
import subprocess

from odoo import api, fields, models
from odoo.addons.base.models.ir_actions_report import _get_wkhtmltopdf_bin
from odoo.addons.kam_management.models.kam_format import format_number
from odoo.addons.kam_management.models.kam_html import (
    own_image_id,
    strip_external_resources,
)
from odoo.exceptions import AccessError, MissingError

# Objectives shown to the customer: our margin and our estimate of the
# customer's total spend (share of wallet) stay internal.
CUSTOMER_KPIS = ("revenue", "satisfaction", "custom")
RECENT_MOVEMENTS = 5


# Page top margin (mm) when the header is part of the page body.
INLINE_MARGIN_TOP = 12
# Images of the database a report copies into the page (no SVG: it may refer
# to other files), up to this size each.
INLINE_IMAGE_TYPES = ("image/png", "image/jpeg", "image/gif", "image/webp", "image/bmp")
INLINE_IMAGE_MAX_BYTES = 10 * 1024 * 1024


def _report_lang(env):
    """The language the report is written in: the printing user's."""
    return env.context.get("lang") or env.user.lang or "en_US"


@functools.cache
def wkhtmltopdf_has_patched_qt():
    """Whether wkhtmltopdf draws separate headers and footers.

    Only builds "with patched qt" do; others (such as the Debian package)
    ignore ``--header-html`` and ``--footer-html`` and fail on several
    documents at once.
    """
    try:
        out = subprocess.run(
            [_get_wkhtmltopdf_bin(), "--version"],
            capture_output=True,
            check=False,
            timeout=30,
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    return b"patched qt" in out


def _doc_ids(docids, data):
    """The records to print: given, or passed in ``data`` for one document."""
    return docids or (data or {}).get("kam_res_ids") or []


def _inline_image(env, src):
    """An image uploaded by the HTML editor (``/web/image/<id>...``) as an
    inline ``data:`` URI, read with the printing user's rights; None for any
    other address, or an image the user may not read."""
    attachment_id = own_image_id(src)
    if attachment_id is None:
        return None
    attachment = env["ir.attachment"].browse(attachment_id)
    try:
        # The attachment's own check: readable as the record it belongs to.
        attachment.check("read")
        if (
            attachment.type != "binary"
            or attachment.mimetype not in INLINE_IMAGE_TYPES
            or attachment.file_size > INLINE_IMAGE_MAX_BYTES
        ):
            return None
        raw = attachment.raw
    except (AccessError, MissingError):
        return None
    if not raw:
        return None
    return f"data:{attachment.mimetype};base64,{base64.b64encode(raw).decode()}"


def _html_values(env):
    """``kam_safe_html(value)`` for the templates: HTML typed by users (the
    plan's fields, the company's header and footer), without any reference
    wkhtmltopdf would fetch; the editor's images of the database are copied
    into the page instead."""

    def kam_safe_html(value):
        return strip_external_resources(
            value, image_src=lambda src: _inline_image(env, src)
        )

    return {"kam_safe_html": kam_safe_html}


def _option(data, key, default):
    """An option of the report's data, or ``default`` when not given (any
    other value, even 0, is the caller's to check)."""
    value = data.get(key)
    if value is None or value is False or value == "":
        return default
    return value


def _layout_values(data):
    """How the reports lay out their pages, for this rendering.

    With a wkhtmltopdf without patched qt, a PDF is one document (every
    record in one body, separated by page breaks) and the company header and
    footer are drawn in the body of each record; otherwise Odoo's
    ``web.external_layout`` is used as is.
    """
    inline = (data or {}).get("report_type") == "pdf" and not (
        wkhtmltopdf_has_patched_qt()
    )
    if not inline:
        return {"kam_inline_layout": False}
    return {
        "kam_inline_layout": True,
        "data_report_margin_top": INLINE_MARGIN_TOP,
        "data_report_header_spacing": 0,
    }


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
        plans = self.env["kam.account.plan"].search(
            [("account_id", "in", accounts.ids), ("state", "!=", "closed")],
            order="date_start desc, id desc",
        )
        current_plan = {}
        for plan in plans:
            # The active plan, else the newest open one.
            known = current_plan.get(plan.account_id.id)
            if not known or (plan.state == "active" and known.state != "active"):
                current_plan[plan.account_id.id] = plan
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


class ReportKamPortfolioSummary(models.AbstractModel):
    """The portfolio summary of the selected key accounts, one page per company."""

    _name = "report.kam_reports.report_kam_portfolio_summary"
    _description = "Key Account Portfolio Summary Report"

    @api.model
    def _get_report_values(self, docids, data=None):
        data = data or {}
        lang = _report_lang(self.env)
        summary = self.env["kam.reports.portfolio.summary"].with_context(lang=lang)
        accounts = (
            self.env["kam.account"]
            .browse(_doc_ids(docids, data))
            .with_context(lang=lang)
        )
        accounts.check_access("read")
        default_from, default_to = summary._default_period()
        # The options of a URL are anything a user typed: checked as dates.
        date_from, date_to = summary._period_dates(
            _option(data, "date_from", default_from),
            _option(data, "date_to", default_to),
        )
        summary._check_period(date_from, date_to)
        sections = [
            summary._summary_data(
                accounts.filtered(lambda a, c=company: a.company_id == c),
                date_from,
                date_to,
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
