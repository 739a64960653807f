"""Agreements negotiated with a key account and their expiry reminders."""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools import format_date

AGREEMENT_TYPES = [
    ("contract", "Contract"),
    ("commercial_conditions", "Commercial Conditions"),
    ("long_term", "Long-Term Agreement"),
    ("credit_line", "Credit Line"),
    ("service_level", "Service Level Agreement"),
    ("other", "Other"),
]
AGREEMENT_STATES = [
    ("future", "Not Started"),
    ("active", "Active"),
    ("expiring", "Expiring"),
    ("expired", "Expired"),
]
EXPIRY_ACTIVITY = "kam_management.mail_activity_type_agreement_expiring"


class KamAgreement(models.Model):
    """A contract or commercial condition negotiated with a key account."""

    _name = "kam.agreement"
    _description = "Key Account Agreement"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date_end, id"

    account_id = fields.Many2one(
        "kam.account",
        string="Key Account",
        required=True,
        index=True,
        ondelete="restrict",
        tracking=True,
        domain="[('is_key_account', '=', True)]",
    )
    partner_id = fields.Many2one(
        related="account_id.partner_id", store=True, string="Customer"
    )
    company_id = fields.Many2one(
        related="account_id.company_id", store=True, index=True
    )
    currency_id = fields.Many2one(related="account_id.currency_id")
    kam_user_id = fields.Many2one(
        related="account_id.kam_user_id", store=True, string="Key Account Manager"
    )
    name = fields.Char(required=True, tracking=True)
    agreement_type = fields.Selection(
        AGREEMENT_TYPES,
        string="Type",
        required=True,
        default="contract",
        tracking=True,
    )
    date_start = fields.Date(
        string="Start", required=True, default=fields.Date.context_today, tracking=True
    )
    date_end = fields.Date(
        string="End", tracking=True, help="Leave empty for an open-ended agreement."
    )
    state = fields.Selection(
        AGREEMENT_STATES,
        compute="_compute_state",
        store=True,
        index=True,
        help="Expiring: ends within the notice period of the company (Settings). "
        "Recomputed every day.",
    )
    amount = fields.Monetary(
        help="Value of the agreement, or the limit of a credit line."
    )
    note = fields.Html(string="Terms")
    attachment_ids = fields.Many2many(
        "ir.attachment",
        "kam_agreement_ir_attachment_rel",
        "agreement_id",
        "attachment_id",
        string="Documents",
    )
    expiry_notified = fields.Boolean(
        copy=False,
        readonly=True,
        help="The KAM got an activity about the end of this agreement.",
    )

    @api.depends("date_start", "date_end", "company_id.kam_agreement_notice_days")
    @api.depends_context("tz")
    def _compute_state(self):
        today = fields.Date.context_today(self)
        for agreement in self:
            notice = timedelta(days=agreement.company_id.kam_agreement_notice_days)
            if agreement.date_start and agreement.date_start > today:
                agreement.state = "future"
            elif agreement.date_end and agreement.date_end < today:
                agreement.state = "expired"
            elif agreement.date_end and agreement.date_end <= today + notice:
                agreement.state = "expiring"
            else:
                agreement.state = "active"

    @api.constrains("date_start", "date_end")
    def _check_dates(self):
        for agreement in self:
            if agreement.date_end and agreement.date_end < agreement.date_start:
                raise ValidationError(
                    self.env._(
                        "The agreement %(agreement)s cannot end (%(end)s) before "
                        "it starts (%(start)s).",
                        agreement=agreement.name,
                        end=format_date(self.env, agreement.date_end),
                        start=format_date(self.env, agreement.date_start),
                    )
                )

    def write(self, vals):
        if "date_end" in vals:
            vals = dict(vals, expiry_notified=False)
        return super().write(vals)

    @api.model
    def _cron_agreement_expiry(self):
        """Refresh the states; one activity for the KAM per expiring agreement."""
        agreements = self.search([("state", "!=", "expired")])
        self.env.add_to_compute(self._fields["state"], agreements)
        agreements._recompute_recordset(["state"])
        expiring = agreements.filtered(
            lambda a: a.state == "expiring" and not a.expiry_notified and a.kam_user_id
        )
        self.env["mail.activity"]._kam_schedule_once(
            expiring,
            EXPIRY_ACTIVITY,
            {
                agreement.id: {
                    "user_id": agreement.kam_user_id.id,
                    "date_deadline": agreement.date_end,
                    "summary": self.env._(
                        "Agreement %(agreement)s ends on %(date)s: renew or "
                        "renegotiate it",
                        agreement=agreement.name,
                        date=format_date(self.env, agreement.date_end),
                    ),
                }
                for agreement in expiring
            },
        )
        expiring.write({"expiry_notified": True})
        return expiring
