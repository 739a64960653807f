"""Agreements negotiated with a key account and their expiry reminders."""

from datetime import timedelta

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import format_date

from .kam_html import clean_html_values

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
    _inherit = ["kam.guard.mixin", "mail.thread", "mail.activity.mixin"]
    _order = "date_end, id"
    _kam_recheck_fields = ("account_id", "company_id")
    _kam_system_fields = ("expiry_notified",)
    # HTML typed by users: stored without any reference to a resource outside
    # the text (see kam_html).
    _kam_html_fields = ("note",)

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
    currency_id = fields.Many2one(related="account_id.currency_id", compute_sudo=False)
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

    @api.constrains("amount")
    def _check_amount(self):
        for agreement in self:
            if agreement.amount < 0:
                raise ValidationError(
                    self.env._(
                        "%(field)s: the agreement %(agreement)s cannot have a "
                        "negative value.",
                        field=self._fields["amount"]._description_string(self.env),
                        agreement=agreement.name,
                    )
                )

    @api.constrains("account_id")
    def _check_key_account(self):
        for agreement in self:
            if not agreement.account_id.sudo().is_key_account:
                raise ValidationError(
                    self.env._(
                        "%(customer)s is not a key account: agreements are "
                        "recorded for key accounts only.",
                        customer=agreement.account_id.sudo().display_name,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        vals_list = [
            clean_html_values(vals, self._kam_html_fields) for vals in vals_list
        ]
        for vals in vals_list:
            self._kam_check_attachments(vals.get("attachment_ids"))
        agreements = super().create(vals_list)
        agreements._kam_bind_attachments()
        return agreements

    def write(self, vals):
        vals = clean_html_values(vals, self._kam_html_fields)
        self._kam_check_attachments(vals.get("attachment_ids"))
        res = super().write(vals)
        if "date_end" in vals:
            # sudo: the reminder flag is the application's (a new end date
            # deserves a new reminder).
            self.sudo().write({"expiry_notified": False})
        if "attachment_ids" in vals:
            self._kam_bind_attachments()
        return res

    def _kam_check_attachments(self, commands):
        """Only documents uploaded by the user or already on the agreement.

        The web client uploads a document unattached (or attached to the
        record being edited) before linking it; a document of another record
        must not be linked to an agreement.
        """
        if not commands or self.env.su:
            return
        ids = set()
        for command in commands:
            if isinstance(command, list | tuple):
                if command[0] == Command.LINK:
                    ids.add(command[1])
                elif command[0] == Command.SET:
                    ids.update(command[2])
            elif isinstance(command, int):
                ids.add(command)
        ids -= set(self.attachment_ids.ids)
        if not ids:
            return
        # sudo: to tell the user's own uploads from other records' documents
        # (their content stays unreadable either way).
        foreign = (
            self.env["ir.attachment"]
            .sudo()
            .browse(ids)
            .filtered(lambda a: not self._kam_own_upload(a))
        )
        if foreign:
            raise AccessError(
                self.env._(
                    "Only documents you upload to the agreement can be attached to it."
                )
            )

    def _kam_own_upload(self, attachment):
        """The user's own upload, not yet (or already) bound to these records."""
        if attachment.res_model == self._name and attachment.res_id in self.ids:
            return True
        return (
            attachment.create_uid == self.env.user
            and attachment.res_model in (False, self._name)
            and not attachment.res_id
        )

    def _kam_bind_attachments(self):
        # sudo: the documents belong to the agreement from now on.
        for agreement in self:
            agreement.attachment_ids.sudo().filtered(
                lambda a, rec=agreement: not a.res_id or a.res_model != rec._name
            ).write({"res_model": agreement._name, "res_id": agreement.id})

    @api.model
    def _cron_agreement_expiry(self):
        """Refresh the states; one activity for the KAM per expiring agreement."""
        agreements = self.search([("state", "!=", "expired")])
        self.env.add_to_compute(self._fields["state"], agreements)
        agreements._recompute_recordset(["state"])
        expiring = agreements.filtered(
            lambda a: a.state == "expiring" and not a.expiry_notified and a.kam_user_id
        )
        values = {}
        for agreement in expiring:
            # In the KAM's language, as the alerts' activities.
            env = agreement.with_context(lang=agreement.kam_user_id.lang).env
            values[agreement.id] = {
                "user_id": agreement.kam_user_id.id,
                "date_deadline": agreement.date_end,
                "summary": env._(
                    "Agreement %(agreement)s ends on %(date)s: renew or renegotiate it",
                    agreement=agreement.name,
                    date=format_date(env, agreement.date_end),
                ),
            }
        self.env["mail.activity"]._kam_schedule_once(expiring, EXPIRY_ACTIVITY, values)
        expiring.sudo().write({"expiry_notified": True})
        return expiring
